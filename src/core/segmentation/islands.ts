/**
 * Connected pieces of a binary mask (6-connectivity: voxels sharing a face), labelled by a
 * scanline flood fill. Layout `i + j*nx + k*nx*ny`.
 */
export interface Islands {
  /** 0 outside, 1..count for each piece. */
  readonly labels: Int32Array;
  readonly count: number;
  /** Voxel count per label (index 0 unused). */
  readonly sizes: readonly number[];
}

export function labelIslands(mask: Uint8Array, dims: readonly [number, number, number]): Islands {
  const [nx, ny, nz] = dims;
  const labels = new Int32Array(mask.length);
  const sizes = [0];
  const stack: number[] = [];
  const sliceSize = nx * ny;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = sizes.length;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length) {
      const v = stack.pop() as number;
      size++;
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / sliceSize);
      const visit = (w: number): void => {
        if (mask[w] && !labels[w]) {
          labels[w] = label;
          stack.push(w);
        }
      };
      if (i > 0) visit(v - 1);
      if (i < nx - 1) visit(v + 1);
      if (j > 0) visit(v - nx);
      if (j < ny - 1) visit(v + nx);
      if (k > 0) visit(v - sliceSize);
      if (k < nz - 1) visit(v + sliceSize);
    }
    sizes.push(size);
  }
  return { labels, count: sizes.length - 1, sizes };
}

/** A new mask holding only the largest 6-connected piece (ties: the first found). */
export function keepLargestIsland(mask: Uint8Array, dims: readonly [number, number, number]): Uint8Array {
  const { labels, sizes } = labelIslands(mask, dims);
  let best = 0;
  for (let l = 1; l < sizes.length; l++) if (sizes[l] > (sizes[best] ?? 0)) best = l;
  const out = new Uint8Array(mask.length);
  if (best) for (let v = 0; v < mask.length; v++) out[v] = labels[v] === best ? 1 : 0;
  return out;
}
