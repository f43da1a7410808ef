import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { listInputFiles, nodeCodecs } from '../../src/cli/nodeIo';
import { loadVolume, scanFiles } from '../../src/core/dicom/load';
import { hashBytes, parseRecipe, replayRecipe, voxelsPerLabel } from '../../src/core/segmentation/recipe';
import { ijkToLps, lpsToIjk } from '../../src/core/volume/volume';
import type { Step } from '../../src/core/segmentation/steps';
import { dot } from '../../src/core/geometry/vec3';
import { countInRange, thresholdMask } from '../../src/core/segmentation/threshold';
import { maskStatistics } from '../../src/core/segmentation/statistics';
import { parseBinaryStl } from '../helpers/meshParsers';
import { type BrowserSession, canvasPixels, openBrowser, screenshotPath } from './browser';

const voxels = async (page: Page, label: number): Promise<number> => Number(await page.getByTestId(`segment-voxels-${label}`).getAttribute('data-value'));

/** Pixels of a viewport close to a colour (the segment's fill blended over the image). */
async function tinted(page: Page, orientation: string, rgb: readonly [number, number, number]): Promise<number> {
  const { rgba } = await canvasPixels(page.getByTestId(`mpr-${orientation}`));
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const [r, g, b] = [rgba[i], rgba[i + 1], rgba[i + 2]];
    // Hue test: the channel order of the segment colour, with a clear margin.
    if (rgb[0] > rgb[2] ? r > g + 25 && r > b + 40 : b > r + 40) n++;
  }
  return n;
}

async function drag(page: Page, testId: string, from: [number, number], to: [number, number]): Promise<void> {
  const el = page.getByTestId(testId);
  await el.scrollIntoViewIfNeeded();
  const box = (await el.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 12 });
  await page.mouse.up();
}

