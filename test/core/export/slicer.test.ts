/**
 * Cross-check with a real slicer: Debian's PrusaSlicer CLI (package `prusa-slicer`, 2.5.0 in
 * bookworm) must open our binary STL and our 3MF and report the same sizes, volumes, facet and
 * part counts as our own mesh statistics, find every object manifold with nothing to repair,
 * keep the 3MF object names, and slice the print-frame 3MF into G-code whose layers match the
 * objects' heights. Headless: no display is needed for `--info`, `--export-3mf` or `--export-gcode`.
 *
 * This test does not skip: without `prusa-slicer` on PATH every case fails and says how to install it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { exportMeshes, toFrame } from '../../../src/core/export/index';
import type { Vec3 } from '../../../src/core/geometry/vec3';
import type { MeshFrame, SegmentMesh } from '../../../src/core/mesh/mesh';
import { SMOOTHING_LEVELS, smoothMesh } from '../../../src/core/mesh/smooth';
import { meshStats } from '../../../src/core/mesh/stats';
import type { MeshStats } from '../../../src/core/mesh/stats';
import { extractSurface } from '../../../src/core/mesh/surfaceNets';
import type { VolumeGeometry } from '../../../src/core/volume/volume';
import { ijkToLps } from '../../../src/core/volume/volume';

const SLICER = 'prusa-slicer';
const MISSING =
  '`prusa-slicer` is not on PATH: this cross-check needs it. Install it with ' +
  '`apt-get install --no-install-recommends prusa-slicer` (Debian bookworm: 2.5.0; .ci/run does this).';

const dir = mkdtempSync(join(tmpdir(), 'voxelprint-slicer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the slicer CLI in `dir`; fails with the install hint when the binary is missing. */
const slicer = (args: string[]): string => {
  const r = spawnSync(SLICER, ['--loglevel', '1', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DISPLAY: '' } });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(MISSING);
  if (r.error) throw r.error;
  const output = r.stdout + r.stderr;
  if (r.status !== 0) throw new Error(`${SLICER} ${args.join(' ')} exited ${r.status}:\n${output}`);
  return output;
};

// ------------------------------------------------------------------------------------ the model

/** Anisotropic, oblique grid (rotated about z then x), as in the mesher tests. */
const grid = (): VolumeGeometry => {
  const a = 0.25;
  const b = 0.15;
  const r: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const c: Vec3 = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const n: Vec3 = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  return { dimensions: [48, 32, 26], spacingMm: [0.8, 0.9, 1.2], originLps: [5, -3, 20], directionLps: [r, c, n] };
};

const segment = (g: VolumeGeometry, name: string, colorRgb: [number, number, number], inside: (p: Vec3) => boolean): SegmentMesh => {
  const [nx, ny, nz] = g.dimensions;
  const mask = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) mask[i + j * nx + k * nx * ny] = inside(ijkToLps(g, [i, j, k])) ? 1 : 0;
  const raw = extractSurface({ dimensions: g.dimensions, mask }, g);
  return { name, colorRgb, mesh: smoothMesh(raw, g, SMOOTHING_LEVELS.medium).mesh };
};

/**
 * Two segments, default (medium) smoothing: "Bone", a hollow sphere (outer radius 10 mm, cavity
 * 6 mm: one object of two shells, the inner one wound inward), and "Tumour (left)", an
 * ellipsoid higher up, so the parts differ in z extent and shell count.
 */
const model = (): SegmentMesh[] => {
  const g = grid();
  const c1 = ijkToLps(g, [14, 15.3, 10.6]);
  const c2 = ijkToLps(g, [37.5, 15.8, 14.2]);
  const d = (p: Vec3, c: Vec3, s: Vec3 = [1, 1, 1]): number => Math.hypot((p[0] - c[0]) / s[0], (p[1] - c[1]) / s[1], (p[2] - c[2]) / s[2]);
  return [
    segment(g, 'Bone', [241, 214, 145], (p) => d(p, c1) <= 10 && d(p, c1) > 6),
    segment(g, 'Tumour (left)', [200, 30, 7], (p) => d(p, c2, [5, 4, 6]) <= 1),
  ];
};

const segs = model();
/** Our statistics of each segment in each frame (what the files must hold). */
const ours = (frame: MeshFrame): MeshStats[] => toFrame(segs, frame).map((s) => meshStats(s.mesh));

const exported = (format: 'stl' | '3mf', frame: MeshFrame): string => {
  const [file] = exportMeshes({ meshes: segs, format, frame });
  writeFileSync(join(dir, file.fileName), file.bytes);
  return file.fileName;
};

// ------------------------------------------------------------------------- the slicer's report

/** One `--info` block: `[file]` then `key = value` lines (one block per 3MF object). */
type InfoBlock = Record<string, string>;

