import type { SegmentMesh } from '../../../src/core/mesh/mesh';

/** Patient-like strings that must never reach an exported file name or header. */
export const PATIENT = { name: 'DOE^JANE', id: 'MRN4711', birthDate: '19700101' };

/** Axis-aligned box 10 × 20 × 30 mm with its min corner at `min`, 8 vertices, 12 outward triangles. */
export const boxSegment = (min: [number, number, number] = [-112.5, 40.25, 800.5]): SegmentMesh => {
  const size = [10, 20, 30];
  const p = new Float32Array(24);
  for (let i = 0; i < 8; i++) {
    p[i * 3] = min[0] + (i & 1 ? size[0] : 0);
    p[i * 3 + 1] = min[1] + (i & 2 ? size[1] : 0);
    p[i * 3 + 2] = min[2] + (i & 4 ? size[2] : 0);
  }
  // vertex i = x + 2y + 4z; counter-clockwise seen from outside
  const idx = [0, 2, 3, 0, 3, 1, 4, 5, 7, 4, 7, 6, 0, 1, 5, 0, 5, 4, 2, 6, 7, 2, 7, 3, 0, 4, 6, 0, 6, 2, 1, 3, 7, 1, 7, 5];
  return { name: 'Bone', colorRgb: [241, 214, 145], mesh: { positionsMm: p, indices: new Uint32Array(idx), frame: 'LPS' } };
};

/** An oblique tetrahedron, outward wound; coordinates are exact in float32 (multiples of 1/8). */
export const tetraSegment = (): SegmentMesh => ({
  name: 'Tumour (left)',
  colorRgb: [200, 30, 7],
  mesh: {
    positionsMm: new Float32Array([-90.125, 55.375, 805.75, -80.5, 58.875, 806.25, -86, 66.5, 804.875, -85.25, 59.125, 817.25]),
    // apex 3 above the base 0,1,2 (base is CCW seen from above → reversed for outward = down)
    indices: new Uint32Array([0, 2, 1, 0, 1, 3, 1, 2, 3, 2, 0, 3]),
    frame: 'LPS',
  },
});

export const fixture = (): SegmentMesh[] => [boxSegment(), tetraSegment()];

/** Triangle soup (9 numbers per triangle) of a segment, for comparing with parsed files. */
export const soup = (s: SegmentMesh): number[] => {
  const out: number[] = [];
  const p = s.mesh.positionsMm;
  for (const i of s.mesh.indices) out.push(p[i * 3], p[i * 3 + 1], p[i * 3 + 2]);
  return out;
};

/** Signed volume (mm³) of a triangle soup; positive when closed and outward wound. */
export const signedVolume = (tri: readonly number[]): number => {
  let v = 0;
  for (let i = 0; i < tri.length; i += 9) {
    const [ax, ay, az, bx, by, bz, cx, cy, cz] = tri.slice(i, i + 9);
    v += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
  }
  return v / 6;
};