describe('segment in the browser: segment list, threshold, brush, undo/redo, recipe, models per segment', () => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('CT phantom: threshold bone into a segment, paint a second one, undo/redo, export per segment, replay the recipe bit for bit', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=ct-phantom`);
    await page.getByRole('button', { name: 'Loaded' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByRole('region', { name: 'Views' }).getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    await page.getByRole('checkbox', { name: 'Show range on slices' }).uncheck();

    // The same series in Node, for the expected counts and the replay.
    const files = await listInputFiles('public/samples/ct-phantom');
    const scan = await scanFiles(files);
    const volume = await loadVolume(files, scan, scan.preferredStackId, nodeCodecs());

    // 1. Threshold (bone preset) into a new segment: exactly the voxels in 226…3071 HU.
    await page.getByRole('button', { name: 'Threshold into a new segment' }).click();
    await expect.poll(() => voxels(page, 1)).toBe(countInRange(volume.voxels, { lo: 226, hi: 3071 }));
    const name = page.getByRole('textbox', { name: 'Name of segment 1' });
    await name.fill('Skull <b>');
    await name.press('Enter');
    await expect.poll(() => page.getByRole('radio', { name: 'Edit Skull <b>' }).isChecked()).toBe(true);
    // Statistics (computed in the worker): the skull's voxels, volume and mean HU, as in Node.
    await page.getByRole('button', { name: 'Statistics' }).click();
    const row = page.getByRole('table', { name: 'Segment statistics' }).locator('tbody tr');
    await expect.poll(() => row.first().locator('td').allTextContents(), { timeout: 20_000 }).toHaveLength(5);
    const cells = await row.first().locator('td').allTextContents();
    let sum = 0;
    let n = 0;
    for (const x of volume.voxels) {
      if (x >= 226 && x <= 3071) {
        sum += x;
        n++;
      }
    }
    const mm3 = n * volume.spacingMm[0] * volume.spacingMm[1] * volume.spacingMm[2];
    expect(cells[0]).toBe('Skull <b>');
    expect(cells[1]).toBe(n.toLocaleString('en-US'));
    expect(cells[2]).toBe((mm3 / 1000).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(Math.abs(Number(cells[4].split(' ± ')[0].replace(/,/g, '')) - sum / n)).toBeLessThanOrEqual(0.051);
    const area = maskStatistics(thresholdMask(volume.voxels, { lo: 226, hi: 3071 }), volume, volume.voxels, { surface: 'mesh' }).surfaceAreaMm2!;
    expect(cells[3]).toBe((area / 100).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }));

    // The skull is drawn in the segment's ivory over the axial view.
    await expect.poll(() => tinted(page, 'axial', [230, 220, 200]).then(() => true)).toBe(true);

    // 2. A second segment painted with the brush (3 mm circle) on the axial view.
    await page.getByRole('button', { name: 'Add segment' }).click();
    await expect.poll(() => page.getByRole('radio', { name: 'Edit Segment 2' }).isChecked()).toBe(true);
    await page.keyboard.press('b');
    await expect.poll(() => page.getByRole('button', { name: 'Brush' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Brush' }).getAttribute('title')).toMatch(/\(B\)$/);
    await page.getByRole('spinbutton', { name: 'Brush radius (mm)' }).fill('3');
    const redBefore = await tinted(page, 'axial', [216, 101, 79]);
    await drag(page, 'mpr-axial', [0.4, 0.45], [0.6, 0.55]);
    await expect.poll(() => voxels(page, 2)).toBeGreaterThan(100);
    const painted = await voxels(page, 2);
    // A 3 mm circle dragged across the slice: one slice thick, so the count is about the swept area / pixel area.
    const [sx, sy] = volume.spacingMm;
    expect(painted).toBeLessThan((Math.PI * 9 + 6 * 200) / (sx * sy));
    await expect.poll(() => tinted(page, 'axial', [216, 101, 79])).toBeGreaterThan(redBefore + 50);
    await page.getByTestId('mpr-axial').screenshot({ path: screenshotPath('segment-brush-axial') });
    // Painting also took the voxels of the skull it crossed (overwrite), so the skull shrank by what the stroke took from it.
    const skullAfterPaint = await voxels(page, 1);

    // 3. Undo (Ctrl+Z) restores both counts; redo (Ctrl+Shift+Z) repeats the stroke.
    await page.getByTestId('mpr-axial').hover();
    await page.keyboard.press('Control+z');
    await expect.poll(() => voxels(page, 2)).toBe(0);
    expect(await voxels(page, 1)).toBe(countInRange(volume.voxels, { lo: 226, hi: 3071 }));
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => voxels(page, 2)).toBe(painted);
    expect(await voxels(page, 1)).toBe(skullAfterPaint);

    // 4. The eraser removes from the active segment only.
    await page.keyboard.press('e');
    await drag(page, 'mpr-axial', [0.45, 0.47], [0.55, 0.53]);
    await expect.poll(() => voxels(page, 2)).toBeLessThan(painted);
    expect(await voxels(page, 1)).toBe(skullAfterPaint);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => voxels(page, 2)).toBe(painted);

    // 5. Models per segment: two models, each in its colour; one STL per segment.
    await page.getByRole('combobox', { name: 'Build from' }).selectOption('segments');
    await page.getByRole('checkbox', { name: 'Keep largest piece' }).uncheck();
    await page.getByRole('button', { name: 'Create model' }).click();
    await expect.poll(() => page.getByTestId('model-name').allTextContents(), { timeout: 60_000 }).toEqual(['Skull <b>', 'Segment 2']);
    // Each model has its own opacity in the preview: the skull made faint changes the picture.
    const preview = page.getByTestId('model-canvas');
    await preview.scrollIntoViewIfNeeded();
    await expect.poll(async () => Number(await preview.getAttribute('data-frames'))).toBeGreaterThan(0);
    const opaque = (await canvasPixels(preview)).rgba;
    await page.getByRole('slider', { name: 'Opacity of model Skull <b>' }).fill('0.2');
    await expect
      .poll(async () => {
        const now = (await canvasPixels(preview)).rgba;
        let changed = 0;
        for (let i = 0; i < now.length; i += 4) if (Math.abs(now[i] - opaque[i]) > 24) changed++;
        return changed / (now.length / 4);
      })
      .toBeGreaterThan(0.01);
    await page.getByRole('checkbox', { name: 'One file per segment' }).check();
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    const [first] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    await expect.poll(() => downloads.length).toBe(2);
    expect(downloads.every((f) => /^voxelprint-[a-z0-9-]+\.stl$/.test(f))).toBe(true);
    const stl = parseBinaryStl(new Uint8Array(readFileSync(await first.path())));
    expect(stl.count).toBeGreaterThan(1000);
    expect(new Set(downloads).size).toBe(2);
    await page.screenshot({ path: screenshotPath('segment-models') });

    // 6. The session as a recipe: replayed in Node on the same series, the same labelmap bit for bit.
    const [recipeFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save recipe' }).click()]);
    const recipe = parseRecipe(readFileSync(await recipeFile.path(), 'utf8'));
    expect(recipe.steps.map((s) => s.op)).toEqual(['add-segment', 'threshold', 'update-segment', 'add-segment', 'paint']);
    const replayed = replayRecipe(recipe, volume);
    expect(voxelsPerLabel(replayed.labels)).toEqual({ '1': skullAfterPaint, '2': painted });
    expect(hashBytes(replayed.labels)).toBe(recipe.result?.labelsHash);
    expect(replayed.segments.map((s) => s.name)).toEqual(['Skull <b>', 'Segment 2']);
    expect(browser.errors).toEqual([]);
  });

  it('hollow a painted sphere in the worker and build its model: two shells, wall thickness within a voxel of the setting', async () => {
    const { page } = browser;
    await page.goto(`${inject('appUrl')}?sample=ct-phantom`);
    await page.getByRole('button', { name: 'Loaded' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByRole('region', { name: 'Views' }).getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    const files = await listInputFiles('public/samples/ct-phantom');
    const scan = await scanFiles(files);
    const volume = await loadVolume(files, scan, scan.preferredStackId, nodeCodecs());

    // A 12 mm sphere, one click with the 3D brush in the middle of the axial view.
    await page.getByRole('button', { name: 'Add segment' }).click();
    await page.getByRole('button', { name: 'Brush' }).click();
    await page.getByRole('checkbox', { name: '3D sphere' }).check();
    await page.getByRole('spinbutton', { name: 'Brush radius (mm)' }).fill('12');
    const axial = page.getByTestId('mpr-axial');
    await axial.scrollIntoViewIfNeeded();
    const box = (await axial.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.5);
    await expect.poll(() => voxels(page, 1)).toBeGreaterThan(1000);
    const solid = await voxels(page, 1);
    const [sx, sy, sz] = volume.spacingMm;
    // The painted ball holds the voxel centres within 12 mm: about 4/3·π·12³ mm³.
    expect(solid * sx * sy * sz).toBeGreaterThan(0.85 * (4 / 3) * Math.PI * 12 ** 3);
    expect(solid * sx * sy * sz).toBeLessThan(1.15 * (4 / 3) * Math.PI * 12 ** 3);

    // Hollow, 3 mm wall inside the surface, computed in the segmentation worker.
    await page.getByRole('combobox', { name: 'Effect' }).selectOption('hollow');
    await page.getByRole('spinbutton', { name: 'Wall thickness (mm)' }).fill('3');
    await page.getByRole('combobox', { name: 'Wall side' }).selectOption('inside');
    await page.getByRole('button', { name: 'Apply to Segment 1' }).click();
    await expect.poll(() => voxels(page, 1), { timeout: 30_000 }).toBeLessThan(solid * 0.75);
    expect(await page.getByRole('button', { name: 'Undo' }).getAttribute('title')).toBe('Undo hollow (Ctrl+Z)');

    // Its model: an outer and an inner surface, closed.
    await page.getByRole('combobox', { name: 'Build from' }).selectOption('segments');
    await page.getByRole('checkbox', { name: 'Keep largest piece' }).uncheck();
    await page.getByRole('combobox', { name: 'Smoothing' }).selectOption('off');
    await page.getByRole('button', { name: 'Create model' }).click();
    await expect.poll(() => page.getByTestId('model-shells').textContent(), { timeout: 60_000 }).toBe('2');
    expect(await page.getByTestId('model-watertight').textContent()).toBe('yes');
    await page.screenshot({ path: screenshotPath('segment-hollow-model') });

    // The wall, measured on the replayed labelmap along i and k through the sphere's centre.
    const [recipeFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save recipe' }).click()]);
    const recipe = parseRecipe(readFileSync(await recipeFile.path(), 'utf8'));
    expect(recipe.steps.map((st) => st.op)).toEqual(['add-segment', 'paint', 'hollow']);
    const labels = replayRecipe(recipe, volume).labels;
    expect(hashBytes(labels)).toBe(recipe.result?.labelsHash);
    const paint = recipe.steps[1] as Extract<Step, { op: 'paint' }>;
    const c = lpsToIjk(volume, paint.pointsLps[0]).map(Math.round);
    const [nx, ny] = volume.dimensions;
    const wallRun = (axis: 0 | 1 | 2): number => {
      const at = (t: number): number => {
        const p = [...c];
        p[axis] += t;
        return labels[p[0] + p[1] * nx + p[2] * nx * ny];
      };
      let t = 0;
      while (at(t) === 0) t++; // the cavity
      let run = 0;
      while (at(t + run) === 1) run++;
      return run;
    };
    for (const [axis, s] of [[0, sx], [1, sy], [2, sz]] as const) {
      const wallMm = wallRun(axis) * s;
      expect(Math.abs(wallMm - 3), `wall along axis ${axis}: ${wallMm} mm`).toBeLessThanOrEqual(s);
    }

    // Scissors: a rectangle on the axial view erases the left part of the shell through every slice.
    await page.getByRole('button', { name: 'Scissors' }).click();
    expect(await page.getByRole('button', { name: 'Scissors' }).getAttribute('title')).toMatch(/\(X\)$/);
    await page.getByRole('combobox', { name: 'Scissors shape' }).selectOption('rectangle');
    const shell = await voxels(page, 1);
    await axial.scrollIntoViewIfNeeded();
    const now = (await axial.boundingBox())!;
    await page.mouse.move(now.x + now.width * 0.2, now.y + now.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(now.x + now.width * 0.44, now.y + now.height * 0.8, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => voxels(page, 1), { timeout: 30_000 }).toBeLessThan(shell * 0.75);
    const [again] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save recipe' }).click()]);
    const cutRecipe = parseRecipe(readFileSync(await again.path(), 'utf8'));
    const cut = cutRecipe.steps[3] as Extract<Step, { op: 'scissors' }>;
    expect(cut.op).toBe('scissors');
    expect(cut.cut.shape.kind).toBe('rectangle');
    // The axial view looks along the slice direction (the phantom's slices are tilted 3°).
    expect(Math.abs(dot(cut.cut.normalLps, volume.directionLps[2]))).toBeGreaterThan(0.99);
    const cutLabels = replayRecipe(cutRecipe, volume).labels;
    expect(hashBytes(cutLabels)).toBe(cutRecipe.result?.labelsHash);
    expect(voxelsPerLabel(cutLabels)['1']).toBe(await voxels(page, 1));
    // Through the whole volume: no voxel of the shell is left whose centre projects (along the
    // axial normal) into the drawn rectangle, in any slice; and some remain outside it.
    if (cut.cut.shape.kind !== 'rectangle') throw new Error('expected a rectangle');
    const { cornerLps: a, oppositeCornerLps: b } = cut.cut.shape;
    const [nxy, nyy] = [volume.dimensions[0], volume.dimensions[1]];
    let inside = 0;
    let outside = 0;
    for (let v = 0; v < cutLabels.length; v++) {
      if (cutLabels[v] !== 1) continue;
      const p = ijkToLps(volume, [v % nxy, Math.floor(v / nxy) % nyy, Math.floor(v / (nxy * nyy))]);
      const within = p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1]);
      if (within) inside++;
      else outside++;
    }
    expect(inside).toBe(0);
    expect(outside).toBe(voxelsPerLabel(cutLabels)['1']);
    expect(browser.errors).toEqual([]);
  });
});
