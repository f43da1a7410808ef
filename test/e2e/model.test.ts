import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { listInputFiles, nodeCodecs } from '../../src/cli/nodeIo';
import { loadVolume, scanFiles } from '../../src/core/dicom/load';
import { exportMeshes } from '../../src/core/export';
import { finishModel, segmentRange } from '../../src/core/mesh/model';
import { extractSurface } from '../../src/core/mesh/surfaceNets';
import { TsSurfaceKernel } from '../../src/core/mesh/surfaceKernel';
import { meshStats } from '../../src/core/mesh/stats';
import { CT_HEAD_PHANTOM, ctHeadPhantomVolumesMm3 } from '../../src/core/samples/ctHeadPhantom';
import { parseBinaryStl } from '../helpers/meshParsers';
import { type BrowserSession, canvasPixels, openBrowser, screenshotPath } from './browser';

/** Pixels of the 3D preview (the WebGL canvas keeps its drawing buffer), as RGB triples. */
async function previewPixels(page: Page): Promise<{ width: number; height: number; rgb: number[] }> {
  const { width, height, rgba } = await canvasPixels(page.getByTestId('model-canvas'));
  return { width, height, rgb: rgba.filter((_, i) => i % 4 !== 3) };
}

/** Fraction of pixels in the model's warm ivory (bone 230/220/200, lit), not the grey-blue bed or background. */
const ivoryFraction = (rgb: number[]): number => {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] > 90 && rgb[i] >= rgb[i + 2] + 12) n++;
  return n / (rgb.length / 3);
};

/** The smoothing deviation the CLI's pipeline measures (set by referenceStl). */
let referenceDeviation: { maxMm: number; meanMm: number } | undefined;

/** The STL the CLI's pipeline writes for the phantom's bone, in this process with the TypeScript kernel. */
async function referenceStl(): Promise<Uint8Array> {
  const files = await listInputFiles('public/samples/ct-phantom');
  const scan = await scanFiles(files);
  const volume = await loadVolume(files, scan, scan.preferredStackId, nodeCodecs());
  const range = { lo: 226, hi: 3071 };
  const { mask } = segmentRange(volume.voxels, volume.dimensions, range, true);
  const raw = extractSurface({ dimensions: volume.dimensions, mask, values: volume.voxels, range }, volume, new TsSurfaceKernel());
  const { mesh, smoothing } = await finishModel(raw, volume, { smoothing: 'medium' });
  referenceDeviation = smoothing?.deviation;
  return exportMeshes({ meshes: [{ name: 'Bone', colorRgb: [230, 220, 200], mesh }], format: 'stl', frame: 'LPS' })[0].bytes;
}

