/**
 * Builds the bundled real-MRI sample public/samples/mri-colin27/ from the Colin27 T1 template
 * shipped in Debian's mricron-data package (/usr/share/mricron/templates/ch2better.nii.gz):
 *
 *   npx tsx scripts/make-mri-sample.ts [path/to/ch2better.nii.gz]
 *
 * ch2better is 301×370×316 voxels of 0.5 mm (70 MB as 16-bit DICOM). The sample is reduced to
 * 1 mm by summing 2×2×2 blocks (each output value = 8 × the block mean, exact; 0–1012, 12
 * bits stored), reoriented to standard axial DICOM (row cosine +L, column cosine +P, slices
 * inferior → superior), and written as one explicit VR little endian MR Image Storage file
 * per axial slice plus manifest.json. Every output voxel sits exactly at the centre of its
 * 2×2×2 source block. The output is byte-identical on every run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNifti } from '../src/core/nifti/read';
import { type WriteElement, type WriteVr, writeDicomFile } from '../src/core/dicom/writer';
import type { Vec3 } from '../src/core/geometry/vec3';
import { cross, dot } from '../src/core/geometry/vec3';
import type { Volume } from '../src/core/volume/volume';
import { ijkToLps, voxelIndex } from '../src/core/volume/volume';

const SOURCE = process.argv[2] ?? '/usr/share/mricron/templates/ch2better.nii.gz';
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'samples', 'mri-colin27');
const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
/** Block size of the reduction (0.5 mm → 1 mm). */
const FACTOR = 2;

// ---------------------------------------------------------------------------------------------
// Volume transforms (each keeps every voxel's exact patient position)

/**
 * Sums FACTOR³ blocks; trailing voxels that do not fill a block are dropped. The new voxel
 * (0,0,0) is the centre of source voxels 0..FACTOR-1 on every axis.
 */
function blockSum(v: Volume, f: number): Volume {
  const dims = v.dimensions.map((n) => Math.floor(n / f)) as [number, number, number];
  const out = new Int16Array(dims[0] * dims[1] * dims[2]);
  let o = 0;
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++, o++) {
        let sum = 0;
        for (let dz = 0; dz < f; dz++)
          for (let dy = 0; dy < f; dy++)
            for (let dx = 0; dx < f; dx++) sum += v.voxels[voxelIndex(v, x * f + dx, y * f + dy, z * f + dz)];
        if (sum > 32767 || sum < -32768 || !Number.isInteger(sum)) throw new Error(`block sum ${sum} does not fit int16`);
        out[o] = sum;
      }
  const half = (f - 1) / 2;
  return {
    ...v,
    dimensions: dims,
    spacingMm: [v.spacingMm[0] * f, v.spacingMm[1] * f, v.spacingMm[2] * f],
    originLps: ijkToLps(v, [half, half, half]),
    voxels: out,
  };
}

const PERMUTATIONS: readonly (readonly [number, number, number])[] = [
  [0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0],
];

/**
 * Permutes and flips the voxel axes so that axis t points as nearly as possible along +LPS
 * axis t (i → +L, j → +P, k → +S): standard axial slices, rows anterior → posterior, columns
 * patient right → left, slices inferior → superior.
 */
function reorientAxial(v: Volume): Volume {
  const d = v.directionLps;
  const score = (p: readonly number[]): number => p.reduce((s, a, t) => s + Math.abs(d[a][t]), 0);
  const perm = [...PERMUTATIONS].sort((a, b) => score(b) - score(a))[0];
  const flip = perm.map((a, t) => d[a][t] < 0);
  const dims = perm.map((a) => v.dimensions[a]) as [number, number, number];
  /** Source index along source axis perm[t] of new index n along axis t. */
  const src = (t: number, n: number): number => (flip[t] ? dims[t] - 1 - n : n);
  const out = new Int16Array(v.voxels.length);
  const ijk = [0, 0, 0];
  let o = 0;
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++, o++) {
        [x, y, z].forEach((n, t) => (ijk[perm[t]] = src(t, n)));
        out[o] = v.voxels[voxelIndex(v, ijk[0], ijk[1], ijk[2])];
      }
  const origin = [0, 0, 0];
  perm.forEach((a, t) => (origin[a] = src(t, 0)));
  const dir = (t: number): Vec3 => d[perm[t]].map((c) => (flip[t] ? 0 - c : c)) as unknown as Vec3;
  return {
    ...v,
    dimensions: dims,
    spacingMm: perm.map((a) => v.spacingMm[a]) as unknown as Vec3,
    originLps: ijkToLps(v, origin as unknown as Vec3),
    directionLps: [dir(0), dir(1), dir(2)],
    voxels: out,
  };
}

