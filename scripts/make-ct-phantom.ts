/**
 * Writes the synthetic CT head phantom (src/core/samples/ctHeadPhantom.ts) as a DICOM CT series
 * into public/samples/ct-phantom/: one file per slice (explicit VR little endian, 16-bit signed
 * stored values, RescaleIntercept −1024, RescaleSlope 1, so stored = HU + 1024), manifest.json
 * and README.md. The output is deterministic (fixed UIDs, no dates from the clock).
 *
 * Run: npx tsx scripts/make-ct-phantom.ts [outDir]
 * Normally run by scripts/ensure-samples.mjs when the manifest is missing or outdated.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CT_HEAD_PHANTOM,
  CT_HEAD_PHANTOM_GEOMETRY,
  CT_HEAD_PHANTOM_VERSION,
  HU,
  ctHeadPhantomHuAtLps,
  ctHeadPhantomVolumesMm3,
} from '../src/core/samples/ctHeadPhantom';
import { makeSeries } from '../test/helpers/syntheticSeries';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Files whose content determines the output; their hash goes into the manifest and
 * scripts/ensure-samples.mjs regenerates the sample when it changes.
 */
export const PHANTOM_SOURCES = [
  'scripts/make-ct-phantom.ts',
  'src/core/samples/ctHeadPhantom.ts',
  'test/helpers/syntheticSeries.ts',
  'src/core/dicom/writer.ts',
  'src/core/geometry/vec3.ts',
];

/** sha256 over the sources' paths and contents (same algorithm as ensure-samples.mjs). */
export function sourceHash(paths: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of paths) {
    h.update(`${p}\0`);
    h.update(readFileSync(join(root, p)));
    h.update('\0');
  }
  return h.digest('hex');
}

const UID_ROOT = '1.2.826.0.1.3680043.10.1489.7';

function main(): void {
  const outDir = resolve(process.argv[2] ?? join(root, 'public/samples/ct-phantom'));
  const g = CT_HEAD_PHANTOM_GEOMETRY;
  const [nx, ny, nz] = g.dimensions;
  const t0 = Date.now();
  const series = makeSeries({
    rows: ny,
    columns: nx,
    slices: nz,
    pixelSpacingMm: [g.spacingMm[1], g.spacingMm[0]],
    sliceStepMm: g.spacingMm[2],
    rowCosine: g.directionLps[0],
    columnCosine: g.directionLps[1],
    firstPositionLps: g.originLps,
    hu: (p) => ctHeadPhantomHuAtLps(p),
    modality: 'CT',
    bitsAllocated: 16,
    bitsStored: 16,
    pixelRepresentation: 1,
    rescaleIntercept: -1024,
    rescaleSlope: 1,
    sliceThicknessMm: g.spacingMm[2],
    windowCenter: [40, 500],
    windowWidth: [80, 2000],
    windowExplanation: ['BRAIN', 'BONE'],
    seed: CT_HEAD_PHANTOM_VERSION,
    studyInstanceUid: `${UID_ROOT}.1.${CT_HEAD_PHANTOM_VERSION}`,
    seriesInstanceUid: `${UID_ROOT}.2.${CT_HEAD_PHANTOM_VERSION}`,
    frameOfReferenceUid: `${UID_ROOT}.3.${CT_HEAD_PHANTOM_VERSION}`,
    patientName: 'Phantom^CT Head',
    patientId: 'VOXELPRINT-CT-PHANTOM',
    studyDescription: 'Voxelprint synthetic CT head phantom',
    seriesDescription: `Synthetic CT head phantom v${CT_HEAD_PHANTOM_VERSION}`,
    imageType: 'DERIVED\\SECONDARY\\AXIAL',
    fileName: (k) => `slice-${String(k + 1).padStart(3, '0')}.dcm`,
  });
  if (series.truth.clippedCount !== 0) throw new Error('phantom values do not fit the stored range');

  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const f of series.files) writeFileSync(join(tmp, f.name), f.bytes);

  const volumes = ctHeadPhantomVolumesMm3;
  const manifest = {
    name: 'ct-phantom',
    version: CT_HEAD_PHANTOM_VERSION,
    generator: 'scripts/make-ct-phantom.ts',
    sources: PHANTOM_SOURCES,
    sourceHash: sourceHash(PHANTOM_SOURCES),
    description: 'Synthetic CT head phantom with analytic ground truth (see README.md)',
    modality: 'CT',
    seriesInstanceUid: series.truth.seriesInstanceUid,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    storedValues: 'int16, HU = stored * 1 - 1024',
    geometry: {
      dimensions: g.dimensions,
      spacingMm: g.spacingMm,
      originLps: g.originLps,
      directionLps: g.directionLps,
    },
    hu: HU,
    analyticVolumesMm3: volumes,
    files: series.files.map((f) => f.name),
  };
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(tmp, 'README.md'), readme(volumes));

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  renameSync(tmp, outDir);
  console.log(`ct-phantom: ${series.files.length} slices written to ${relative(process.cwd(), outDir) || '.'} in ${Date.now() - t0} ms`);
}

