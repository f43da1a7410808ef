/**
 * Cross-check with ADMesh (Debian package `admesh`), an independent STL reader/repairer: it must
 * read our files as valid, closed, consistently oriented meshes without fixing anything. Skipped
 * (with the reason in the test name) when `admesh` is not on PATH.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAsciiStl, writeBinaryStl } from '../../../src/core/export/stl';
import { boxSegment, fixture } from './fixture';

const hasAdmesh = spawnSync('admesh', ['--version'], { encoding: 'utf8' }).status === 0;
const dir = hasAdmesh ? mkdtempSync(join(tmpdir(), 'voxelprint-admesh-')) : '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface AdmeshReport {
  output: string;
  stat: (label: string) => number[];
}

const runAdmesh = (name: string, bytes: Uint8Array): AdmeshReport => {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const r = spawnSync('admesh', [file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const output = r.stdout + r.stderr;
  return {
    output,
    stat: (label) => {
      const line = output.split('\n').find((l) => l.startsWith(label));
      if (!line) throw new Error(`admesh printed no "${label}" line:\n${output}`);
      return [...line.slice(label.length).matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));
    },
  };
};

const expectNothingRepaired = (r: AdmeshReport): void => {
  for (const label of ['Degenerate facets', 'Edges fixed', 'Facets removed', 'Facets added', 'Facets reversed', 'Backwards edges', 'Normals fixed']) {
    expect(r.stat(label)[0], label).toBe(0);
  }
  expect(r.stat('Total disconnected facets')).toEqual([0, 0]);
  expect(r.output).not.toMatch(/error/i);
};

describe.skipIf(!hasAdmesh)(hasAdmesh ? 'admesh' : 'admesh (skipped: `admesh` not installed; apt-get install admesh)', () => {
  it('reads our binary STL of a closed box: 12 facets, 1 part, 6000 mm³, nothing to repair', () => {
    const r = runAdmesh('box.stl', writeBinaryStl([boxSegment()]));
    expect(r.output).toContain('File type          : Binary STL file');
    expect(r.output).toMatch(/Header\s+: VOXELPRINT SPACE=LPS UNITS=mm/);
    expect(r.stat('Number of facets')).toEqual([12, 12]);
    expect(r.stat('Number of parts')[0]).toBe(1);
    expect(r.stat('Number of parts')[1]).toBeCloseTo(6000, 3); // "Volume :" is on the same line
    expect(r.stat('Min X')).toEqual([-112.5, -102.5]);
    expectNothingRepaired(r);
  });

  it('reads the two-segment binary STL in RAS as two positive parts', () => {
    const r = runAdmesh('two-ras.stl', writeBinaryStl(fixture(), { frame: 'RAS' }));
    expect(r.stat('Number of facets')).toEqual([16, 16]);
    expect(r.stat('Number of parts')[0]).toBe(2);
    expect(r.stat('Number of parts')[1]).toBeCloseTo(6177.106, 2);
    expect(r.stat('Min X')).toEqual([80.5, 112.5]);
    expectNothingRepaired(r);
  });

  it('reads our ASCII STL of the box', () => {
    const r = runAdmesh('box-ascii.stl', writeAsciiStl([boxSegment()]));
    expect(r.output).toContain('File type          : ASCII STL file');
    expect(r.stat('Number of facets')).toEqual([12, 12]);
    expect(r.stat('Number of parts')[1]).toBeCloseTo(6000, 3);
    expectNothingRepaired(r);
  });
});
