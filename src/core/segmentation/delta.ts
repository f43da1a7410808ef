import type { LabelGrid, VoxelBox } from './grid';

/**
 * What one edit changed in a labelmap, stored compactly so that undo keeps many steps in a
 * small budget (a full copy of a 512×512×400 labelmap is 105 MB; a brush stroke's delta is a
 * few hundred bytes, a whole-volume threshold's a few MB).
 *
 * Encoding: the voxels of `box` are visited in labelmap order (i fastest, then j, then k). The
 * changed ones are grouped into runs of consecutive voxels that share the same (before, after)
 * pair; each run is written as four fields: unchanged voxels skipped since the previous run
 * (LEB128 varint), run length (varint), the value before (1 byte), the value after (1 byte).
 */
export interface LabelDelta {
  readonly box: VoxelBox;
  readonly runs: Uint8Array;
  /** Voxels whose label changed. */
  readonly changedVoxels: number;
}

class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;
  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  varint(x: number): void {
    this.reserve(6);
    while (x >= 0x80) {
      this.buf[this.length++] = (x & 0x7f) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.length++] = x;
  }
  byte(x: number): void {
    this.reserve(1);
    this.buf[this.length++] = x;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/**
 * Builds a delta voxel by voxel in box order: `same()` for a voxel that keeps its label,
 * `change(before, after)` for one that changes.
 */
export class DeltaEncoder {
  private readonly out = new ByteWriter();
  private skip = 0;
  private runLength = 0;
  private runBefore = 0;
  private runAfter = 0;
  changed = 0;

  same(): void {
    if (this.runLength) this.flush();
    this.skip++;
  }

  /** `count` unchanged voxels at once. */
  skipMany(count: number): void {
    if (!count) return;
    if (this.runLength) this.flush();
    this.skip += count;
  }

  change(before: number, after: number): void {
    this.changed++;
    if (this.runLength && (before !== this.runBefore || after !== this.runAfter)) this.flush();
    if (!this.runLength) {
      this.runBefore = before;
      this.runAfter = after;
    }
    this.runLength++;
  }

  private flush(): void {
    this.out.varint(this.skip);
    this.out.varint(this.runLength);
    this.out.byte(this.runBefore);
    this.out.byte(this.runAfter);
    this.skip = 0;
    this.runLength = 0;
  }

  finish(box: VoxelBox): LabelDelta {
    if (this.runLength) this.flush();
    return { box, runs: this.out.bytes(), changedVoxels: this.changed };
  }
}

/**
 * Writes `after` (the new labels of `box`, in box order) into `labels` and returns the delta.
 * Voxels that keep their label cost nothing.
 */
export function commitBox(labels: Uint8Array, grid: Pick<LabelGrid, 'dimensions'>, box: VoxelBox, after: Uint8Array): LabelDelta {
  const [nx, ny] = grid.dimensions;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  const w = x1 - x0;
  if (after.length !== w * (y1 - y0) * (z1 - z0)) throw new Error(`box holds ${w * (y1 - y0) * (z1 - z0)} voxels, got ${after.length}`);
  const encoder = new DeltaEncoder();
  let b = 0;
  for (let k = z0; k < z1; k++) {
    for (let j = y0; j < y1; j++) {
      let v = x0 + j * nx + k * nx * ny;
      for (let i = 0; i < w; i++, v++, b++) {
        const was = labels[v];
        const now = after[b];
        if (was === now) encoder.same();
        else {
          encoder.change(was, now);
          labels[v] = now;
        }
      }
    }
  }
  return encoder.finish(box);
}

/**
 * Visits a delta's runs in order: `start` is the run's first voxel in box order (i fastest),
 * then its length and the values before and after.
 */
export function forEachRun(delta: LabelDelta, visit: (start: number, length: number, before: number, after: number) => void): void {
  const { runs } = delta;
  let p = 0;
  let b = 0;
  const varint = (): number => {
    let x = 0;
    let scale = 1;
    for (;;) {
      const byte = runs[p++];
      x += (byte & 0x7f) * scale;
      if (byte < 0x80) return x;
      scale *= 128;
    }
  };
  while (p < runs.length) {
    b += varint();
    const length = varint();
    const before = runs[p++];
    const after = runs[p++];
    visit(b, length, before, after);
    b += length;
  }
}

/** Replays a delta onto labels: `direction` 'undo' writes the values before, 'redo' those after. */
export function applyDelta(labels: Uint8Array, grid: Pick<LabelGrid, 'dimensions'>, delta: LabelDelta, direction: 'undo' | 'redo'): void {
  const [nx, ny] = grid.dimensions;
  const [x0, y0, z0] = delta.box.min;
  const [x1, y1] = delta.box.max;
  const w = x1 - x0;
  const h = y1 - y0;
  forEachRun(delta, (start, length, before, after) => {
    const value = direction === 'undo' ? before : after;
    let i = start % w;
    let j = Math.floor(start / w) % h;
    let k = Math.floor(start / (w * h));
    let v = x0 + i + (y0 + j) * nx + (z0 + k) * nx * ny;
    for (let n = 0; n < length; n++) {
      labels[v] = value;
      if (++i < w) {
        v++;
        continue;
      }
      i = 0;
      if (++j === h) {
        j = 0;
        k++;
      }
      v = x0 + (y0 + j) * nx + (z0 + k) * nx * ny;
    }
  });
}

/** The labels of `box` copied out in box order. */
export function readBox(labels: Uint8Array, grid: Pick<LabelGrid, 'dimensions'>, box: VoxelBox): Uint8Array {
  const [nx, ny] = grid.dimensions;
  const [x0, y0, z0] = box.min;
  const [x1, y1, z1] = box.max;
  const w = x1 - x0;
  const out = new Uint8Array(w * (y1 - y0) * (z1 - z0));
  let b = 0;
  for (let k = z0; k < z1; k++) {
    for (let j = y0; j < y1; j++, b += w) {
      const v = x0 + j * nx + k * nx * ny;
      out.set(labels.subarray(v, v + w), b);
    }
  }
  return out;
}

export const boxVoxels = (box: VoxelBox): number => (box.max[0] - box.min[0]) * (box.max[1] - box.min[1]) * (box.max[2] - box.min[2]);

/** The whole grid as a box. */
export const fullBox = (grid: Pick<LabelGrid, 'dimensions'>): VoxelBox => ({ min: [0, 0, 0], max: [...grid.dimensions] });

/** Box ∩ grid; undefined when empty. */
export function clipBox(box: VoxelBox, grid: Pick<LabelGrid, 'dimensions'>): VoxelBox | undefined {
  const min = box.min.map((m) => Math.max(0, Math.floor(m))) as [number, number, number];
  const max = box.max.map((m, a) => Math.min(grid.dimensions[a], Math.ceil(m))) as [number, number, number];
  return min[0] < max[0] && min[1] < max[1] && min[2] < max[2] ? { min, max } : undefined;
}

/**
 * Updates voxel counts per label (`counts[label]`) by a delta: `direction` 'redo' for a delta
 * just applied, 'undo' for one just reverted. Reads only the runs, not the labelmap.
 */
export function tallyDelta(counts: Float64Array, delta: LabelDelta, direction: 'undo' | 'redo'): void {
  forEachRun(delta, (_start, length, before, after) => {
    counts[direction === 'redo' ? before : after] -= length;
    counts[direction === 'redo' ? after : before] += length;
  });
}
