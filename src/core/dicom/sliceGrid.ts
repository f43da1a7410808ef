import type { VolumeWarning } from '../volume/volume';

/** How output slice k is made: `(1 - t) * sources[a] + t * sources[b]` (in-plane shifts applied). */
export interface OutputSlice {
  readonly a: number;
  readonly b: number;
  readonly t: number;
}

export interface SliceGrid {
  /** Spacing of the output slices along the normal, mm. */
  readonly spacingMm: number;
  readonly count: number;
  /** Undefined when output slice k is source k (uniform spacing). */
  readonly outputs?: readonly OutputSlice[];
  readonly warnings: readonly VolumeWarning[];
}

export const median = (a: readonly number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmt = (v: number, digits = 2): string => (Math.round(v * 10 ** digits) / 10 ** digits).toString();

/**
 * The regular slice grid for sorted, de-duplicated slice positions along the normal (mm).
 * Uniform spacing (every step within max(0.02 mm, 1%) of the median) maps slices 1:1. Otherwise
 * the grid keeps the median step from the first slice to the last, each output slice linearly
 * interpolated between the two source slices around it; gaps that are whole multiples of the
 * step are reported as missing slices, anything else as non-uniform spacing.
 */
export function planSliceGrid(distancesMm: readonly number[]): SliceGrid {
  const steps = distancesMm.slice(1).map((d, i) => d - distancesMm[i]);
  const step = median(steps);
  const tol = Math.max(0.02, step * 0.01);
  if (steps.every((s) => Math.abs(s - step) <= tol)) return { spacingMm: step, count: distancesMm.length, warnings: [] };

  const gaps = steps.map((s) => s / step);
  const missing = gaps.filter((g) => g > 1.5 && Math.abs(g - Math.round(g)) < 0.05).reduce((sum, g) => sum + Math.round(g) - 1, 0);
  const irregular = gaps.some((g) => Math.abs(g - Math.round(g)) >= 0.05 || Math.round(g) < 1);
  const first = distancesMm[0];
  const last = distancesMm[distancesMm.length - 1];
  const count = Math.floor((last - first) / step + 1e-6) + 1;
  const warnings: VolumeWarning[] =
    missing && !irregular
      ? [
          {
            code: 'missing-slices',
            message: `${missing} slice(s) missing from the stack (gaps of ${steps.filter((s) => s > step * 1.5).map((s) => `${fmt(s)} mm`).join(', ')} where the spacing is ${fmt(step)} mm): filled by linear interpolation between neighbours`,
          },
        ]
      : [
          {
            code: 'non-uniform-spacing',
            message: `non-uniform slice spacing (${fmt(Math.min(...steps))}–${fmt(Math.max(...steps))} mm): resampled to a regular ${fmt(step)} mm grid by linear interpolation along the slice normal`,
          },
        ];
  const outputs: OutputSlice[] = [];
  let a = 0;
  for (let k = 0; k < count; k++) {
    const d = first + k * step;
    while (a + 1 < distancesMm.length - 1 && distancesMm[a + 1] <= d) a++;
    const b = Math.min(a + 1, distancesMm.length - 1);
    const span = distancesMm[b] - distancesMm[a];
    const t = span > 0 ? Math.min(1, Math.max(0, (d - distancesMm[a]) / span)) : 0;
    outputs.push(t < 1e-6 ? { a, b: a, t: 0 } : t > 1 - 1e-6 ? { a: b, b, t: 0 } : { a, b, t });
  }
  return { spacingMm: step, count, outputs, warnings };
}
