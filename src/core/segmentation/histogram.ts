import type { VoxelArray } from '../volume/volume';
import type { HuRange } from './presets';

/**
 * Otsu's threshold (1979): the value that best splits the voxels into two classes (maximum
 * between-class variance), over a 256-bin histogram of the values from min to max. Used as the
 * default lower bound of a range on modalities without HU (MR). Returns the lower edge of the
 * first bin of the upper class, so `lo = otsuThreshold(v)` selects the brighter class.
 */
export function otsuThreshold(values: VoxelArray, bins = 256): number {
  return otsuRange(values, bins).lo;
}

/** The brighter Otsu class as a range: [Otsu's threshold, the maximum value]. */
export function otsuRange(values: VoxelArray, bins = 256): HuRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!(max > min)) return { lo: min, hi: max };
  const width = (max - min) / bins;
  const hist = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) hist[Math.min(bins - 1, Math.floor((values[i] - min) / width))]++;
  const total = values.length;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * hist[b];
  let wLow = 0;
  let sumLow = 0;
  let best = -1;
  let split = 1;
  for (let b = 0; b < bins - 1; b++) {
    wLow += hist[b];
    sumLow += b * hist[b];
    const wHigh = total - wLow;
    if (wLow === 0 || wHigh === 0) continue;
    const meanLow = sumLow / wLow;
    const meanHigh = (sumAll - sumLow) / wHigh;
    const between = wLow * wHigh * (meanLow - meanHigh) ** 2;
    if (between > best) {
      best = between;
      split = b + 1;
    }
  }
  return { lo: min + split * width, hi: max };
}
