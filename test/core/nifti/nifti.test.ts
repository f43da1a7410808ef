import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'fflate';
import { readNifti } from '../../../src/core/nifti/read';
import { writeNifti } from '../../../src/core/nifti/write';
import { VoxelprintError } from '../../../src/core/errors';
import type { Vec3 } from '../../../src/core/geometry/vec3';
import type { Volume } from '../../../src/core/volume/volume';
import { ijkToLps } from '../../../src/core/volume/volume';
import { corners, obliqueVolume, rasAffineFromPositions } from './fixtures';

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const ascii = (b: Uint8Array, start: number, n: number): string => String.fromCharCode(...b.subarray(start, start + n));

function expectClose(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

function expectSameGeometry(a: Volume, b: Volume, tolMm = 1e-4): void {
  expect(a.dimensions).toEqual(b.dimensions);
  for (const c of corners(a)) {
    const pa = ijkToLps(a, c);
    const pb = ijkToLps(b, c);
    for (let x = 0; x < 3; x++) expectClose(pa[x], pb[x], tolMm);
  }
}

/** Rotation matrix of a NIfTI quaternion (b, c, d), a ≥ 0: row-major. */
function quaternMatrix(b: number, c: number, d: number): number[][] {
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  return [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
}

function expectVoxelError(f: () => unknown, code: string, message: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VoxelprintError);
    const err = e as VoxelprintError;
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.subject).toBe('x.nii');
    return;
  }
  throw new Error('expected a VoxelprintError');
}

describe('writeNifti header', () => {
  const vol = obliqueVolume();
  const bytes = writeNifti(vol);
  const dv = view(bytes);

  it('has the NIfTI-1 single-file layout', () => {
    expect(bytes.length).toBe(352 + 7 * 5 * 3 * 2);
    expect(dv.getInt32(0, true)).toBe(348);
    expect(ascii(bytes, 344, 4)).toBe('n+1\0');
    expect([...bytes.subarray(348, 352)]).toEqual([0, 0, 0, 0]);
    expect(dv.getFloat32(108, true)).toBe(352);
    expect(dv.getInt16(70, true)).toBe(4); // INT16
    expect(dv.getInt16(72, true)).toBe(16);
    expect(Array.from({ length: 8 }, (_, i) => dv.getInt16(40 + 2 * i, true))).toEqual([3, 7, 5, 3, 1, 1, 1, 1]);
    const pixdim = Array.from({ length: 8 }, (_, i) => dv.getFloat32(76 + 4 * i, true));
    expect(pixdim).toEqual([1, Math.fround(0.7), Math.fround(1.3), Math.fround(2.9), 1, 1, 1, 1]);
    expect(bytes[123]).toBe(2); // mm
    expect(dv.getFloat32(112, true)).toBe(1);
    expect(dv.getFloat32(116, true)).toBe(0);
    expect(dv.getFloat32(124, true)).toBe(30883); // cal_max = 6 - 123 + 31000
    expect(dv.getFloat32(128, true)).toBe(-123); // cal_min
    expect(ascii(bytes, 148, 11)).toBe('Voxelprint\0');
    expect(dv.getInt16(252, true)).toBe(1);
    expect(dv.getInt16(254, true)).toBe(1);
  });

  it('stores the voxel → RAS affine in srow_x/y/z', () => {
    const expected = rasAffineFromPositions(vol);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 4; c++) expect(dv.getFloat32(280 + 16 * r + 4 * c, true)).toBe(Math.fround(expected[r][c]));
  });

  it('stores a quaternion that reconstructs the same rotation', () => {
    const [b, c, d, qx, qy, qz] = Array.from({ length: 6 }, (_, i) => dv.getFloat32(256 + 4 * i, true));
    const qfac = dv.getFloat32(76, true);
    const rot = quaternMatrix(b, c, d);
    const affine = rasAffineFromPositions(vol);
    const spacing = vol.spacingMm;
    for (let r = 0; r < 3; r++)
      for (let col = 0; col < 3; col++) {
        const fromQ = rot[r][col] * (col === 2 ? qfac : 1);
        expectClose(fromQ, affine[r][col] / spacing[col], 1e-6);
      }
    expect([qx, qy, qz]).toEqual([affine[0][3], affine[1][3], affine[2][3]].map(Math.fround));
  });

  it('handles a left-handed direction matrix with qfac = −1', () => {
    const left = obliqueVolume({ leftHanded: true });
    const b = writeNifti(left);
    const d = view(b);
    expect(d.getFloat32(76, true)).toBe(-1);
    const [qb, qc, qd] = [0, 1, 2].map((i) => d.getFloat32(256 + 4 * i, true));
    const rot = quaternMatrix(qb, qc, qd);
    const affine = rasAffineFromPositions(left);
    for (let r = 0; r < 3; r++)
      for (let col = 0; col < 3; col++) expectClose(rot[r][col] * (col === 2 ? -1 : 1), affine[r][col] / left.spacingMm[col], 1e-6);
    expectSameGeometry(readNifti(b, 'x.nii'), left);
    const qformOnly = b.slice();
    view(qformOnly).setInt16(254, 0, true);
    expectSameGeometry(readNifti(qformOnly, 'x.nii'), left);
  });

  it('writes the voxels little endian, i fastest', () => {
    for (let idx = 0; idx < vol.voxels.length; idx++) expect(dv.getInt16(352 + 2 * idx, true)).toBe(vol.voxels[idx]);
    // voxel (i=6, j=0, k=0) carries the spike, (i=0, j=0, k=2) = 200 - 123
    expect(dv.getInt16(352 + 2 * 6, true)).toBe(30883);
    expect(dv.getInt16(352 + 2 * (2 * 35), true)).toBe(77);
  });

  it('writes FLOAT32 for Float32Array voxels', () => {
    const f = obliqueVolume({ float: true });
    const b = writeNifti(f, { description: 'a description that is far too long to fit into the eighty byte descrip field of NIfTI' });
    const d = view(b);
    expect(d.getInt16(70, true)).toBe(16);
    expect(d.getInt16(72, true)).toBe(32);
    expect(b.length).toBe(352 + 105 * 4);
    for (let idx = 0; idx < f.voxels.length; idx++) expect(d.getFloat32(352 + 4 * idx, true)).toBe(f.voxels[idx]);
    expect(ascii(b, 148, 80)).toMatch(/^a description .{65}\0$/);
  });

  it('rejects volumes NIfTI cannot describe', () => {
    const flat = { ...vol, directionLps: [vol.directionLps[0], vol.directionLps[0], vol.directionLps[2]] as const };
    expect(() => writeNifti(flat)).toThrow(/degenerate/);
    expect(() => writeNifti({ ...vol, spacingMm: [0.7, 0, 2.9] })).toThrow(/spacing/);
    expect(() => writeNifti({ ...vol, dimensions: [7, 5, 4] })).toThrow(/voxels/);
  });

  it('is deterministic, also gzipped', () => {
    expect(writeNifti(vol)).toEqual(bytes);
    expect(writeNifti(vol, { gzip: true })).toEqual(writeNifti(vol, { gzip: true }));
  });
});

