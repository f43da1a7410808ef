import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KERNEL_PATHS, nodeSurfaceKernel } from '../../src/cli/nodeKernel';
import { extractSurface } from '../../src/core/mesh/surfaceNets';
import { meshStats } from '../../src/core/mesh/stats';

const dir = mkdtempSync(join(tmpdir(), 'voxelprint-kernel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const geometry = {
  dimensions: [6, 5, 4] as [number, number, number],
  spacingMm: [1, 1, 1] as [number, number, number],
  originLps: [0, 0, 0] as [number, number, number],
  directionLps: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ] as [[number, number, number], [number, number, number], [number, number, number]],
};
const mask = new Uint8Array(6 * 5 * 4);
mask[1 + 1 * 6 + 1 * 30] = 1;
mask[2 + 1 * 6 + 1 * 30] = 1;

describe('the CLI’s meshing kernel', () => {
  it('loads the built WebAssembly kernel', async () => {
    const warnings: string[] = [];
    const kernel = await nodeSurfaceKernel((m) => warnings.push(m));
    expect(kernel.name).toBe('wasm');
    expect(warnings).toEqual([]);
    expect(KERNEL_PATHS.some((p) => p.endsWith('src/kernel/build/surfaceNets.wasm'))).toBe(true);
  });

  it('falls back to the TypeScript kernel, saying why, when the file is missing or not WebAssembly', async () => {
    const junk = join(dir, 'junk.wasm');
    writeFileSync(junk, 'not wasm');
    const warnings: string[] = [];
    const kernel = await nodeSurfaceKernel((m) => warnings.push(m), [join(dir, 'missing.wasm'), junk]);
    expect(kernel.name).toBe('typescript');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('missing.wasm');
    expect(warnings[0]).toContain('junk.wasm');
    expect(warnings[0]).toContain('npm run build:kernel');
    // And it meshes: two voxels, one box of 2 × 1 × 1 mm.
    const s = meshStats(extractSurface({ dimensions: geometry.dimensions, mask }, geometry, kernel));
    expect(s.manifold).toBe(true);
    expect(s.volumeMm3).toBeCloseTo(2, 6);
  });
});
