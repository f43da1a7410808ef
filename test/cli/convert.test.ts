import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CT_HEAD_PHANTOM, ctHeadPhantomVolumesMm3 } from '../../src/core/samples/ctHeadPhantom';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'bin/voxelprint.mjs');
const dir = mkdtempSync(join(tmpdir(), 'voxelprint-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function voxelprint(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const number = (text: string, re: RegExp): number => Number(re.exec(text)?.[1]);

/** The golden run, shared with the decimation test that compares against it. */
let goldenRun: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
const golden = (): Promise<{ code: number; stdout: string; stderr: string }> =>
  (goldenRun ??= voxelprint('convert', 'public/samples/ct-phantom', '--preset', 'bone', '--keep-largest', '-o', join(dir, 'skull.stl')));

/** Checks a binary STL with Debian's admesh: parts, no backwards edges, its volume. */
function admeshReport(file: string): { parts: number; backwards: number; volume: number } {
  const admesh = spawnSync('admesh', [file], { encoding: 'utf8' });
  if (admesh.error) throw new Error('admesh is required for this test: apt-get install admesh');
  return {
    parts: number(admesh.stdout, /Number of parts\s*:\s*(\d+)/),
    backwards: number(admesh.stdout, /Backwards edges\s*:\s*(\d+)/),
    volume: number(admesh.stdout, /Volume\s*:\s*([\d.]+)/),
  };
}

describe('voxelprint convert (golden run on the bundled CT phantom)', () => {
  it('bone, largest piece: the skull as two closed shells, analytic volume and size', async () => {
    const out = join(dir, 'skull.stl');
    const r = await golden();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('shells 2');
    // The built WebAssembly kernel, in this process; the print frame rests on z = 0.
    expect(r.stdout).toContain('mesher: WebAssembly kernel, in process');
    expect(r.stdout).toMatch(/bbox print frame \(resting on z = 0, centred\) min \(-[\d.]+, -[\d.]+, 0\)/);
    expect(r.stdout).toContain('watertight yes, manifold yes, non-manifold edges 0, vertices 0');
    // Default smoothing (medium): the measured deviation from the unsmoothed surface, within the
    // largest vertex displacement, itself within half a voxel (0.96 mm here).
    const deviation = number(r.stdout, /smoothing medium: deviation max ([\d.]+) mm/);
    const displacement = number(r.stdout, /vertex displacement max ([\d.]+) mm/);
    expect(deviation).toBeGreaterThan(0);
    expect(deviation).toBeLessThanOrEqual(displacement + 1e-3);
    expect(displacement).toBeLessThanOrEqual(Math.hypot(0.4, 0.45, 0.75) + 1e-3);
    expect(r.stdout).toContain('decimation: off\n');
    const volume = number(r.stdout, /volume ([\d.]+) mm³/);
    const skull = ctHeadPhantomVolumesMm3.skullMm3;
    // Surface at the HU crossing of a sharp phantom: a little outside the voxel boundary.
    expect(Math.abs(volume - skull) / skull).toBeLessThan(0.03);
    const [cx, cy, cz] = CT_HEAD_PHANTOM.centerLps;
    const [a, b, c] = CT_HEAD_PHANTOM.skullOuterSemiAxesMm;
    const min = /bbox LPS min \(([-\d.]+), ([-\d.]+), ([-\d.]+)\)/.exec(r.stdout)?.slice(1).map(Number) ?? [];
    const max = /max \(([-\d.]+), ([-\d.]+), ([-\d.]+)\) mm/.exec(r.stdout)?.slice(1).map(Number) ?? [];
    [cx - a, cy - b, cz - c].forEach((v, i) => expect(Math.abs(min[i] - v)).toBeLessThan(1.5));
    [cx + a, cy + b, cz + c].forEach((v, i) => expect(Math.abs(max[i] - v)).toBeLessThan(1.5));
    // The binary STL: 80-byte header with frame and units, then the triangle count.
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 80).toString('latin1').trimEnd()).toBe('VOXELPRINT SPACE=LPS UNITS=mm');
    const triangles = bytes.readUInt32LE(80);
    expect(r.stdout).toContain(`triangles ${triangles},`);
    expect(bytes.length).toBe(84 + 50 * triangles);
    // An independent check: Debian's admesh reads the same file as two parts, nothing to repair.
    const admesh = admeshReport(out);
    expect(admesh.parts).toBe(2);
    expect(admesh.backwards).toBe(0);
    expect(Math.abs(admesh.volume - volume) / volume).toBeLessThan(1e-3);
  });

  it('--decimate 0.9: a tenth of the triangles, still two closed manifold shells, same volume', async () => {
    const out = join(dir, 'skull-decimated.stl');
    const [r, g] = await Promise.all([
      voxelprint('convert', 'public/samples/ct-phantom', '--preset', 'bone', '--keep-largest', '--decimate', '0.9', '-o', out),
      golden(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(g.code, g.stderr).toBe(0);
    expect(r.stdout).toContain('shells 2');
    expect(r.stdout).toContain('watertight yes, manifold yes, non-manifold edges 0, vertices 0');
    const [before, after, asked] = /decimation 0\.9: triangles (\d+) → (\d+) \(asked (\d+)\)/.exec(r.stdout)?.slice(1).map(Number) ?? [];
    expect(before).toBe(number(g.stdout, /triangles (\d+), vertices/));
    expect(asked).toBe(Math.floor(before * 0.1));
    expect(after).toBeLessThanOrEqual(asked);
    expect(after).toBeGreaterThan(0.9 * asked);
    expect(r.stdout).toContain(`triangles ${after}, vertices`);
    const bytes = readFileSync(out);
    expect(bytes.readUInt32LE(80)).toBe(after);
    // Volume within 0.5% of the undecimated model and within the golden run's 3% of the skull.
    const volume = number(r.stdout, /volume ([\d.]+) mm³/);
    const undecimated = number(g.stdout, /volume ([\d.]+) mm³/);
    expect(Math.abs(volume - undecimated) / undecimated).toBeLessThan(0.005);
    expect(Math.abs(volume - ctHeadPhantomVolumesMm3.skullMm3) / ctHeadPhantomVolumesMm3.skullMm3).toBeLessThan(0.03);
    // Both deviations measured and printed; decimation's well under a voxel here.
    const decimation = number(r.stdout, /decimation 0\.9: .*deviation max ([\d.]+) mm/);
    expect(decimation).toBeGreaterThan(0);
    expect(decimation).toBeLessThan(0.8);
    expect(number(r.stdout, /decimation 0\.9: .*mean ([\d.]+) mm/)).toBeLessThan(decimation);
    expect(number(r.stdout, /meshoptimizer error estimate ([\d.]+) mm/)).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/smoothing medium: deviation max [\d.]+ mm/);
    // admesh agrees: two parts, nothing backwards, the same volume.
    const admesh = admeshReport(out);
    expect(admesh.parts).toBe(2);
    expect(admesh.backwards).toBe(0);
    expect(Math.abs(admesh.volume - volume) / volume).toBeLessThan(1e-3);
  });

  it('--smooth off writes the voxel-boundary surface refined by HU, still closed', async () => {
    const r = await voxelprint('convert', 'public/samples/ct-phantom', '--range', '650:750', '--smooth', 'off', '--format', '3mf', '--frame', 'print', '-o', join(dir, 'cyl.3mf'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('smoothing: off\n');
    expect(r.stdout).toContain('decimation: off\n');
    expect(r.stdout).toContain('watertight yes, manifold yes');
    // The 700 HU cylinder insert (Ø12 × 30 mm) in 40 HU brain: the 650 HU crossing lies 8% of a
    // voxel in from each boundary voxel centre, so the model is a little smaller than the insert.
    const volume = number(r.stdout, /volume ([\d.]+) mm³/);
    const cylinder = ctHeadPhantomVolumesMm3.cylinderMm3;
    expect(volume / cylinder).toBeGreaterThan(0.8);
    expect(volume / cylinder).toBeLessThan(1);
    expect(readFileSync(join(dir, 'cyl.3mf')).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('bad settings: exit 2 with the reason', async () => {
    const noRange = await voxelprint('convert', 'public/samples/ct-phantom', '-o', join(dir, 'x.stl'));
    expect(noRange.code).toBe(2);
    expect(noRange.stderr).toBe('voxelprint convert: give exactly one of --preset ID or --range LO:HI\n');
    const reversed = await voxelprint('convert', 'public/samples/ct-phantom', '--range', '300:200', '-o', join(dir, 'x.stl'));
    expect(reversed.stderr).toMatch(/--range must be LO:HI with LO ≤ HI/);
    for (const bad of ['1', '-0.1', 'abc', '', '0.9.1', '1e-1', '90%']) {
      const r = await voxelprint('convert', 'public/samples/ct-phantom', '--preset', 'bone', '--decimate', bad, '-o', join(dir, 'x.stl'));
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`voxelprint convert: --decimate must be a fraction of the triangles to remove, 0 ≤ x < 1, e.g. 0.9 (got "${bad}")\n`);
    }
    const missing = await voxelprint('convert', 'public/samples/ct-phantom', '--preset', 'bone', '-o', join(dir, 'x.stl'), '--decimate');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--decimate must be a fraction');
    const empty = await voxelprint('convert', 'public/samples/ct-phantom', '--range', '5000:6000', '-o', join(dir, 'x.stl'));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no voxel lies in 5000:6000: nothing to mesh');
  });
});
