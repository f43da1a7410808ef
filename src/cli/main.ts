import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VoxelprintError } from '../core/errors';
import type { ErrorCode } from '../core/errors';
import { loadVolume, planOf, scanFiles } from '../core/dicom/load';
import type { Progress } from '../core/dicom/load';
import type { ScanResult, StackInfo } from '../core/dicom/series';
import { findStack } from '../core/dicom/series';
import { describeTransferSyntax } from '../core/dicom/transferSyntax';
import { writeNifti } from '../core/nifti/write';
import { exportMeshes } from '../core/export/index';
import type { ExportFormat } from '../core/export/fileNames';
import type { MeshFrame } from '../core/mesh/mesh';
import type { SmoothingLevel, SmoothingReport } from '../core/mesh/smooth';
import { extractSurface } from '../core/mesh/surfaceNets';
import { finishModel, segmentRange } from '../core/mesh/model';
import type { ModelResult } from '../core/mesh/model';
import { CT_TISSUE_PRESETS, parseHuRange, presetById } from '../core/segmentation/presets';
import type { HuRange } from '../core/segmentation/presets';
import type { Volume } from '../core/volume/volume';
import { listInputFiles, nodeCodecs } from './nodeIo';
import { nodeSurfaceKernel } from './nodeKernel';
import { runRecipe } from './runRecipe';
import { parseRecipe } from '../core/segmentation/recipe';
import type { Recipe } from '../core/segmentation/recipe';

const USAGE = `voxelprint — DICOM to volume and print-ready models, on this machine only

Usage:
  voxelprint inspect <folder|file> [--json] [--series UID|STACK]
      List every series and stack found, the chosen volume's geometry, every warning and
      every skipped file with its reason.
  voxelprint volume <folder|file> [--series UID|STACK] -o <out.nii[.gz]>
      Write the chosen volume as NIfTI-1 (values in HU for CT; sform/qform in RAS, mm).
  voxelprint convert <folder|file> (--preset ID | --range LO:HI) [--keep-largest]
      [--smooth off|low|medium|high] [--decimate 0..1] [--frame lps|ras|print]
      [--format stl|stl-ascii|obj|ply|3mf] [--series UID|STACK] -o <file>
      Mesh the voxels with LO ≤ HU ≤ HI (presets: ${CT_TISSUE_PRESETS.map((p) => p.id).join(', ')})
      with the reference mesher (exact voxel boundary refined by HU interpolation; closed and
      2-manifold), smooth it (Taubin, default medium, never more than half a voxel from the
      segmentation), optionally decimate it (--decimate 0.9 removes 90% of the triangles; the
      result stays closed and 2-manifold, default 0: off) and write it at 1:1 scale in mm.
      Prints the model's statistics and the measured deviation of smoothing and decimation.

  voxelprint run <recipe.json> <folder|file> -o <dir> [--keep-largest] [--smooth LEVEL]
      [--decimate 0..1] [--frame lps|ras|print] [--format FORMAT] [--series UID|STACK] [--force]
      Replay a segmentation recipe saved from the app ("Save recipe") on the series it was made
      on: the same labelmap bit for bit (checked against the hash the recipe records), written
      as <dir>/labels.nii.gz, and one model per segment (<dir>/NN-name.stl), built as the app's
      "Create model" does. --force replays on a series whose fingerprint differs.

Exit codes: 0 success, 1 no loadable volume or a decode failure, 2 usage error, 3 I/O error.`;

/** Map from the core's error codes to exit codes. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'usage':
      return 2;
    case 'io':
      return 3;
    default:
      return 1;
  }
}

interface Args {
  command: string;
  input?: string;
  json: boolean;
  series?: string;
  output?: string;
  preset?: string;
  range?: string;
  keepLargest: boolean;
  frame: string;
  format: string;
  smooth: string;
  decimate: string;
  /** `run`: the DICOM input after the recipe. */
  second?: string;
  force: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: argv[0] ?? 'help', json: false, keepLargest: false, frame: 'lps', format: 'stl', smooth: 'medium', decimate: '0', force: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--force') args.force = true;
    else if (a === '--preset') args.preset = argv[++i];
    else if (a === '--range') args.range = argv[++i];
    else if (a === '--keep-largest') args.keepLargest = true;
    else if (a === '--smooth') args.smooth = argv[++i] ?? '';
    else if (a === '--decimate') args.decimate = argv[++i] ?? '';
    else if (a === '--frame') args.frame = argv[++i] ?? '';
    else if (a === '--format') args.format = argv[++i] ?? '';
    else if (a === '--series') args.series = argv[++i];
    else if (a === '-o' || a === '--output') args.output = argv[++i];
    else if (a.startsWith('-')) throw new VoxelprintError('usage', `unknown option ${a}`);
    else if (!args.input) args.input = a;
    else if (args.command === 'run' && !args.second) args.second = a;
    else throw new VoxelprintError('usage', `unexpected argument ${a}`);
  }
  return args;
}

