import type { ErrorCode } from '../errors';
import { type Vec3, cross, dot, norm, normalize, sub } from '../geometry/vec3';
import type { VolumeGeometry, VolumeWarning, WindowPreset } from '../volume/volume';
import type { DisplayText, FrameHeader, InstanceHeader, SkippedFile } from './parse';
import { type OutputSlice, fmt, median, planSliceGrid } from './sliceGrid';

export type { OutputSlice } from './sliceGrid';

/**
 * Grouping files into series and stacks, and planning the volume of each stack.
 *
 * A series (SeriesInstanceUID) can hold several stacks: a localizer, a second reconstruction
 * at another size or orientation, several echoes. A stack is a set of parallel slices of one
 * size; only stacks become volumes. Geometry comes from ImagePositionPatient and
 * ImageOrientationPatient only: slices are sorted by their position projected on the slice
 * normal, and the slice spacing is measured from those positions (never SliceThickness).
 */

export interface SliceRef {
  readonly fileIndex: number;
  readonly frame: number;
  readonly header: FrameHeader;
}

export interface PlannedSource extends SliceRef {
  /** Position along the slice normal, mm. */
  readonly distanceMm: number;
  /** Offset of this slice's first pixel from the output grid, in output pixels (i, j). */
  readonly shiftPx: readonly [number, number];
}

export interface VolumePlan {
  readonly geometry: VolumeGeometry;
  readonly modality: string;
  readonly unit: string;
  readonly preferInt16: boolean;
  readonly windowPresets: readonly WindowPreset[];
  readonly invertDisplay: boolean;
  readonly seriesInstanceUid: string;
  readonly sources: readonly PlannedSource[];
  /** Undefined when output slice k is exactly source k (the usual case: no resampling). */
  readonly outputs?: readonly OutputSlice[];
  /** True when some source needs an in-plane shift (gantry tilt or in-plane jitter). */
  readonly shifted: boolean;
  readonly warnings: readonly VolumeWarning[];
  /** What padded pixels become, for the load warning. */
  readonly hasPixelPadding: boolean;
}

export interface StackInfo {
  readonly id: string;
  readonly seriesInstanceUid: string;
  readonly label: string;
  readonly orientation: 'axial' | 'coronal' | 'sagittal' | 'oblique' | 'unknown';
  readonly rows: number;
  readonly columns: number;
  readonly sliceCount: number;
  readonly fileNames: readonly string[];
  readonly isLocalizer: boolean;
  readonly transferSyntaxUids: readonly string[];
  readonly plan?: VolumePlan;
  /** Why this stack is listed but not offered as a volume. */
  readonly refusal?: { readonly code: ErrorCode; readonly reason: string };
  readonly warnings: readonly VolumeWarning[];
}

export interface SeriesInfo {
  readonly seriesInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly modality: string;
  readonly display: DisplayText;
  readonly fileCount: number;
  readonly stacks: readonly StackInfo[];
}

export interface ScanResult {
  readonly series: readonly SeriesInfo[];
  readonly skipped: readonly SkippedFile[];
  /** Indexed like the input files; undefined for skipped files. */
  readonly headers: readonly (InstanceHeader | undefined)[];
  /** The stack most likely wanted: the largest volume that is not a localizer. */
  readonly preferredStackId?: string;
}

/** Largest volume we will allocate (bytes); beyond it a stack is refused before loading. */
export const MAX_VOLUME_BYTES = 2 ** 31 - 1;

const GREYSCALE = new Set(['MONOCHROME1', 'MONOCHROME2']);

// ---------------------------------------------------------------------------------------------

function orientationOf(r: Vec3 | undefined, c: Vec3 | undefined): StackInfo['orientation'] {
  if (!r || !c) return 'unknown';
  const n = cross(r, c);
  const a = n.map(Math.abs);
  const max = Math.max(...a);
  if (max < 0.9999) return 'oblique';
  return a[2] === max ? 'axial' : a[1] === max ? 'coronal' : 'sagittal';
}

const sameDir = (a: Vec3 | undefined, b: Vec3 | undefined): boolean =>
  (!a && !b) || (a !== undefined && b !== undefined && Math.abs(dot(normalize(a), normalize(b)) - 1) < 1e-4);

interface Candidate {
  readonly header: InstanceHeader;
  readonly fileIndex: number;
  readonly frame: number;
  readonly f: FrameHeader;
}

