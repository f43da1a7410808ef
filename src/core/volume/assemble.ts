import { VoxelprintError } from '../errors';
import { paddingFill } from '../dicom/pixels';
import type { VolumePlan } from '../dicom/series';
import type { Volume, VolumeWarning, VoxelArray } from './volume';

/**
 * Builds a volume from decoded slices as they arrive, in any order, straight into the final
 * voxel buffer (no second copy of the volume).
 *
 * Without resampling, source slice k is copied into output slice k. With resampling (gantry
 * tilt, non-uniform spacing, missing slices), each output slice needs at most two source
 * slices; a source slice is kept only until every output slice that needs it is written.
 */
export class VolumeAssembler {
  private voxels: VoxelArray;
  private readonly sliceSize: number;
  private readonly pending = new Map<number, Int16Array | Float32Array>();
  private readonly refs: number[];
  /** Per source slice, the output slices made from it (resampled stacks). */
  private readonly outputsOf: number[][];
  /** Per output slice: 1 once its values are in the volume. */
  readonly sliceReady: Uint8Array;
  private received = 0;
  private paddedVoxels = 0;
  private promoted = false;
  private readonly fill: number;
  /** The shared buffer workers write into directly (cross-origin isolated pages only). */
  private readonly shared?: Int16Array | Float32Array;

  constructor(
    readonly plan: VolumePlan,
    opts: { shared?: boolean } = {},
  ) {
    const [nx, ny, nz] = plan.geometry.dimensions;
    this.sliceSize = nx * ny;
    const n = nx * ny * nz;
    const bytesPerVoxel = plan.preferInt16 ? 2 : 4;
    // Direct writes need a 1:1 slice mapping (no resampling) and SharedArrayBuffer.
    const useShared = Boolean(opts.shared) && !plan.outputs && typeof SharedArrayBuffer !== 'undefined';
    const buffer = useShared ? new SharedArrayBuffer(n * bytesPerVoxel) : new ArrayBuffer(n * bytesPerVoxel);
    this.voxels = plan.preferInt16 ? new Int16Array(buffer) : new Float32Array(buffer);
    if (useShared) this.shared = this.voxels;
    this.fill = paddingFill(plan.modality);
    this.refs = plan.sources.map(() => 0);
    this.outputsOf = plan.sources.map(() => []);
    this.sliceReady = new Uint8Array(nz);
    plan.outputs?.forEach((o, k) => {
      this.refs[o.a]++;
      this.outputsOf[o.a].push(k);
      if (o.b === o.a) return;
      this.refs[o.b]++;
      this.outputsOf[o.b].push(k);
    });
  }

  get sourcesReceived(): number {
    return this.received;
  }

  /**
   * Where a worker may write source slice k directly: values of `type` at element offset
   * `k * sliceSize` of `buffer`. Undefined unless the page can share memory and no resampling
   * is needed.
   */
  get sharedTarget(): { buffer: SharedArrayBuffer; type: 'int16' | 'float32'; sliceSize: number } | undefined {
    if (!this.shared) return undefined;
    return { buffer: this.shared.buffer as SharedArrayBuffer, type: this.shared instanceof Int16Array ? 'int16' : 'float32', sliceSize: this.sliceSize };
  }

  /** Source slice `index` was written straight into `sharedTarget` by a worker. */
  markWritten(index: number, paddedVoxels = 0): void {
    if (!this.shared) throw new VoxelprintError('decode-failed', 'no shared volume buffer to write into');
    this.received++;
    this.paddedVoxels += paddedVoxels;
    this.sliceReady[index] = 1;
    // After a promotion to Float32 the volume lives elsewhere: copy the slice over.
    if (this.voxels !== this.shared) {
      const from = index * this.sliceSize;
      this.voxels.set(this.shared.subarray(from, from + this.sliceSize), from);
    }
  }

