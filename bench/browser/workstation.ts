/**
 * Core half of the workstation benchmark (bench/workstation-browser.mjs drives it): the app's own
 * threshold-preview code, timed on the page's main thread (where the app runs it too).
 *
 * - Whole volume: `thresholdMask` (src/core/segmentation/threshold.ts) on a 512×512×400 Int16Array
 *   on a SharedArrayBuffer (as the app's loader gives it when crossOriginIsolated). `getRangePreview`
 *   (src/store/segmentationStore.ts) calls it with `into` = the mask of the previous range, so the
 *   warm runs refill one Uint8Array; the first call also allocates (and first-touches) the mask.
 * - Per slice: `renderSlice` (src/core/volume/slice.ts) of a 512×512 slice with the range tint, plus
 *   `putImageData` onto a canvas: exactly what SliceView's effect does after a range change.
 *
 * The voxels: a CT-like head (air −1000 ± ripple, a skull shell ~1000 HU, brain ~35 HU, texture),
 * so the in-range test is taken both ways like on a real head CT. Ranges alternate between a few
 * bone / soft-tissue ranges, so every call is a new range (no cache).
 *
 * Query: ?nz=400&repeats=10&sliceRepeats=50. Result: window.__wsResult.
 */
import { thresholdMask } from '../../src/core/segmentation/threshold';
import { renderSlice } from '../../src/core/volume/slice';
import type { Volume } from '../../src/core/volume/volume';

declare global {
  interface Window {
    __wsResult?: unknown;
    gc?: () => void;
  }
}

const params = new URLSearchParams(location.search);
const NX = 512;
const NY = 512;
const NZ = Number(params.get('nz') ?? 400);
const REPEATS = Number(params.get('repeats') ?? 10);
const SLICE_REPEATS = Number(params.get('sliceRepeats') ?? 50);
const RANGES = [
  { lo: 226, hi: 3071 },
  { lo: 150, hi: 3071 },
  { lo: -100, hi: 300 },
  { lo: 300, hi: 3071 },
];

const log = (s: string): void => {
  document.getElementById('log')!.textContent += `${s}\n`;
  console.log(`[bench] ${s}`);
};
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

function makeVoxels(): Int16Array {
  const voxels = new Int16Array(new SharedArrayBuffer(NX * NY * NZ * 2));
  const row = new Int16Array(NX);
  for (let k = 0; k < NZ; k++) {
    const z = (k - NZ / 2) / (NZ / 2);
    for (let j = 0; j < NY; j++) {
      const y = (j - NY / 2) / (NY / 2.3);
      for (let i = 0; i < NX; i++) {
        const x = (i - NX / 2) / (NX / 2.5);
        const r = Math.sqrt(x * x + y * y * 1.2 + z * z * 0.9);
        let hu: number;
        if (r > 1) hu = -1000 + Math.round(6 * Math.sin(i * 0.3 + j * 0.2 + k * 0.1));
        else if (r > 0.9) hu = 900 + Math.round(150 * Math.sin(i * 0.05) * Math.cos(j * 0.07));
        else if (r > 0.87) hu = 10;
        else hu = 35 + Math.round(15 * Math.sin(i * 0.17 + k * 0.05) * Math.cos(j * 0.13));
        row[i] = hu;
      }
      voxels.set(row, (k * NY + j) * NX);
    }
  }
  return voxels;
}

async function main(): Promise<void> {
  const t = performance.now();
  const voxels = makeVoxels();
  log(`volume ${NX}×${NY}×${NZ} int16 (${((voxels.length * 2) / 1e6).toFixed(0)} MB) made in ${(performance.now() - t).toFixed(0)} ms`);
  await nextFrame();

  // Whole volume. First call: a new mask (as the first preview of a volume); then refills.
  window.gc?.();
  let t0 = performance.now();
  const mask = thresholdMask(voxels, RANGES[0]);
  const firstMs = performance.now() - t0;
  let inside = 0;
  for (let i = 0; i < mask.length; i += 97) inside += mask[i];
  const refillMs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    await nextFrame();
    const range = RANGES[(r + 1) % RANGES.length];
    t0 = performance.now();
    thresholdMask(voxels, range, mask);
    refillMs.push(performance.now() - t0);
  }
  // A fresh mask every time (if the app did not reuse it): first-touch of 105 MB included.
  const freshMs: number[] = [];
  for (let r = 0; r < 3; r++) {
    await nextFrame();
    window.gc?.();
    t0 = performance.now();
    thresholdMask(voxels, RANGES[r % RANGES.length]);
    freshMs.push(performance.now() - t0);
  }
  log(`thresholdMask ${NX}×${NY}×${NZ}: first ${firstMs.toFixed(0)} ms, refill median ${median(refillMs).toFixed(0)} ms, fresh mask median ${median(freshMs).toFixed(0)} ms`);

  // Per slice: SliceView's effect (renderSlice with the tint, then putImageData on its canvas).
  const volume = { dimensions: [NX, NY, NZ], voxels, invertDisplay: false } as unknown as Volume;
  const canvas = document.getElementById('slice') as HTMLCanvasElement;
  const ctx = canvas.getContext('2d')!;
  const voi = { center: 40, width: 80 };
  const renderMs: number[] = [];
  const renderPutMs: number[] = [];
  const plainMs: number[] = [];
  for (let r = 0; r < SLICE_REPEATS; r++) {
    if (r % 10 === 0) await nextFrame();
    const k = Math.floor(NZ / 2) + (r % 5);
    const range = RANGES[r % RANGES.length];
    t0 = performance.now();
    const img = renderSlice(volume, k, voi, { range, rgb: [40, 220, 140], alpha: 0.45 });
    const t1 = performance.now();
    canvas.width = img.width;
    canvas.height = img.height;
    ctx.putImageData(new ImageData(img.rgba, img.width, img.height), 0, 0);
    const t2 = performance.now();
    renderMs.push(t1 - t0);
    renderPutMs.push(t2 - t0);
    t0 = performance.now();
    renderSlice(volume, k, voi);
    plainMs.push(performance.now() - t0);
  }
  log(`renderSlice 512×512 with tint: median ${median(renderMs).toFixed(1)} ms (+ putImageData ${median(renderPutMs).toFixed(1)} ms); without tint ${median(plainMs).toFixed(1)} ms`);

  window.__wsResult = {
    env: { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated },
    dims: [NX, NY, NZ],
    insideFraction: inside / Math.ceil(mask.length / 97),
    threshold: { firstMs, refillMs, refillMedianMs: median(refillMs), freshMs, freshMedianMs: median(freshMs) },
    slice: { renderMs, renderMedianMs: median(renderMs), renderPutMs, renderPutMedianMs: median(renderPutMs), plainMedianMs: median(plainMs) },
  };
}

main().catch((e: unknown) => {
  window.__wsResult = { error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
});
