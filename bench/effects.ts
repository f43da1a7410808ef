/**
 * Segmentation effects benchmark (issue 6): every effect on a 512×512×400 labelmap, ours next to
 * the same operation in scipy.ndimage (Debian's python3-scipy), ratios in one run.
 *
 *   npm run bench -- effects [--runs 3] [--peer-runs 3] [--ops a,b,...] [--no-peer] [--no-steps] [--peer-4k] [--force]
 *   (= node --expose-gc --import tsx bench/effects.ts ...)
 *
 * 1. Fixture (not timed; skipped when bench/data/effects/meta.json has this FIXTURE_VERSION, or
 *    rewritten with --force): a deterministic skull-like mask, 512×512×400 at 0.5 × 0.5 × 0.8 mm,
 *    written as raw bytes (i fastest) to bench/data/effects/shell.u8, and a second segment
 *    ("brain", overlapping the inner table of the skull) to other.u8, so the peer reads the same
 *    bytes. The skull is a thick (4–9 mm) noisy ellipsoidal shell with a rough surface, 0.2%
 *    single-voxel pores, a few closed cavities, 9 holes (foramen magnum, orbits, burr holes), a
 *    separate vertebra and 5000 specks of 1–70 voxels.
 * 2. Ours, in a worker_thread (the Node counterpart of the app's segmentation worker): each pure
 *    operation called directly (src/core/segmentation/*), `--runs` times with gc() before each,
 *    median reported. Then a few of them as full steps through `applyStep` (segment mask
 *    extraction, effect, proposal box, region, writing the labelmap and building the undo
 *    delta) on a labelmap holding both segments, reset before each run outside the timing.
 *    Each op's first result is packed to bench/data/effects/ours/<op>.bits (outside the timing)
 *    for the agreement check.
 * 3. The peer: /usr/bin/python3 bench/effects_peer.py (scipy.ndimage + numpy), the same ops
 *    `--peer-runs` times in one process; it compares its results with ours outside the timing and
 *    prints JSON. Nothing runs in parallel: the two cores are shared with other work.
 *    With --peer-4k the peer runs a second time with numpy's madvise(MADV_HUGEPAGE) turned off
 *    (V8 never asks for huge pages; with THP set to 'madvise', as here, fresh memory costs numpy
 *    ~10× less to first write than us), for a like-for-like column.
 * 4. One table (ours ms, peer ms, ours / peer, ≤ 1 s?, differing voxels), written with the raw
 *    numbers to bench/results/effects-<date>.json.
 *
 * A benchmark, never a test: it prints timings and fails only when something breaks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { LabelGrid } from '../src/core/segmentation/grid';
import { fillCavities } from '../src/core/segmentation/fillHoles';
import { hollowMask } from '../src/core/segmentation/hollow';
import { keepLargest, removeSmallPieces } from '../src/core/segmentation/islands';
import { add, intersect, invert, subtract } from '../src/core/segmentation/logical';
import { marginMask } from '../src/core/segmentation/margin';
import { closeMask, gaussianSmooth, medianFilter, medianKernelVoxels, openMask } from '../src/core/segmentation/smoothing';
import { applyStep } from '../src/core/segmentation/steps';
import { rng } from '../test/helpers/syntheticSeries';
import type { EditVolume, Segmentation, Step } from '../src/core/segmentation/steps';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, 'data', 'effects');
const oursDir = join(dataDir, 'ours');
const resultsDir = join(here, 'results');

const FIXTURE_VERSION = 2;
const DIMS = [512, 512, 400] as const;
const SPACING = [0.5, 0.5, 0.8] as const;
const GRID: LabelGrid = { dimensions: DIMS, spacingMm: SPACING };
const N = DIMS[0] * DIMS[1] * DIMS[2];
/** Remove-small threshold: 10 mm³ = 50 voxels of 0.2 mm³. */
const MIN_PIECE_MM3 = 10;

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

