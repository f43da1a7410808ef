import { type Vec3, cross, dot, normalize, sub } from '../geometry/vec3';
import type { VolumeGeometry } from '../volume/volume';
import { checkGrid } from './grid';

/**
 * A shape drawn on a 2D view, in patient LPS millimetres. Points are on (or are projected onto,
 * along the normal) the view plane.
 * - `polygon`: a freehand or clicked outline, closed implicitly (last point joins the first);
 *   self-intersections are resolved by `fillRule`.
 * - `rectangle`: dragged from `cornerLps` to `oppositeCornerLps`, its sides parallel and
 *   perpendicular to the view's up direction `viewUpLps` (any in-plane vector; it is projected
 *   onto the plane and normalised). The plane passes through `cornerLps`.
 * - `circle`: centre and radius in mm; the plane passes through the centre.
 */
export type ScissorsShape =
  | { readonly kind: 'polygon'; readonly pointsLps: readonly Vec3[] }
  | { readonly kind: 'rectangle'; readonly cornerLps: Vec3; readonly oppositeCornerLps: Vec3; readonly viewUpLps: Vec3 }
  | { readonly kind: 'circle'; readonly centerLps: Vec3; readonly radiusMm: number };

/**
 * Which voxels the scissors select. A voxel is *in the cut* when its centre, projected along
 * `normalLps` onto the view plane, falls inside the shape, and its signed distance from the
 * plane along `normalLps` lies within `depthMm` (both bounds inclusive). The view plane is the
 * plane through the shape's points perpendicular to the normal (for a polygon, through the
 * mean of their heights along the normal).
 *
 * Inside a polygon by the `fillRule` (default even-odd), with the crossing-number convention:
 * a centre exactly on a left or bottom edge is inside, on a right or top edge outside (so
 * polygons sharing an edge never both claim a voxel). A circle is closed (a centre at exactly
 * `radiusMm` is inside).
 */
export interface ScissorsRegion {
  readonly shape: ScissorsShape;
  /** The view's normal (unit LPS vector; normalised here). Its sign only matters for `depthMm`. */
  readonly normalLps: Vec3;
  /**
   * [min, max] signed distance from the view plane along `normalLps`, in mm; e.g. [−5, 5] for a
   * symmetric 10 mm slab, [0, Infinity] for the half space in front. Omitted: the whole volume.
   */
  readonly depthMm?: readonly [number, number];
  /** 'inside' (default): the cut is as above; 'outside': every other voxel of the volume. */
  readonly side?: 'inside' | 'outside';
  /** How a self-intersecting polygon is filled (default 'even-odd'). */
  readonly fillRule?: 'even-odd' | 'non-zero';
}

/**
 * Calls `span(offset, start, end)` for every run of selected voxels of each image row: voxels
 * `offset + i` for `start ≤ i < end` (`offset` = j·nx + k·nx·ny), rows in memory order. Works for
 * any view (axial, sagittal, coronal, oblique) and any direction cosines: per row the voxel
 * centres lie on a line, whose projection is intersected with the shape (edges bucketed by
 * height, so a row costs only the edges it may cross) and with the depth slab.
 */
