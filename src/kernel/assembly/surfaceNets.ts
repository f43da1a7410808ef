// AssemblyScript: the WebAssembly surface-nets kernel. The same algorithm, tables and output
// order as src/core/mesh/surfaceKernel.ts (TsSurfaceKernel, its test oracle); read that file
// first. Compiled by `npm run build:kernel` (asc, -O3, SIMD) into src/kernel/build/.
//
// Memory is ours from __heap_base up (runtime stub, no allocator): the lookup tables (written
// once by the loader), then per-run regions laid out by `begin` and reused by every later run
// whose slice size fits, so the expensive first touch of fresh memory happens once.

// ---- tables (offsets inside the table region; sizes match kernelTables.ts) ----
const T_SHEET_OF_SLOT: usize = 0; // i8[256*12]
const T_SHEET_COUNT: usize = 3072; // u8[256]
const T_FACE_SLOT: usize = 3328; // u8[24]
const T_EDGE_KIND: usize = 3352; // u8[24]
const T_EDGE_KEY_OFF: usize = 3376; // i8[72]
const T_EDGE_SECOND: usize = 3448; // u8[24]
const T_PINCH: usize = 3472; // u8[768]
const T_PINCH_SLOT: usize = 4240; // u8[24]
const T_PINCH_VOXEL_OFF: usize = 4264; // i8[36]
const T_SLOT_LOWER: usize = 4300; // u8[12]
const T_SLOT_AXES: usize = 4312; // u8[12]
const T_FACE_CORNERS: usize = 4324; // u8[72]
const T_FACE_LIST_START: usize = 4400; // u16[257]
const T_FACE_LIST: usize = 4928; // u8[≤ 3072]
const TABLE_BYTES: usize = 8000;

const PINCH_PULL: f64 = 0.2;

let tables: usize = 0;

// ---- settings ----
let nx: i32 = 0;
let ny: i32 = 0;
let W: i32 = 0; // padded row stride nx + 2
let CW: i32 = 0; // corner row stride nx + 1
let hasMask: bool = false;
let label: i32 = 0;
let valueKind: i32 = 0; // 0 none, 1 int16, 2 float32
let lo: f64 = 0;
let hi: f64 = 0;

// ---- regions ----
let capSliceVoxels: i32 = -1;
let capCorners: i32 = -1;
let stagingMask: usize = 0;
let stagingValues: usize = 0;
let inside0: usize = 0;
let inside1: usize = 0;
let values0: usize = 0;
let values1: usize = 0;
let cfg0: usize = 0;
let cfg1: usize = 0;
// Per padded voxel row of each slice: any voxel inside (u8). Per corner row of each layer: all
// eight rows around it empty, so the row was skipped and its cfg bytes are stale (u8).
let rowAny0: usize = 0;
let rowAny1: usize = 0;
let rowEmpty0: usize = 0;
let rowEmpty1: usize = 0;
// Corners of the current layer with a pinch edge, in scan order (i32), found by `corners`.
let pinchList: usize = 0;
let pinchListLength: i32 = 0;
let base0: usize = 0;
let base1: usize = 0;
let midX0: usize = 0;
let midX1: usize = 0;
let midY0: usize = 0;
let midY1: usize = 0;
let midZ: usize = 0;
// The chunk's output, kept for the whole run (and reused by later runs): positions (f32 × 3)
// then indices (u32 × 3), each with its capacity; the index region moves up when either grows.
let outStart: usize = 0;
let posCap: usize = 0; // floats
let idxStart: usize = 0;
let idxCap: usize = 0; // u32

// ---- state ----
let cur: i32 = 0;
let real0: bool = false;
let real1: bool = false;
let nextId: i32 = 0;
let posLen: i32 = 0; // floats written since begin
let idxLen: i32 = 0; // u32 written since begin
/** Vertices of a silent layer get ids from SILENT_BASE up (they are never output). */
const SILENT_BASE: i32 = -(1 << 30);
let silentVertices: i32 = 0;
let blockStart: i32 = 0;
let blockCount: i32 = 0;
/** Pinch edges found per layer parity: faces skip the pinch checks when both layers have none. */
let pinchCount0: i32 = 0;
let pinchCount1: i32 = 0;
let checkPinches: bool = true;

@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

