import type { HuRange } from '../segmentation/presets';
import { ijkToLps } from './volume';
import type { Volume, WindowPreset } from './volume';

/** Voxels whose value lies in `range` (inclusive) are tinted with `rgb` at `alpha` (0–1). */
export interface RangeOverlay {
  readonly range: HuRange;
  readonly rgb: readonly [number, number, number];
  readonly alpha: number;
}

export interface SliceImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major, first row = first image row (j = 0). */
  readonly rgba: Uint8ClampedArray<ArrayBuffer>;
}

/**
 * Renders acquisition slice k with a DICOM linear window (PS3.3 C.11.2.1.2): values at or
 * below `center - width/2` are black, at or above `center + width/2` white. MONOCHROME1
 * volumes are inverted for display.
 */
export function renderSlice(volume: Volume, k: number, voi: Pick<WindowPreset, 'center' | 'width'>, overlay?: RangeOverlay): SliceImage {
  const [nx, ny, nz] = volume.dimensions;
  const kk = Math.max(0, Math.min(nz - 1, Math.round(k)));
  const rgba = new Uint8ClampedArray(nx * ny * 4);
  const lo = voi.center - 0.5 - (voi.width - 1) / 2;
  const range = Math.max(1, voi.width - 1);
  const base = kk * nx * ny;
  const v = volume.voxels;
  for (let p = 0; p < nx * ny; p++) {
    let g = ((v[base + p] - lo) / range) * 255;
    if (volume.invertDisplay) g = 255 - g;
    const o = p * 4;
    rgba[o] = rgba[o + 1] = rgba[o + 2] = g;
    rgba[o + 3] = 255;
  }
  if (overlay) {
    const { lo: rlo, hi: rhi } = overlay.range;
    const a = Math.max(0, Math.min(1, overlay.alpha));
    const [r, gg, b] = overlay.rgb;
    for (let p = 0; p < nx * ny; p++) {
      const x = v[base + p];
      if (x < rlo || x > rhi) continue;
      const o = p * 4;
      // Uint8ClampedArray rounds half to even: the blend of grey g and colour c is g + a·(c − g).
      rgba[o] = rgba[o] + a * (r - rgba[o]);
      rgba[o + 1] = rgba[o + 1] + a * (gg - rgba[o + 1]);
      rgba[o + 2] = rgba[o + 2] + a * (b - rgba[o + 2]);
    }
  }
  return { width: nx, height: ny, rgba };
}

/** A window covering the 1st–99th percentile of a volume's values (for MR, no DICOM preset). */
export function autoWindow(volume: Volume): WindowPreset {
  const v = volume.voxels;
  const step = Math.max(1, Math.floor(v.length / 200_000));
  const sample: number[] = [];
  for (let i = 0; i < v.length; i += step) sample.push(v[i]);
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(sample.length * 0.01)] ?? 0;
  const hi = sample[Math.floor(sample.length * 0.99)] ?? 1;
  return { label: 'Auto (1–99%)', center: (lo + hi) / 2, width: Math.max(1, hi - lo) };
}

/**
 * Slice k of a volume as a one-slice volume (a view of the same voxels, the same geometry
 * otherwise): windows computed from it describe that slice only, e.g. while the rest loads.
 */
export function sliceVolume(volume: Volume, k: number): Volume {
  const [nx, ny] = volume.dimensions;
  const n = nx * ny;
  return { ...volume, dimensions: [nx, ny, 1], originLps: ijkToLps(volume, [0, 0, k]), voxels: volume.voxels.subarray(k * n, (k + 1) * n) };
}

/** Default display window: the series' own first preset, else a CT brain window, else auto. */
export function defaultWindow(volume: Volume): WindowPreset {
  if (volume.windowPresets.length) return volume.windowPresets[0];
  if (volume.modality === 'CT') return { label: 'Brain', center: 40, width: 80 };
  return autoWindow(volume);
}

/** CT display windows (centre/width in HU) as radiology viewers offer them. */
export const CT_WINDOW_PRESETS: readonly WindowPreset[] = [
  { label: 'Brain', center: 40, width: 80 },
  { label: 'Subdural', center: 75, width: 215 },
  { label: 'Stroke', center: 40, width: 40 },
  { label: 'Bone', center: 600, width: 2800 },
  { label: 'Soft tissue', center: 40, width: 400 },
  { label: 'Lung', center: -600, width: 1500 },
];

/** The windows to offer for a volume: its default first, the series' own, then CT's (on CT). */
export function windowPresetsFor(volume: Volume): WindowPreset[] {
  const all = [defaultWindow(volume), ...volume.windowPresets, ...(volume.modality === 'CT' ? CT_WINDOW_PRESETS : [autoWindow(volume)])];
  return all.filter((w, i) => all.findIndex((x) => x.label === w.label) === i);
}
