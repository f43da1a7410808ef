/**
 * The volumes of the meshing benchmark, loaded once through the core (the same calls as
 * `voxelprint volume`: listInputFiles + scanFiles + loadVolume) and written as raw little-endian
 * Int16 plus a JSON of geometry and range into bench/data/mesh/, so the Node runs and the
 * browser worker (which fetches them under /data/mesh/) mesh exactly the same voxels:
 *
 * - `ct-phantom`: public/samples/ct-phantom (`npm run samples`), 256×236×120, 0.8×0.9×1.5 mm,
 *   oblique; bone preset 226..3071 HU.
 * - `mri-colin27`: public/samples/mri-colin27, 150×185×158, 1 mm; values 500..1012 (stored MR
 *   units, not HU; the brain of this T1 template — the HU presets mean nothing on MR).
 * - `ct-phantom-512` (only with --512): the CT phantom resampled trilinearly onto 512×512×512
 *   voxels over the same field: same origin (centre of voxel 0) and direction, spacing
 *   s·(n−1)/511 per axis (0.399 × 0.414 × 0.349 mm), each voxel the trilinear interpolation of
 *   the 8 surrounding phantom voxels, rounded to int16. The phantom's hard edges become
 *   1–4 voxel ramps, like partial volume in a real CT. Bone preset 226..3071 HU. 268 MB.
 *
 * Run: npx tsx bench/mesh-volumes.ts [--512] [--force]   (bench/mesh-bench.mjs runs it first)
 * Files are reused when present (same BUILD_VERSION); --force rebuilds them.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listInputFiles, nodeCodecs } from '../src/cli/nodeIo';
import { loadVolume, scanFiles } from '../src/core/dicom/load';
import { presetById } from '../src/core/segmentation/presets';
import type { HuRange } from '../src/core/segmentation/presets';
import { countInRange } from '../src/core/segmentation/threshold';
import type { Vec3 } from '../src/core/geometry/vec3';
import type { Volume } from '../src/core/volume/volume';
import type { MeshVolume } from './mesh-ours';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
export const MESH_DATA_DIR = join(here, 'data', 'mesh');
const BUILD_VERSION = 1;

export type VolumeName = 'ct-phantom' | 'mri-colin27' | 'ct-phantom-512';
export const VOLUME_NAMES: readonly VolumeName[] = ['ct-phantom', 'mri-colin27', 'ct-phantom-512'];

/** bench/data/mesh/<name>.json; the voxels are in <name>.i16 next to it. */
export interface MeshVolumeMeta {
  readonly version: number;
  readonly name: VolumeName;
  readonly description: string;
  readonly dimensions: [number, number, number];
  readonly spacingMm: Vec3;
  readonly originLps: Vec3;
  readonly directionLps: [Vec3, Vec3, Vec3];
  readonly modality: string;
  readonly unit: string;
  readonly range: HuRange;
  readonly rangeLabel: string;
  readonly file: string;
  readonly bytes: number;
  readonly insideVoxels: number;
}

const bone = presetById('bone') as HuRange;
const SPECS: Record<VolumeName, { description: string; range: HuRange; rangeLabel: string }> = {
  'ct-phantom': {
    description: 'public/samples/ct-phantom (CT head phantom, oblique, anisotropic)',
    range: { lo: bone.lo, hi: bone.hi },
    rangeLabel: `bone ${bone.lo}..${bone.hi} HU`,
  },
  'mri-colin27': {
    description: 'public/samples/mri-colin27 (Colin27 T1 MRI template)',
    range: { lo: 500, hi: 1012 },
    rangeLabel: '500..1012 (MR units)',
  },
  'ct-phantom-512': {
    description: 'ct-phantom resampled trilinearly to 512³ over the same field (same origin and direction)',
    range: { lo: bone.lo, hi: bone.hi },
    rangeLabel: `bone ${bone.lo}..${bone.hi} HU`,
  },
};

async function loadSample(dir: string): Promise<Volume> {
  const files = await listInputFiles(join(root, 'public/samples', dir));
  const scan = await scanFiles(files);
  return loadVolume(files, scan, undefined, nodeCodecs());
}

/** Trilinear resampling onto n×n×n voxels over the same field (voxel-centre extent kept). */
export function resampleTrilinear(v: MeshVolume, n: number): MeshVolume {
  const [nx, ny, nz] = v.dimensions;
  const axis = (m: number): { i0: Int32Array; f: Float64Array } => {
    const i0 = new Int32Array(n);
    const f = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      const x = (a * (m - 1)) / (n - 1);
      const b = Math.min(Math.floor(x), m - 2);
      i0[a] = b;
      f[a] = x - b;
    }
    return { i0, f };
  };
  const X = axis(nx);
  const Y = axis(ny);
  const Z = axis(nz);
  const src = v.voxels;
  const out = new Int16Array(n * n * n);
  const sxy = nx * ny;
  let o = 0;
  for (let k = 0; k < n; k++) {
    const z0 = Z.i0[k] * sxy;
    const fz = Z.f[k];
    for (let j = 0; j < n; j++) {
      const y0 = Y.i0[j] * nx;
      const fy = Y.f[j];
      const b00 = z0 + y0;
      const b10 = b00 + nx;
      const b01 = b00 + sxy;
      const b11 = b01 + nx;
      for (let i = 0; i < n; i++) {
        const x0 = X.i0[i];
        const fx = X.f[i];
        const c00 = src[b00 + x0] + (src[b00 + x0 + 1] - src[b00 + x0]) * fx;
        const c10 = src[b10 + x0] + (src[b10 + x0 + 1] - src[b10 + x0]) * fx;
        const c01 = src[b01 + x0] + (src[b01 + x0 + 1] - src[b01 + x0]) * fx;
        const c11 = src[b11 + x0] + (src[b11 + x0 + 1] - src[b11 + x0]) * fx;
        const c0 = c00 + (c10 - c00) * fy;
        const c1 = c01 + (c11 - c01) * fy;
        out[o++] = Math.round(c0 + (c1 - c0) * fz);
      }
    }
  }
  const [sx, sy, sz] = v.spacingMm;
  return {
    dimensions: [n, n, n],
    spacingMm: [(sx * (nx - 1)) / (n - 1), (sy * (ny - 1)) / (n - 1), (sz * (nz - 1)) / (n - 1)],
    originLps: v.originLps,
    directionLps: v.directionLps,
    voxels: out,
  };
}

