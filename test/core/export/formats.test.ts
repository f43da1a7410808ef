import { describe, expect, it } from 'vitest';
import { exportMeshes, toFrame, write3mf, writeAsciiStl, writeBinaryStl, writeObj, writePly } from '../../../src/core/export/index';
import type { SegmentMesh } from '../../../src/core/mesh/mesh';
import { bounds, parse3mf, parseAsciiStl, parseBinaryStl, parseObj, parsePly } from '../../helpers/meshParsers';
import type { ParsedPart } from '../../helpers/meshParsers';
import { PATIENT, fixture, signedVolume, soup } from './fixture';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const TETRA_VOLUME = 177.10611979166666;

/** Same triangle count, bounds (float32 precision) and signed volume as the source segment. */
const expectSameGeometry = (parsed: readonly number[], source: SegmentMesh | SegmentMesh[]): void => {
  const src = Array.isArray(source) ? source.flatMap(soup) : soup(source);
  expect(parsed.length).toBe(src.length);
  const a = bounds(parsed);
  const b = bounds(src);
  for (let k = 0; k < 3; k++) {
    expect(Math.abs(a.min[k] - b.min[k])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b.min[k])));
    expect(Math.abs(a.max[k] - b.max[k])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b.max[k])));
  }
  const va = signedVolume(parsed);
  const vb = signedVolume(src);
  expect(vb).toBeGreaterThan(0);
  expect(Math.abs(va - vb) / vb).toBeLessThan(1e-6);
  // vertex by vertex, in order
  for (let i = 0; i < src.length; i++) expect(Math.abs(parsed[i] - src[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(src[i])));
};

const names = (parts: ParsedPart[]): (string | undefined)[] => parts.map((p) => p.name);

describe('binary STL', () => {
  it('has the exact header, count and size', () => {
    const bytes = writeBinaryStl(fixture());
    const header = 'VOXELPRINT SPACE=LPS UNITS=mm';
    const expected = new Uint8Array(80).fill(0x20);
    for (let i = 0; i < header.length; i++) expected[i] = header.charCodeAt(i);
    expect(Array.from(bytes.subarray(0, 80))).toEqual(Array.from(expected));
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(80, true)).toBe(16);
    expect(bytes.length).toBe(84 + 16 * 50);
    expect(text(bytes.subarray(0, 5))).not.toBe('solid');
    const ras = writeBinaryStl(fixture(), { frame: 'RAS' });
    expect(text(ras.subarray(0, 80)).trimEnd()).toBe('VOXELPRINT SPACE=RAS UNITS=mm');
    const printed = writeBinaryStl(fixture(), { frame: 'print' });
    expect(text(printed.subarray(0, 80)).trimEnd()).toBe('VOXELPRINT SPACE=PRINT UNITS=mm');
  });

  it('round-trips geometry with unit outward normals and zero attributes', () => {
    const segs = fixture();
    const stl = parseBinaryStl(writeBinaryStl(segs));
    expect(stl.count).toBe(16);
    expectSameGeometry(stl.part.triangles, segs);
    expect(signedVolume(stl.part.triangles)).toBeCloseTo(6000 + TETRA_VOLUME, 4);
    expect(stl.attributes.every((a) => a === 0)).toBe(true);
    const t = stl.part.triangles;
    for (let i = 0; i < stl.count; i++) {
      const [nx, ny, nz] = stl.normals.slice(i * 3, i * 3 + 3);
      expect(Math.hypot(nx, ny, nz)).toBeCloseTo(1, 6);
      const [ax, ay, az, bx, by, bz, cx, cy, cz] = t.slice(i * 9, i * 9 + 9);
      const ux = bx - ax, uy = by - ay, uz = bz - az, vx = cx - ax, vy = cy - ay, vz = cz - az;
      const dot = nx * (uy * vz - uz * vy) + ny * (uz * vx - ux * vz) + nz * (ux * vy - uy * vx);
      expect(dot).toBeGreaterThan(0);
    }
    // first box triangle is on the bottom face: normal -z
    expect(stl.normals.slice(0, 3)).toEqual([0, 0, -1]);
  });

  it('RAS keeps positive volume and flips x, y', () => {
    const stl = parseBinaryStl(writeBinaryStl(fixture(), { frame: 'RAS' }));
    expect(signedVolume(stl.part.triangles)).toBeCloseTo(6000 + TETRA_VOLUME, 4);
    const b = bounds(stl.part.triangles);
    expect(b.min).toEqual([80.5, -66.5, 800.5]);
    expect(b.max).toEqual([112.5, -40.25, 830.5]);
  });

  it('print frame rests on z = 0, centred on the bed', () => {
    const stl = parseBinaryStl(writeBinaryStl(fixture(), { frame: 'print' }));
    const b = bounds(stl.part.triangles);
    expect(b.min).toEqual([-16, -13.125, 0]);
    expect(b.max).toEqual([16, 13.125, 30]);
  });

  it('writes 302k triangles into one exactly sized buffer', () => {
    const n = 302_000;
    const positionsMm = new Float32Array(n * 9);
    const indices = new Uint32Array(n * 3);
    for (let t = 0; t < n; t++) {
      positionsMm.set([t, 0, 0, t + 1, 0, 0, t, 1, 0], t * 9);
      indices.set([t * 3, t * 3 + 1, t * 3 + 2], t * 3);
    }
    const big: SegmentMesh = { name: 'Big', colorRgb: [1, 2, 3], mesh: { positionsMm, indices, frame: 'LPS' } };
    const bytes = writeBinaryStl([big]);
    expect(bytes.length).toBe(84 + 50 * n);
    const ascii = writeAsciiStl([big]);
    expect(ascii.length).toBeGreaterThan(n * 100);
    expect(text(ascii.subarray(ascii.length - 13))).toBe('endsolid Big\n');
  });
});