/** The keys PrusaSlicer 2.5 prints for a manifold mesh it did not repair (no `open_edges`, no repair counts). */
const CLEAN_KEYS = [
  'size_x', 'size_y', 'size_z', 'min_x', 'min_y', 'min_z', 'max_x', 'max_y', 'max_z',
  'number_of_facets', 'manifold', 'number_of_parts', 'volume',
];

const info = (file: string): InfoBlock[] => {
  const out = slicer(['--info', file]);
  const blocks: InfoBlock[] = [];
  for (const line of out.split('\n')) {
    if (line === `[${file}]`) blocks.push({});
    const kv = /^(\w+) = +(.*)$/.exec(line);
    if (kv && blocks.length > 0) blocks[blocks.length - 1][kv[1]] = kv[2];
  }
  if (blocks.length === 0) throw new Error(`${SLICER} --info printed no block for ${file}:\n${out}`);
  return blocks;
};

const num = (b: InfoBlock, key: string): number => {
  const v = Number(b[key]);
  if (b[key] === undefined || !Number.isFinite(v)) throw new Error(`no numeric "${key}" in ${JSON.stringify(b)}`);
  return v;
};

/** Bounds are printed with 6 decimals from float32 vertices: 1e-5 mm covers both roundings. */
const MM = 1e-5;

const expectMatches = (b: InfoBlock, s: Pick<MeshStats, 'bboxMm' | 'volumeMm3' | 'triangles'>, shells: number): void => {
  expect(Object.keys(b).sort(), 'keys other than these mean open edges or repairs').toEqual([...CLEAN_KEYS].sort());
  expect(b.manifold).toBe('yes');
  expect(num(b, 'number_of_facets')).toBe(s.triangles);
  expect(num(b, 'number_of_parts')).toBe(shells);
  ['x', 'y', 'z'].forEach((axis, a) => {
    expect(Math.abs(num(b, `min_${axis}`) - s.bboxMm.min[a]), `min_${axis}`).toBeLessThanOrEqual(MM);
    expect(Math.abs(num(b, `max_${axis}`) - s.bboxMm.max[a]), `max_${axis}`).toBeLessThanOrEqual(MM);
    expect(Math.abs(num(b, `size_${axis}`) - (s.bboxMm.max[a] - s.bboxMm.min[a])), `size_${axis}`).toBeLessThanOrEqual(MM);
  });
  // Printed with 6 decimals, computed by the slicer from float32 vertices (ours: float64 sums).
  expect(Math.abs(num(b, 'volume') - s.volumeMm3) / s.volumeMm3).toBeLessThan(1e-5);
};