describe('create a model in the browser (mesh workers, WebAssembly kernel)', () => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('CT phantom → bone → create model → export STL: the skull, closed, identical to the CLI pipeline', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=ct-phantom`);
    await page.getByRole('button', { name: 'Loaded' }).waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);

    await page.getByRole('combobox', { name: 'Tissue' }).selectOption('bone');
    await page.getByRole('combobox', { name: 'Smoothing' }).selectOption('medium');
    await expect.poll(() => page.getByRole('checkbox', { name: 'Keep largest piece' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.getByTestId('model-watertight').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-watertight').textContent()).toBe('yes');
    expect(await page.getByTestId('model-shells').textContent()).toBe('2');
    const engine = (await page.getByTestId('model-engine').textContent()) ?? '';
    expect(engine).toContain('WebAssembly mesher');
    // Split across the workers (shared memory): the same file as one in-process run below.
    const workers = Number(/(\d+) workers?/.exec(engine)?.[1]);
    expect(workers).toBe(Math.max(1, Math.min(4, cores)));
    const volumeMm3 = Number(await page.getByTestId('model-volume-mm3').getAttribute('data-value'));
    const skull = ctHeadPhantomVolumesMm3.skullMm3;
    expect(Math.abs(volumeMm3 - skull) / skull).toBeLessThan(0.03);
    // The 3D preview: the skull drawn in bone colour on the bed; dragging turns it.
    const canvas = page.getByTestId('model-canvas');
    await expect.poll(async () => Number(await canvas.getAttribute('data-models')) > 0 && Number(await canvas.getAttribute('data-frames')) > 0).toBe(true);
    // Headless Chromium draws WebGL on the CPU: the preview draws a lighter copy (made in a
    // worker) and says so; the figures above and the export are the full model.
    const standIn = page.getByTestId('preview-stand-in');
    expect(Number(await standIn.getAttribute('data-triangles'))).toBeLessThanOrEqual(150_000);
    expect(Number(await standIn.getAttribute('data-triangles'))).toBeGreaterThan(100_000);
    expect(await standIn.textContent()).toContain(`of ${await page.getByTestId('model-triangles').textContent()} triangles`);
    const before = await previewPixels(page);
    expect(before.width).toBeGreaterThan(300);
    expect(ivoryFraction(before.rgb)).toBeGreaterThan(0.03);
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 30, { steps: 8 });
    await page.mouse.up();
    await expect
      .poll(async () => {
        const after = await previewPixels(page);
        let changed = 0;
        for (let i = 0; i < after.rgb.length; i += 3) if (Math.abs(after.rgb[i] - before.rgb[i]) > 24) changed++;
        return changed / (after.rgb.length / 3);
      })
      .toBeGreaterThan(0.02);
    await page.screenshot({ path: screenshotPath('model-bone-ct-phantom'), fullPage: true });
    // The smoothing deviation is measured in a worker after the model is ready: the same figures
    // as the in-process pipeline.
    const deviation = page.getByTestId('model-smoothing-deviation');
    await expect.poll(() => deviation.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');

    await page.getByRole('combobox', { name: 'Format' }).selectOption('stl');
    await page.getByRole('combobox', { name: 'Frame' }).selectOption('LPS');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^voxelprint-[a-z0-9-]+\.stl$/);
    expect(download.suggestedFilename().toLowerCase()).not.toContain('phantom');
    const bytes = new Uint8Array(readFileSync(await download.path()));
    const expectedStl = await referenceStl();
    const f2 = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(await deviation.textContent()).toBe(`medium: max ${f2(referenceDeviation!.maxMm)} mm, mean ${f2(referenceDeviation!.meanMm)} mm`);

    // The downloaded model: closed, manifold, the skull's analytic volume and extent.
    const stl = parseBinaryStl(bytes);
    expect(new TextDecoder().decode(stl.header).trimEnd()).toBe('VOXELPRINT SPACE=LPS UNITS=mm');
    const positionsMm = Float32Array.from(stl.part.triangles);
    // Weld identical positions back into an indexed mesh to check the topology.
    const ids = new Map<string, number>();
    const indices = new Uint32Array(positionsMm.length / 3);
    const welded: number[] = [];
    for (let v = 0; v < indices.length; v++) {
      const key = `${positionsMm[v * 3]},${positionsMm[v * 3 + 1]},${positionsMm[v * 3 + 2]}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
        welded.push(positionsMm[v * 3], positionsMm[v * 3 + 1], positionsMm[v * 3 + 2]);
      }
      indices[v] = id;
    }
    const s = meshStats({ positionsMm: Float32Array.from(welded), indices, frame: 'LPS' });
    expect(s.boundaryEdges).toBe(0);
    expect(s.inconsistentlyOrientedEdges).toBe(0);
    expect(Math.abs(s.volumeMm3 - volumeMm3) / volumeMm3).toBeLessThan(1e-4);
    const [cx, cy, cz] = CT_HEAD_PHANTOM.centerLps;
    const [a, b, c] = CT_HEAD_PHANTOM.skullOuterSemiAxesMm;
    [cx - a, cy - b, cz - c].forEach((v, i) => expect(Math.abs(s.bboxMm.min[i] - v)).toBeLessThan(1.5));
    [cx + a, cy + b, cz + c].forEach((v, i) => expect(Math.abs(s.bboxMm.max[i] - v)).toBeLessThan(1.5));

    // Byte for byte what the same pipeline gives in Node with the TypeScript kernel in one piece:
    // the WebAssembly kernel, the worker split and the join change nothing.
    const reference = expectedStl;
    expect(bytes.length).toBe(reference.length);
    expect(Buffer.from(bytes).equals(Buffer.from(reference))).toBe(true);
    expect(browser.errors).toEqual([]);
  });

  it('progress is shown and Cancel stops the build; building again with 80% fewer triangles works', async () => {
    const { page } = browser;
    await page.getByRole('combobox', { name: 'Smoothing' }).selectOption('high');
    await page.getByRole('combobox', { name: 'Tissue' }).selectOption('soft-tissue');
    await page.getByRole('button', { name: 'Create model' }).click();
    const progress = page.getByRole('status', { name: 'Model progress' });
    await progress.waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Cancel model' }).click();
    await progress.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.getByTestId('model-watertight').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);

    // Building again, this time reduced by 80%: still closed, a fifth of the triangles.
    await page.getByRole('combobox', { name: 'Tissue' }).selectOption('bone');
    await page.getByRole('combobox', { name: 'Smoothing' }).selectOption('low');
    await page.getByRole('combobox', { name: 'Reduce triangles' }).selectOption('0.8');
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.getByTestId('model-watertight').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-watertight').textContent()).toBe('yes');
    expect(await page.getByTestId('model-shells').textContent()).toBe('2');
    const reduction = (await page.getByTestId('model-decimation').textContent()) ?? '';
    const [before, after] = (/([\d,]+) → ([\d,]+)/.exec(reduction) ?? []).slice(1).map((t) => Number(t.replaceAll(',', '')));
    expect(before).toBeGreaterThan(400_000);
    expect(Math.abs(after / before - 0.2)).toBeLessThan(0.01);
    expect(Number((await page.getByTestId('model-triangles').textContent())?.replaceAll(',', ''))).toBe(after);
    expect(reduction).toMatch(/deviation max [\d.]+ mm/);
    const volumeMm3 = Number(await page.getByTestId('model-volume-mm3').getAttribute('data-value'));
    expect(Math.abs(volumeMm3 - ctHeadPhantomVolumesMm3.skullMm3) / ctHeadPhantomVolumesMm3.skullMm3).toBeLessThan(0.03);
    await page.screenshot({ path: screenshotPath('model-bone-decimated'), fullPage: true });
    expect(browser.errors).toEqual([]);
  });

  it('MRI: a custom range (default from Otsu), previewed on the slice, builds a closed head model', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=mri-colin27`);
    await page.getByRole('button', { name: 'Loaded' }).waitFor({ timeout: 60_000 });
    // No HU presets on MR: the custom range, starting at Otsu's threshold and ending at the maximum.
    const tissue = page.getByRole('combobox', { name: 'Tissue' });
    expect(await tissue.inputValue()).toBe('custom');
    expect(await tissue.locator('option').count()).toBe(1);
    const from = page.getByRole('spinbutton', { name: 'Range from' });
    const to = page.getByRole('spinbutton', { name: 'Range to' });
    const otsu = Number(await from.inputValue());
    expect(otsu).toBeGreaterThan(0);
    expect(Number(await to.inputValue())).toBeGreaterThan(otsu);

    // The preview tints the voxels in range, and only while asked to.
    const tinted = async (): Promise<number> =>
      page.getByTestId('slice-canvas').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 1] > d[i] + 20 && d[i + 1] > d[i + 2] + 10) n++;
        return n / (d.length / 4);
      });
    await from.fill('500');
    await to.fill('1012');
    await expect.poll(tinted).toBeGreaterThan(0.05);
    await page.screenshot({ path: screenshotPath('mri-range-preview') }); // not fullPage: that leaves the page's layout stale for the next click
    await page.getByRole('checkbox', { name: 'Show range on slices' }).uncheck();
    await expect.poll(tinted).toBe(0);

    await page.getByRole('combobox', { name: 'Smoothing' }).selectOption('medium');
    await page.getByRole('combobox', { name: 'Reduce triangles' }).selectOption('0');
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.getByTestId('model-watertight').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('model-watertight').textContent()).toBe('yes');
    // The largest piece of 500…1012 in this T1 template: brain and the tissue joined to it, inside
    // the 150 × 185 × 158 mm field.
    const volumeMm3 = Number(await page.getByTestId('model-volume-mm3').getAttribute('data-value'));
    expect(volumeMm3).toBeGreaterThan(600_000);
    expect(volumeMm3).toBeLessThan(1_700_000);
    const size = ((await page.getByTestId('model-size-mm').textContent()) ?? '').split('×').map((t) => Number.parseFloat(t.replaceAll(',', '')));
    [150, 185, 158].forEach((limit, a) => {
      expect(size[a]).toBeGreaterThan(limit * 0.5);
      expect(size[a]).toBeLessThanOrEqual(limit + 1);
    });
    await page.screenshot({ path: screenshotPath('model-mri-colin27'), fullPage: true });
    expect(browser.errors).toEqual([]);
  });
});