export function scissorsSpans(geometry: VolumeGeometry, region: ScissorsRegion, span: (offset: number, start: number, end: number) => void): void {
  const [nx, ny, nz] = geometry.dimensions;
  const n = normalize(region.normalLps);
  if (n[0] === 0 && n[1] === 0 && n[2] === 0) throw new Error('scissors: the view normal is zero');
  const [dirI, dirJ, dirK] = geometry.directionLps;
  const [sx, sy, sz] = geometry.spacingMm;
  const stepI: Vec3 = [dirI[0] * sx, dirI[1] * sx, dirI[2] * sx];
  const stepJ: Vec3 = [dirJ[0] * sy, dirJ[1] * sy, dirJ[2] * sy];
  const stepK: Vec3 = [dirK[0] * sz, dirK[1] * sz, dirK[2] * sz];

  // In-plane basis: u along the projection of a row (i) step when it has one, so every row is
  // a horizontal line (y constant) in plane coordinates; w = n × u.
  const inPlane = (a: Vec3): Vec3 => sub(a, [n[0] * dot(a, n), n[1] * dot(a, n), n[2] * dot(a, n)]);
  const rowInPlane = inPlane(stepI);
  const rowLength = Math.hypot(rowInPlane[0], rowInPlane[1], rowInPlane[2]);
  const degenerate = rowLength <= 1e-9 * sx; // rows run along the normal: each projects to a point
  let u = degenerate ? normalize(inPlane(stepJ)) : normalize(rowInPlane);
  if (u[0] === 0 && u[1] === 0 && u[2] === 0) u = normalize(inPlane(stepK));
  const w = cross(n, u);

  const shape = planeShape(region.shape, n, u, w);
  const { origin } = shape;
  const rel0 = sub(geometry.originLps, origin);
  const x00 = dot(rel0, u);
  const y00 = dot(rel0, w);
  const d00 = dot(rel0, n);
  const ax = dot(stepI, u); // > 0 unless degenerate
  const ad = dot(stepI, n);
  const [jx, jy, jd] = [dot(stepJ, u), dot(stepJ, w), dot(stepJ, n)];
  const [kx, ky, kd] = [dot(stepK, u), dot(stepK, w), dot(stepK, n)];

  const depth = region.depthMm ?? [-Infinity, Infinity];
  const tolMm = 1e-9 * Math.max(sx, sy, sz);
  const dLo = depth[0] - tolMm;
  const dHi = depth[1] + tolMm;
  const outside = region.side === 'outside';
  const nonZero = region.fillRule === 'non-zero';
  const crossings = new Crossings(shape);
  const starts: number[] = [];
  const ends: number[] = [];

  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const offset = j * nx + k * nx * ny;
      const x0 = x00 + j * jx + k * kx;
      const y = y00 + j * jy + k * ky;
      const d0 = d00 + j * jd + k * kd;
      // Depth: d0 + i·ad within [dLo, dHi].
      let iLo = 0;
      let iHi = nx; // exclusive
      if (Math.abs(ad) > 1e-12 * sx) {
        let a = (dLo - d0) / ad;
        let b = (dHi - d0) / ad;
        if (a > b) [a, b] = [b, a];
        iLo = Math.max(0, Math.ceil(a));
        iHi = Math.min(nx, Math.floor(b) + 1);
      } else if (!(d0 >= dLo && d0 <= dHi)) iHi = 0;

      starts.length = 0;
      ends.length = 0;
      if (iLo < iHi) {
        if (degenerate) {
          if (crossings.contains(x0, y, nonZero)) {
            starts.push(iLo);
            ends.push(iHi);
          }
        } else {
          crossings.spans(y, nonZero, (xa, xb, closed) => {
            // x(i) = x0 + i·ax; [xa, xb) (or [xa, xb] when closed) → i range.
            const a = Math.max(iLo, Math.ceil((xa - x0) / ax));
            const bf = (xb - x0) / ax;
            const b = Math.min(iHi, closed ? Math.floor(bf) + 1 : Math.ceil(bf));
            if (a < b) {
              starts.push(a);
              ends.push(b);
            }
          });
        }
      }
      if (!outside) {
        for (let s = 0; s < starts.length; s++) span(offset, starts[s], ends[s]);
      } else {
        let from = 0;
        for (let s = 0; s < starts.length; s++) {
          if (starts[s] > from) span(offset, from, starts[s]);
          from = ends[s];
        }
        if (from < nx) span(offset, from, nx);
      }
    }
  }
}

/** The scissors' selection as a mask (1 selected, 0 not), in the volume's layout. */
export function scissorsMask(geometry: VolumeGeometry, region: ScissorsRegion): Uint8Array {
  const mask = new Uint8Array(geometry.dimensions[0] * geometry.dimensions[1] * geometry.dimensions[2]);
  scissorsSpans(geometry, region, (offset, start, end) => mask.fill(1, offset + start, offset + end));
  return mask;
}

/**
 * What the scissors do to a labelmap inside their selection.
 * - `erase`: set to 0. `scope: 'segment'` (default) erases only voxels holding `label`;
 *   `'all'` erases every segment.
 * - `fill`: set to `label`. `scope: 'segment'` (default) fills only empty voxels (other
 *   segments are kept); `'all'` overwrites other segments too.
 */
export interface ScissorsEdit {
  readonly operation: 'erase' | 'fill';
  /** The segment's label, 1..255 (for `erase` with scope 'all' it is unused). */
  readonly label: number;
  readonly scope?: 'segment' | 'all';
}