// ——— The fixture ———

/** A per-voxel hash in [0, 1). */
function hash01(v: number, salt: number): number {
  let x = (v ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** Smooth value noise in [−1, 1] on a lattice of `cell` mm over the grid's extent. */
function valueNoise(cell: number, seed: number): (x: number, y: number, z: number) => number {
  const ext = DIMS.map((n, a) => n * SPACING[a]);
  const [lx, ly, lz] = ext.map((e) => Math.ceil(e / cell) + 3);
  const r = rng(seed);
  const lattice = new Float32Array(lx * ly * lz);
  for (let q = 0; q < lattice.length; q++) lattice[q] = r() * 2 - 1;
  const s = (t: number): number => t * t * (3 - 2 * t);
  return (x, y, z) => {
    const fx = x / cell + 1;
    const fy = y / cell + 1;
    const fz = z / cell + 1;
    const ix = Math.floor(fx);
    const iy = Math.floor(fy);
    const iz = Math.floor(fz);
    const tx = s(fx - ix);
    const ty = s(fy - iy);
    const tz = s(fz - iz);
    const b = ix + iy * lx + iz * lx * ly;
    const sy = lx;
    const sz = lx * ly;
    const c00 = lattice[b] + (lattice[b + 1] - lattice[b]) * tx;
    const c10 = lattice[b + sy] + (lattice[b + sy + 1] - lattice[b + sy]) * tx;
    const c01 = lattice[b + sz] + (lattice[b + sz + 1] - lattice[b + sz]) * tx;
    const c11 = lattice[b + sy + sz] + (lattice[b + sy + sz + 1] - lattice[b + sy + sz]) * tx;
    const c0 = c00 + (c10 - c00) * ty;
    const c1 = c01 + (c11 - c01) * ty;
    return c0 + (c1 - c0) * tz;
  };
}

interface FixtureMeta {
  readonly version: number;
  readonly dimensions: readonly number[];
  readonly spacingMm: readonly number[];
  readonly layout: string;
  readonly files: { readonly shell: string; readonly other: string };
  readonly shellVoxels: number;
  readonly otherVoxels: number;
  readonly overlapVoxels: number;
  readonly generateMs: number;
}

/** Writes the fixture (see the header) and returns its metadata. */
function makeFixture(): FixtureMeta {
  const t0 = performance.now();
  const [nx, ny, nz] = DIMS;
  const [sx, sy, sz] = SPACING;
  const nxy = nx * ny;
  const shell = new Uint8Array(N);
  const other = new Uint8Array(N);
  // Skull: ellipsoid centred in the grid, semi-axes (a, b, c) mm; ≥ 13 mm from every face.
  const cx = 128;
  const cy = 128;
  const cz = 165;
  const a = 95;
  const b = 113;
  const c = 118;
  const lowO = valueNoise(24, 11);
  const lowT = valueNoise(18, 12);
  const hiO = valueNoise(2.5, 13);
  const hiB = valueNoise(3, 14);
  const r = rng(2024);
  const unit = (v: number[]): number[] => {
    const l = Math.hypot(v[0], v[1], v[2]);
    return v.map((x) => x / l);
  };
  // Holes through the shell from the centre outwards: direction, radius mm.
  const holes: { u: number[]; r: number }[] = [
    { u: unit([0, -0.35, -1]), r: 16 }, // foramen magnum
    { u: unit([0.42, 0.85, 0.12]), r: 13 }, // orbits
    { u: unit([-0.42, 0.85, 0.12]), r: 13 },
  ];
  for (let h = 0; h < 6; h++) holes.push({ u: unit([r() * 2 - 1, r() * 2 - 1, r() * 1.4 - 0.2]), r: 2.5 + 3.5 * r() });
  const rhoMin = 1 - 13 / 95;
  const rhoMax = 1 + 4 / 95;
  for (let k = 0; k < nz; k++) {
    const Z = k * sz - cz;
    for (let j = 0; j < ny; j++) {
      const Y = j * sy - cy;
      const q = (Y / b) ** 2 + (Z / c) ** 2;
      if (q > rhoMax * rhoMax) continue;
      const row = j * nx + k * nxy;
      const xo = a * Math.sqrt(rhoMax * rhoMax - q);
      const xi = q < rhoMin * rhoMin ? a * Math.sqrt(rhoMin * rhoMin - q) : 0;
      // Brain: everything inside the band is inside it.
      if (xi > 0) other.fill(1, row + Math.max(0, Math.ceil((cx - xi) / sx)), row + Math.min(nx, Math.floor((cx + xi) / sx) + 1));
      const i0 = Math.max(0, Math.floor((cx - xo) / sx));
      const i1 = Math.min(nx - 1, Math.ceil((cx + xo) / sx));
      for (let i = i0; i <= i1; i++) {
        const X = i * sx - cx;
        const rho2 = (X / a) ** 2 + q;
        if (rho2 < rhoMin * rhoMin) {
          i = Math.max(i, Math.floor((cx + xi) / sx));
          continue;
        }
        // Signed distance to the ellipsoid, first order: f / |∇f| with f = ρ² − 1.
        const gx = X / (a * a);
        const gy = Y / (b * b);
        const gz = Z / (c * c);
        const d = (rho2 - 1) / (2 * Math.sqrt(gx * gx + gy * gy + gz * gz));
        const x = i * sx;
        const y = j * sy;
        const z = k * sz;
        const o = 2 * lowO(x, y, z) + 0.6 * hiO(x, y, z);
        const T = 6.5 + 2.5 * lowT(x, y, z);
        const e = d - o; // ≤ 0 inside the outer surface
        const v = row + i;
        if (e < -T + 1 + 0.8 * hiB(x, y, z)) other[v] = 1;
        let bone = e <= 0 && e > -T;
        // A rough outer surface: thresholding noise within half a millimetre of it.
        if (e > -0.5 && e <= 0 && hash01(v, 1) < 0.3) bone = false;
        if (e > 0 && e < 0.5 && hash01(v, 2) < 0.3) bone = true;
        // Pores in the diploë: single-voxel cavities.
        if (bone && e < -1 && e > -T + 1 && hash01(v, 3) < 0.002) bone = false;
        if (bone) {
          for (const h of holes) {
            const t = X * h.u[0] + Y * h.u[1] + Z * h.u[2];
            if (t <= 0) continue;
            const px = X - t * h.u[0];
            const py = Y - t * h.u[1];
            const pz = Z - t * h.u[2];
            if (px * px + py * py + pz * pz < h.r * h.r) {
              bone = false;
              break;
            }
          }
        }
        if (bone) shell[v] = 1;
      }
    }
  }
  /** Sets (value 1) or clears (0) an ellipsoid of semi-axes (rx, ry, rz) mm at (px, py, pz) mm. */
  const blob = (target: Uint8Array, px: number, py: number, pz: number, rx: number, ry: number, rz: number, value: 0 | 1): void => {
    const kLo = Math.max(0, Math.ceil((pz - rz) / sz));
    const kHi = Math.min(nz - 1, Math.floor((pz + rz) / sz));
    const jLo = Math.max(0, Math.ceil((py - ry) / sy));
    const jHi = Math.min(ny - 1, Math.floor((py + ry) / sy));
    const iLo = Math.max(0, Math.ceil((px - rx) / sx));
    const iHi = Math.min(nx - 1, Math.floor((px + rx) / sx));
    for (let k = kLo; k <= kHi; k++)
      for (let j = jLo; j <= jHi; j++)
        for (let i = iLo; i <= iHi; i++) {
          const w = ((i * sx - px) / rx) ** 2 + ((j * sy - py) / ry) ** 2 + ((k * sz - pz) / rz) ** 2;
          if (w <= 1) target[i + j * nx + k * nxy] = value;
        }
  };
  // Closed cavities (small sinuses) 4–5 mm under the outer surface.
  for (let h = 0; h < 12; h++) {
    const u = unit([r() * 2 - 1, r() * 2 - 1, r() * 2 - 1]);
    const t = 1 / Math.hypot(u[0] / a, u[1] / b, u[2] / c) - 4 - r();
    const rr = 1 + r();
    blob(shell, cx + t * u[0], cy + t * u[1], cz + t * u[2], rr * 1.4, rr, rr, 0);
  }
  // A vertebra below the foramen magnum: a separate, second-largest piece.
  blob(shell, cx, cy - 12, 26, 16, 13, 9, 1);
  blob(shell, cx, cy - 12, 26, 6, 6, 12, 0);
  // Specks: 1–70 voxels each, within a box ≥ 15 mm from every face.
  for (let s = 0; s < 5000; s++) {
    const px = 15 + r() * (nx * sx - 30);
    const py = 15 + r() * (ny * sy - 30);
    const pz = 15 + r() * (nz * sz - 30);
    const rr = 0.3 + 1.2 * r() ** 2;
    blob(shell, px, py, pz, rr, rr * (0.7 + 0.6 * r()), rr * (0.7 + 0.6 * r()), 1);
  }
  let shellVoxels = 0;
  let otherVoxels = 0;
  let overlapVoxels = 0;
  for (let v = 0; v < N; v++) {
    shellVoxels += shell[v];
    otherVoxels += other[v];
    overlapVoxels += shell[v] & other[v];
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'shell.u8'), shell);
  writeFileSync(join(dataDir, 'other.u8'), other);
  const meta: FixtureMeta = {
    version: FIXTURE_VERSION,
    dimensions: [...DIMS],
    spacingMm: [...SPACING],
    layout: 'uint8 0/1, i fastest (index i + j*nx + k*nx*ny); numpy: reshape(nz, ny, nx)',
    files: { shell: 'shell.u8', other: 'other.u8' },
    shellVoxels,
    otherVoxels,
    overlapVoxels,
    generateMs: performance.now() - t0,
  };
  writeFileSync(join(dataDir, 'meta.json'), JSON.stringify(meta, null, 2));
  return meta;
}

function loadOrMakeFixture(force: boolean): FixtureMeta {
  const metaPath = join(dataDir, 'meta.json');
  if (!force && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as FixtureMeta;
    if (meta.version === FIXTURE_VERSION && existsSync(join(dataDir, 'shell.u8')) && existsSync(join(dataDir, 'other.u8'))) return meta;
  }
  process.stderr.write('writing the fixture to bench/data/effects/ …\n');
  return makeFixture();
}

// ——— Ours (in the worker) ———

interface OpDef {
  readonly id: string;
  readonly what: string;
  readonly run: (shell: Uint8Array, other: Uint8Array) => Uint8Array;
}

/** The pure operations, called directly; ids are shared with effects_peer.py. */
const OPS: readonly OpDef[] = [
  { id: 'keep-largest-6', what: 'keepLargest, 6-connected', run: (m) => keepLargest(m, GRID, 6) },
  { id: 'keep-largest-26', what: 'keepLargest, 26-connected', run: (m) => keepLargest(m, GRID, 26) },
  { id: 'remove-small', what: `removeSmallPieces < ${MIN_PIECE_MM3} mm³, 6-connected`, run: (m) => removeSmallPieces(m, GRID, MIN_PIECE_MM3, 6) },
  { id: 'fill-holes', what: 'fillCavities (object 6, background 26)', run: (m) => fillCavities(m, GRID, 6) },
  { id: 'margin+3', what: 'marginMask +3 mm (grow)', run: (m) => marginMask(m, GRID, 3) },
  { id: 'margin-3', what: 'marginMask −3 mm (shrink)', run: (m) => marginMask(m, GRID, -3) },
  { id: 'hollow-2', what: 'hollowMask 2 mm, inside', run: (m) => hollowMask(m, GRID, { thicknessMm: 2, side: 'inside' }) },
  { id: 'median-3', what: 'medianFilter 3×3×3', run: (m) => medianFilter(m, GRID, { voxels: [3, 3, 3] }) },
  { id: 'opening-1', what: 'openMask 1 mm', run: (m) => openMask(m, GRID, 1) },
  { id: 'closing-1', what: 'closeMask 1 mm', run: (m) => closeMask(m, GRID, 1) },
  { id: 'gaussian-1', what: 'gaussianSmooth σ 1 mm, ≥ 0.5', run: (m) => gaussianSmooth(m, GRID, 1) },
  { id: 'add', what: 'add (union)', run: (m, o) => add(m, o) },
  { id: 'subtract', what: 'subtract', run: (m, o) => subtract(m, o) },
  { id: 'intersect', what: 'intersect', run: (m, o) => intersect(m, o) },
  { id: 'invert', what: 'invert', run: (m) => invert(m) },
];

/** Full steps through applyStep on the two-segment labelmap; `op` names the direct op with the same label-1 result. */
const STEPS: readonly { readonly id: string; readonly op: string; readonly step: Step }[] = [
  { id: 'step keep-largest', op: 'keep-largest-6', step: { op: 'keep-largest', label: 1 } },
  { id: 'step fill-holes', op: 'fill-holes', step: { op: 'fill-holes', label: 1 } },
  { id: 'step margin +3', op: 'margin+3', step: { op: 'margin', label: 1, mm: 3 } },
  { id: 'step hollow 2', op: 'hollow-2', step: { op: 'hollow', label: 1, thicknessMm: 2, side: 'inside' } },
  // sizeMm 1.5 with minVoxels 3 gives a 3×3×3 kernel on this grid (checked below).
  { id: 'step median 3³', op: 'median-3', step: { op: 'smooth', label: 1, method: 'median', sizeMm: 1.5 } },
  { id: 'step add', op: 'add', step: { op: 'logical', label: 1, operation: 'add', other: 2 } },
];

export interface OursOp {
  readonly id: string;
  readonly what: string;
  readonly ms: number[];
  readonly medianMs: number;
  /** CPU time of the worker thread per run (see threadCpuMs). */
  readonly cpuMs: number[];
  readonly medianCpuMs: number;
  readonly voxels: number;
}
export interface OursStep {
  readonly id: string;
  readonly step: Step;
  readonly ms: number[];
  readonly medianMs: number;
  readonly cpuMs: number[];
  readonly medianCpuMs: number;
  readonly changedVoxels: number;
  readonly deltaBytes: number;
  /** Label-1 voxels after the step that differ from the direct op's result. */
  readonly diffVsDirect: number;
}

/**
 * CPU time of the calling thread (user + system, ms; 10 ms resolution) from
 * /proc/thread-self/stat: with other work on the two cores, wall time includes waiting for a
 * core, CPU time does not (first-touch page faults count, as system time).
 */
function threadCpuMs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}
const CLK_TCK = 100;