  /** Accepts the modality values of source slice `index` (an index into plan.sources). */
  put(index: number, values: Int16Array | Float32Array, paddedVoxels = 0): void {
    if (values.length !== this.sliceSize) {
      throw new VoxelprintError('decode-failed', `slice ${index + 1} has ${values.length} pixels, expected ${this.sliceSize}`);
    }
    this.received++;
    this.paddedVoxels += paddedVoxels;
    if (values instanceof Float32Array && this.voxels instanceof Int16Array) this.promote();
    const outputs = this.plan.outputs;
    if (!outputs) {
      this.voxels.set(values, index * this.sliceSize);
      this.sliceReady[index] = 1;
      return;
    }
    this.pending.set(index, values);
    // Only the output slices made from this source (each uses one or two).
    for (const k of this.outputsOf[index]) {
      const o = outputs[k];
      if (this.sliceReady[k]) continue;
      const a = this.pending.get(o.a);
      const b = this.pending.get(o.b);
      if (!a || !b) continue;
      this.writeOutput(k, a, b, o.a, o.b, o.t);
      this.sliceReady[k] = 1;
      for (const s of o.a === o.b ? [o.a] : [o.a, o.b]) if (--this.refs[s] === 0) this.pending.delete(s);
    }
  }

  /** Int16 values turned out not to fit (e.g. unsigned 16-bit MR): continue in Float32. */
  private promote(): void {
    this.voxels = Float32Array.from(this.voxels);
    this.promoted = true;
  }

  private writeOutput(k: number, a: ArrayLike<number>, b: ArrayLike<number>, ia: number, ib: number, t: number): void {
    const [nx, ny] = this.plan.geometry.dimensions;
    const out = this.voxels;
    const base = k * this.sliceSize;
    const [sa, sb] = [this.plan.sources[ia].shiftPx, this.plan.sources[ib].shiftPx];
    const isInt = out instanceof Int16Array;
    if (!this.plan.shifted) {
      for (let p = 0; p < this.sliceSize; p++) {
        const v = t === 0 ? a[p] : a[p] + (b[p] - a[p]) * t;
        out[base + p] = isInt ? Math.round(v) : v;
      }
      return;
    }
    // Output pixel (i, j) lies at source pixel (i - shift.u, j - shift.v): bilinear sample.
    const sample = (src: ArrayLike<number>, x: number, y: number): number => {
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      if (x0 < 0 || y0 < 0 || x0 >= nx || y0 >= ny) return this.fill;
      const x1 = Math.min(x0 + 1, nx - 1);
      const y1 = Math.min(y0 + 1, ny - 1);
      if ((fx > 1e-9 && x0 + 1 >= nx) || (fy > 1e-9 && y0 + 1 >= ny)) return this.fill;
      const v00 = src[x0 + y0 * nx];
      const v10 = src[x1 + y0 * nx];
      const v01 = src[x0 + y1 * nx];
      const v11 = src[x1 + y1 * nx];
      return (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy;
    };
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const va = sample(a, i - sa[0], j - sa[1]);
        const v = t === 0 ? va : va + (sample(b, i - sb[0], j - sb[1]) - va) * t;
        out[base + i + j * nx] = isInt ? Math.round(v) : v;
      }
    }
  }

  /**
   * The volume as assembled so far, for a progressive display: the final geometry and voxel
   * buffer, in which only the slices flagged in `sliceReady` hold their values yet. Ask again
   * after each slice (a promotion to Float32 replaces the buffer).
   */
  partial(): Volume {
    return this.volume([...this.plan.warnings]);
  }

  /** The finished volume; throws if slices are missing. */
  finish(): Volume {
    const expected = this.plan.sources.length;
    if (this.received !== expected) {
      throw new VoxelprintError('decode-failed', `only ${this.received} of ${expected} slices were decoded`);
    }
    const warnings: VolumeWarning[] = [...this.plan.warnings];
    if (this.paddedVoxels) {
      warnings.push({
        code: 'pixel-padding',
        message: `${this.paddedVoxels} padding pixels (outside the scanned field) set to ${this.fill}${this.plan.unit ? ` ${this.plan.unit}` : ''}`,
      });
    }
    if (this.promoted) {
      warnings.push({ code: 'promoted-to-float', message: 'values exceed the 16-bit signed range: stored as 32-bit float' });
    }
    return this.volume(warnings);
  }

  private volume(warnings: VolumeWarning[]): Volume {
    const { geometry } = this.plan;
    return {
      ...geometry,
      voxels: this.voxels,
      modality: this.plan.modality,
      unit: this.plan.unit,
      windowPresets: this.plan.windowPresets,
      invertDisplay: this.plan.invertDisplay,
      seriesInstanceUid: this.plan.seriesInstanceUid,
      warnings,
    };
  }
}