describe('readNifti', () => {
  it('round-trips an oblique INT16 volume', () => {
    const vol = obliqueVolume();
    const back = readNifti(writeNifti(vol), 'x.nii');
    expectSameGeometry(back, vol);
    expect(back.voxels).toBeInstanceOf(Int16Array);
    expect(back.voxels).toEqual(vol.voxels);
    expect(back.modality).toBe('MR');
    expect(back.unit).toBe('');
    expect(back.warnings).toEqual([]);
    for (let a = 0; a < 3; a++) expectClose(back.spacingMm[a], vol.spacingMm[a], 1e-6);
  });

  it('round-trips gzipped FLOAT32 and takes the modality it is told', () => {
    const vol = obliqueVolume({ float: true });
    const gz = writeNifti(vol, { gzip: true });
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(gz)).toEqual(writeNifti(vol));
    const back = readNifti(gz, 'x.nii', { modality: 'CT' });
    expectSameGeometry(back, vol);
    expect(back.voxels).toBeInstanceOf(Float32Array);
    expect(back.voxels).toEqual(vol.voxels);
    expect(back.modality).toBe('CT');
    expect(back.unit).toBe('HU');
  });

  it('uses the qform when sform_code is 0, pixdim when both are 0', () => {
    const vol = obliqueVolume();
    const b = writeNifti(vol);
    view(b).setInt16(254, 0, true);
    expectSameGeometry(readNifti(b, 'x.nii'), vol);
    view(b).setInt16(252, 0, true);
    const plain = readNifti(b, 'x.nii');
    expect(plain.originLps).toEqual([0, 0, 0]);
    expect(plain.directionLps).toEqual([[-1, 0, 0], [0, -1, 0], [0, 0, 1]]);
    expect(plain.spacingMm.map(Math.fround)).toEqual([0.7, 1.3, 2.9].map(Math.fround));
  });

  it('keeps a sheared sform as normalised, non-orthogonal directions', () => {
    const b = writeNifti(obliqueVolume());
    const d = view(b);
    const srow = [2, 1, 0, 10, 0, 3, 0, 20, 0, 0, 4, 30];
    srow.forEach((x, i) => d.setFloat32(280 + 4 * i, x, true));
    const v = readNifti(b, 'x.nii');
    expect(v.spacingMm[0]).toBeCloseTo(2, 6);
    expect(v.spacingMm[1]).toBeCloseTo(Math.hypot(1, 3), 6);
    expect(v.directionLps[1][0]).toBeCloseTo(-1 / Math.hypot(1, 3), 6);
    expect(v.directionLps[1][1]).toBeCloseTo(-3 / Math.hypot(1, 3), 6);
    expect(v.originLps).toEqual([-10, -20, 30]);
    const p = ijkToLps(v, [1, 1, 1]);
    [-13, -23, 34].forEach((x, i) => expect(p[i]).toBeCloseTo(x, 5));
  });

  it('applies scl_slope / scl_inter (Float32Array when values are not integral)', () => {
    const vol = obliqueVolume();
    const b = writeNifti(vol);
    view(b).setFloat32(112, 0.5, true);
    view(b).setFloat32(116, 10, true);
    const scaled = readNifti(b, 'x.nii');
    expect(scaled.voxels).toBeInstanceOf(Float32Array);
    expect(scaled.voxels[1]).toBe(vol.voxels[1] * 0.5 + 10);
    view(b).setFloat32(112, 2, true);
    const doubled = readNifti(b, 'x.nii');
    expect(doubled.voxels).toBeInstanceOf(Float32Array); // 30883·2 + 10 does not fit int16
    view(b).setFloat32(112, 0, true); // slope 0 means "no scaling"
    expect(readNifti(b, 'x.nii').voxels).toEqual(vol.voxels);
  });

  it('reads uint8, int8, uint16, int32 and float64 data', () => {
    const cases: [number, number, (d: DataView, o: number, v: number) => void, number[]][] = [
      [2, 1, (d, o, v) => d.setUint8(o, v), [0, 255, 7]],
      [256, 1, (d, o, v) => d.setInt8(o, v), [-128, 127, 0]],
      [512, 2, (d, o, v) => d.setUint16(o, v, true), [0, 65535, 40000]],
      [8, 4, (d, o, v) => d.setInt32(o, v, true), [-5, 32767, -32768]],
      [64, 8, (d, o, v) => d.setFloat64(o, v, true), [1.5, -2, 1e6]],
    ];
    for (const [datatype, size, set, values] of cases) {
      const bytes = nifti1([3, 1, 1], datatype, size * 8, values.length * size);
      const d = view(bytes);
      values.forEach((v, i) => set(d, 352 + i * size, v));
      const vol = readNifti(bytes, 'x.nii');
      expect([...vol.voxels], `datatype ${datatype}`).toEqual(values);
      const int16 = values.every((v) => Number.isInteger(v) && v >= -32768 && v <= 32767);
      expect(vol.voxels).toBeInstanceOf(int16 ? Int16Array : Float32Array);
    }
  });

  it('reads NIfTI-2, little and big endian', () => {
    for (const le of [true, false]) {
      const b = nifti2(le);
      const v = readNifti(b, 'x.nii');
      expect(v.dimensions).toEqual([2, 3, 1]);
      expect([...v.voxels]).toEqual([0, -1, 2, -3, 4, -5]);
      expect(v.spacingMm).toEqual([2, 3, 4]);
      expect(v.originLps).toEqual([-1, -2, 3]);
      expect(v.directionLps).toEqual([[-1, 0, 0], [0, -1, 0], [0, 0, 1]]);
    }
  });

  it('reads a big-endian NIfTI-1', () => {
    const b = nifti1([2, 2, 1], 4, 16, 8, false);
    const d = view(b);
    [100, -200, 300, -400].forEach((x, i) => d.setInt16(352 + 2 * i, x, false));
    expect([...readNifti(b, 'x.nii').voxels]).toEqual([100, -200, 300, -400]);
  });
});