/** Splits a series' frames into stacks: same size, orientation, pixel spacing, colour model. */
function groupStacks(cands: readonly Candidate[]): Candidate[][] {
  const groups: Candidate[][] = [];
  const fits = (g: Candidate[], c: Candidate): boolean => {
    const h0 = g[0].header;
    const f0 = g[0].f;
    const h = c.header;
    const f = c.f;
    return (
      h0.rows === h.rows &&
      h0.columns === h.columns &&
      h0.samplesPerPixel === h.samplesPerPixel &&
      GREYSCALE.has(h0.photometricInterpretation) === GREYSCALE.has(h.photometricInterpretation) &&
      h0.imageType.includes('LOCALIZER') === h.imageType.includes('LOCALIZER') &&
      sameDir(f0.rowCosine, f.rowCosine) &&
      sameDir(f0.columnCosine, f.columnCosine) &&
      (f0.stackId ?? '') === (f.stackId ?? '') &&
      ((!f0.pixelSpacingMm && !f.pixelSpacingMm) ||
        (f0.pixelSpacingMm !== undefined &&
          f.pixelSpacingMm !== undefined &&
          Math.abs(f0.pixelSpacingMm[0] - f.pixelSpacingMm[0]) < 1e-3 &&
          Math.abs(f0.pixelSpacingMm[1] - f.pixelSpacingMm[1]) < 1e-3))
    );
  };
  for (const c of cands) {
    const g = groups.find((g) => fits(g, c));
    if (g) g.push(c);
    else groups.push([c]);
  }
  return groups;
}

/** Keys that tell apart acquisitions sharing positions (echoes, phases, repeated scans). */
const acquisitionKey = (c: Candidate): string =>
  [c.header.acquisitionNumber, c.header.echoNumber, c.header.temporalPositionIdentifier, c.header.imageType.join('/')].join('|');

function refused(base: Omit<StackInfo, 'refusal' | 'plan'>, code: ErrorCode, reason: string): StackInfo {
  return { ...base, refusal: { code, reason } };
}