/** Applies the scissors to `labels` in place; returns the number of voxels changed. */
export function applyScissors(labels: Uint8Array, geometry: VolumeGeometry, region: ScissorsRegion, edit: ScissorsEdit): number {
  checkGrid(labels, geometry, 'labelmap');
  const { operation, label } = edit;
  const all = edit.scope === 'all';
  if (!(operation === 'erase' && all) && !(Number.isInteger(label) && label >= 1 && label <= 255)) {
    throw new Error(`scissors: label must be an integer in 1..255, got ${label}`);
  }
  let changed = 0;
  scissorsSpans(geometry, region, (offset, start, end) => {
    const a = offset + start;
    const b = offset + end;
    if (operation === 'erase') {
      for (let v = a; v < b; v++) {
        const x = labels[v];
        if (x !== 0 && (all || x === label)) {
          labels[v] = 0;
          changed++;
        }
      }
    } else {
      for (let v = a; v < b; v++) {
        const x = labels[v];
        if (x !== label && (all || x === 0)) {
          labels[v] = label;
          changed++;
        }
      }
    }
  });
  return changed;
}

/** A shape in plane coordinates (x along u, y along w, relative to `origin`). */
interface PlaneShape {
  readonly origin: Vec3;
  /** Polygon vertices as x0, y0, x1, y1, …; empty for a circle. */
  readonly xy: Float64Array;
  readonly circle?: { readonly cx: number; readonly cy: number; readonly r: number };
}

function planeShape(shape: ScissorsShape, n: Vec3, u: Vec3, w: Vec3): PlaneShape {
  let points: readonly Vec3[];
  if (shape.kind === 'circle') {
    if (!(shape.radiusMm >= 0)) throw new Error('scissors: the circle radius must be ≥ 0');
    return { origin: shape.centerLps, xy: new Float64Array(0), circle: { cx: 0, cy: 0, r: shape.radiusMm } };
  }
  if (shape.kind === 'rectangle') {
    const up0 = shape.viewUpLps;
    const up = normalize(sub(up0, [n[0] * dot(up0, n), n[1] * dot(up0, n), n[2] * dot(up0, n)]));
    if (up[0] === 0 && up[1] === 0 && up[2] === 0) throw new Error('scissors: the rectangle’s up direction is along the normal');
    const right = cross(up, n);
    const a = shape.cornerLps;
    const diag = sub(shape.oppositeCornerLps, a);
    const dr = dot(diag, right);
    const du = dot(diag, up);
    const at = (r: number, v: number): Vec3 => [a[0] + right[0] * r + up[0] * v, a[1] + right[1] * r + up[1] * v, a[2] + right[2] * r + up[2] * v];
    points = [a, at(dr, 0), at(dr, du), at(0, du)];
  } else {
    points = shape.pointsLps;
  }
  if (points.length < 3) throw new Error(`scissors: a polygon needs at least 3 points, got ${points.length}`);
  // The plane: through the mean height of the points along the normal, projected origin at the first point.
  let h = 0;
  for (const p of points) h += dot(p, n);
  h /= points.length;
  const p0 = points[0];
  const lift = h - dot(p0, n);
  const origin: Vec3 = [p0[0] + n[0] * lift, p0[1] + n[1] * lift, p0[2] + n[2] * lift];
  const xy = new Float64Array(points.length * 2);
  points.forEach((p, i) => {
    const r = sub(p, origin);
    xy[2 * i] = dot(r, u);
    xy[2 * i + 1] = dot(r, w);
  });
  return { origin, xy };
}

/**
 * Intersections of horizontal lines with a plane shape. Polygon edges are bucketed by the
 * heights they span; a line at height y crosses edge (x1,y1)–(x2,y2) when (y1 > y) ≠ (y2 > y).
 */
class Crossings {
  private readonly xy: Float64Array;
  private readonly circle?: { readonly cx: number; readonly cy: number; readonly r: number };
  private readonly yMin: number = 0;
  private readonly bucketHeight: number = 1;
  private readonly bucketCount: number = 0;
  private readonly bucketStart: Int32Array = new Int32Array(1);
  private readonly bucketEdges: Int32Array = new Int32Array(0);
  private readonly xs: Float64Array;
  private readonly dirs: Int8Array;