/** Patient text can hold anything, including terminal escape sequences: print it inert. */
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const safe = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
const fmt = (v: number, d = 3): string => String(Math.round(v * 10 ** d) / 10 ** d);
const vec = (v: readonly number[], d = 3): string => `(${v.map((x) => fmt(x, d)).join(', ')})`;

/** Resolves --series: a stack id, or a SeriesInstanceUID (its first offered stack). */
function chooseStack(scan: ScanResult, wanted: string | undefined): string | undefined {
  if (!wanted) return scan.preferredStackId;
  if (findStack(scan, wanted)) return wanted;
  const series = scan.series.find((s) => s.seriesInstanceUid === wanted);
  if (!series) throw new VoxelprintError('usage', `no series or stack "${wanted}" in the input`);
  const stack = series.stacks.find((s) => s.plan) ?? series.stacks[0];
  return stack?.id;
}

function stackLines(st: StackInfo, chosen: boolean): string[] {
  const lines = [`  ${st.id}${chosen ? ' *' : ''}  ${st.label}  [${st.transferSyntaxUids.map(describeTransferSyntax).join(', ')}]`];
  if (st.plan) {
    const g = st.plan.geometry;
    lines.push(
      `      dimensions ${g.dimensions.join(' × ')} voxels, spacing ${g.spacingMm.map((s) => fmt(s, 4)).join(' × ')} mm`,
      `      origin ${vec(g.originLps)} mm LPS, directions ${g.directionLps.map((d) => vec(d, 5)).join(' ')}`,
      `      values ${st.plan.preferInt16 ? 'int16' : 'float32'}${st.plan.unit ? ` in ${st.plan.unit}` : ''}${st.plan.windowPresets.length ? `, windows ${st.plan.windowPresets.map((w) => `${safe(w.label)} (${w.center}/${w.width})`).join(', ')}` : ''}`,
    );
  } else if (st.refusal) lines.push(`      not a volume: ${st.refusal.reason}`);
  for (const w of st.warnings) lines.push(`      warning: ${w.message}`);
  return lines;
}

function printScan(scan: ScanResult, chosen: string | undefined): string {
  const out: string[] = [];
  scan.series.forEach((s, i) => {
    const d = s.display;
    out.push(
      `Series ${i + 1}: ${s.modality} "${safe(d.seriesDescription || '(no description)')}"  #${safe(d.seriesNumber || '-')}  ${s.fileCount} file(s)`,
      `  patient "${safe(d.patientName)}"  study "${safe(d.studyDescription)}" ${safe(d.studyDate)}`,
      `  SeriesInstanceUID ${s.seriesInstanceUid}`,
    );
    for (const st of s.stacks) out.push(...stackLines(st, st.id === chosen));
  });
  if (!scan.series.length) out.push('No DICOM images found.');
  if (scan.skipped.length) {
    out.push(`Skipped ${scan.skipped.length} file(s):`);
    for (const f of scan.skipped) out.push(`  ${safe(f.fileName)}: ${f.reason}`);
  }
  return out.join('\n');
}

function scanJson(scan: ScanResult, chosen: string | undefined): unknown {
  return {
    chosenStackId: chosen ?? null,
    series: scan.series.map((s) => ({
      seriesInstanceUid: s.seriesInstanceUid,
      studyInstanceUid: s.studyInstanceUid,
      modality: s.modality,
      display: s.display,
      fileCount: s.fileCount,
      stacks: s.stacks.map((st) => ({
        id: st.id,
        label: st.label,
        orientation: st.orientation,
        rows: st.rows,
        columns: st.columns,
        sliceCount: st.sliceCount,
        isLocalizer: st.isLocalizer,
        transferSyntaxUids: st.transferSyntaxUids,
        geometry: st.plan?.geometry ?? null,
        voxelType: st.plan ? (st.plan.preferInt16 ? 'int16' : 'float32') : null,
        unit: st.plan?.unit ?? null,
        windowPresets: st.plan?.windowPresets ?? [],
        refusal: st.refusal ?? null,
        warnings: st.warnings,
      })),
    })),
    skipped: scan.skipped,
  };
}

const PHASE_LABELS: Record<string, string> = { scan: 'reading headers', decode: 'decoding slices', mesh: 'meshing lattice layers' };

