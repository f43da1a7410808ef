import type { Vec3 } from '../geometry/vec3';
import { dot } from '../geometry/vec3';
import { lpsToIjk } from '../volume/volume';
import type { VolumeGeometry } from '../volume/volume';
import type { VoxelBox } from './grid';

/**
 * A brush stroke: the voxels whose centres lie within `radiusMm` of the stroke's path (the
 * polyline through `pointsLps`). A 'sphere' brush paints in 3D; a 'circle' brush paints only the
 * slice the view shows: voxels within half a voxel of the view plane (through the first point,
 * normal `normalLps`). Distances are in millimetres on the volume's own grid, so a 5 mm brush is a
 * 5 mm brush on any spacing.
 */
export interface BrushStroke {
  readonly shape: 'circle' | 'sphere';
  readonly radiusMm: number;
  readonly pointsLps: readonly Vec3[];
  /** The view's normal (unit, LPS); required for 'circle'. */
  readonly normalLps?: Vec3;
}

/** The stroke as a proposal (1 = under the brush) over its bounding box; undefined outside the grid. */
export function strokeProposal(geometry: VolumeGeometry, stroke: BrushStroke): { box: VoxelBox; proposal: Uint8Array } | undefined {
  const { radiusMm, pointsLps, shape } = stroke;
  if (!(radiusMm > 0)) throw new Error(`brush radius must be > 0 mm, got ${radiusMm}`);
  if (!pointsLps.length) return undefined;
  if (shape === 'circle' && !stroke.normalLps) throw new Error('a circle brush needs the view normal');
  const s = geometry.spacingMm;
  const dims = geometry.dimensions;
  // Directions are orthonormal, so distances in LPS equal distances in voxel indices scaled by
  // the spacing: work in "index millimetres" (i·sx, j·sy, k·sz).
  const pts = pointsLps.map((p) => lpsToIjk(geometry, p).map((x, a) => x * s[a]) as unknown as Vec3);
  const n: Vec3 = stroke.normalLps ? [dot(stroke.normalLps, geometry.directionLps[0]), dot(stroke.normalLps, geometry.directionLps[1]), dot(stroke.normalLps, geometry.directionLps[2])] : [0, 0, 1];
  const halfThickness = 0.5 * (Math.abs(n[0]) * s[0] + Math.abs(n[1]) * s[1] + Math.abs(n[2]) * s[2]) + 1e-6;
  const planeOffset = dot(n, pts[0]);
  const min = [0, 1, 2].map((a) => Math.max(0, Math.ceil((Math.min(...pts.map((p) => p[a])) - radiusMm) / s[a] - 1e-9))) as [number, number, number];
  const max = [0, 1, 2].map((a) => Math.min(dims[a], Math.floor((Math.max(...pts.map((p) => p[a])) + radiusMm) / s[a] + 1e-9) + 1)) as [number, number, number];
  if (!(min[0] < max[0] && min[1] < max[1] && min[2] < max[2])) return undefined;
  const box: VoxelBox = { min, max };
  const w = max[0] - min[0];
  const h = max[1] - min[1];
  const proposal = new Uint8Array(w * h * (max[2] - min[2]));
  const r2 = radiusMm * radiusMm;
  const segments = pts.length === 1 ? [[pts[0], pts[0]]] : pts.slice(1).map((p, i) => [pts[i], p]);
  for (const [a, b] of segments) {
    // In a circle brush the path lies in the view plane; project both ends onto it.
    const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const len2 = dot(d, d);
    const lo = [0, 1, 2].map((ax) => Math.max(min[ax], Math.ceil((Math.min(a[ax], b[ax]) - radiusMm) / s[ax] - 1e-9)));
    const hi = [0, 1, 2].map((ax) => Math.min(max[ax], Math.floor((Math.max(a[ax], b[ax]) + radiusMm) / s[ax] + 1e-9) + 1));
    for (let k = lo[2]; k < hi[2]; k++) {
      const z = k * s[2];
      for (let j = lo[1]; j < hi[1]; j++) {
        const y = j * s[1];
        let p = lo[0] - min[0] + (j - min[1]) * w + (k - min[2]) * w * h;
        for (let i = lo[0]; i < hi[0]; i++, p++) {
          if (proposal[p]) continue;
          const x = i * s[0];
          if (shape === 'circle' && Math.abs(n[0] * x + n[1] * y + n[2] * z - planeOffset) > halfThickness) continue;
          // Distance from the voxel centre to the segment a–b (in the plane for a circle).
          let px = x - a[0];
          let py = y - a[1];
          let pz = z - a[2];
          if (shape === 'circle') {
            const off = n[0] * px + n[1] * py + n[2] * pz;
            px -= off * n[0];
            py -= off * n[1];
            pz -= off * n[2];
          }
          const t = len2 > 0 ? Math.max(0, Math.min(1, (px * d[0] + py * d[1] + pz * d[2]) / len2)) : 0;
          const ex = px - t * d[0];
          const ey = py - t * d[1];
          const ez = pz - t * d[2];
          if (ex * ex + ey * ey + ez * ez <= r2) proposal[p] = 1;
        }
      }
    }
  }
  return { box, proposal };
}