// ---------------------------------------------------------------------------------------------
// DICOM encoding helpers

/** DS: the shortest decimal of at most 16 characters; never "-0". */
function ds(x: number): string {
  if (Object.is(x, -0) || Math.abs(x) < 1e-12) return '0';
  for (let p = 17; p >= 1; p--) {
    const s = String(Number(x.toPrecision(p)));
    if (s.length <= 16) return s;
  }
  throw new Error(`cannot encode ${x} as DS`);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const text = (tag: number, vr: WriteVr, value: string): WriteElement => ({ tag, vr, value, encodeText: utf8 });

/**
 * A deterministic UID under 2.25 (UUID-derived OIDs): the decimal value of a version-8 UUID
 * whose bits come from SHA-256 of a fixed label.
 */
function uid(label: string): string {
  const h = createHash('sha256').update(`voxelprint/samples/mri-colin27/${label}`).digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${h.toString('hex')}`).toString(10)}`;
}

/** Little-endian 16-bit pixel bytes, independent of the platform's byte order. */
function pixels16(values: Int16Array, signed: boolean): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const dv = new DataView(out.buffer);
  values.forEach((x, i) => (signed ? dv.setInt16(i * 2, x, true) : dv.setUint16(i * 2, x, true)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Series

interface PixelFormat {
  readonly bitsStored: number;
  readonly signed: boolean;
}

function pixelFormat(v: Volume): PixelFormat {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v.voxels) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const signed = lo < 0;
  return { bitsStored: !signed && hi <= 4095 ? 12 : 16, signed };
}

/** Window from the foreground (value > 0) histogram: 1st to 99.5th percentile. */
function windowFromPercentiles(v: Volume): { center: number; width: number } {
  const counts = new Map<number, number>();
  let n = 0;
  for (const x of v.voxels) {
    if (x <= 0) continue;
    counts.set(x, (counts.get(x) ?? 0) + 1);
    n++;
  }
  const sorted = [...counts.keys()].sort((a, b) => a - b);
  const percentile = (p: number): number => {
    const rank = Math.ceil((p / 100) * n);
    let seen = 0;
    for (const value of sorted) {
      seen += counts.get(value) ?? 0;
      if (seen >= rank) return value;
    }
    return sorted[sorted.length - 1];
  };
  const lo = percentile(1);
  const hi = percentile(99.5);
  return { center: Math.round((lo + hi) / 2), width: Math.max(1, hi - lo) };
}

const STUDY_UID = uid('study');
const SERIES_UID = uid('series');
const FRAME_OF_REFERENCE_UID = uid('frame-of-reference');

/** Elements shared by every slice. */
function seriesElements(v: Volume, fmt: PixelFormat, win: { center: number; width: number }): WriteElement[] {
  const [row, col] = v.directionLps;
  return [
    text(0x00080005, 'CS', 'ISO_IR 192'),
    text(0x00080008, 'CS', 'DERIVED\\SECONDARY\\AXIAL'),
    text(0x00080016, 'UI', MR_IMAGE_STORAGE),
    text(0x00080020, 'DA', ''),
    text(0x00080030, 'TM', ''),
    text(0x00080050, 'SH', ''),
    text(0x00080060, 'CS', 'MR'),
    text(0x00080070, 'LO', ''),
    text(0x00080090, 'PN', ''),
    text(0x00081030, 'LO', 'Colin27 T1 template (MNI)'),
    text(0x0008103e, 'LO', 'T1 ch2better 1mm'),
    text(0x00082111, 'ST', 'ch2better.nii.gz (Colin27, Debian mricron-data) 0.5 mm reduced to 1 mm: value = sum of each 2x2x2 block'),
    text(0x00100010, 'PN', 'Colin27^Template'),
    text(0x00100020, 'LO', 'COLIN27'),
    text(0x00100030, 'DA', ''),
    text(0x00100040, 'CS', ''),
    text(0x00180015, 'CS', 'HEAD'),
    text(0x00180020, 'CS', 'RM'),
    text(0x00180021, 'CS', 'NONE'),
    text(0x00180022, 'CS', ''),
    text(0x00180023, 'CS', '3D'),
    text(0x00180050, 'DS', ds(v.spacingMm[2])),
    text(0x00180080, 'DS', ''),
    text(0x00180081, 'DS', ''),
    text(0x00180088, 'DS', ds(v.spacingMm[2])),
    text(0x00180091, 'IS', ''),
    text(0x0020000d, 'UI', STUDY_UID),
    text(0x0020000e, 'UI', SERIES_UID),
    text(0x00200010, 'SH', '1'),
    text(0x00200011, 'IS', '1'),
    text(0x00200037, 'DS', [...row, ...col].map(ds).join('\\')),
    text(0x00200052, 'UI', FRAME_OF_REFERENCE_UID),
    text(0x00201040, 'LO', ''),
    { tag: 0x00280002, vr: 'US', value: 1 },
    text(0x00280004, 'CS', 'MONOCHROME2'),
    { tag: 0x00280010, vr: 'US', value: v.dimensions[1] },
    { tag: 0x00280011, vr: 'US', value: v.dimensions[0] },
    // PixelSpacing = [between rows (along j), between columns (along i)]
    text(0x00280030, 'DS', `${ds(v.spacingMm[1])}\\${ds(v.spacingMm[0])}`),
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: fmt.bitsStored },
    { tag: 0x00280102, vr: 'US', value: fmt.bitsStored - 1 },
    { tag: 0x00280103, vr: 'US', value: fmt.signed ? 1 : 0 },
    text(0x00281050, 'DS', ds(win.center)),
    text(0x00281051, 'DS', ds(win.width)),
  ];
}

function sliceFile(v: Volume, k: number, shared: readonly WriteElement[], fmt: PixelFormat): Uint8Array {
  const sopInstanceUid = uid(`instance/${k + 1}`);
  const ipp = ijkToLps(v, [0, 0, k]);
  const sliceSize = v.dimensions[0] * v.dimensions[1];
  const slice = v.voxels.subarray(k * sliceSize, (k + 1) * sliceSize) as Int16Array;
  // SliceLocation: position along the slice normal (row × column), = z for axial slices.
  const sliceLocation = dot(ipp, cross(v.directionLps[0], v.directionLps[1]));
  const elements: WriteElement[] = [
    ...shared,
    text(0x00080018, 'UI', sopInstanceUid),
    text(0x00200013, 'IS', String(k + 1)),
    text(0x00200032, 'DS', ipp.map(ds).join('\\')),
    text(0x00201041, 'DS', ds(sliceLocation)),
    { tag: 0x7fe00010, vr: 'OW', value: pixels16(slice, fmt.signed) },
  ];
  return writeDicomFile(elements, { transferSyntaxUid: EXPLICIT_VR_LE, sopClassUid: MR_IMAGE_STORAGE, sopInstanceUid });
}

const fileName = (k: number): string => `IM${String(k + 1).padStart(4, '0')}.dcm`;

function describe(v: Volume): string {
  const last = ijkToLps(v, [0, 0, v.dimensions[2] - 1]);
  return [
    `dims ${v.dimensions.join('×')}, spacing ${v.spacingMm.map(ds).join('/')} mm`,
    `IOP ${[...v.directionLps[0], ...v.directionLps[1]].map(ds).join('\\')}`,
    `first IPP ${ijkToLps(v, [0, 0, 0]).map(ds).join('\\')}, last IPP ${last.map(ds).join('\\')}`,
  ].join('\n');
}

function main(): void {
  const nifti = readNifti(readFileSync(SOURCE), SOURCE);
  const vol = reorientAxial(blockSum(nifti, FACTOR));
  const fmt = pixelFormat(vol);
  const shared = seriesElements(vol, fmt, windowFromPercentiles(vol));

  mkdirSync(OUT_DIR, { recursive: true });
  for (const f of readdirSync(OUT_DIR)) if (/^IM\d+\.dcm$/.test(f)) rmSync(join(OUT_DIR, f));
  const files: string[] = [];
  let bytes = 0;
  for (let k = 0; k < vol.dimensions[2]; k++) {
    const data = sliceFile(vol, k, shared, fmt);
    writeFileSync(join(OUT_DIR, fileName(k)), data);
    files.push(fileName(k));
    bytes += data.length;
  }
  const manifest = { name: 'Colin27 T1 (MNI template, 1 mm)', modality: 'MR', seriesInstanceUid: SERIES_UID, files };
  writeFileSync(join(OUT_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${files.length} slices (${(bytes / 1e6).toFixed(1)} MB) to ${OUT_DIR}\n${describe(vol)}`);
}

main();
