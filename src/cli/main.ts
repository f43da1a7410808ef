import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VoxelprintError } from '../core/errors';
import type { ErrorCode } from '../core/errors';
import { loadVolume, planOf, scanFiles } from '../core/dicom/load';
import type { Progress } from '../core/dicom/load';
import type { ScanResult, StackInfo } from '../core/dicom/series';
import { findStack } from '../core/dicom/series';
import { describeTransferSyntax } from '../core/dicom/transferSyntax';
import { writeNifti } from '../core/nifti/write';
import { listInputFiles, nodeCodecs } from './nodeIo';

const USAGE = `voxelprint — DICOM to volume and print-ready models, on this machine only

Usage:
  voxelprint inspect <folder|file> [--json] [--series UID|STACK]
      List every series and stack found, the chosen volume's geometry, every warning and
      every skipped file with its reason.
  voxelprint volume <folder|file> [--series UID|STACK] -o <out.nii[.gz]>
      Write the chosen volume as NIfTI-1 (values in HU for CT; sform/qform in RAS, mm).

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
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: argv[0] ?? 'help', json: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--series') args.series = argv[++i];
    else if (a === '-o' || a === '--output') args.output = argv[++i];
    else if (a.startsWith('-')) throw new VoxelprintError('usage', `unknown option ${a}`);
    else if (!args.input) args.input = a;
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

function progressPrinter(enabled: boolean): (p: Progress) => void {
  let last = 0;
  return (p) => {
    if (!enabled) return;
    const now = Date.now();
    if (now - last < 200 && p.done !== p.total) return;
    last = now;
    process.stderr.write(`\r${p.phase === 'scan' ? 'reading headers' : 'decoding slices'} ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
  };
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
  if (!['inspect', 'volume'].includes(args.command)) {
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
