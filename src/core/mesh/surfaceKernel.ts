import type { VoxelArray } from '../volume/volume';
import {
  EDGE_KEY_OFF,
  EDGE_KIND,
  EDGE_SECOND,
  FACE_CORNERS,
  FACE_SLOT,
  PINCH,
  PINCH_SLOT,
  PINCH_VOXEL_OFF,
  SHEET_COUNT,
  SHEET_OF_SLOT,
  SLOT_AXES,
  SLOT_LOWER_BITS,
} from './kernelTables';

/**
 * The surface-nets kernel contract, implemented in plain TypeScript here (the reference and
 * fallback) and in WebAssembly (src/kernel). A driver (surfaceNets.ts) feeds it one slice at a
 * time and collects what each lattice layer produces, so kernel memory is a few slices, reused
 * from run to run, whatever the volume size.
 *
 * Layer c (0 ≤ c ≤ nz) is the plane of lattice corners between voxel slices c − 1 and c; the
 * driver pushes slice c (or an empty one past the ends) before asking for layer c. Per layer the
 * kernel emits, in this order: the vertices of the layer's corners (one per sheet), the pinch
 * midpoints of its x and y edges and of the z edges coming up from layer c − 1 (the "vertex
 * block"); then the surface faces between slices c − 1 and c and the side faces of slice c − 1
 * as triangles, with the fan centres those need appended as vertices. Vertex ids count from 0 at
 * `begin`; positions are voxel coordinates (voxel (i, j, k) centred at (i, j, k)).
 *
 * Modes: 'full' emits everything; 'ghost' only the vertex block (a worker that starts at layer
 * c0 needs layer c0 − 1's vertices, owned by the previous worker); 'silent' only computes the
 * corners' positions (the ghost layer's z-edge midpoints need them) and emits nothing.
 */
export type LayerMode = 'full' | 'ghost' | 'silent';

export interface KernelSettings {
  readonly nx: number;
  readonly ny: number;
  /** Inside = mask value equal to `label`, or any non-zero value when `label` is 0. */
  readonly hasMask: boolean;
  readonly label: number;
  /** With values: vertices placed where values cross `lo`/`hi`; without a mask inside = lo ≤ v ≤ hi. */
  readonly valueKind: 'none' | 'int16' | 'float32';
  readonly lo: number;
  readonly hi: number;
}

export interface LayerResult {
  /** Id of the layer's first vertex, and the size of its vertex block (0 for a silent layer). */
  readonly blockStart: number;
  readonly blockVertices: number;
}

export interface KernelOutput {
  /** x, y, z per vertex (voxel coordinates), ids from 0; views valid until the next `begin`. */
  readonly positions: Float32Array;
  /** Three vertex ids per triangle, counter-clockwise seen from outside in voxel space. */
  readonly indices: Uint32Array;
}

export interface SurfaceKernel {
  readonly name: string;
  begin(settings: KernelSettings): void;
  /** The next slice (nx·ny voxels), or null for an empty slice beyond the volume. */
  pushSlice(mask: Uint8Array | null, values: VoxelArray | null): void;
  layer(c: number, mode: LayerMode): LayerResult;
  /** Everything emitted since `begin` (the kernel keeps and reuses this memory). */
  output(): KernelOutput;
}

/** Vertices of a silent layer get ids from here up; they are looked up but never output. */
export const SILENT_BASE = -(1 << 30);

/** Pull of a pinch-edge midpoint towards its own voxel centre. */
export const PINCH_PULL = 0.2;

class GrowF32 {
  data = new Float32Array(3 * 1024);
  length = 0;
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = new Float32Array(Math.max(this.data.length * 2, this.length + n));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/** The plain-TypeScript kernel: the test oracle of the WebAssembly one, and its fallback. */
export class TsSurfaceKernel implements SurfaceKernel {
  readonly name = 'typescript';
  private s!: KernelSettings;
  private rowStride = 0;
  private inside: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
  private values: [Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0)];
  private real: [boolean, boolean] = [false, false];
  /** Index of the slot holding the latest slice. */
  private cur = 0;
  private cfg: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
  private base: [Int32Array, Int32Array] = [new Int32Array(0), new Int32Array(0)];
  private midX: [Int32Array, Int32Array] = [new Int32Array(0), new Int32Array(0)];
  private midY: [Int32Array, Int32Array] = [new Int32Array(0), new Int32Array(0)];
  private midZ = new Int32Array(0);
  private pos = new GrowF32();
  private silentVertices = 0;
  private tris = new Uint32Array(3 * 1024);
  private triLength = 0;
  private nextId = 0;