describe('readNifti errors', () => {
  const good = writeNifti(obliqueVolume());
  const patched = (f: (d: DataView, b: Uint8Array) => void): Uint8Array => {
    const b = good.slice();
    f(view(b), b);
    return b;
  };

  it('rejects empty, non-NIfTI and bad-magic files', () => {
    expectVoxelError(() => readNifti(new Uint8Array(0), 'x.nii'), 'empty-file', /empty/);
    expectVoxelError(() => readNifti(new Uint8Array(400), 'x.nii'), 'malformed', /sizeof_hdr/);
    expectVoxelError(() => readNifti(patched((_, b) => b.set([0x41, 0x42, 0x43, 0], 344)), 'x.nii'), 'malformed', /bad NIfTI-1 magic "ABC"/);
    expectVoxelError(() => readNifti(patched((_, b) => b.set([0x6e, 0x69, 0x31, 0], 344)), 'x.nii'), 'malformed', /two-file/);
    expectVoxelError(() => readNifti(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), 'x.nii'), 'decode-failed', /gzip/);
  });

  it('rejects truncated headers and data', () => {
    expectVoxelError(() => readNifti(good.subarray(0, 200), 'x.nii'), 'truncated', /header needs 348 bytes/);
    expectVoxelError(() => readNifti(good.subarray(0, good.length - 1), 'x.nii'), 'truncated', /needs 210 bytes at offset 352, file has 209/);
    const gz = gzipSync(good.subarray(0, 360));
    expectVoxelError(() => readNifti(gz, 'x.nii'), 'truncated', /file has 8/);
  });

  it('never allocates from absurd dimensions', () => {
    const huge = patched((d) => [3, 32767, 32767, 32767].forEach((x, i) => d.setInt16(40 + 2 * i, x, true)));
    expectVoxelError(() => readNifti(huge, 'x.nii'), 'too-large', /exceed/);
    const big = patched((d) => [3, 1000, 1000, 100].forEach((x, i) => d.setInt16(40 + 2 * i, x, true)));
    expectVoxelError(() => readNifti(big, 'x.nii'), 'truncated', /needs 200000000 bytes/);
    expectVoxelError(() => readNifti(patched((d) => d.setInt16(42, -7, true)), 'x.nii'), 'malformed', /invalid dimensions/);
    expectVoxelError(() => readNifti(patched((d) => d.setInt16(40, 9, true)), 'x.nii'), 'malformed', /dim\[0\]/);
    expectVoxelError(() => readNifti(patched((d) => d.setFloat32(108, 12, true)), 'x.nii'), 'malformed', /vox_offset/);
  });

  it('rejects unsupported datatypes and 4D series', () => {
    expectVoxelError(() => readNifti(patched((d) => d.setInt16(70, 128, true)), 'x.nii'), 'unsupported-pixel-format', /datatype 128 \(rgb24\)/);
    expectVoxelError(() => readNifti(patched((d) => d.setInt16(70, 32, true)), 'x.nii'), 'unsupported-pixel-format', /complex64/);
    const fourD = patched((d) => {
      d.setInt16(40, 4, true);
      d.setInt16(48, 2, true);
    });
    expectVoxelError(() => readNifti(fourD, 'x.nii'), 'not-a-volume', /2 volumes/);
  });
});