function ensureMemory(end: usize): void {
  const have = <usize>memory.size() << 16;
  if (end <= have) return;
  const pages = <i32>((end - have + 0xffff) >> 16);
  if (memory.grow(pages) < 0) unreachable();
}

export function tablesPtr(): usize {
  if (tables == 0) {
    tables = align16(__heap_base);
    ensureMemory(tables + TABLE_BYTES);
  }
  return tables;
}

let layoutEnd: usize = 0;

/** The next region of `bytes` (16-byte aligned, 64 bytes of slack after it) in the layout. */
function region(bytes: usize): usize {
  const at = layoutEnd;
  layoutEnd = align16(at + bytes + 64);
  return at;
}

/** Lays out the per-run regions (reusing them when the slice fits) and resets the state. */
export function begin(nxIn: i32, nyIn: i32, hasMaskIn: bool, labelIn: i32, valueKindIn: i32, loIn: f64, hiIn: f64): void {
  tablesPtr();
  nx = nxIn;
  ny = nyIn;
  W = nx + 2;
  CW = nx + 1;
  hasMask = hasMaskIn;
  label = labelIn;
  valueKind = valueKindIn;
  lo = loIn;
  hi = hiIn;
  const sliceVoxels = W * (ny + 2);
  const corners = CW * (ny + 1);
  if (sliceVoxels > capSliceVoxels || corners > capCorners) {
    capSliceVoxels = sliceVoxels;
    capCorners = corners;
    // Byte regions, each followed by slack: SIMD loads and stores run up to 32 bytes past a row.
    layoutEnd = align16(tables + TABLE_BYTES);
    stagingMask = region(<usize>(nx * ny));
    stagingValues = region(<usize>(nx * ny) * 4);
    inside0 = region(<usize>sliceVoxels);
    inside1 = region(<usize>sliceVoxels);
    values0 = region(<usize>sliceVoxels * 4);
    values1 = region(<usize>sliceVoxels * 4);
    cfg0 = region(<usize>corners);
    cfg1 = region(<usize>corners);
    rowAny0 = region(<usize>(ny + 2));
    rowAny1 = region(<usize>(ny + 2));
    rowEmpty0 = region(<usize>(ny + 1));
    rowEmpty1 = region(<usize>(ny + 1));
    // Per-corner i32 tables.
    pinchList = region(<usize>corners * 4);
    base0 = region(<usize>corners * 4);
    base1 = region(<usize>corners * 4);
    midX0 = region(<usize>corners * 4);
    midX1 = region(<usize>corners * 4);
    midY0 = region(<usize>corners * 4);
    midY1 = region(<usize>corners * 4);
    midZ = region(<usize>corners * 4);
    const p = layoutEnd;
    ensureMemory(p);
    outStart = p;
    posCap = 0;
    idxStart = p;
    idxCap = 0;
  }
  memory.fill(inside0, 0, <usize>sliceVoxels);
  memory.fill(inside1, 0, <usize>sliceVoxels);
  memory.fill(rowAny0, 0, <usize>(ny + 2));
  memory.fill(rowAny1, 0, <usize>(ny + 2));
  cur = 0;
  real0 = false;
  real1 = false;
  nextId = 0;
  posLen = 0;
  idxLen = 0;
  silentVertices = 0;
  pinchCount0 = 0;
  pinchCount1 = 0;
}

export function stagingMaskPtr(): usize {
  return stagingMask;
}
export function stagingValuesPtr(): usize {
  return stagingValues;
}

@inline function insideOf(s: i32): usize {
  return s == 0 ? inside0 : inside1;
}
@inline function valuesOf(s: i32): usize {
  return s == 0 ? values0 : values1;
}