function progressPrinter(enabled: boolean): (p: Pick<Progress, 'done' | 'total'> & { readonly phase: string }) => void {
  let last = 0;
  return (p) => {
    if (!enabled) return;
    const now = Date.now();
    if (now - last < 200 && p.done !== p.total) return;
    last = now;
    process.stderr.write(`\r${PHASE_LABELS[p.phase] ?? p.phase} ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
  };
}

interface ConvertSettings {
  readonly range: HuRange;
  readonly rangeLabel: string;
  readonly keepLargest: boolean;
  readonly frame: MeshFrame;
  readonly format: Exclude<ExportFormat, 'mtl'>;
  readonly smooth: SmoothingLevel;
  /** Fraction of the triangles to remove, 0 (off) ≤ decimate < 1. */
  readonly decimate: number;
  readonly output: string;
}

const FRAMES: Record<string, MeshFrame> = { lps: 'LPS', ras: 'RAS', print: 'print' };
const FORMATS = ['stl', 'stl-ascii', 'obj', 'ply', '3mf'] as const;

function convertSettings(args: Args): ConvertSettings | string {
  if (!args.output) return '-o <file> is required';
  if (Boolean(args.preset) === Boolean(args.range)) return 'give exactly one of --preset ID or --range LO:HI';
  let range: HuRange | undefined;
  let rangeLabel: string;
  if (args.preset) {
    range = presetById(args.preset);
    if (!range) return `unknown preset "${args.preset}" (one of ${CT_TISSUE_PRESETS.map((p) => p.id).join(', ')})`;
    rangeLabel = `${args.preset} ${range.lo}:${range.hi} HU`;
  } else {
    range = parseHuRange(args.range ?? '');
    if (!range) return `--range must be LO:HI with LO ≤ HI, e.g. 226:3071 (got "${args.range}")`;
    rangeLabel = `${range.lo}:${range.hi}`;
  }
  const frame = FRAMES[args.frame.toLowerCase()];
  if (!frame) return `--frame must be lps, ras or print (got "${args.frame}")`;
  const format = FORMATS.find((f) => f === args.format.toLowerCase());
  if (!format) return `--format must be one of ${FORMATS.join(', ')} (got "${args.format}")`;
  const smooth = (['off', 'low', 'medium', 'high'] as const).find((l) => l === args.smooth.toLowerCase());
  if (!smooth) return `--smooth must be off, low, medium or high (got "${args.smooth}")`;
  // A plain decimal: Number() alone would also take "", "0x1", "1e-1" or " .5 ".
  const decimate = /^(0|1)?(\.\d+)?$/.test(args.decimate) && args.decimate !== '' && args.decimate !== '.' ? Number(args.decimate) : NaN;
  if (!(decimate >= 0 && decimate < 1)) {
    return `--decimate must be a fraction of the triangles to remove, 0 ≤ x < 1, e.g. 0.9 (got "${args.decimate}")`;
  }
  return { range: { lo: range.lo, hi: range.hi }, rangeLabel, keepLargest: args.keepLargest, frame, format, smooth, decimate, output: args.output };
}

/** The smoothing line of the stats: measured deviation from the unsmoothed surface, and the displacement bound. */
function smoothingLine(level: SmoothingLevel, report: SmoothingReport | undefined): string {
  if (!report) return 'smoothing: off';
  const measured = report.deviation ? `deviation max ${fmt(report.deviation.maxMm, 3)} mm, mean ${fmt(report.deviation.meanMm, 3)} mm (measured to the unsmoothed surface); ` : '';
  return `smoothing ${level}: ${measured}vertex displacement max ${fmt(report.maxDisplacementMm, 3)} mm, mean ${fmt(report.meanDisplacementMm, 3)} mm (bounded to half a voxel)`;
}

/** The decimation line: triangles before/after, measured deviation, meshoptimizer's own estimate. */
function decimationLine(reduction: number, r: ModelResult['decimation']): string {
  if (!r) return 'decimation: off';
  const parts = [`decimation ${reduction}: triangles ${r.trianglesBefore} → ${r.trianglesAfter} (asked ${r.targetTriangles})`];
  if (r.deviation) parts.push(`deviation max ${fmt(r.deviation.maxMm, 3)} mm, mean ${fmt(r.deviation.meanMm, 3)} mm (measured to the mesh before decimation)`);
  parts.push(`meshoptimizer error estimate ${fmt(r.errorMm, 3)} mm`);
  const rejected = Object.entries(r.rejections);
  if (rejected.length) parts.push(`${r.runs} runs, ${r.lockedVertices} vertices locked to keep it closed and manifold (${rejected.map(([k, n]) => `${k} ×${n}`).join(', ')})`);
  return parts.join('; ');
}

async function runConvert(volume: Volume, s: ConvertSettings, showProgress: boolean): Promise<string> {
  // The same pipeline as the browser's mesh workers (core/mesh/model.ts), in this process.
  const seg = segmentRange(volume.voxels, volume.dimensions, s.range, s.keepLargest);
  if (seg.selectedVoxels === 0) throw new VoxelprintError('not-a-volume', `no voxel lies in ${s.rangeLabel}: nothing to mesh`);
  const kernel = await nodeSurfaceKernel((m) => process.stderr.write(`voxelprint: ${m}\n`));
  const printer = progressPrinter(showProgress);
  const raw = extractSurface({ dimensions: volume.dimensions, mask: seg.mask, values: volume.voxels, range: s.range }, volume, kernel, {
    onProgress: (p) => printer({ phase: 'mesh', done: p.stepsDone, total: p.stepsTotal }),
  });
  const model = await finishModel(raw, volume, { smoothing: s.smooth, decimate: s.decimate });
  const mesh = model.mesh;
  const segment = { name: s.rangeLabel.split(' ')[0] || 'model', colorRgb: [230, 220, 200] as const, mesh };
  // One file; OBJ comes with its MTL, written beside it under the name the OBJ refers to.
  const [file, mtl] = exportMeshes({ meshes: [segment], format: s.format, frame: s.frame });
  await mkdir(dirname(s.output), { recursive: true });
  await writeFile(s.output, file.bytes);
  const written = [s.output];
  if (mtl) {
    const mtlPath = join(dirname(s.output), mtl.fileName);
    await writeFile(mtlPath, mtl.bytes);
    written.push(mtlPath);
  }
  const stats = model.stats;
  const b = stats.bboxMm;
  const printSize = [0, 1, 2].map((a) => b.max[a] - b.min[a]);
  return [
    `wrote ${written.join(', ')} (${s.format}, frame ${s.frame}, mm)`,
    `voxels ${s.rangeLabel}: ${seg.selectedVoxels}${s.keepLargest ? `, largest piece ${seg.keptVoxels}` : ''}`,
    `triangles ${stats.triangles}, vertices ${stats.vertices}, shells ${stats.shells}`,
    `watertight ${stats.watertight ? 'yes' : 'NO'}, manifold ${stats.manifold ? 'yes' : 'NO'}, non-manifold edges ${stats.nonManifoldEdges}, vertices ${stats.nonManifoldVertices}`,
    `volume ${fmt(stats.volumeMm3, 1)} mm³ (${fmt(stats.volumeMm3 / 1000, 2)} cm³), area ${fmt(stats.areaMm2, 1)} mm²`,
    `bbox LPS min ${vec(b.min, 2)} max ${vec(b.max, 2)} mm, size ${vec([0, 1, 2].map((a) => b.max[a] - b.min[a]), 2)} mm`,
    `bbox print frame (resting on z = 0, centred) min ${vec([-printSize[0] / 2, -printSize[1] / 2, 0], 2)} max ${vec([printSize[0] / 2, printSize[1] / 2, printSize[2]], 2)} mm`,
    smoothingLine(s.smooth, model.smoothing),
    decimationLine(s.decimate, model.decimation),
    `mesher: ${kernel.name === 'wasm' ? 'WebAssembly' : 'TypeScript'} kernel, in process`,
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io = { stdout: (s: string) => process.stdout.write(s) }): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`voxelprint: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.command === 'help' || args.command === '--help' || args.command === '-h') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (!['inspect', 'volume', 'convert', 'run'].includes(args.command)) {
    process.stderr.write(`voxelprint: unknown command "${args.command}"\n${USAGE}\n`);
    return 2;
  }
  if (!args.input) {
    process.stderr.write(`voxelprint ${args.command}: a DICOM folder or file is required\n`);
    return 2;
  }
  if (args.command === 'volume' && !args.output) {
    process.stderr.write('voxelprint volume: -o <out.nii.gz> is required\n');
    return 2;
  }
  if (args.command === 'run') return runCommand(args, io, Boolean(process.stderr.isTTY));
  let convert: ConvertSettings | undefined;
  if (args.command === 'convert') {
    const settings = convertSettings(args);
    if (typeof settings === 'string') {
      process.stderr.write(`voxelprint convert: ${settings}\n`);
      return 2;
    }
    convert = settings;
  }
  const showProgress = Boolean(process.stderr.isTTY);
  try {
    const files = await listInputFiles(args.input).catch((e: Error) => {
      throw new VoxelprintError('io', `cannot read ${args.input}: ${e.message}`);
    });
    const scan = await scanFiles(files, { onProgress: progressPrinter(showProgress) });
    const chosen = chooseStack(scan, args.series);
    if (args.command === 'inspect') {
      io.stdout(args.json ? `${JSON.stringify(scanJson(scan, chosen), null, 2)}\n` : `${printScan(scan, chosen)}\n`);
      for (const f of scan.skipped) process.stderr.write(`voxelprint: skipped ${safe(f.fileName)}: ${f.reason}\n`);
      if (!chosen) {
        planOf(scan, chosen); // throws the reason no stack is loadable
      }
      return 0;
    }
    for (const f of scan.skipped) process.stderr.write(`voxelprint: skipped ${safe(f.fileName)}: ${f.reason}\n`);
    const volume = await loadVolume(files, scan, chosen, nodeCodecs(), { onProgress: progressPrinter(showProgress) });
    if (convert) {
      for (const w of volume.warnings) process.stderr.write(`voxelprint: warning: ${w.message}\n`);
      io.stdout(await runConvert(volume, convert, showProgress));
      return 0;
    }
    const out = args.output as string;
    const bytes = writeNifti(volume, { gzip: out.endsWith('.gz') });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, bytes);
    for (const w of volume.warnings) process.stderr.write(`voxelprint: warning: ${w.message}\n`);
    io.stdout(
      `wrote ${out}: ${volume.dimensions.join('×')} voxels, spacing ${volume.spacingMm.map((s) => fmt(s, 4)).join('×')} mm, ${volume.voxels instanceof Int16Array ? 'int16' : 'float32'}${volume.unit ? ` ${volume.unit}` : ''}\n`,
    );
    return 0;
  } catch (e) {
    const err = e instanceof VoxelprintError ? e : new VoxelprintError('malformed', e instanceof Error ? e.message : String(e));
    process.stderr.write(`voxelprint: ${err.subject ? `${safe(err.subject)}: ` : ''}${err.message}\n`);
    return exitCodeFor(err.code);
  }
}