  begin(settings: KernelSettings): void {
    this.s = settings;
    const { nx, ny } = settings;
    this.rowStride = nx + 2;
    const slice = (nx + 2) * (ny + 2);
    const corners = (nx + 1) * (ny + 1);
    if (this.inside[0].length !== slice) {
      this.inside = [new Uint8Array(slice), new Uint8Array(slice)];
      this.values = [new Float64Array(slice), new Float64Array(slice)];
    } else {
      this.inside[0].fill(0);
      this.inside[1].fill(0);
    }
    if (this.cfg[0].length !== corners) {
      this.cfg = [new Uint8Array(corners), new Uint8Array(corners)];
      this.base = [new Int32Array(corners), new Int32Array(corners)];
      this.midX = [new Int32Array(corners), new Int32Array(corners)];
      this.midY = [new Int32Array(corners), new Int32Array(corners)];
      this.midZ = new Int32Array(corners);
    }
    this.real = [false, false];
    this.cur = 0;
    this.nextId = 0;
    this.pos.length = 0;
    this.triLength = 0;
    this.silentVertices = 0;
  }

  pushSlice(mask: Uint8Array | null, values: VoxelArray | null): void {
    const { nx, ny, hasMask, label, valueKind, lo, hi } = this.s;
    this.cur ^= 1;
    const inside = this.inside[this.cur];
    const vals = this.values[this.cur];
    const present = hasMask ? mask !== null : values !== null;
    this.real[this.cur] = present;
    inside.fill(0);
    if (!present) return;
    if (hasMask && (!mask || mask.length !== nx * ny)) throw new Error(`surface kernel: mask slice must hold ${nx * ny} voxels`);
    if (valueKind !== 'none' && (!values || values.length !== nx * ny)) throw new Error(`surface kernel: value slice must hold ${nx * ny} voxels`);
    const W = this.rowStride;
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + j * nx;
        const p = i + 1 + (j + 1) * W;
        if (values) vals[p] = values[v];
        if (hasMask) inside[p] = label === 0 ? (mask![v] !== 0 ? 1 : 0) : mask![v] === label ? 1 : 0;
        else inside[p] = values![v] >= lo && values![v] <= hi ? 1 : 0;
      }
  }

  layer(c: number, mode: LayerMode): LayerResult {
    const { nx, ny } = this.s;
    const par = c & 1;
    if (mode === 'silent') this.nextId = SILENT_BASE;
    const blockStart = this.nextId;
    this.corners(c, par);
    if (mode !== 'silent') this.pinches(c, par);
    const blockVertices = this.nextId - blockStart;
    if (mode === 'full') this.faces(c, nx, ny);
    if (mode !== 'silent') return { blockStart, blockVertices };
    this.silentVertices = this.pos.length / 3;
    this.nextId = 0;
    return { blockStart: 0, blockVertices: 0 };
  }

  output(): KernelOutput {
    return { positions: this.pos.data.subarray(this.silentVertices * 3, this.pos.length), indices: this.tris.subarray(0, this.triLength) };
  }

  private addVertex(_par: number, x: number, y: number, z: number): number {
    const out = this.pos;
    out.reserve(3);
    out.data[out.length++] = x;
    out.data[out.length++] = y;
    out.data[out.length++] = z;
    return this.nextId++;
  }

  /** Position component `a` of vertex `id`. */
  private coord(_par: number, id: number, a: number): number {
    const index = id >= 0 ? id + this.silentVertices : id - SILENT_BASE;
    return this.pos.data[index * 3 + a];
  }

  private corners(c: number, par: number): void {
    const { nx, ny, valueKind, lo, hi } = this.s;
    const W = this.rowStride;
    const below = this.inside[this.cur ^ 1];
    const above = this.inside[this.cur];
    const vBelow = this.values[this.cur ^ 1];
    const vAbove = this.values[this.cur];
    const realBelow = this.real[this.cur ^ 1];
    const realAbove = this.real[this.cur];
    const cfgs = this.cfg[par];
    const bases = this.base[par];
    const CW = nx + 1;
    const sum = new Float64Array(12);
    const count = new Int32Array(4);
    for (let b = 0; b <= ny; b++)
      for (let a = 0; a <= nx; a++) {
        const p = a + b * W; // padded index of voxel (a − 1, b − 1)
        const cfg =
          below[p] | (below[p + 1] << 1) | (below[p + W] << 2) | (below[p + W + 1] << 3) |
          (above[p] << 4) | (above[p + 1] << 5) | (above[p + W] << 6) | (above[p + W + 1] << 7);
        const ci = a + b * CW;
        cfgs[ci] = cfg;
        if (cfg === 0 || cfg === 255) continue;
        bases[ci] = this.nextId;
        sum.fill(0);
        count.fill(0);
        for (let s = 0; s < 12; s++) {
          const sheet = SHEET_OF_SLOT[cfg * 12 + s];
          if (sheet < 0) continue;
          count[sheet]++;
          if (valueKind === 'none') continue;
          const axis = SLOT_AXES[s];
          const q0 = SLOT_LOWER_BITS[s];
          const q1 = q0 | (1 << axis);
          const lowerInside = ((cfg >> q0) & 1) === 1;
          const qi = lowerInside ? q0 : q1;
          const qo = lowerInside ? q1 : q0;
          // The outside voxel must lie in the volume for a crossing; otherwise the face stays mid-way.
          const ox = a - 1 + (qo & 1);
          const oy = b - 1 + ((qo >> 1) & 1);
          const oAbove = (qo >> 2) & 1;
          if (ox < 0 || oy < 0 || ox >= nx || oy >= ny || !(oAbove ? realAbove : realBelow)) continue;
          const vi = ((qi >> 2) & 1 ? vAbove : vBelow)[p + (qi & 1) + ((qi >> 1) & 1) * W];
          const vo = (oAbove ? vAbove : vBelow)[p + (qo & 1) + ((qo >> 1) & 1) * W];
          const bound = vo > hi ? hi : lo;
          let t = vi === vo ? 0.5 : (bound - vi) / (vo - vi);
          t = t < 0.01 ? 0.01 : t > 0.99 ? 0.99 : t;
          sum[sheet * 3 + axis] += lowerInside ? t - 0.5 : 0.5 - t;
        }
        const n = SHEET_COUNT[cfg];
        for (let sh = 0; sh < n; sh++)
          this.addVertex(par, a - 0.5 + sum[sh * 3] / count[sh], b - 0.5 + sum[sh * 3 + 1] / count[sh], c - 0.5 + sum[sh * 3 + 2] / count[sh]);
      }
  }

  /** Vertex id of the sheet holding `slot` at corner `ci` of layer buffer `par`. */
  private vid(par: number, ci: number, slot: number): number {
    return this.base[par][ci] + SHEET_OF_SLOT[this.cfg[par][ci] * 12 + slot];
  }

  private pinches(c: number, par: number): void {
    const { nx, ny } = this.s;
    const CW = nx + 1;
    const cfgs = this.cfg[par];
    for (let b = 0; b <= ny; b++)
      for (let a = 0; a <= nx; a++) {
        const ci = a + b * CW;
        const cfg = cfgs[ci];
        if (cfg === 0 || cfg === 255) continue;
        for (let kind = 0; kind < 3; kind++) {
          const pinch = PINCH[kind * 256 + cfg];
          if (pinch === 0 || (kind === 2 && c === 0)) continue;
          const otherPar = kind === 2 ? par ^ 1 : par;
          const other = kind === 0 ? ci + 1 : kind === 1 ? ci + CW : ci;
          const first = this.nextId;
          for (const p of pinch === 1 ? [0, 3] : [1, 2]) {
            const e0 = this.vid(par, ci, PINCH_SLOT[(kind * 4 + p) * 2]);
            const e1 = this.vid(otherPar, other, PINCH_SLOT[(kind * 4 + p) * 2 + 1]);
            const o = (kind * 4 + p) * 3;
            const centre = [a - 1 + PINCH_VOXEL_OFF[o], b - 1 + PINCH_VOXEL_OFF[o + 1], c - 1 + PINCH_VOXEL_OFF[o + 2]];
            const xyz = [0, 0, 0];
            for (let ax = 0; ax < 3; ax++) {
              const mid = (this.coord(par, e0, ax) + this.coord(otherPar, e1, ax)) / 2;
              xyz[ax] = mid + (centre[ax] - mid) * PINCH_PULL;
            }
            this.addVertex(par, xyz[0], xyz[1], xyz[2]);
          }
          (kind === 0 ? this.midX[par] : kind === 1 ? this.midY[par] : this.midZ)[ci] = first;
        }
      }
  }

  private addTriangle(x: number, y: number, z: number): void {
    if (this.triLength + 3 > this.tris.length) {
      const next = new Uint32Array(this.tris.length * 2);
      next.set(this.tris);
      this.tris = next;
    }
    this.tris[this.triLength++] = x;
    this.tris[this.triLength++] = y;
    this.tris[this.triLength++] = z;
  }

  /** Emits the face of inside voxel (i, j, k) in direction d. */
  private face(i: number, j: number, k: number, d: number, par: number): void {
    const CW = this.s.nx + 1;
    const q = [0, 0, 0, 0];
    let pinched = false;
    for (let s = 0; s < 4; s++) {
      const o = FACE_CORNERS[d][s];
      const z = k + o[2];
      q[s] = this.vid(z & 1, i + o[0] + (j + o[1]) * CW, FACE_SLOT[d * 4 + s]);
      const e = (d * 4 + s) * 3;
      const kz = k + EDGE_KEY_OFF[e + 2];
      const kind = EDGE_KIND[d * 4 + s];
      if (PINCH[kind * 256 + this.cfg[kz & 1][i + EDGE_KEY_OFF[e] + (j + EDGE_KEY_OFF[e + 1]) * CW]] !== 0) pinched = true;
    }
    if (!pinched) {
      this.addTriangle(q[0], q[1], q[2]);
      this.addTriangle(q[0], q[2], q[3]);
      return;
    }
    const ring: number[] = [];
    const ringPar: number[] = [];
    for (let s = 0; s < 4; s++) {
      const o = FACE_CORNERS[d][s];
      ring.push(q[s]);
      ringPar.push((k + o[2]) & 1);
      const e = (d * 4 + s) * 3;
      const kz = k + EDGE_KEY_OFF[e + 2];
      const kci = i + EDGE_KEY_OFF[e] + (j + EDGE_KEY_OFF[e + 1]) * CW;
      const kind = EDGE_KIND[d * 4 + s];
      if (PINCH[kind * 256 + this.cfg[kz & 1][kci]] === 0) continue;
      const mids = kind === 0 ? this.midX[kz & 1] : kind === 1 ? this.midY[kz & 1] : this.midZ;
      ring.push(mids[kci] + EDGE_SECOND[d * 4 + s]);
      ringPar.push(kz & 1);
    }
    let cx = 0;
    let cy = 0;
    let cz = 0;
    for (let r = 0; r < ring.length; r++) {
      cx += this.coord(ringPar[r], ring[r], 0);
      cy += this.coord(ringPar[r], ring[r], 1);
      cz += this.coord(ringPar[r], ring[r], 2);
    }
    const centre = this.addVertex(par, cx / ring.length, cy / ring.length, cz / ring.length);
    for (let r = 0; r < ring.length; r++) this.addTriangle(centre, ring[r], ring[(r + 1) % ring.length]);
  }

  private faces(c: number, nx: number, ny: number): void {
    const W = this.rowStride;
    const par = c & 1;
    const below = this.inside[this.cur ^ 1];
    const above = this.inside[this.cur];
    // Faces between slices c − 1 and c.
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + 1 + (j + 1) * W;
        if (below[p] === above[p]) continue;
        if (below[p]) this.face(i, j, c - 1, 4, par);
        else this.face(i, j, c, 5, par);
      }
    if (c === 0) return;
    // Side faces of slice c − 1: x then y.
    for (let j = 0; j < ny; j++)
      for (let i = -1; i < nx; i++) {
        const p = i + 1 + (j + 1) * W;
        if (below[p] === below[p + 1]) continue;
        if (below[p]) this.face(i, j, c - 1, 0, par);
        else this.face(i + 1, j, c - 1, 1, par);
      }
    for (let j = -1; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = i + 1 + (j + 1) * W;
        if (below[p] === below[p + W]) continue;
        if (below[p]) this.face(i, j, c - 1, 2, par);
        else this.face(i, j + 1, c - 1, 3, par);
      }
  }
}