/** Takes the slice from the staging area (present) or an empty one, as the newest slice. */
export function pushSlice(present: bool): void {
  cur ^= 1;
  const ins = insideOf(cur);
  const vals = valuesOf(cur);
  if (cur == 0) real0 = present;
  else real1 = present;
  memory.fill(ins, 0, <usize>(W * (ny + 2)));
  const rowAny = cur == 0 ? rowAny0 : rowAny1;
  memory.fill(rowAny, 0, <usize>(ny + 2));
  if (!present) return;
  const zero = i8x16.splat(0);
  const one = i8x16.splat(1);
  for (let j = 0; j < ny; j++) {
    const dst = ins + <usize>(1 + (j + 1) * W);
    const row = <usize>(1 + (j + 1) * W);
    if (valueKind == 1) memory.copy(vals + (row << 1), stagingValues + (<usize>(j * nx) << 1), <usize>nx << 1);
    else if (valueKind == 2) memory.copy(vals + (row << 2), stagingValues + (<usize>(j * nx) << 2), <usize>nx << 2);
    if (hasMask) {
      const src = stagingMask + <usize>(j * nx);
      let i = 0;
      if (label == 0) {
        for (; i + 16 <= nx; i += 16) v128.store(dst + i, v128.andnot(one, i8x16.eq(v128.load(src + i), zero)));
        for (; i < nx; i++) store<u8>(dst + i, load<u8>(src + i) != 0 ? 1 : 0);
      } else {
        const l = i8x16.splat(<i8>label);
        for (; i + 16 <= nx; i += 16) v128.store(dst + i, v128.and(one, i8x16.eq(v128.load(src + i), l)));
        for (; i < nx; i++) store<u8>(dst + i, <i32>load<u8>(src + i) == label ? 1 : 0);
      }
    } else if (valueKind == 1) {
      // lo ≤ v ≤ hi on int16 values: the same as ceil(lo) ≤ v ≤ floor(hi) in integers.
      // Bounds beyond the int16 range clamp to it (32768 / −32769 select nothing).
      const loI = lo <= -32768 ? -32768 : lo > 32767 ? 32768 : <i32>Math.ceil(lo);
      const hiI = hi >= 32767 ? 32767 : hi < -32768 ? -32769 : <i32>Math.floor(hi);
      const src = stagingValues + (<usize>(j * nx) << 1);
      let i = 0;
      if (loI >= -32768 && hiI <= 32767 && loI <= hiI) {
        const l = i16x8.splat(<i16>loI);
        const h = i16x8.splat(<i16>hiI);
        for (; i + 16 <= nx; i += 16) {
          const a = v128.load(src + (<usize>i << 1));
          const b = v128.load(src + (<usize>(i + 8) << 1));
          const ina = v128.and(i16x8.ge_s(a, l), i16x8.le_s(a, h));
          const inb = v128.and(i16x8.ge_s(b, l), i16x8.le_s(b, h));
          v128.store(dst + i, v128.and(one, i8x16.narrow_i16x8_s(ina, inb)));
        }
      }
      for (; i < nx; i++) {
        const v = <i32>load<i16>(src + (<usize>i << 1));
        store<u8>(dst + i, v >= loI && v <= hiI ? 1 : 0);
      }
    } else {
      const src = stagingValues + (<usize>(j * nx) << 2);
      for (let i = 0; i < nx; i++) {
        const v = <f64>load<f32>(src + (<usize>i << 2));
        store<u8>(dst + i, v >= lo && v <= hi ? 1 : 0);
      }
    }
    // Row occupancy (the padded row's zero margins included, so 16-byte steps may overrun).
    let acc = zero;
    for (let i = 0; i < nx + 2; i += 16) acc = v128.or(acc, v128.load(dst - 1 + <usize>i));
    store<u8>(rowAny + <usize>(j + 1), v128.any_true(acc) ? 1 : 0);
  }
}

@inline function valueAt(buf: usize, p: i32): f64 {
  return valueKind == 1 ? <f64>load<i16>(buf + (<usize>p << 1)) : <f64>load<f32>(buf + (<usize>p << 2));
}

@inline function cfgOf(par: i32): usize {
  return par == 0 ? cfg0 : cfg1;
}
@inline function baseOf(par: i32): usize {
  return par == 0 ? base0 : base1;
}
/**
 * Makes room for one more layer's worst case: 4 sheets per corner, 2 midpoints on each of its 3
 * edges, a fan centre per face (3 faces per corner), up to 8 triangles per face.
 */