/** The mask packed 8 voxels a byte, first voxel in the high bit (numpy.packbits' order). */
function packBits(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(mask.length / 8));
  for (let q = 0, v = 0; q < out.length; q++, v += 8) {
    let byte = 0;
    for (let t = 0; t < 8; t++) byte = (byte << 1) | (mask[v + t] ? 1 : 0);
    out[q] = byte;
  }
  return out;
}

const count = (m: Uint8Array): number => {
  let n = 0;
  for (let v = 0; v < m.length; v++) if (m[v] !== 0) n++;
  return n;
};

function runOurs(opts: { runs: number; ops: readonly string[] | undefined; steps: boolean }): void {
  const post = (msg: unknown): void => parentPort!.postMessage(msg);
  const log = (text: string): void => post({ log: text });
  const shell = new Uint8Array(readFileSync(join(dataDir, 'shell.u8')));
  const other = new Uint8Array(readFileSync(join(dataDir, 'other.u8')));
  mkdirSync(oursDir, { recursive: true });
  const k = medianKernelVoxels(GRID, 1.5, 3);
  if (k.join() !== '3,3,3') throw new Error(`median step kernel is ${k.join('×')}, expected 3×3×3`);

  // Reference: a fresh mask-sized array, allocated and written once (this VM's first-touch cost).
  const fresh: number[] = [];
  for (let r = 0; r < opts.runs; r++) {
    gc();
    const t0 = performance.now();
    new Uint8Array(N).fill(1);
    fresh.push(performance.now() - t0);
  }
  log(`  fresh ${N / 1e6} MB mask, alloc + fill: ${fresh.map((x) => x.toFixed(0)).join(' / ')} ms`);

  const results: OursOp[] = [];
  const direct = new Map<string, Uint8Array>();
  for (const op of OPS) {
    if (opts.ops && !opts.ops.includes(op.id)) continue;
    const ms: number[] = [];
    const cpuMs: number[] = [];
    let first: Uint8Array | undefined;
    for (let r = 0; r < opts.runs; r++) {
      gc();
      const c0 = threadCpuMs();
      const t0 = performance.now();
      const out = op.run(shell, other);
      ms.push(performance.now() - t0);
      cpuMs.push(threadCpuMs() - c0);
      first ??= out;
    }
    writeFileSync(join(oursDir, `${op.id}.bits`), packBits(first!));
    const voxels = count(first!);
    if (opts.steps && STEPS.some((s) => s.op === op.id)) direct.set(op.id, first!);
    results.push({ id: op.id, what: op.what, ms, medianMs: median(ms), cpuMs, medianCpuMs: median(cpuMs), voxels });
    log(`  ${op.id}: ${ms.map((x) => x.toFixed(0)).join(' / ')} ms (CPU ${cpuMs.map((x) => x.toFixed(0)).join(' / ')}), ${voxels} voxels`);
  }

  const steps: OursStep[] = [];
  if (opts.steps) {
    const pristine = new Uint8Array(N);
    for (let v = 0; v < N; v++) pristine[v] = shell[v] ? 1 : other[v] ? 2 : 0;
    const labels = new Uint8Array(N);
    // The steps here never read intensities (no range in a region): a 0-voxel stand-in saves 210 MB.
    const volume: EditVolume = { dimensions: DIMS, spacingMm: SPACING, originLps: [0, 0, 0], directionLps: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], voxels: new Int16Array(0) };
    for (const s of STEPS) {
      if (opts.ops && !opts.ops.includes(s.op)) continue;
      const ms: number[] = [];
      const cpuMs: number[] = [];
      let changedVoxels = 0;
      let deltaBytes = 0;
      let diffVsDirect = -1;
      for (let r = 0; r < opts.runs; r++) {
        labels.set(pristine);
        const seg: Segmentation = {
          labels,
          segments: [
            { label: 1, name: 'bone', colorRgb: [230, 220, 200] },
            { label: 2, name: 'brain', colorRgb: [216, 101, 79] },
          ],
        };
        gc();
        const c0 = threadCpuMs();
        const t0 = performance.now();
        const outcome = applyStep(seg, volume, s.step);
        ms.push(performance.now() - t0);
        cpuMs.push(threadCpuMs() - c0);
        if (r === 0) {
          changedVoxels = outcome.deltas.reduce((x, d) => x + d.changedVoxels, 0);
          deltaBytes = outcome.deltas.reduce((x, d) => x + d.runs.byteLength, 0);
          const ref = direct.get(s.op);
          if (ref) {
            diffVsDirect = 0;
            for (let v = 0; v < N; v++) if ((labels[v] === 1 ? 1 : 0) !== ref[v]) diffVsDirect++;
          }
        }
      }
      steps.push({ id: s.id, step: s.step, ms, medianMs: median(ms), cpuMs, medianCpuMs: median(cpuMs), changedVoxels, deltaBytes, diffVsDirect });
      log(`  ${s.id}: ${ms.map((x) => x.toFixed(0)).join(' / ')} ms, ${changedVoxels} changed, delta ${(deltaBytes / 1024).toFixed(0)} KiB, ${diffVsDirect} ≠ direct`);
    }
  }
  post({ done: { freshMs: fresh, freshMedianMs: median(fresh), ops: results, steps } });
}