  constructor(shape: PlaneShape) {
    this.xy = shape.xy;
    this.circle = shape.circle;
    const m = shape.xy.length / 2;
    this.xs = new Float64Array(Math.max(2, m));
    this.dirs = new Int8Array(Math.max(2, m));
    if (m === 0) return;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (let e = 0; e < m; e++) {
      yMin = Math.min(yMin, shape.xy[2 * e + 1]);
      yMax = Math.max(yMax, shape.xy[2 * e + 1]);
    }
    const count = Math.max(1, Math.min(4096, m));
    const height = (yMax - yMin) / count || 1;
    const range = (e: number): [number, number] => {
      const y1 = shape.xy[2 * e + 1];
      const y2 = shape.xy[2 * ((e + 1) % m) + 1];
      const b0 = Math.min(count - 1, Math.max(0, Math.floor((Math.min(y1, y2) - yMin) / height)));
      const b1 = Math.min(count - 1, Math.max(0, Math.floor((Math.max(y1, y2) - yMin) / height)));
      return [b0, b1];
    };
    const start = new Int32Array(count + 1);
    for (let e = 0; e < m; e++) {
      const [b0, b1] = range(e);
      for (let b = b0; b <= b1; b++) start[b + 1]++;
    }
    for (let b = 0; b < count; b++) start[b + 1] += start[b];
    const edges = new Int32Array(start[count]);
    const fill = start.slice(0, count);
    for (let e = 0; e < m; e++) {
      const [b0, b1] = range(e);
      for (let b = b0; b <= b1; b++) edges[fill[b]++] = e;
    }
    this.yMin = yMin;
    this.bucketHeight = height;
    this.bucketCount = count;
    this.bucketStart = start;
    this.bucketEdges = edges;
  }

  /** Sorted crossings of the line at height y into xs/dirs; returns how many. */
  private collect(y: number): number {
    const { xy, bucketStart, bucketEdges, xs, dirs } = this;
    if (this.bucketCount === 0) return 0;
    if (!(y >= this.yMin)) return 0; // below every vertex (or NaN): no crossing
    const b = Math.min(this.bucketCount - 1, Math.floor((y - this.yMin) / this.bucketHeight));
    const m = xy.length / 2;
    let count = 0;
    for (let q = bucketStart[b]; q < bucketStart[b + 1]; q++) {
      const e = bucketEdges[q];
      const e2 = e + 1 === m ? 0 : e + 1;
      const x1 = xy[2 * e];
      const y1 = xy[2 * e + 1];
      const x2 = xy[2 * e2];
      const y2 = xy[2 * e2 + 1];
      if (y1 > y === y2 > y) continue;
      const x = x1 + ((y - y1) * (x2 - x1)) / (y2 - y1);
      const dir = y2 > y1 ? 1 : -1;
      // Insertion sort (rows cross few edges).
      let p = count++;
      while (p > 0 && xs[p - 1] > x) {
        xs[p] = xs[p - 1];
        dirs[p] = dirs[p - 1];
        p--;
      }
      xs[p] = x;
      dirs[p] = dir;
    }
    return count;
  }

  /** Calls `span(xa, xb, closed)` for each inside interval of the line at height y, left to right. */
  spans(y: number, nonZero: boolean, span: (xa: number, xb: number, closed: boolean) => void): void {
    const c = this.circle;
    if (c) {
      const dy = y - c.cy;
      const h2 = c.r * c.r - dy * dy;
      if (h2 >= 0) {
        const h = Math.sqrt(h2);
        span(c.cx - h, c.cx + h, true);
      }
      return;
    }
    const count = this.collect(y);
    const { xs, dirs } = this;
    if (!nonZero) {
      for (let p = 0; p + 1 < count; p += 2) span(xs[p], xs[p + 1], false);
      return;
    }
    let winding = 0;
    let start = 0;
    for (let p = 0; p < count; p++) {
      const before = winding;
      winding += dirs[p];
      if (before === 0 && winding !== 0) start = xs[p];
      else if (before !== 0 && winding === 0) span(start, xs[p], false);
    }
  }

  /** Whether the point (x, y) is inside. */
  contains(x: number, y: number, nonZero: boolean): boolean {
    const c = this.circle;
    if (c) return (x - c.cx) ** 2 + (y - c.cy) ** 2 <= c.r * c.r;
    let inside = false;
    this.spans(y, nonZero, (xa, xb) => {
      if (x >= xa && x < xb) inside = true;
    });
    return inside;
  }
}
