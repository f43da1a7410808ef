import type { Vec3 } from '../geometry/vec3';
import { VOXELPRINT_VERSION } from '../version';
import type { EditVolume, Segmentation, Step } from './steps';
import { applyStep, emptySegmentation } from './steps';

/**
 * A recipe: the steps of a segmentation session, saved as JSON, that rebuild the same labelmap
 * (bit for bit) from the same series. See docs/recipes.md for the format.
 */
export interface Recipe {
  readonly format: 'voxelprint-recipe';
  readonly version: 1;
  readonly software: { readonly name: 'voxelprint'; readonly version: string };
  readonly created: string;
  /** The series the steps apply to: its UID, grid, and a hash of its voxel values. */
  readonly series: SeriesFingerprint;
  readonly steps: readonly Step[];
  /** The labelmap the steps produced when the recipe was saved: a hash and voxels per label. */
  readonly result?: { readonly labelsHash: string; readonly voxelsPerLabel: Readonly<Record<string, number>> };
}

export interface SeriesFingerprint {
  readonly seriesInstanceUid?: string;
  readonly dimensions: readonly [number, number, number];
  readonly spacingMm: Vec3;
  readonly originLps: Vec3;
  readonly directionLps: readonly [Vec3, Vec3, Vec3];
  /** `hashBytes` of the voxel values (rescaled, as loaded). */
  readonly voxelsHash: string;
}

/**
 * A 64-bit hash (two independent 32-bit multiply–rotate lanes, hex) of an array's bytes: to tell
 * that a series or a labelmap is the same, not for security.
 */
export function hashBytes(view: ArrayBufferView): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2) : new Uint32Array(bytes.slice(0, bytes.byteLength & ~3).buffer);
  let h1 = 0x9747b28c ^ bytes.byteLength;
  let h2 = 0x85ebca6b ^ bytes.byteLength;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    h1 = Math.imul(h1 ^ w, 0x5bd1e995);
    h1 = (h1 << 13) | (h1 >>> 19);
    h2 = Math.imul(h2 + w, 0xcc9e2d51);
    h2 = (h2 << 15) | (h2 >>> 17);
    h2 = Math.imul(h2, 0x1b873593) ^ h1;
  }
  for (let i = words.length * 4; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 0x5bd1e995);
    h2 = Math.imul(h2 + bytes[i], 0xcc9e2d51);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35) ^ (h1 >>> 16);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35) ^ (h2 >>> 16);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

export function seriesFingerprint(volume: EditVolume): SeriesFingerprint {
  return {
    seriesInstanceUid: volume.seriesInstanceUid,
    dimensions: volume.dimensions,
    spacingMm: volume.spacingMm,
    originLps: volume.originLps,
    directionLps: volume.directionLps,
    voxelsHash: hashBytes(volume.voxels),
  };
}

export function voxelsPerLabel(labels: Uint8Array): Record<string, number> {
  const counts = new Float64Array(256);
  for (let v = 0; v < labels.length; v++) counts[labels[v]]++;
  const out: Record<string, number> = {};
  for (let l = 1; l < 256; l++) if (counts[l]) out[String(l)] = counts[l];
  return out;
}

export function createRecipe(volume: EditVolume, steps: readonly Step[], labels?: Uint8Array, created = new Date()): Recipe {
  return {
    format: 'voxelprint-recipe',
    version: 1,
    software: { name: 'voxelprint', version: VOXELPRINT_VERSION },
    created: created.toISOString(),
    series: seriesFingerprint(volume),
    steps: JSON.parse(JSON.stringify(steps)) as Step[],
    ...(labels && { result: { labelsHash: hashBytes(labels), voxelsPerLabel: voxelsPerLabel(labels) } }),
  };
}

/** Parses and checks a recipe's JSON; throws an Error naming what is wrong. */
export function parseRecipe(text: string): Recipe {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  const r = json as Partial<Recipe>;
  if (!r || typeof r !== 'object' || r.format !== 'voxelprint-recipe') throw new Error('not a Voxelprint recipe (format must be "voxelprint-recipe")');
  if (r.version !== 1) throw new Error(`recipe version ${String(r.version)} is not supported (this is version 1)`);
  if (!Array.isArray(r.steps)) throw new Error('recipe has no steps array');
  if (!r.series || !Array.isArray(r.series.dimensions)) throw new Error('recipe has no series fingerprint');
  r.steps.forEach((s, i) => {
    if (!s || typeof s !== 'object' || typeof (s as { op?: unknown }).op !== 'string') throw new Error(`step ${i + 1} has no "op"`);
  });
  return r as Recipe;
}

/** Why a volume does not match the recipe's series; undefined when it does. */
export function fingerprintMismatch(recipe: Recipe, volume: EditVolume): string | undefined {
  const want = recipe.series;
  const dims = (d: readonly number[]): string => d.join('×');
  if (dims(want.dimensions) !== dims(volume.dimensions)) return `the recipe is for a ${dims(want.dimensions)} grid, this series is ${dims(volume.dimensions)}`;
  const close = (a: readonly number[], b: readonly number[]): boolean => a.every((x, i) => Math.abs(x - b[i]) < 1e-3);
  if (!close(want.spacingMm, volume.spacingMm)) return `spacing differs: recipe ${want.spacingMm.join(', ')} mm, series ${volume.spacingMm.join(', ')} mm`;
  if (!close(want.originLps, volume.originLps)) return 'origin differs';
  if (!close(want.directionLps.flat(), volume.directionLps.flat())) return 'orientation differs';
  if (want.voxelsHash !== hashBytes(volume.voxels)) return 'the voxel values differ (another series, or another reconstruction)';
  return undefined;
}

/**
 * Replays a recipe's steps from an empty labelmap. Throws when the volume is not the recipe's
 * series (unless `force`), or when a step fails (naming the step).
 */
export function replayRecipe(recipe: Recipe, volume: EditVolume, options: { force?: boolean; onStep?: (done: number, total: number) => void } = {}): Segmentation {
  const mismatch = fingerprintMismatch(recipe, volume);
  if (mismatch && !options.force) throw new Error(`this series does not match the recipe: ${mismatch}`);
  const seg = emptySegmentation(volume);
  recipe.steps.forEach((step, i) => {
    try {
      applyStep(seg, volume, step);
    } catch (e) {
      throw new Error(`step ${i + 1} (${step.op}) failed: ${(e as Error).message}`);
    }
    options.onStep?.(i + 1, recipe.steps.length);
  });
  return seg;
}