/** `voxelprint run <recipe.json> <dicom> -o <dir>`. */
async function runCommand(args: Args, io: { stdout: (s: string) => void }, showProgress: boolean): Promise<number> {
  const recipePath = args.input as string;
  if (!args.second || !args.output) {
    process.stderr.write('voxelprint run: give the recipe, the DICOM folder and -o <output folder>\n');
    return 2;
  }
  // The mesh settings are convert's, without a range: reuse its checks with a placeholder range.
  const settings = convertSettings({ ...args, preset: undefined, range: '0:0' });
  if (typeof settings === 'string') {
    process.stderr.write(`voxelprint run: ${settings}\n`);
    return 2;
  }
  try {
    const text = await readFile(recipePath, 'utf8').catch((e: Error) => {
      throw new VoxelprintError('io', `cannot read the recipe: ${e.message}`, recipePath);
    });
    let recipe: Recipe;
    try {
      recipe = parseRecipe(text);
    } catch (e) {
      throw new VoxelprintError('usage', (e as Error).message, recipePath);
    }
    const files = await listInputFiles(args.second).catch((e: Error) => {
      throw new VoxelprintError('io', `cannot read ${args.second}: ${e.message}`);
    });
    const scan = await scanFiles(files, { onProgress: progressPrinter(showProgress) });
    // The recipe's own series when the input holds several.
    const wanted = args.series ?? (scan.series.some((s) => s.seriesInstanceUid === recipe.series.seriesInstanceUid) ? recipe.series.seriesInstanceUid : undefined);
    const volume = await loadVolume(files, scan, chooseStack(scan, wanted), nodeCodecs(), { onProgress: progressPrinter(showProgress) });
    const printer = progressPrinter(showProgress);
    io.stdout(
      await runRecipe(volume, recipe, { outputDir: args.output, format: settings.format, frame: settings.frame, smooth: settings.smooth, decimate: settings.decimate, keepLargest: args.keepLargest, force: args.force }, (done, total) =>
        printer({ phase: 'replay', done, total }),
      ),
    );
    return 0;
  } catch (e) {
    const err = e instanceof VoxelprintError ? e : new VoxelprintError('malformed', e instanceof Error ? e.message : String(e));
    process.stderr.write(`voxelprint: ${err.subject ? `${safe(err.subject)}: ` : ''}${err.message}\n`);
    return exitCodeFor(err.code);
  }
}