function readme(v: typeof ctHeadPhantomVolumesMm3): string {
  const d = CT_HEAD_PHANTOM;
  const g = CT_HEAD_PHANTOM_GEOMETRY;
  const f = (x: number): string => x.toFixed(1);
  const vec = (x: readonly number[]): string => `(${x.map((c) => (Math.abs(c) < 5e-7 ? 0 : c).toFixed(6)).join(', ')})`;
  return `# Synthetic CT head phantom (generated — do not edit)

Generated by \`scripts/make-ct-phantom.ts\` (run via \`npm run samples\`) from
\`src/core/samples/ctHeadPhantom.ts\`, version ${CT_HEAD_PHANTOM_VERSION}. Not committed: regenerated when missing or
when its sources change (\`manifest.json\` → \`sourceHash\`).

## Objects (LPS millimetres, centre ${vec(d.centerLps)})

| structure | shape | HU | analytic volume (mm³) |
|---|---|---|---|
| skull | ellipsoidal shell, outer semi-axes ${d.skullOuterSemiAxesMm.join(' × ')} (L × P × S), ${d.skullThicknessMm} mm thick | ${HU.bone} | ${f(v.skullMm3)} |
| brain | inner ellipsoid minus inserts | ${HU.brain} | ${f(v.brainMm3)} |
| sphere | Ø ${2 * d.sphere.radiusMm} mm at ${vec(d.sphere.centerLps)} | ${d.sphere.hu} | ${f(v.sphereMm3)} |
| cylinder | Ø ${2 * d.cylinder.radiusMm} mm × ${d.cylinder.lengthMm} mm along S at ${vec(d.cylinder.centerLps)} | ${d.cylinder.hu} | ${f(v.cylinderMm3)} |
| cube | ${d.cube.sideMm} mm, LPS-aligned, at ${vec(d.cube.centerLps)} | ${d.cube.hu} | ${f(v.cubeMm3)} |
| air | outside the skull | ${HU.air} | — |

Whole head (outer ellipsoid): ${f(v.headMm3)} mm³; everything ≥ 300 HU (skull + sphere + cylinder): ${f(v.above300HuMm3)} mm³.
Shell volume = 4/3·π·(abc_outer − abc_inner).

## Grid and encoding

- ${g.dimensions[0]} columns × ${g.dimensions[1]} rows × ${g.dimensions[2]} slices; spacing ${g.spacingMm[0]} mm between columns,
  ${g.spacingMm[1]} mm between rows (PixelSpacing = ${g.spacingMm[1]}\\${g.spacingMm[0]}), ${g.spacingMm[2]} mm between slices (SliceThickness ${g.spacingMm[2]}).
- Oblique: the grid is rotated ${d.rotationDeg.aboutS}° about S, then ${d.rotationDeg.aboutL}° about L.
  Row direction ${vec(g.directionLps[0])}, column direction ${vec(g.directionLps[1])}, slice direction ${vec(g.directionLps[2])}.
- Voxel (0,0,0) centre (IPP of slice 1): ${vec(g.originLps)}.
- Each voxel is the HU at its centre (no partial volume): threshold counts × ${(g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2]).toFixed(3)} mm³ converge to the analytic volumes.
- CT Image Storage, explicit VR little endian, BitsAllocated/Stored 16, PixelRepresentation 1 (signed),
  RescaleIntercept −1024, RescaleSlope 1 (stored = HU + 1024). Windows: brain 40/80, bone 500/2000.
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