/** Plans the volume of one stack (or explains why it cannot be one). */
function planStack(id: string, cands: Candidate[]): StackInfo[] {
  const h0 = cands[0].header;
  const f0 = cands[0].f;
  const files = [...new Set(cands.map((c) => c.header.fileName))];
  const orientation = orientationOf(f0.rowCosine, f0.columnCosine);
  const isLocalizer = h0.imageType.includes('LOCALIZER');
  const base = {
    id,
    seriesInstanceUid: h0.seriesInstanceUid,
    label: `${orientation} ${h0.columns}×${h0.rows}${cands.length > 1 ? ` × ${cands.length} slices` : ', 1 image'}${isLocalizer ? ' (localizer)' : ''}`,
    orientation,
    rows: h0.rows,
    columns: h0.columns,
    sliceCount: cands.length,
    fileNames: files,
    isLocalizer,
    transferSyntaxUids: [...new Set(cands.map((c) => c.header.transferSyntaxUid))],
    warnings: [] as VolumeWarning[],
  };
  if (h0.samplesPerPixel !== 1 || !GREYSCALE.has(h0.photometricInterpretation)) {
    return [refused(base, 'unsupported-pixel-format', `colour image (${h0.photometricInterpretation}, ${h0.samplesPerPixel} samples per pixel): not a greyscale volume`)];
  }
  if (cands.length < 2) {
    return [refused(base, 'not-a-volume', `a single image (${files[0]}): at least two parallel slices are needed for a 3D volume`)];
  }
  if (!f0.rowCosine || !f0.columnCosine || cands.some((c) => !c.f.positionLps)) {
    const missing = cands.find((c) => !c.f.positionLps)?.header.fileName ?? files[0];
    return [
      refused(base, 'not-a-volume', `no ImagePositionPatient/ImageOrientationPatient (first in ${missing}): the slices cannot be placed in 3D`),
    ];
  }
  if (!f0.pixelSpacingMm) {
    return [refused(base, 'not-a-volume', `no PixelSpacing in ${files[0]}: sizes in millimetres are unknown`)];
  }
  if (h0.frameGeometrySource === 'slice-thickness') {
    base.warnings.push({
      code: 'spacing-from-header',
      message: `${h0.fileName}: frames have no positions; their spacing was taken from SliceThickness (${h0.sliceThicknessMm} mm)`,
    });
  } else if (h0.frameGeometrySource === 'spacing-between-slices') {
    base.warnings.push({
      code: 'spacing-from-header',
      message: `${h0.fileName}: frame positions derived from SpacingBetweenSlices (${h0.spacingBetweenSlicesMm} mm)`,
    });
  }

  const r = normalize(f0.rowCosine);
  const c = normalize(f0.columnCosine);
  const n = normalize(cross(r, c));
  const sorted = cands
    .map((cand) => ({ cand, d: dot(cand.f.positionLps as Vec3, n) }))
    .sort((x, y) => x.d - y.d || (x.cand.header.instanceNumber ?? 0) - (y.cand.header.instanceNumber ?? 0));

  // Duplicate positions: try to separate acquisitions first, otherwise keep the first of each.
  const steps = sorted.slice(1).map((s, i) => s.d - sorted[i].d);
  const positive = steps.filter((s) => s > 1e-3);
  const typical = positive.length ? median(positive) : 0;
  const dupTol = Math.max(1e-3, typical * 0.01);
  const duplicates = steps.filter((s) => s <= dupTol).length;
  if (duplicates > 0) {
    const keys = new Set(cands.map(acquisitionKey));
    if (keys.size > 1) {
      const byKey = new Map<string, Candidate[]>();
      for (const cand of cands) byKey.set(acquisitionKey(cand), [...(byKey.get(acquisitionKey(cand)) ?? []), cand]);
      const parts = [...byKey.values()];
      if (parts.every((p) => p.length < cands.length)) return parts.flatMap((p, i) => planStack(`${id}.${i + 1}`, p));
    }
  }
  const kept: typeof sorted = [];
  const dropped: string[] = [];
  for (const s of sorted) {
    if (kept.length && s.d - kept[kept.length - 1].d <= dupTol) dropped.push(s.cand.header.fileName);
    else kept.push(s);
  }
  if (dropped.length) {
    base.warnings.push({
      code: 'duplicate-positions',
      message: `${dropped.length} slice(s) repeat the position of another slice and were left out: ${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? ', …' : ''}`,
    });
  }
  if (kept.length < 2) {
    return [refused(base, 'not-a-volume', `all ${cands.length} images share one position: not a 3D volume`)];
  }

  const [rowSpacing, colSpacing] = f0.pixelSpacingMm;
  // In-plane position of each slice relative to the middle slice, in pixels.
  const mid = kept[kept.length >> 1];
  const p0 = kept[0].cand.f.positionLps as Vec3;
  const refPos = mid.cand.f.positionLps as Vec3;
  const inPlane = kept.map((s) => {
    const d = sub(s.cand.f.positionLps as Vec3, refPos);
    return [dot(d, r) / colSpacing, dot(d, c) / rowSpacing] as const;
  });
  const maxShift = Math.max(...inPlane.map(([u, v]) => Math.hypot(u, v)));
  const shifted = maxShift > 0.05;
  if (shifted) {
    const first = sub(kept[kept.length - 1].cand.f.positionLps as Vec3, p0);
    const along = dot(first, n);
    const across = norm(sub(first, [n[0] * along, n[1] * along, n[2] * along]));
    const angle = (Math.atan2(across, along) * 180) / Math.PI;
    base.warnings.push({
      code: 'gantry-tilt',
      message:
        angle > 0.1
          ? `gantry tilt of ${fmt(angle)}°: slices are shifted in-plane along the stack; resampled onto a grid perpendicular to the slices (each voxel keeps its true patient position)`
          : `slice positions jitter in-plane by up to ${fmt(maxShift)} pixels; resampled so each voxel keeps its true patient position`,
    });
  }
  if (orientation === 'oblique') {
    const a = Math.max(...n.map(Math.abs));
    base.warnings.push({
      code: 'oblique',
      message: `oblique slices (${fmt((Math.acos(Math.min(1, a)) * 180) / Math.PI, 1)}° from the nearest axis): kept in patient space, not resampled`,
    });
  }

  const grid = planSliceGrid(kept.map((s) => s.d));
  base.warnings.push(...grid.warnings);
  const nz = grid.count;
  const spacingZ = grid.spacingMm;
  const outputs = grid.outputs ?? (shifted ? kept.map((_, k): OutputSlice => ({ a: k, b: k, t: 0 })) : undefined);
  if (outputs) base.warnings.push({ code: 'resampled', message: `volume resampled to ${h0.columns}×${h0.rows}×${nz} at ${fmt(colSpacing, 3)}×${fmt(rowSpacing, 3)}×${fmt(spacingZ, 3)} mm` });

  // Output grid origin: on the first slice's plane, at the middle slice's in-plane position.
  const dFirst = kept[0].d;
  const dRef = dot(refPos, n);
  const originLps: Vec3 = [refPos[0] + n[0] * (dFirst - dRef), refPos[1] + n[1] * (dFirst - dRef), refPos[2] + n[2] * (dFirst - dRef)];
  const sources: PlannedSource[] = kept.map((s, i) => ({
    fileIndex: s.cand.fileIndex,
    frame: s.cand.frame,
    header: s.cand.f,
    distanceMm: s.d,
    shiftPx: shifted ? [inPlane[i][0], inPlane[i][1]] : [0, 0],
  }));

  const integral = cands.every((cand) => Number.isInteger(cand.f.rescaleSlope) && Number.isInteger(cand.f.rescaleIntercept));
  const slopes = new Set(cands.map((cand) => `${cand.f.rescaleSlope}/${cand.f.rescaleIntercept}`));
  if (slopes.size > 1) {
    base.warnings.push({ code: 'mixed-rescale', message: `slices use ${slopes.size} different RescaleSlope/Intercept pairs; each slice's own values were applied` });
  }
  if (cands.some((cand) => cand.header.lossyCompressed)) {
    base.warnings.push({ code: 'lossy-compression', message: 'the images were lossy compressed: voxel values are approximate' });
  }
  if (h0.photometricInterpretation === 'MONOCHROME1') {
    base.warnings.push({ code: 'monochrome1', message: 'MONOCHROME1 (white = low values): values kept as stored, display inverted' });
  }
  const bytes = h0.rows * h0.columns * nz * (integral ? 2 : 4);
  if (bytes > MAX_VOLUME_BYTES) {
    return [refused(base, 'too-large', `volume of ${h0.columns}×${h0.rows}×${nz} voxels needs ${(bytes / 2 ** 30).toFixed(1)} GiB, more than can be loaded`)];
  }
  const windows: WindowPreset[] = [];
  for (const w of kept[0].cand.f.windows) {
    if (!windows.some((x) => x.center === w.center && x.width === w.width)) {
      windows.push({ label: w.explanation || (windows.length ? `Series window ${windows.length + 1}` : 'Series window'), center: w.center, width: w.width });
    }
  }
  const plan: VolumePlan = {
    geometry: {
      dimensions: [h0.columns, h0.rows, nz],
      spacingMm: [colSpacing, rowSpacing, spacingZ],
      originLps,
      directionLps: [r, c, n],
    },
    modality: h0.modality,
    unit: h0.modality === 'CT' ? 'HU' : '',
    preferInt16: integral,
    windowPresets: windows,
    invertDisplay: h0.photometricInterpretation === 'MONOCHROME1',
    seriesInstanceUid: h0.seriesInstanceUid,
    sources,
    outputs,
    shifted,
    warnings: base.warnings,
    hasPixelPadding: cands.some((cand) => cand.header.pixelPadding !== undefined),
  };
  return [{ ...base, label: `${orientation} ${h0.columns}×${h0.rows} × ${nz} slices${isLocalizer ? ' (localizer)' : ''}`, plan }];
}