function reserveLayer(): void {
  const corners = <usize>(CW * (ny + 1));
  const needPos = <usize>posLen + corners * 13 * 3;
  const needIdx = <usize>idxLen + corners * 24 * 3;
  if (needPos <= posCap && needIdx <= idxCap) return;
  const newPosCap = max(needPos, posCap * 2);
  const newIdxCap = max(needIdx, idxCap * 2);
  const newIdxStart = align16(outStart + (newPosCap << 2));
  ensureMemory(newIdxStart + (newIdxCap << 2));
  if (newIdxStart != idxStart && idxLen > 0) memory.copy(newIdxStart, idxStart, <usize>idxLen << 2);
  idxStart = newIdxStart;
  posCap = newPosCap;
  idxCap = newIdxCap;
}

function addVertex(par: i32, x: f64, y: f64, z: f64): i32 {
  const p = outStart + (<usize>posLen << 2);
  store<f32>(p, <f32>x);
  store<f32>(p, <f32>y, 4);
  store<f32>(p, <f32>z, 8);
  posLen += 3;
  return nextId++;
}

@inline function coord(par: i32, id: i32, a: i32): f64 {
  const index = id >= 0 ? id + silentVertices : id - SILENT_BASE;
  return <f64>load<f32>(outStart + (<usize>(index * 3 + a) << 2));
}

@inline function vid(par: i32, ci: i32, slot: i32): i32 {
  const cfg = <i32>load<u8>(cfgOf(par) + <usize>ci);
  return load<i32>(baseOf(par) + (<usize>ci << 2)) + <i32>load<i8>(tables + T_SHEET_OF_SLOT + <usize>(cfg * 12 + slot));
}