describe('ASCII STL', () => {
  it('writes one named solid per segment and round-trips', () => {
    const segs = fixture();
    const bytes = writeAsciiStl(segs);
    const s = text(bytes);
    expect(s.startsWith('solid Bone\nfacet normal 0 0 -1\n outer loop\n  vertex -112.5 40.25 800.5\n')).toBe(true);
    expect(s).not.toMatch(/\de[+-]?\d/i);
    const parts = parseAsciiStl(s);
    expect(names(parts)).toEqual(['Bone', 'Tumour_(left)']);
    expectSameGeometry(parts[0].triangles, segs[0]);
    expectSameGeometry(parts[1].triangles, segs[1]);
    expect(s.trimEnd().endsWith('endsolid Tumour_(left)')).toBe(true);
  });
});

describe('OBJ + MTL', () => {
  it('starts with frame/units comment and mtllib, names objects and materials', () => {
    const segs = fixture();
    const { obj, mtl } = writeObj(segs, { mtlFileName: 'voxelprint-lps.mtl' });
    const lines = text(obj).split('\n');
    expect(lines.slice(0, 5)).toEqual(['# Voxelprint OBJ SPACE=LPS UNITS=mm', 'mtllib voxelprint-lps.mtl', 'o Bone', 'usemtl Bone', 'v -112.5 40.25 800.5']);
    expect(text(obj)).toContain('\nf 9 11 10\n'); // tetra's first face: 1-based, after the box's 8 vertices
    const parsed = parseObj(text(obj), text(mtl));
    expect(parsed.mtllib).toBe('voxelprint-lps.mtl');
    expect(parsed.comments[0]).toBe('Voxelprint OBJ SPACE=LPS UNITS=mm');
    expect(names(parsed.parts)).toEqual(['Bone', 'Tumour_(left)']);
    expect(parsed.materials).toEqual(['Bone', 'Tumour_(left)']);
    expect(parsed.parts.map((p) => p.color)).toEqual([
      [241, 214, 145],
      [200, 30, 7],
    ]);
    expectSameGeometry(parsed.parts[0].triangles, segs[0]);
    expectSameGeometry(parsed.parts[1].triangles, segs[1]);
    expect(text(mtl)).toContain('newmtl Bone\nKa 0 0 0\nKd 0.945098 0.839216 0.568627\n');
  });

  it('states RAS in the comment and keeps positive volume', () => {
    const { obj } = writeObj(fixture(), { frame: 'RAS' });
    const parsed = parseObj(text(obj));
    expect(parsed.comments[0]).toBe('Voxelprint OBJ SPACE=RAS UNITS=mm');
    expect(parsed.mtllib).toBe('voxelprint.mtl');
    expect(signedVolume(parsed.parts[0].triangles)).toBeCloseTo(6000, 4);
    expect(signedVolume(parsed.parts[1].triangles)).toBeCloseTo(TETRA_VOLUME, 4);
  });
});

describe('PLY', () => {
  it('has the expected header and round-trips with vertex colours', () => {
    const segs = fixture();
    const ply = parsePly(writePly(segs));
    expect(ply.headerText).toBe(
      [
        'ply',
        'format binary_little_endian 1.0',
        'comment Voxelprint',
        'comment SPACE=LPS UNITS=mm',
        'comment segment Bone rgb 241 214 145 vertices 0-8 faces 0-12',
        'comment segment Tumour_(left) rgb 200 30 7 vertices 8-12 faces 12-16',
        'element vertex 12',
        'property float x',
        'property float y',
        'property float z',
        'property uchar red',
        'property uchar green',
        'property uchar blue',
        'element face 16',
        'property list uchar uint vertex_indices',
        'end_header',
        '',
      ].join('\n'),
    );
    expect(ply.faces.length).toBe(16);
    expectSameGeometry(ply.part.triangles, segs);
    expect([ply.vertices[0].red, ply.vertices[0].green, ply.vertices[0].blue]).toEqual([241, 214, 145]);
    expect([ply.vertices[11].red, ply.vertices[11].green, ply.vertices[11].blue]).toEqual([200, 30, 7]);
  });

  it('omits colours on request', () => {
    const ply = parsePly(writePly(fixture(), { vertexColors: false, frame: 'RAS' }));
    expect(ply.vertexProperties).toEqual(['float x', 'float y', 'float z']);
    expect(ply.comments).toContain('SPACE=RAS UNITS=mm');
    expect(signedVolume(ply.part.triangles)).toBeCloseTo(6000 + TETRA_VOLUME, 4);
  });
});