// ——— The driver ———

interface PeerOp {
  readonly ms: number[];
  readonly median_ms: number;
  readonly cpu_ms: number[];
  readonly median_cpu_ms: number;
  readonly voxels: number;
  readonly diff: number | null;
  readonly how: string;
}
interface PeerOut {
  readonly env: Record<string, string>;
  readonly fresh_ms: number[];
  readonly fresh_median_ms: number;
  readonly ops: Record<string, PeerOp>;
}

function runWorker(data: unknown): Promise<{ freshMs: number[]; freshMedianMs: number; ops: OursOp[]; steps: OursStep[] }> {
  // tsx does not reach worker_threads by itself: register it in the worker, then load this file.
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const w = new Worker(boot, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    w.on('message', (m: { log?: string; done?: { freshMs: number[]; freshMedianMs: number; ops: OursOp[]; steps: OursStep[] } }) => {
      if (m.log) process.stderr.write(`${m.log}\n`);
      if (m.done) {
        resolve(m.done);
        void w.terminate();
      }
    });
    w.on('error', reject);
    w.on('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`worker exited with ${code}`));
    });
  });
}

/** HEAD and any uncommitted change under src/core/segmentation (what "ours" measured). */
function gitState(): { head: string; dirty: string[] } {
  const git = (...a: string[]): string => spawnSync('git', a, { cwd: join(here, '..'), encoding: 'utf8' }).stdout?.trim() ?? '';
  return { head: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', 'src/core/segmentation').split('\n').filter(Boolean) };
}

const loadNow = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const runs = Number(arg('--runs') ?? 3);
  const peerRuns = Number(arg('--peer-runs') ?? runs);
  const ops = arg('--ops')?.split(',');
  const peer = !process.argv.includes('--no-peer');
  const steps = !process.argv.includes('--no-steps');
  const load: Record<string, string> = { start: loadNow() };
  console.log(`effects benchmark: ${DIMS.join('×')} at ${SPACING.join(' × ')} mm, ${runs} runs (peer ${peerRuns}), load average ${load.start} on ${cpus().length} cores`);

  const meta = loadOrMakeFixture(process.argv.includes('--force'));
  console.log(`fixture: bone ${meta.shellVoxels} voxels (${((100 * meta.shellVoxels) / N).toFixed(1)}%), brain ${meta.otherVoxels}, overlap ${meta.overlapVoxels}`);

  console.log('\n=== ours (worker_thread) ===');
  const ours = await runWorker({ runs, ops, steps });
  load.afterOurs = loadNow();

  const runPeer = (extra: string[]): PeerOut => {
    const args = [join(here, 'effects_peer.py'), '--data', dataDir, '--runs', String(peerRuns), ...(ops ? ['--ops', ops.join(',')] : []), ...extra];
    const r = spawnSync('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`effects_peer.py failed (exit ${r.status ?? r.signal})`);
    return JSON.parse(r.stdout) as PeerOut;
  };
  let peerOut: PeerOut | undefined;
  let peer4k: PeerOut | undefined;
  if (peer) {
    console.log('\n=== peer: scipy.ndimage (/usr/bin/python3) ===');
    peerOut = runPeer([]);
    load.afterPeer = loadNow();
    if (process.argv.includes('--peer-4k')) {
      console.log("\n=== peer again, without numpy's huge pages (--no-hugepages) ===");
      peer4k = runPeer(['--no-hugepages']);
      load.afterPeer4k = loadNow();
    }
  }

  // The table.
  const fmt = (x: number | undefined): string => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const lines: string[] = [];
  const ratio = (a: number, b: number | undefined): string => (b ? (a / b).toFixed(a / b < 0.1 ? 3 : 2) : '–');
  const k4 = peer4k ? ' peer 4K ms | ours / peer 4K |' : '';
  lines.push(`| effect | ours ms | peer ms | ours / peer | ours CPU ms | peer CPU ms | ours / peer (CPU) |${k4} ours ≤ 1 s | voxels | ≠ peer | peer call |`);
  lines.push(`| --- | ---: | ---: | ---: | ---: | ---: | ---: |${peer4k ? ' ---: | ---: |' : ''} :---: | ---: | ---: | --- |`);
  const k4Cells = (a: number, b: number | undefined): string => (peer4k ? ` ${fmt(b)} | ${ratio(a, b)} |` : '');
  lines.push(
    `| (fresh ${(N / 2 ** 20).toFixed(0)} MiB mask: alloc + first write) | ${fmt(ours.freshMedianMs)} | ${fmt(peerOut?.fresh_median_ms)} | ${ratio(ours.freshMedianMs, peerOut?.fresh_median_ms)} | | | |${k4Cells(ours.freshMedianMs, peer4k?.fresh_median_ms)} | | | np.ones |`,
  );
  for (const o of ours.ops) {
    const p = peerOut?.ops[o.id];
    lines.push(
      `| ${o.id} | ${fmt(o.medianMs)} | ${fmt(p?.median_ms)} | ${ratio(o.medianMs, p?.median_ms)} | ${fmt(o.medianCpuMs)} | ${fmt(p?.median_cpu_ms)} | ${ratio(o.medianCpuMs, p?.median_cpu_ms)} |${k4Cells(o.medianMs, peer4k?.ops[o.id]?.median_ms)} ${o.medianMs <= 1000 ? 'yes' : '**no**'} | ${o.voxels} | ${p?.diff ?? '–'} | ${p?.how ?? ''} |`,
    );
  }
  const stepLines: string[] = [];
  if (ours.steps.length) {
    stepLines.push('| step (applyStep) | ms | CPU ms | direct op ms | step − direct | ≤ 1 s | changed voxels | delta KiB | label 1 ≠ direct |');
    stepLines.push('| --- | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: |');
    for (const s of ours.steps) {
      const d = ours.ops.find((o) => o.id === STEPS.find((x) => x.id === s.id)!.op);
      stepLines.push(
        `| ${s.id} | ${fmt(s.medianMs)} | ${fmt(s.medianCpuMs)} | ${fmt(d?.medianMs)} | ${d ? fmt(s.medianMs - d.medianMs) : '–'} | ${s.medianMs <= 1000 ? 'yes' : '**no**'} | ${s.changedVoxels} | ${(s.deltaBytes / 1024).toFixed(0)} | ${s.diffVsDirect} |`,
      );
    }
  }
  console.log('\n' + lines.join('\n'));
  if (stepLines.length) console.log('\n' + stepLines.join('\n'));
  console.log(`\nload average (1/5/15 min): start ${load.start}, after ours ${load.afterOurs}${load.afterPeer ? `, after peer ${load.afterPeer}` : ''}`);

  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `effects-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        bench: 'effects',
        git: gitState(),
        env: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, where: 'ours in a worker_thread; peer in /usr/bin/python3, one thread' },
        fixture: meta,
        runs,
        peerRuns,
        load,
        ours,
        peer: peerOut,
        peer4k,
        table: lines,
        stepTable: stepLines,
      },
      null,
      2,
    ),
  );
  console.log(`wrote ${file}`);
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const d = workerData as { runs: number; ops?: string[]; steps: boolean };
  runOurs({ runs: d.runs, ops: d.ops, steps: d.steps });
}
