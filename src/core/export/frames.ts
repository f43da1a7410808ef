/**
 * Coordinate frames for export. Meshes are built in patient LPS millimetres (x → patient left,
 * y → posterior, z → superior). Exports can be written in:
 *
 * - `LPS`   — unchanged (the default; matches DICOM and our NIfTI/volume geometry).
 * - `RAS`   — x and y negated (x → right, y → anterior, z → superior), for tools such as
 *             3D Slicer / FreeSurfer that expect RAS.
 * - `print` — LPS axes, translated so the union of all segments rests on z = 0 with the centre of
 *             its x/y bounding box at (0, 0): "on the bed, centred". One translation is used for
 *             every segment so the parts keep their relative positions. Units stay millimetres;
 *             nothing is ever scaled.
 *
 * Winding: LPS→RAS is diag(-1, -1, 1). A reflection of two axes has determinant +1 — it is the
 * rotation by 180° about z — so it preserves orientation: counter-clockwise-from-outside triangles
 * stay counter-clockwise from outside, normals still point out and the signed volume keeps its
 * sign. Indices are therefore shared unchanged (a single-axis flip, determinant −1, would need
 * every triangle reversed). The print frame is a pure translation, which also keeps winding.
 */
import { VoxelprintError } from '../errors';
import type { MeshFrame, SegmentMesh } from '../mesh/mesh';

const negateXY = (p: Float32Array): Float32Array => {
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    out[i] = -p[i];
    out[i + 1] = -p[i + 1];
    out[i + 2] = p[i + 2];
  }
  return out;
};

/** Positions in LPS; returns the input array itself when it already is LPS (no copy). */
const lpsPositions = (s: SegmentMesh): Float32Array => {
  switch (s.mesh.frame) {
    case 'LPS':
      return s.mesh.positionsMm;
    case 'RAS':
      return negateXY(s.mesh.positionsMm);
    case 'print':
      throw new VoxelprintError('usage', `segment "${s.name}" is already in the print frame; its patient position is lost`);
  }
};

const withPositions = (s: SegmentMesh, positionsMm: Float32Array, frame: MeshFrame): SegmentMesh => ({
  name: s.name,
  colorRgb: [s.colorRgb[0], s.colorRgb[1], s.colorRgb[2]],
  mesh: { positionsMm, indices: s.mesh.indices.slice(), frame },
});

/** Axis-aligned bounds of all vertices of all meshes; null when there are none. */
export const unionBoundsMm = (
  positions: readonly Float32Array[],
): { min: [number, number, number]; max: [number, number, number] } | null => {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  let any = false;
  for (const p of positions) {
    for (let i = 0; i < p.length; i += 3) {
      any = true;
      for (let a = 0; a < 3; a++) {
        const v = p[i + a];
        if (v < min[a]) min[a] = v;
        if (v > max[a]) max[a] = v;
      }
    }
  }
  return any ? { min, max } : null;
};

/**
 * The translation (mm, added to LPS positions) that takes meshes into the print frame:
 * union bbox min z → 0, bbox centre x/y → (0, 0). Zero for empty input.
 */
export const printTranslationMm = (meshes: readonly SegmentMesh[]): [number, number, number] => {
  const b = unionBoundsMm(meshes.map(lpsPositions));
  if (!b) return [0, 0, 0];
  return [-(b.min[0] + b.max[0]) / 2, -(b.min[1] + b.max[1]) / 2, -b.min[2]];
};

/**
 * Returns the meshes converted to `frame`, always as new arrays (positions and indices), with
 * `mesh.frame` set. Inputs may be LPS or RAS (mixed is fine); input already in the print frame
 * can only be "converted" to the print frame (a copy).
 */
export const toFrame = (meshes: readonly SegmentMesh[], frame: MeshFrame): SegmentMesh[] => {
  if (frame === 'print') {
    if (meshes.every((s) => s.mesh.frame === 'print')) {
      return meshes.map((s) => withPositions(s, s.mesh.positionsMm.slice(), 'print'));
    }
    const lps = meshes.map(lpsPositions);
    const t = printTranslationMm(meshes);
    return meshes.map((s, k) => {
      const p = lps[k];
      const out = new Float32Array(p.length);
      for (let i = 0; i < p.length; i += 3) {
        out[i] = p[i] + t[0];
        out[i + 1] = p[i + 1] + t[1];
        out[i + 2] = p[i + 2] + t[2];
      }
      return withPositions(s, out, 'print');
    });
  }
  return meshes.map((s) => {
    if (s.mesh.frame === frame) return withPositions(s, s.mesh.positionsMm.slice(), frame);
    // LPS <-> RAS is the same involution; print -> LPS/RAS is refused inside lpsPositions.
    const lps = lpsPositions(s);
    return withPositions(s, frame === 'RAS' ? negateXY(lps) : lps.slice(), frame);
  });
};

/**
 * The meshes in `frame` without copying when they already are (writers use this so a 300k
 * triangle export does not duplicate its input for nothing).
 */
export const ensureFrame = (meshes: readonly SegmentMesh[], frame: MeshFrame): readonly SegmentMesh[] =>
  meshes.every((s) => s.mesh.frame === frame) ? meshes : toFrame(meshes, frame);

/** The frame label written into files: `SPACE=LPS UNITS=mm`, `SPACE=RAS …`, `SPACE=PRINT …`. */
export const frameLabel = (frame: MeshFrame): string => `SPACE=${frame === 'print' ? 'PRINT' : frame} UNITS=mm`;