/** A minimal NIfTI-1 header with pixdim 1 and no transform (sform/qform codes 0). */
function nifti1(dims: Vec3, datatype: number, bitpix: number, dataBytes: number, le = true): Uint8Array {
  const b = new Uint8Array(352 + dataBytes);
  const d = view(b);
  d.setInt32(0, 348, le);
  [3, ...dims, 1, 1, 1, 1].forEach((x, i) => d.setInt16(40 + 2 * i, x, le));
  d.setInt16(70, datatype, le);
  d.setInt16(72, bitpix, le);
  [1, 1, 1, 1].forEach((x, i) => d.setFloat32(76 + 4 * i, x, le));
  d.setFloat32(108, 352, le);
  d.setFloat32(112, 1, le);
  b.set([0x6e, 0x2b, 0x31, 0], 344);
  return b;
}

/** A 2×3×1 INT16 NIfTI-2 image with an sform: diag(2,3,4), offset (1,2,3) RAS. */
function nifti2(le: boolean): Uint8Array {
  const b = new Uint8Array(544 + 12);
  const d = view(b);
  d.setInt32(0, 540, le);
  b.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4);
  d.setInt16(12, 4, le);
  d.setInt16(14, 16, le);
  [3, 2, 3, 1, 1, 1, 1, 1].forEach((x, i) => d.setBigInt64(16 + 8 * i, BigInt(x), le));
  [1, 2, 3, 4, 1, 1, 1, 1].forEach((x, i) => d.setFloat64(104 + 8 * i, x, le));
  d.setBigInt64(168, 544n, le);
  d.setFloat64(176, 1, le);
  d.setInt32(348, 1, le); // sform_code
  [2, 0, 0, 1, 0, 3, 0, 2, 0, 0, 4, 3].forEach((x, i) => d.setFloat64(400 + 8 * i, x, le));
  [0, -1, 2, -3, 4, -5].forEach((x, i) => d.setInt16(544 + 2 * i, x, le));
  return b;
}