function corners(c: i32, par: i32): void {
  pinchListLength = 0;
  const below = insideOf(cur ^ 1);
  const above = insideOf(cur);
  const vBelow = valuesOf(cur ^ 1);
  const vAbove = valuesOf(cur);
  const realBelow = cur == 0 ? real1 : real0;
  const realAbove = cur == 0 ? real0 : real1;
  const cfgs = cfgOf(par);
  const bases = baseOf(par);
  const zero = i8x16.splat(0);
  const one = i8x16.splat(1);
  const full = i8x16.splat(-1);
  const anyBelow = cur == 0 ? rowAny1 : rowAny0;
  const anyAbove = cur == 0 ? rowAny0 : rowAny1;
  const rowEmpty = par == 0 ? rowEmpty0 : rowEmpty1;
  for (let b = 0; b <= ny; b++) {
    // Corner row b sits between padded voxel rows b and b + 1 of both slices.
    const empty = (load<u8>(anyBelow + <usize>b) | load<u8>(anyBelow + <usize>(b + 1)) | load<u8>(anyAbove + <usize>b) | load<u8>(anyAbove + <usize>(b + 1))) == 0;
    store<u8>(rowEmpty + <usize>b, empty ? 1 : 0);
    if (empty) continue;
    let a = 0;
    while (a <= nx) {
      const p = a + b * W;
      // 16 corners at once: all outside or all inside → nothing to do but record it.
      if (a + 16 <= nx + 1) {
        const r0 = below + <usize>p;
        const r1 = r0 + <usize>W;
        const r2 = above + <usize>p;
        const r3 = r2 + <usize>W;
        const l0 = v128.load(r0);
        const l1 = v128.load(r0, 1);
        const l2 = v128.load(r1);
        const l3 = v128.load(r1, 1);
        const l4 = v128.load(r2);
        const l5 = v128.load(r2, 1);
        const l6 = v128.load(r3);
        const l7 = v128.load(r3, 1);
        const any = v128.or(v128.or(v128.or(l0, l1), v128.or(l2, l3)), v128.or(v128.or(l4, l5), v128.or(l6, l7)));
        const all = v128.and(v128.and(v128.and(l0, l1), v128.and(l2, l3)), v128.and(v128.and(l4, l5), v128.and(l6, l7)));
        const ci0 = a + b * CW;
        if (!v128.any_true(any)) {
          v128.store(cfgs + <usize>ci0, zero);
          a += 16;
          continue;
        }
        if (i8x16.all_true(i8x16.eq(all, one))) {
          v128.store(cfgs + <usize>ci0, full);
          a += 16;
          continue;
        }
      }
      const cfg =
        <i32>load<u8>(below + <usize>p) |
        (<i32>load<u8>(below + <usize>(p + 1)) << 1) |
        (<i32>load<u8>(below + <usize>(p + W)) << 2) |
        (<i32>load<u8>(below + <usize>(p + W + 1)) << 3) |
        (<i32>load<u8>(above + <usize>p) << 4) |
        (<i32>load<u8>(above + <usize>(p + 1)) << 5) |
        (<i32>load<u8>(above + <usize>(p + W)) << 6) |
        (<i32>load<u8>(above + <usize>(p + W + 1)) << 7);
      const ci = a + b * CW;
      store<u8>(cfgs + <usize>ci, cfg);
      if (cfg == 0 || cfg == 255) {
        a++;
        continue;
      }
      store<i32>(bases + (<usize>ci << 2), nextId);
      if ((load<u8>(tables + T_PINCH + <usize>cfg) | load<u8>(tables + T_PINCH + <usize>(256 + cfg)) | load<u8>(tables + T_PINCH + <usize>(512 + cfg))) != 0) {
        store<i32>(pinchList + (<usize>pinchListLength << 2), ci);
        pinchListLength++;
      }
      const n = <i32>load<u8>(tables + T_SHEET_COUNT + <usize>cfg);
      const cx = <f64>a - 0.5;
      const cy = <f64>b - 0.5;
      const cz = <f64>c - 0.5;
      const row = tables + T_SHEET_OF_SLOT + <usize>(cfg * 12);
      if (valueKind == 0) {
        // Mask only: every sheet's vertex is the lattice corner itself.
        for (let sh = 0; sh < n; sh++) addVertex(par, cx + 0.0, cy + 0.0, cz + 0.0);
        a++;
        continue;
      }
      // The corner's boundary faces, in slot order. Away from the volume's border every outside
      // voxel is in the volume, so the crossing needs no bounds check.
      const interior = a > 0 && a < nx && b > 0 && b < ny && realBelow && realAbove;
      const listStart = <usize>load<u16>(tables + T_FACE_LIST_START + (<usize>cfg << 1));
      const listEnd = <usize>load<u16>(tables + T_FACE_LIST_START + (<usize>(cfg + 1) << 1));
      if (n == 1) {
        // One sheet (almost every corner): sums in locals.
        let sx: f64 = 0, sy: f64 = 0, sz: f64 = 0;
        for (let e = listStart; e < listEnd; e++) {
          const s = <i32>load<u8>(tables + T_FACE_LIST + e);
          const axis = <i32>load<u8>(tables + T_SLOT_AXES + <usize>s);
          const q0 = <i32>load<u8>(tables + T_SLOT_LOWER + <usize>s);
          const q1 = q0 | (1 << axis);
          const lowerInside = ((cfg >> q0) & 1) == 1;
          const qi = lowerInside ? q0 : q1;
          const qo = lowerInside ? q1 : q0;
          const oAbove = (qo >> 2) & 1;
          if (!interior) {
            const ox = a - 1 + (qo & 1);
            const oy = b - 1 + ((qo >> 1) & 1);
            if (ox < 0 || oy < 0 || ox >= nx || oy >= ny || !(oAbove ? realAbove : realBelow)) continue;
          }
          const vi = valueAt((qi >> 2) & 1 ? vAbove : vBelow, p + (qi & 1) + ((qi >> 1) & 1) * W);
          const vo = valueAt(oAbove ? vAbove : vBelow, p + (qo & 1) + ((qo >> 1) & 1) * W);
          const bound = vo > hi ? hi : lo;
          let t: f64 = vi == vo ? 0.5 : (bound - vi) / (vo - vi);
          t = t < 0.01 ? 0.01 : t > 0.99 ? 0.99 : t;
          const off: f64 = lowerInside ? t - 0.5 : 0.5 - t;
          if (axis == 0) sx += off;
          else if (axis == 1) sy += off;
          else sz += off;
        }
        const count = <f64>(listEnd - listStart);
        addVertex(par, cx + sx / count, cy + sy / count, cz + sz / count);
        a++;
        continue;
      }
      // Per sheet: offset sums x, y, z and the face count (f64 ×4 each, in scratch memory).
      memory.fill(sheetSums, 0, 128);
      for (let e = listStart; e < listEnd; e++) {
        const s = <i32>load<u8>(tables + T_FACE_LIST + e);
        const sheet = <i32>load<i8>(row + <usize>s);
        const acc = sheetSums + (<usize>sheet << 5);
        store<f64>(acc, load<f64>(acc, 24) + 1.0, 24);
        const axis = <i32>load<u8>(tables + T_SLOT_AXES + <usize>s);
        const q0 = <i32>load<u8>(tables + T_SLOT_LOWER + <usize>s);
        const q1 = q0 | (1 << axis);
        const lowerInside = ((cfg >> q0) & 1) == 1;
        const qi = lowerInside ? q0 : q1;
        const qo = lowerInside ? q1 : q0;
        const ox = a - 1 + (qo & 1);
        const oy = b - 1 + ((qo >> 1) & 1);
        const oAbove = (qo >> 2) & 1;
        if (ox < 0 || oy < 0 || ox >= nx || oy >= ny || !(oAbove ? realAbove : realBelow)) continue;
        const vi = valueAt((qi >> 2) & 1 ? vAbove : vBelow, p + (qi & 1) + ((qi >> 1) & 1) * W);
        const vo = valueAt(oAbove ? vAbove : vBelow, p + (qo & 1) + ((qo >> 1) & 1) * W);
        const bound = vo > hi ? hi : lo;
        let t: f64 = vi == vo ? 0.5 : (bound - vi) / (vo - vi);
        t = t < 0.01 ? 0.01 : t > 0.99 ? 0.99 : t;
        const at = acc + (<usize>axis << 3);
        store<f64>(at, load<f64>(at) + (lowerInside ? t - 0.5 : 0.5 - t));
      }
      for (let sh = 0; sh < n; sh++) {
        const acc = sheetSums + (<usize>sh << 5);
        const count = load<f64>(acc, 24);
        addVertex(par, cx + load<f64>(acc) / count, cy + load<f64>(acc, 8) / count, cz + load<f64>(acc, 16) / count);
      }
      a++;
    }
  }
}

