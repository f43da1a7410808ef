/**
 * An indexed triangle mesh in millimetres. `positionsMm` holds x, y, z per vertex in the frame
 * named by `frame` (patient LPS unless converted for export); `indices` holds three vertex
 * indices per triangle, counter-clockwise seen from outside (normals point out, so a closed
 * mesh has positive signed volume).
 */
export type MeshFrame = 'LPS' | 'RAS' | 'print';

export interface TriangleMesh {
  readonly positionsMm: Float32Array;
  readonly indices: Uint32Array;
  readonly frame: MeshFrame;
}

/** A mesh for one segment, with what exporters need to name and colour it. */
export interface SegmentMesh {
  /** Display name, e.g. "Bone"; never patient text. */
  readonly name: string;
  /** sRGB 0–255. */
  readonly colorRgb: readonly [number, number, number];
  readonly mesh: TriangleMesh;
}