const metaPath = (name: VolumeName): string => join(MESH_DATA_DIR, `${name}.json`);

export function readMeta(name: VolumeName): MeshVolumeMeta | undefined {
  const p = metaPath(name);
  if (!existsSync(p)) return undefined;
  const meta = JSON.parse(readFileSync(p, 'utf8')) as MeshVolumeMeta;
  return meta.version === BUILD_VERSION && existsSync(join(MESH_DATA_DIR, meta.file)) ? meta : undefined;
}

/**
 * Reads a built volume into one fresh SharedArrayBuffer (as the app's loader allocates it when
 * the page is crossOriginIsolated), so a mesher split across worker threads can share it.
 */
export function readMeshVolume(name: VolumeName): { meta: MeshVolumeMeta; volume: MeshVolume } {
  const meta = readMeta(name);
  if (!meta) throw new Error(`no benchmark volume ${name}: run npx tsx bench/mesh-volumes.ts${name === 'ct-phantom-512' ? ' --512' : ''}`);
  const bytes = new Uint8Array(new SharedArrayBuffer(meta.bytes));
  const fd = openSync(join(MESH_DATA_DIR, meta.file), 'r');
  try {
    let o = 0;
    while (o < bytes.length) {
      const n = readSync(fd, bytes, o, bytes.length - o, o);
      if (n === 0) throw new Error(`${meta.file}: ${o} bytes, expected ${meta.bytes}`);
      o += n;
    }
  } finally {
    closeSync(fd);
  }
  const voxels = new Int16Array(bytes.buffer);
  return { meta, volume: { dimensions: meta.dimensions, spacingMm: meta.spacingMm, originLps: meta.originLps, directionLps: meta.directionLps, voxels } };
}

function write(name: VolumeName, v: MeshVolume, modality: string, unit: string): MeshVolumeMeta {
  if (!(v.voxels instanceof Int16Array)) throw new Error(`${name}: expected int16 voxels, got ${v.voxels.constructor.name}`);
  const spec = SPECS[name];
  const meta: MeshVolumeMeta = {
    version: BUILD_VERSION,
    name,
    description: spec.description,
    dimensions: [...v.dimensions],
    spacingMm: v.spacingMm,
    originLps: v.originLps,
    directionLps: [...v.directionLps],
    modality,
    unit,
    range: spec.range,
    rangeLabel: spec.rangeLabel,
    file: `${name}.i16`,
    bytes: v.voxels.byteLength,
    insideVoxels: countInRange(v.voxels, spec.range),
  };
  mkdirSync(MESH_DATA_DIR, { recursive: true });
  writeFileSync(join(MESH_DATA_DIR, meta.file), new Uint8Array(v.voxels.buffer, v.voxels.byteOffset, v.voxels.byteLength));
  writeFileSync(metaPath(name), `${JSON.stringify(meta, null, 1)}\n`);
  return meta;
}

export async function ensureVolumes(names: readonly VolumeName[], force = false): Promise<MeshVolumeMeta[]> {
  const out: MeshVolumeMeta[] = [];
  let ct: Volume | undefined;
  for (const name of names) {
    const have = force ? undefined : readMeta(name);
    if (have) {
      out.push(have);
      continue;
    }
    const t = performance.now();
    let meta: MeshVolumeMeta;
    if (name === 'mri-colin27') {
      const v = await loadSample('mri-colin27');
      meta = write(name, v, v.modality, v.unit);
    } else {
      ct ??= await loadSample('ct-phantom');
      meta = write(name, name === 'ct-phantom' ? ct : resampleTrilinear(ct, 512), ct.modality, ct.unit);
    }
    console.log(`mesh-volumes: built ${name} ${meta.dimensions.join('×')} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    out.push(meta);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = VOLUME_NAMES.filter((n) => n !== 'ct-phantom-512' || process.argv.includes('--512'));
  ensureVolumes(names, process.argv.includes('--force'))
    .then((metas) => {
      for (const m of metas)
        console.log(`${m.name.padEnd(16)} ${m.dimensions.join('×').padEnd(12)} ${m.spacingMm.map((s) => s.toFixed(3)).join('×')} mm  ${m.rangeLabel}: ${m.insideVoxels} voxels inside`);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