function pinches(c: i32, par: i32): void {
  const cfgs = cfgOf(par);
  for (let n = 0; n < pinchListLength; n++) {
    const ci = load<i32>(pinchList + (<usize>n << 2));
    const a = ci % CW;
    const b = ci / CW;
    const cfg = <i32>load<u8>(cfgs + <usize>ci);
    for (let kind = 0; kind < 3; kind++) {
      const pinch = <i32>load<u8>(tables + T_PINCH + <usize>(kind * 256 + cfg));
      if (pinch == 0 || (kind == 2 && c == 0)) continue;
      const otherPar = kind == 2 ? par ^ 1 : par;
      const other = kind == 0 ? ci + 1 : kind == 1 ? ci + CW : ci;
      const first = nextId;
      for (let r = 0; r < 2; r++) {
        const p = pinch == 1 ? (r == 0 ? 0 : 3) : r == 0 ? 1 : 2;
        const e0 = vid(par, ci, <i32>load<u8>(tables + T_PINCH_SLOT + <usize>((kind * 4 + p) * 2)));
        const e1 = vid(otherPar, other, <i32>load<u8>(tables + T_PINCH_SLOT + <usize>((kind * 4 + p) * 2 + 1)));
        const o = tables + T_PINCH_VOXEL_OFF + <usize>((kind * 4 + p) * 3);
        const vx = <f64>(a - 1 + <i32>load<i8>(o));
        const vy = <f64>(b - 1 + <i32>load<i8>(o, 1));
        const vz = <f64>(c - 1 + <i32>load<i8>(o, 2));
        const mx = (coord(par, e0, 0) + coord(otherPar, e1, 0)) / 2;
        const my = (coord(par, e0, 1) + coord(otherPar, e1, 1)) / 2;
        const mz = (coord(par, e0, 2) + coord(otherPar, e1, 2)) / 2;
        addVertex(par, mx + (vx - mx) * PINCH_PULL, my + (vy - my) * PINCH_PULL, mz + (vz - mz) * PINCH_PULL);
      }
      const mids = kind == 0 ? (par == 0 ? midX0 : midX1) : kind == 1 ? (par == 0 ? midY0 : midY1) : midZ;
      store<i32>(mids + (<usize>ci << 2), first);
      if (par == 0) pinchCount0++;
      else pinchCount1++;
    }
  }
}

