import { MeshoptSimplifier } from 'meshoptimizer/simplifier';
import type { TriangleMesh } from './mesh';
import { vertexNormals } from './normals';
import { compactMesh } from './compact';

/** A lighter stand-in of a mesh, for the screen only. */
export interface DisplayCopy {
  readonly mesh: TriangleMesh;
  /** Unit vertex normals of `mesh`. */
  readonly normals: Float32Array;
  /** Triangles of the mesh it stands in for. */
  readonly trianglesOf: number;
  /**
   * The simplifier's own estimate of how far the surface moved (quadric error, mm); the
   * measured distance between the surfaces came out up to about 2.5 times this in the tests.
   */
  readonly errorMm: number;
}

/**
 * A copy of `mesh` with at most `maxTriangles` triangles, for drawing where each triangle costs
 * (WebGL on the CPU draws a 470k-triangle skull in about 0.4 s a frame). Edges are collapsed by
 * quadric error (meshoptimizer) while its error estimate stays within `maxErrorMm`, even if that
 * leaves more triangles; vertices no triangle uses are dropped. It is never measured or
 * exported: the model is `mesh`.
 */
export async function displayCopy(mesh: TriangleMesh, options: { readonly maxTriangles: number; readonly maxErrorMm?: number }): Promise<DisplayCopy> {
  const { maxTriangles, maxErrorMm = 0.5 } = options;
  if (!(maxTriangles >= 1)) throw new RangeError(`maxTriangles must be ≥ 1, got ${maxTriangles}`);
  const trianglesOf = mesh.indices.length / 3;
  if (trianglesOf <= maxTriangles) return { mesh, normals: vertexNormals(mesh), trianglesOf, errorMm: 0 };
  await MeshoptSimplifier.ready;
  const [kept, errorMm] = MeshoptSimplifier.simplify(mesh.indices, mesh.positionsMm, 3, 3 * maxTriangles, maxErrorMm, ['ErrorAbsolute']);
  // Only the vertices the kept triangles use.
  const { positionsMm, indices, frame } = compactMesh(mesh.positionsMm, kept, mesh.frame);
  const copy: TriangleMesh = { positionsMm, indices, frame };
  return { mesh: copy, normals: vertexNormals(copy), trianglesOf, errorMm };
}