describe(`${SLICER} reads our exports (independent slicer CLI)`, () => {
  it('the model itself is sane: closed, manifold, Bone two shells, Tumour one', () => {
    const [bone, tumour] = ours('LPS');
    for (const s of [bone, tumour]) {
      expect(s.manifold).toBe(true);
      expect(s.degenerateTriangles).toBe(0);
    }
    expect(bone.shells).toBe(2);
    expect(bone.shellVolumesMm3[1]).toBeLessThan(0); // the cavity
    expect(tumour.shells).toBe(1);
    expect(bone.triangles).toBeGreaterThan(3000);
  });

  it('binary STL (LPS): one mesh of three parts, union bbox, summed volume and facets, manifold, nothing repaired', () => {
    const file = exported('stl', 'LPS');
    const [bone, tumour] = ours('LPS');
    const blocks = info(file);
    expect(blocks).toHaveLength(1);
    expectMatches(
      blocks[0],
      {
        triangles: bone.triangles + tumour.triangles,
        volumeMm3: bone.volumeMm3 + tumour.volumeMm3,
        bboxMm: {
          min: [0, 1, 2].map((a) => Math.min(bone.bboxMm.min[a], tumour.bboxMm.min[a])) as [number, number, number],
          max: [0, 1, 2].map((a) => Math.max(bone.bboxMm.max[a], tumour.bboxMm.max[a])) as [number, number, number],
        },
      },
      3,
    );
  });

  for (const frame of ['LPS', 'print'] as const) {
    it(`3MF (${frame}): one object per segment, each with our bbox, volume, facets and shells`, () => {
      const file = exported('3mf', frame);
      const stats = ours(frame);
      const blocks = info(file);
      expect(blocks).toHaveLength(2);
      expectMatches(blocks[0], stats[0], 2);
      expectMatches(blocks[1], stats[1], 1);
      if (frame === 'print') {
        // On the bed, centred: union min z = 0, union x/y centre at the origin.
        expect(Math.min(num(blocks[0], 'min_z'), num(blocks[1], 'min_z'))).toBe(0);
        for (const axis of ['x', 'y']) {
          const lo = Math.min(num(blocks[0], `min_${axis}`), num(blocks[1], `min_${axis}`));
          const hi = Math.max(num(blocks[0], `max_${axis}`), num(blocks[1], `max_${axis}`));
          expect(Math.abs(lo + hi)).toBeLessThanOrEqual(2 * MM);
        }
      }
    });
  }

  it('3MF re-saved by the slicer keeps our object names, and its repair record is all zeros', () => {
    const file = exported('3mf', 'LPS');
    slicer(['--export-3mf', '--output', 'resaved.3mf', file]);
    const config = new TextDecoder().decode(unzipSync(readFileSync(join(dir, 'resaved.3mf')))['Metadata/Slic3r_PE_model.config']);
    const names = [...config.matchAll(/<metadata type="object" key="name" value="([^"]*)"\/>/g)].map((m) => m[1]);
    expect(names).toEqual(['Bone', 'Tumour (left)']);
    const volumes = [...config.matchAll(/<volume firstid="(\d+)" lastid="(\d+)">/g)].map((m) => Number(m[2]) - Number(m[1]) + 1);
    expect(volumes).toEqual(ours('LPS').map((s) => s.triangles));
    const repairs = [...config.matchAll(/<mesh ([^>]*)\/>/g)].map((m) => m[1]);
    expect(repairs).toEqual(
      Array(2).fill('edges_fixed="0" degenerate_facets="0" facets_removed="0" facets_reversed="0" backwards_edges="0"'),
    );
  });

  const h = 0.2;
  /** Layers (top at (k + 1)·h, sliced at mid-height (k + ½)·h) whose slicing plane lies below z. */
  const layersBelow = (z: number): number => Math.floor(z / h - 0.5) + 1;

  /** Slices the print-frame 3MF; per layer its Z and the objects printed on it. */
  const slice = (extra: string[]): { z: number; objects: string[] }[] => {
    const file = exported('3mf', 'print');
    const out = `model${extra.join('')}.gcode`;
    slicer(['--export-gcode', '--gcode-label-objects', '--layer-height', String(h), '--first-layer-height', String(h), ...extra, '--output', out, file]);
    const gcode = readFileSync(join(dir, out), 'utf8');
    expect(gcode).toMatch(/^; generated by PrusaSlicer/);
    return gcode
      .split('\n;LAYER_CHANGE\n')
      .slice(1)
      .map((layer) => ({
        z: Number(/^;Z:([\d.]+)\n/.exec(layer)?.[1]),
        objects: [...new Set([...layer.matchAll(/^; printing object (.+) id:\d+ copy 0$/gm)].map((m) => m[1]))],
      }));
  };
  const printedOn = (layers: { z: number; objects: string[] }[], name: string): number[] => layers.filter((l) => l.objects.includes(name)).map((l) => l.z);

  it('slices the print-frame 3MF into G-code (defaults): every object on the bed, its layers from its own height', () => {
    const layers = slice([]);
    const stats = ours('print');
    const heights = stats.map((s) => s.bboxMm.max[2] - s.bboxMm.min[2]);
    expect(layers.map((l) => l.z)).toEqual(Array.from({ length: layersBelow(Math.max(...heights)) }, (_, k) => Number(((k + 1) * h).toFixed(6))));
    // PrusaSlicer drops each 3MF object onto the bed on its own (ensure-on-bed is on by default):
    // the Tumour, 8.5 mm up in our print frame, starts on the first layer too.
    segs.forEach((seg, k) => {
      const zs = printedOn(layers, seg.name);
      expect(zs.length, seg.name).toBe(layersBelow(heights[k]));
      expect(zs[0], seg.name).toBeCloseTo(h, 6);
    });
  });

  it('slices the print-frame 3MF with --no-ensure-on-bed: layers follow our print-frame z of each object', () => {
    const layers = slice(['--no-ensure-on-bed']);
    const stats = ours('print');
    const top = Math.max(...stats.map((s) => s.bboxMm.max[2]));
    expect(Math.min(...stats.map((s) => s.bboxMm.min[2]))).toBe(0);
    expect(layers.length).toBe(layersBelow(top));
    expect(layers[layers.length - 1].z).toBeCloseTo(layers.length * h, 6);
    segs.forEach((seg, k) => {
      const { min, max } = stats[k].bboxMm;
      const zs = printedOn(layers, seg.name);
      expect(zs.length, seg.name).toBe(layersBelow(max[2]) - layersBelow(min[2]));
      expect(zs[0], seg.name).toBeCloseTo((layersBelow(min[2]) + 1) * h, 6);
      expect(zs[zs.length - 1], seg.name).toBeCloseTo(layersBelow(max[2]) * h, 6);
    });
  });
});