@inline function addTriangle(x: i32, y: i32, z: i32): void {
  const p = idxStart + (<usize>idxLen << 2);
  store<i32>(p, x);
  store<i32>(p, y, 4);
  store<i32>(p, z, 8);
  idxLen += 3;
}

// Per-sheet sums of a corner (4 sheets × x, y, z, count as f64).
const sheetSums = memory.data(128, 16);
// Scratch ring of a pinched face: up to 8 vertex ids and their layer parities.
const ringIds = memory.data(32);
const ringPars = memory.data(32);

function face(i: i32, j: i32, k: i32, d: i32, par: i32): void {
  let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  let pinched = false;
  if (!checkPinches) {
    const base4 = d * 4;
    for (let s = 0; s < 4; s++) {
      const o = tables + T_FACE_CORNERS + <usize>((base4 + s) * 3);
      const q = vid((k + <i32>load<u8>(o, 2)) & 1, i + <i32>load<u8>(o) + (j + <i32>load<u8>(o, 1)) * CW, <i32>load<u8>(tables + T_FACE_SLOT + <usize>(base4 + s)));
      if (s == 0) q0 = q;
      else if (s == 1) q1 = q;
      else if (s == 2) q2 = q;
      else q3 = q;
    }
    addTriangle(q0, q1, q2);
    addTriangle(q0, q2, q3);
    return;
  }
  for (let s = 0; s < 4; s++) {
    const ds = d * 4 + s;
    const o = tables + T_FACE_CORNERS + <usize>(ds * 3);
    const z = k + <i32>load<u8>(o, 2);
    const q = vid(z & 1, i + <i32>load<u8>(o) + (j + <i32>load<u8>(o, 1)) * CW, <i32>load<u8>(tables + T_FACE_SLOT + <usize>ds));
    if (s == 0) q0 = q;
    else if (s == 1) q1 = q;
    else if (s == 2) q2 = q;
    else q3 = q;
    const e = tables + T_EDGE_KEY_OFF + <usize>(ds * 3);
    const kz = k + <i32>load<i8>(e, 2);
    const kind = <i32>load<u8>(tables + T_EDGE_KIND + <usize>ds);
    const kcfg = <i32>load<u8>(cfgOf(kz & 1) + <usize>(i + <i32>load<i8>(e) + (j + <i32>load<i8>(e, 1)) * CW));
    if (load<u8>(tables + T_PINCH + <usize>(kind * 256 + kcfg)) != 0) pinched = true;
  }
  if (!pinched) {
    addTriangle(q0, q1, q2);
    addTriangle(q0, q2, q3);
    return;
  }
  let n = 0;
  for (let s = 0; s < 4; s++) {
    const ds = d * 4 + s;
    const o = tables + T_FACE_CORNERS + <usize>(ds * 3);
    store<i32>(ringIds + (<usize>n << 2), s == 0 ? q0 : s == 1 ? q1 : s == 2 ? q2 : q3);
    store<i32>(ringPars + (<usize>n << 2), (k + <i32>load<u8>(o, 2)) & 1);
    n++;
    const e = tables + T_EDGE_KEY_OFF + <usize>(ds * 3);
    const kz = k + <i32>load<i8>(e, 2);
    const kci = i + <i32>load<i8>(e) + (j + <i32>load<i8>(e, 1)) * CW;
    const kind = <i32>load<u8>(tables + T_EDGE_KIND + <usize>ds);
    if (load<u8>(tables + T_PINCH + <usize>(kind * 256 + <i32>load<u8>(cfgOf(kz & 1) + <usize>kci))) == 0) continue;
    const mids = kind == 0 ? ((kz & 1) == 0 ? midX0 : midX1) : kind == 1 ? ((kz & 1) == 0 ? midY0 : midY1) : midZ;
    store<i32>(ringIds + (<usize>n << 2), load<i32>(mids + (<usize>kci << 2)) + <i32>load<u8>(tables + T_EDGE_SECOND + <usize>ds));
    store<i32>(ringPars + (<usize>n << 2), kz & 1);
    n++;
  }
  let cx: f64 = 0, cy: f64 = 0, cz: f64 = 0;
  for (let r = 0; r < n; r++) {
    const id = load<i32>(ringIds + (<usize>r << 2));
    const rp = load<i32>(ringPars + (<usize>r << 2));
    cx += coord(rp, id, 0);
    cy += coord(rp, id, 1);
    cz += coord(rp, id, 2);
  }
  const centre = addVertex(par, cx / <f64>n, cy / <f64>n, cz / <f64>n);
  for (let r = 0; r < n; r++) addTriangle(centre, load<i32>(ringIds + (<usize>r << 2)), load<i32>(ringIds + (<usize>((r + 1) % n) << 2)));
}

