import type { VoxelArray } from '../volume/volume';
import { byteRepeat } from './bytes';
import type { HuRange } from './presets';

/**
 * Logical operators between masks and segments, and masked editing.
 *
 * Masks are `Uint8Array`s in the grid layout (`i + j*nx + k*nx*ny`), non-zero = inside; every
 * result is a new 0/1 mask (inputs are never mutated). Labelmaps hold a segment number per voxel
 * (0 = background). Operands must have the same number of voxels (a mismatch throws).
 *
 * Masked editing: an effect proposes a new mask; {@link applyEdit} takes it only where the edit
 * is allowed (inside an "editable" mask and/or where the volume's values are in a range) and
 * keeps the current mask everywhere else.
 */

function sameSize(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: masks have ${a.length} and ${b.length} voxels`);
}

/** `into` (checked) or a new mask of `n` voxels. */
function target(n: number, into: Uint8Array | undefined): Uint8Array {
  if (into && into.length !== n) throw new Error(`output mask has ${into.length} voxels, the operands ${n}`);
  return into ?? new Uint8Array(n);
}

/**
 * 32-bit views of byte arrays that share their alignment, covering bytes [head, head + 4·count);
 * undefined when the alignments differ (the caller then works byte by byte).
 */
function wordViews(arrays: readonly Uint8Array[]): { head: number; count: number; views: Uint32Array[] } | undefined {
  const n = arrays[0].length;
  const head = (4 - (arrays[0].byteOffset & 3)) & 3;
  if (arrays.some((x) => ((4 - (x.byteOffset & 3)) & 3) !== head) || n < head + 4) return undefined;
  const count = (n - head) >> 2;
  return { head, count, views: arrays.map((x) => new Uint32Array(x.buffer, x.byteOffset + head, count)) };
}

/** Per byte of a 32-bit word: 1 where the byte is non-zero, 0 elsewhere. */
const ones = (x: number): number => {
  x |= x >>> 4;
  x |= x >>> 2;
  x |= x >>> 1;
  return x & 0x01010101;
};

type Op = 'copy' | 'add' | 'subtract' | 'intersect' | 'invert';

function byteOp(op: Op, a: Uint8Array, b: Uint8Array, out: Uint8Array, from: number, to: number): void {
  switch (op) {
    case 'copy':
      for (let v = from; v < to; v++) out[v] = a[v] !== 0 ? 1 : 0;
      break;
    case 'add':
      for (let v = from; v < to; v++) out[v] = (a[v] | b[v]) !== 0 ? 1 : 0;
      break;
    case 'subtract':
      for (let v = from; v < to; v++) out[v] = a[v] !== 0 && b[v] === 0 ? 1 : 0;
      break;
    case 'intersect':
      for (let v = from; v < to; v++) out[v] = a[v] !== 0 && b[v] !== 0 ? 1 : 0;
      break;
    case 'invert':
      for (let v = from; v < to; v++) out[v] = a[v] === 0 ? 1 : 0;
      break;
  }
}

/** Runs `op` four voxels at a time where the arrays' alignment allows, byte by byte elsewhere. */
function maskOp(op: Op, a: Uint8Array, b: Uint8Array, out: Uint8Array): Uint8Array {
  const n = a.length;
  const w = wordViews([a, b, out]);
  if (!w) {
    byteOp(op, a, b, out, 0, n);
    return out;
  }
  byteOp(op, a, b, out, 0, w.head);
  const [wa, wb, wo] = w.views;
  const count = w.count;
  switch (op) {
    case 'copy':
      for (let q = 0; q < count; q++) wo[q] = ones(wa[q]);
      break;
    case 'add':
      for (let q = 0; q < count; q++) wo[q] = ones(wa[q] | wb[q]);
      break;
    case 'subtract':
      for (let q = 0; q < count; q++) wo[q] = ones(wa[q]) & ~ones(wb[q]);
      break;
    case 'intersect':
      for (let q = 0; q < count; q++) wo[q] = ones(wa[q]) & ones(wb[q]);
      break;
    case 'invert':
      for (let q = 0; q < count; q++) wo[q] = ones(wa[q]) ^ 0x01010101;
      break;
  }
  byteOp(op, a, b, out, w.head + 4 * count, n);
  return out;
}

// Every operator returns a new 0/1 mask, or writes into `into` when given (which may be one of
// the operands: an in-place edit without fresh memory, which costs ~3–5 ms/MB the first time it
// is written on these machines).

/** A 0/1 copy of `a`. */
export function copyMask(a: Uint8Array, into?: Uint8Array): Uint8Array {
  return maskOp('copy', a, a, target(a.length, into));
}

/** Union: inside `a` or inside `b`. */
export function add(a: Uint8Array, b: Uint8Array, into?: Uint8Array): Uint8Array {
  sameSize(a, b, 'add');
  return maskOp('add', a, b, target(a.length, into));
}

/** Difference: inside `a` and not inside `b`. */
export function subtract(a: Uint8Array, b: Uint8Array, into?: Uint8Array): Uint8Array {
  sameSize(a, b, 'subtract');
  return maskOp('subtract', a, b, target(a.length, into));
}

/** Intersection: inside both `a` and `b`. */
export function intersect(a: Uint8Array, b: Uint8Array, into?: Uint8Array): Uint8Array {
  sameSize(a, b, 'intersect');
  return maskOp('intersect', a, b, target(a.length, into));
}

/** Complement within the grid: every voxel of the grid not inside `a`. */
export function invert(a: Uint8Array, into?: Uint8Array): Uint8Array {
  return maskOp('invert', a, a, target(a.length, into));
}

/** An empty mask of the same size as `a` (`into` cleared when given). */
export function clearMask(a: Uint8Array, into?: Uint8Array): Uint8Array {
  if (!into) return new Uint8Array(a.length);
  return target(a.length, into).fill(0);
}

/** The 0/1 mask of segment `label` (1…255) of a labelmap (written into `into` when given). */
export function segmentMask(labels: Uint8Array, label: number, into?: Uint8Array): Uint8Array {
  checkLabel(label);
  // A fresh array is zero: write only the segment's voxels (fresh pages untouched elsewhere).
  if (!into) {
    const out = new Uint8Array(labels.length);
    for (let v = 0; v < labels.length; v++) if (labels[v] === label) out[v] = 1;
    return out;
  }
  target(labels.length, into);
  const w = wordViews([labels, into]);
  const head = w ? w.head : labels.length;
  const tail = w ? w.head + 4 * w.count : labels.length;
  for (let v = 0; v < head; v++) into[v] = labels[v] === label ? 1 : 0;
  if (w) {
    // Four voxels a word: bytes equal to the label are the zero bytes of x = word ^ rep, and
    // ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) sets bit 7 of exactly those (no carries between bytes).
    const [L, M] = w.views;
    const rep = byteRepeat(label);
    for (let q = 0; q < w.count; q++) {
      const x = L[q] ^ rep;
      M[q] = (~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080) >>> 7;
    }
  }
  for (let v = tail; v < labels.length; v++) into[v] = labels[v] === label ? 1 : 0;
  return into;
}

/** The 0/1 mask of every segment (all non-zero labels). */
export function anySegmentMask(labels: Uint8Array): Uint8Array {
  return copyMask(labels);
}

function checkLabel(label: number): void {
  if (!Number.isInteger(label) || label < 1 || label > 255) throw new Error(`segment label must be an integer in 1…255, got ${label}`);
}

/** Where an edit may change voxels; every given limit must hold (no limit: everywhere). */
export interface EditLimits {
  /** Editable where non-zero. */
  readonly mask?: Uint8Array;
  /** Editable where `range.lo ≤ value ≤ range.hi` (both ends inclusive, like thresholding); needs `range`. */
  readonly values?: VoxelArray;
  readonly range?: HuRange;
}

function checkLimits(n: number, limits: EditLimits): void {
  if (limits.mask && limits.mask.length !== n) throw new Error(`editable mask has ${limits.mask.length} voxels, the edit ${n}`);
  if ((limits.values === undefined) !== (limits.range === undefined)) throw new Error('an intensity limit needs both values and range');
  if (limits.values && limits.values.length !== n) throw new Error(`values have ${limits.values.length} voxels, the edit ${n}`);
  if (limits.range && !(limits.range.lo <= limits.range.hi)) throw new Error(`intensity range ${limits.range.lo}…${limits.range.hi} is empty`);
}

/** The 0/1 mask of the voxels an edit may change under `limits` (a grid of `n` voxels). */
export function editableMask(n: number, limits: EditLimits): Uint8Array {
  checkLimits(n, limits);
  const out = new Uint8Array(n);
  const { mask, values } = limits;
  const lo = limits.range?.lo ?? 0;
  const hi = limits.range?.hi ?? 0;
  if (mask && values) for (let v = 0; v < n; v++) out[v] = mask[v] !== 0 && values[v] >= lo && values[v] <= hi ? 1 : 0;
  else if (mask) for (let v = 0; v < n; v++) out[v] = mask[v] !== 0 ? 1 : 0;
  else if (values) for (let v = 0; v < n; v++) out[v] = values[v] >= lo && values[v] <= hi ? 1 : 0;
  else out.fill(1);
  return out;
}

/**
 * The result of an edit: `proposed` where the edit is allowed by `limits`, `current` elsewhere
 * (both read as non-zero = inside; the result is 0/1). One pass, no intermediate mask. `into`
 * (optional) receives the result and may be `current` itself.
 */
export function applyEdit(current: Uint8Array, proposed: Uint8Array, limits: EditLimits = {}, into?: Uint8Array): Uint8Array {
  sameSize(current, proposed, 'applyEdit');
  const n = current.length;
  checkLimits(n, limits);
  const out = target(n, into);
  const { mask, values } = limits;
  const lo = limits.range?.lo ?? 0;
  const hi = limits.range?.hi ?? 0;
  if (mask && values) {
    for (let v = 0; v < n; v++) {
      const x = values[v];
      out[v] = (mask[v] !== 0 && x >= lo && x <= hi ? proposed[v] : current[v]) !== 0 ? 1 : 0;
    }
  } else if (mask) {
    const bytes = (from: number, to: number): void => {
      for (let v = from; v < to; v++) out[v] = (mask[v] !== 0 ? proposed[v] : current[v]) !== 0 ? 1 : 0;
    };
    const w = wordViews([current, proposed, mask, out]);
    if (!w) bytes(0, n);
    else {
      bytes(0, w.head);
      const [wc, wp, wm, wo] = w.views;
      for (let q = 0; q < w.count; q++) {
        const m = ones(wm[q]);
        wo[q] = (ones(wp[q]) & m) | (ones(wc[q]) & ~m);
      }
      bytes(w.head + 4 * w.count, n);
    }
  } else if (values) {
    for (let v = 0; v < n; v++) {
      const x = values[v];
      out[v] = (x >= lo && x <= hi ? proposed[v] : current[v]) !== 0 ? 1 : 0;
    }
  } else {
    maskOp('copy', proposed, proposed, out);
  }
  return out;
}

export interface WriteSegmentOptions extends EditLimits {
  /**
   * Whether the segment may take voxels of other segments (default true: a labelmap holds one
   * segment per voxel, so they lose those voxels). With false, other segments' voxels are kept.
   */
  readonly overwrite?: boolean;
}

/**
 * A new labelmap where segment `label` becomes `mask`, within the limits: voxels inside `mask`
 * get `label` (other segments' voxels only when `overwrite`), voxels of `label` outside `mask`
 * become background. Outside the limits nothing changes. `into` (optional) receives the result
 * and may be `labels` itself.
 */
export function writeSegment(labels: Uint8Array, label: number, mask: Uint8Array, options: WriteSegmentOptions = {}, into?: Uint8Array): Uint8Array {
  checkLabel(label);
  sameSize(labels, mask, 'writeSegment');
  const n = labels.length;
  checkLimits(n, options);
  const overwrite = options.overwrite ?? true;
  const { mask: editable, values } = options;
  const lo = options.range?.lo ?? 0;
  const hi = options.range?.hi ?? 0;
  let out: Uint8Array;
  if (into) {
    out = target(n, into);
    if (out !== labels) out.set(labels);
  } else out = labels.slice();
  const change = (from: number, to: number): void => {
    for (let v = from; v < to; v++) {
      const old = labels[v];
      const inside = mask[v] !== 0;
      if (inside ? old === label || (old !== 0 && !overwrite) : old !== label) continue;
      if (editable && editable[v] === 0) continue;
      if (values && !(values[v] >= lo && values[v] <= hi)) continue;
      out[v] = inside ? label : 0;
    }
  };
  // Only voxels inside `mask` or holding `label` can change: skip 4-voxel words with neither.
  const w = wordViews([labels, mask]);
  if (!w) change(0, n);
  else {
    change(0, w.head);
    const [wl, wm] = w.views;
    const pattern = Math.imul(label, 0x01010101);
    for (let q = 0; q < w.count; q++) {
      const x = wl[q] ^ pattern; // a zero byte where the label is `label`
      if (wm[q] === 0 && ((x - 0x01010101) & ~x & 0x80808080) === 0) continue;
      const v = w.head + 4 * q;
      change(v, v + 4);
    }
    change(w.head + 4 * w.count, n);
  }
  return out;
}
