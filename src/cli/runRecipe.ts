import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VoxelprintError } from '../core/errors';
import { exportMeshes, slug } from '../core/export/index';
import type { ExportFormat } from '../core/export/fileNames';
import type { MeshFrame } from '../core/mesh/mesh';
import type { SmoothingLevel } from '../core/mesh/smooth';
import { extractSurface } from '../core/mesh/surfaceNets';
import { finishModel, segmentLabel } from '../core/mesh/model';
import { writeNifti } from '../core/nifti/write';
import { hashBytes, replayRecipe, voxelsPerLabel } from '../core/segmentation/recipe';
import type { Recipe } from '../core/segmentation/recipe';
import type { Volume } from '../core/volume/volume';
import { nodeSurfaceKernel } from './nodeKernel';

export interface RunSettings {
  readonly outputDir: string;
  readonly format: Exclude<ExportFormat, 'mtl'>;
  readonly frame: MeshFrame;
  readonly smooth: SmoothingLevel;
  readonly decimate: number;
  readonly keepLargest: boolean;
  /** Replay even when the series' fingerprint differs from the recipe's. */
  readonly force: boolean;
}

/**
 * `voxelprint run`: replays a recipe's steps on the series (the same core the browser ran), then
 * writes the labelmap (NIfTI, label numbers as int16) and one model per segment that holds
 * voxels (the browser's "Create model" pipeline). Returns the report; throws when the replayed
 * labelmap differs from the one recorded in the recipe.
 */
export async function runRecipe(volume: Volume, recipe: Recipe, s: RunSettings, onStep?: (done: number, total: number) => void): Promise<string> {
  let seg;
  try {
    seg = replayRecipe(recipe, volume, { force: s.force, onStep });
  } catch (e) {
    throw new VoxelprintError('usage', (e as Error).message);
  }
  const lines: string[] = [];
  const hash = hashBytes(seg.labels);
  const recorded = recipe.result?.labelsHash;
  await mkdir(s.outputDir, { recursive: true });
  const labelsPath = join(s.outputDir, 'labels.nii.gz');
  const labelVolume: Volume = { ...volume, voxels: Int16Array.from(seg.labels), unit: '', modality: 'SEG', windowPresets: [], warnings: [] };
  await writeFile(labelsPath, writeNifti(labelVolume, { gzip: true, description: 'Voxelprint labelmap' }));
  lines.push(`replayed ${recipe.steps.length} step(s) from Voxelprint ${recipe.software.version}`);
  lines.push(`labelmap ${hash}${recorded ? (recorded === hash ? ' — identical to the recorded session' : ` — DIFFERS from the recorded ${recorded}`) : ''}`);
  lines.push(`wrote ${labelsPath}`);
  const counts = voxelsPerLabel(seg.labels);
  const kernel = await nodeSurfaceKernel((m) => process.stderr.write(`voxelprint: ${m}\n`));
  for (const segment of seg.segments) {
    const voxels = counts[String(segment.label)] ?? 0;
    if (!voxels) {
      lines.push(`segment ${segment.label} "${segment.name}": empty, no model`);
      continue;
    }
    const picked = segmentLabel(seg.labels, segment.label, volume.dimensions, s.keepLargest);
    const raw = extractSurface({ dimensions: volume.dimensions, mask: picked.mask }, volume, kernel);
    const model = await finishModel(raw, volume, { smoothing: s.smooth, decimate: s.decimate });
    const files = exportMeshes({ meshes: [{ name: segment.name, colorRgb: segment.colorRgb, mesh: model.mesh }], format: s.format, frame: s.frame });
    const base = `${String(segment.label).padStart(2, '0')}-${slug(segment.name) || 'segment'}`;
    const written: string[] = [];
    for (const f of files) {
      const ext = f.fileName.slice(f.fileName.lastIndexOf('.'));
      const path = join(s.outputDir, `${base}${ext}`);
      await writeFile(path, f.bytes);
      written.push(path);
    }
    const st = model.stats;
    lines.push(
      `segment ${segment.label} "${segment.name}": ${voxels} voxels${s.keepLargest ? ` (largest piece ${picked.keptVoxels})` : ''}; ${st.triangles} triangles, ${st.shells} shell(s), volume ${(st.volumeMm3 / 1000).toFixed(2)} cm³, watertight ${st.watertight && st.manifold ? 'yes' : 'NO'}; wrote ${written.join(', ')}`,
    );
  }
  if (recorded && recorded !== hash) throw new VoxelprintError('malformed', `${lines.join('\n')}\nthe replayed labelmap differs from the recorded session`);
  return `${lines.join('\n')}\n`;
}