function faces(c: i32, par: i32): void {
  const below = insideOf(cur ^ 1);
  const above = insideOf(cur);
  const anyBelow = cur == 0 ? rowAny1 : rowAny0;
  const anyAbove = cur == 0 ? rowAny0 : rowAny1;
  // Faces between slices c − 1 and c.
  for (let j = 0; j < ny; j++) {
    if ((load<u8>(anyBelow + <usize>(j + 1)) | load<u8>(anyAbove + <usize>(j + 1))) == 0) continue;
    let i = 0;
    while (i < nx) {
      const p = i + 1 + (j + 1) * W;
      if (i + 16 <= nx && !v128.any_true(v128.xor(v128.load(below + <usize>p), v128.load(above + <usize>p)))) {
        i += 16;
        continue;
      }
      const lb = load<u8>(below + <usize>p);
      if (lb != load<u8>(above + <usize>p)) {
        if (lb) face(i, j, c - 1, 4, par);
        else face(i, j, c, 5, par);
      }
      i++;
    }
  }
  if (c == 0) return;
  // Side faces of slice c − 1: x then y.
  for (let j = 0; j < ny; j++) {
    if (load<u8>(anyBelow + <usize>(j + 1)) == 0) continue;
    let i = -1;
    while (i < nx) {
      const p = i + 1 + (j + 1) * W;
      if (i + 16 <= nx && !v128.any_true(v128.xor(v128.load(below + <usize>p), v128.load(below + <usize>p, 1)))) {
        i += 16;
        continue;
      }
      const l = load<u8>(below + <usize>p);
      if (l != load<u8>(below + <usize>(p + 1))) {
        if (l) face(i, j, c - 1, 0, par);
        else face(i + 1, j, c - 1, 1, par);
      }
      i++;
    }
  }
  for (let j = -1; j < ny; j++) {
    if ((load<u8>(anyBelow + <usize>(j + 1)) | load<u8>(anyBelow + <usize>(j + 2))) == 0) continue;
    let i = 0;
    while (i < nx) {
      const p = i + 1 + (j + 1) * W;
      if (i + 16 <= nx && !v128.any_true(v128.xor(v128.load(below + <usize>p), v128.load(below + <usize>(p + W))))) {
        i += 16;
        continue;
      }
      const l = load<u8>(below + <usize>p);
      if (l != load<u8>(below + <usize>(p + W))) {
        if (l) face(i, j, c - 1, 2, par);
        else face(i, j + 1, c - 1, 3, par);
      }
      i++;
    }
  }
}

/** Mode: 0 full, 1 ghost, 2 silent (see LayerMode in surfaceKernel.ts). */
export function layer(c: i32, mode: i32): void {
  const par = c & 1;
  reserveLayer();
  if (mode == 2) nextId = SILENT_BASE;
  blockStart = nextId;
  if (par == 0) pinchCount0 = 0;
  else pinchCount1 = 0;
  corners(c, par);
  if (mode != 2) pinches(c, par);
  blockCount = nextId - blockStart;
  checkPinches = pinchCount0 + pinchCount1 > 0;
  if (mode == 0) faces(c, par);
  if (mode == 2) {
    // Kept for the ghost layer's lookups, never output: real ids start at 0 after them.
    silentVertices = posLen / 3;
    nextId = 0;
    blockCount = 0;
    blockStart = 0;
  }
}

export function outBlockStart(): i32 {
  return blockStart;
}
export function outBlockVertices(): i32 {
  return blockCount;
}
/** The run's output so far (ids from 0; the silent layer's vertices excluded). */
export function outPositionsPtr(): usize {
  return outStart + (<usize>(silentVertices * 3) << 2);
}
export function outPositionsLength(): i32 {
  return posLen - silentVertices * 3;
}
export function outIndicesPtr(): usize {
  return idxStart;
}
export function outIndicesLength(): i32 {
  return idxLen;
}