/** Groups parsed headers into series and stacks. `headers[i]` belongs to input file i. */
export function buildSeries(headers: readonly (InstanceHeader | undefined)[], skipped: readonly SkippedFile[]): ScanResult {
  const bySeries = new Map<string, Candidate[]>();
  headers.forEach((header, fileIndex) => {
    if (!header) return;
    const key = header.seriesInstanceUid || `(no series UID) ${header.fileName}`;
    const list = bySeries.get(key) ?? [];
    header.frames.forEach((f, frame) => list.push({ header, fileIndex, frame, f }));
    bySeries.set(key, list);
  });
  const series: SeriesInfo[] = [];
  let stackCounter = 0;
  for (const [uid, cands] of bySeries) {
    const stacks = groupStacks(cands).flatMap((g) => planStack(`stack-${++stackCounter}`, g));
    const h0 = cands[0].header;
    series.push({
      seriesInstanceUid: uid,
      studyInstanceUid: h0.studyInstanceUid,
      modality: h0.modality,
      display: h0.display,
      fileCount: new Set(cands.map((c) => c.fileIndex)).size,
      stacks,
    });
  }
  series.sort((a, b) => Number(a.display.seriesNumber || 0) - Number(b.display.seriesNumber || 0));
  const offered = series.flatMap((s) => s.stacks).filter((s) => s.plan);
  const score = (s: StackInfo): number => (s.isLocalizer ? 0 : 1e12) + (s.plan?.geometry.dimensions.reduce((a, b) => a * b, 1) ?? 0);
  const preferred = offered.sort((a, b) => score(b) - score(a))[0];
  return { series, skipped, headers, preferredStackId: preferred?.id };
}

export function findStack(scan: ScanResult, stackId: string): StackInfo | undefined {
  for (const s of scan.series) for (const st of s.stacks) if (st.id === stackId) return st;
  return undefined;
}