describe('3MF', () => {
  it('is a package with one named, coloured object per segment in millimetres', () => {
    const segs = fixture();
    const m = parse3mf(write3mf(segs));
    expect(m.entries.sort()).toEqual(['3D/3dmodel.model', '[Content_Types].xml', '_rels/.rels']);
    expect(m.contentTypes).toContain('Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"');
    expect(m.contentTypes).toContain('Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"');
    expect(m.modelXml).toContain(
      '<model unit="millimeter" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02" xmlns:m="http://schemas.microsoft.com/3dmanufacturing/material/2015/02">',
    );
    expect(m.modelAttributes.unit).toBe('millimeter');
    expect(m.metadata).toEqual({ Title: 'Voxelprint model', Application: 'Voxelprint', Description: 'SPACE=LPS UNITS=mm' });
    expect(m.colorGroups.get('1')).toEqual(['#F1D691FF', '#C81E07FF']);
    expect(m.modelXml).toContain('<m:colorgroup id="1">');
    expect(m.objects.map((o) => [o.id, o.type, o.name, o.pid, o.pindex])).toEqual([
      ['2', 'model', 'Bone', '1', '0'],
      ['3', 'model', 'Tumour (left)', '1', '1'],
    ]);
    expect(m.objects.map((o) => o.part.color)).toEqual([
      [241, 214, 145],
      [200, 30, 7],
    ]);
    expect(m.buildItems).toEqual(['2', '3']);
    expectSameGeometry(m.objects[0].part.triangles, segs[0]);
    expectSameGeometry(m.objects[1].part.triangles, segs[1]);
    // numbers: plain decimals, never exponent notation
    for (const v of m.modelXml.matchAll(/ [xyz]="([^"]*)"/g)) expect(v[1]).toMatch(/^-?\d+(\.\d{1,6})?$/);
  });

  it('escapes names, states the frame and is reproducible', () => {
    const segs = fixture().map((s, k) => (k === 0 ? { ...s, name: 'A & <B> "c"' } : s));
    const bytes = write3mf(segs, { frame: 'print' });
    expect(Array.from(write3mf(segs, { frame: 'print' }))).toEqual(Array.from(bytes));
    const m = parse3mf(bytes);
    expect(m.objects[0].name).toBe('A & <B> "c"');
    expect(m.metadata.Description).toBe('SPACE=PRINT UNITS=mm');
    const b = bounds([...m.objects[0].part.triangles, ...m.objects[1].part.triangles]);
    expect(b.min).toEqual([-16, -13.125, 0]);
    expect(b.max).toEqual([16, 13.125, 30]);
  });

  it('leaves out triangles whose vertex indices are not distinct (3MF core rule)', () => {
    const box = fixture()[0];
    const withDegenerate: SegmentMesh = { ...box, mesh: { ...box.mesh, indices: new Uint32Array([...box.mesh.indices, 0, 0, 1, 2, 3, 3]) } };
    const m = parse3mf(write3mf([withDegenerate]));
    expect(m.objects[0].part.triangles.length).toBe(12 * 9);
    expect(signedVolume(m.objects[0].part.triangles)).toBeCloseTo(6000, 4);
  });

  it('contains no patient text unless the user typed a title', () => {
    const xml = parse3mf(write3mf(fixture())).modelXml;
    for (const p of Object.values(PATIENT)) expect(xml).not.toContain(p);
    expect(parse3mf(write3mf(fixture(), { title: 'Case 7' })).metadata.Title).toBe('Case 7');
  });
});

describe('exportMeshes', () => {
  it('one file per segment in the print frame shares one translation', () => {
    const files = exportMeshes({ meshes: fixture(), format: 'stl', frame: 'print', perSegment: true });
    expect(files.map((f) => f.fileName)).toEqual(['voxelprint-bone-print.stl', 'voxelprint-tumour-left-print.stl']);
    const tris = files.map((f) => parseBinaryStl(f.bytes).part.triangles);
    const expected = toFrame(fixture(), 'print');
    expectSameGeometry(tris[0], expected[0]);
    expectSameGeometry(tris[1], expected[1]);
  });

  it('OBJ comes with its MTL, referenced by name', () => {
    const files = exportMeshes({ meshes: fixture(), format: 'obj' });
    expect(files.map((f) => f.fileName)).toEqual(['voxelprint-lps.obj', 'voxelprint-lps.mtl']);
    expect(parseObj(text(files[0].bytes)).mtllib).toBe('voxelprint-lps.mtl');
  });

  it('all segments in one 3MF', () => {
    const files = exportMeshes({ meshes: fixture(), format: '3mf', frame: 'RAS' });
    expect(files.map((f) => f.fileName)).toEqual(['voxelprint-ras.3mf']);
    const m = parse3mf(files[0].bytes);
    expect(m.objects.length).toBe(2);
    expect(signedVolume(m.objects[0].part.triangles)).toBeCloseTo(6000, 4);
  });
});
