/**
 * Lookup tables of the manifold surface-nets kernel (see docs/meshing.md). One source of truth:
 * the TypeScript kernel reads them directly, the WebAssembly kernel gets a copy in its memory
 * (`packKernelTables`), so both place the same vertices and triangles in the same order.
 *
 * Vocabulary. A lattice corner (a, b, c) sits at voxel coordinates (a − ½, b − ½, c − ½). Its
 * *block* is the 2×2×2 voxels around it, voxel (a − 1 + di, b − 1 + dj, c − 1 + dk) being bit
 * q = di + 2·dj + 4·dk of the corner's 8-bit *configuration* (1 = inside). The 12 *slots* of a
 * block are its face-adjacent voxel pairs (4 per axis); a slot is a surface face when exactly one
 * of its voxels is inside. Around each of the 6 lattice edges at the corner, the surface continues
 * from one face to exactly one other (the inside is 6-connected): with two boundary faces around
 * the edge they join; with four (two inside voxels touching only along the edge) each inside
 * voxel's two faces join. The classes of slots joined this way are the corner's *sheets*: one
 * vertex each.
 */

/** Face directions: +x, −x, +y, −y, +z, −z. */
export const FACE_DIRS: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
];

/**
 * Lattice-corner offsets (0/1 from the inside voxel's lower corner) of the face in direction d,
 * counter-clockwise seen from outside.
 */
export const FACE_CORNERS: readonly (readonly (readonly [number, number, number])[])[] = [
  [[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0, 1]],
  [[0, 0, 0], [0, 0, 1], [0, 1, 1], [0, 1, 0]],
  [[0, 1, 0], [0, 1, 1], [1, 1, 1], [1, 1, 0]],
  [[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]],
  [[0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]],
  [[0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 0, 0]],
];

const AXIS_BIT = [1, 2, 4];
/** Lower voxel (bit of the axis clear) of each slot: 4 per axis. */
const SLOT_LOWER: readonly number[] = [0, 2, 4, 6, 0, 1, 4, 5, 0, 1, 2, 3];
export const SLOT_AXIS: readonly number[] = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];

function slotOf(axis: number, qa: number, qb: number): number {
  const lower = Math.min(qa, qb);
  for (let s = axis * 4; s < axis * 4 + 4; s++) if (SLOT_LOWER[s] === lower) return s;
  throw new Error(`kernel tables: voxels ${qa},${qb} are not a slot of axis ${axis}`);
}

/** Block bit of voxel (di, dj, dk). */
const bitOf = (di: number, dj: number, dk: number): number => di + 2 * dj + 4 * dk;

/**
 * For the edge along `axis` whose 4 surrounding voxels have bit `axis` equal to `side`: those
 * voxels in edge order p = bit f + 2·bit g (f < g the other two axes).
 */
function edgeVoxels(axis: number, side: number): number[] {
  const [f, g] = [0, 1, 2].filter((a) => a !== axis);
  const out: number[] = [];
  for (let p = 0; p < 4; p++) {
    const d = [0, 0, 0];
    d[axis] = side;
    d[f] = p & 1;
    d[g] = p >> 1;
    out.push(bitOf(d[0], d[1], d[2]));
  }
  return out;
}

/** Slot → sheet (−1: no face) per configuration, 12 entries each; and the sheet counts. */
export const SHEET_OF_SLOT = new Int8Array(256 * 12);
export const SHEET_COUNT = new Uint8Array(256);

function buildSheets(): void {
  for (let cfg = 0; cfg < 256; cfg++) {
    const inside = (q: number): boolean => ((cfg >> q) & 1) === 1;
    const parent = Array.from({ length: 12 }, (_, s) => s);
    const find = (s: number): number => (parent[s] === s ? s : (parent[s] = find(parent[s])));
    const union = (x: number, y: number): void => {
      const rx = find(x);
      const ry = find(y);
      if (rx !== ry) parent[Math.max(rx, ry)] = Math.min(rx, ry);
    };
    const isFace = (s: number): boolean => inside(SLOT_LOWER[s]) !== inside(SLOT_LOWER[s] | AXIS_BIT[SLOT_AXIS[s]]);
    for (let axis = 0; axis < 3; axis++)
      for (let side = 0; side < 2; side++) {
        const ring = edgeVoxels(axis, side); // p order: 0,1,3,2 is the cyclic order
        const cyc = [ring[0], ring[1], ring[3], ring[2]];
        const faces: [number, number][] = []; // [slot, inside voxel]
        for (let e = 0; e < 4; e++) {
          const qa = cyc[e];
          const qb = cyc[(e + 1) % 4];
          const pairAxis = [0, 1, 2].find((a) => (qa ^ qb) === AXIS_BIT[a]);
          if (pairAxis === undefined) throw new Error('kernel tables: ring voxels not adjacent');
          const s = slotOf(pairAxis, qa, qb);
          if (isFace(s)) faces.push([s, inside(qa) ? qa : qb]);
        }
        if (faces.length === 2) union(faces[0][0], faces[1][0]);
        else if (faces.length === 4)
          for (let x = 0; x < 4; x++) for (let y = x + 1; y < 4; y++) if (faces[x][1] === faces[y][1]) union(faces[x][0], faces[y][0]);
      }
    const sheetOfRoot = new Map<number, number>();
    for (let s = 0; s < 12; s++) {
      if (!isFace(s)) {
        SHEET_OF_SLOT[cfg * 12 + s] = -1;
        continue;
      }
      const r = find(s);
      if (!sheetOfRoot.has(r)) sheetOfRoot.set(r, sheetOfRoot.size);
      SHEET_OF_SLOT[cfg * 12 + s] = sheetOfRoot.get(r)!;
    }
    SHEET_COUNT[cfg] = sheetOfRoot.size;
  }
}
buildSheets();

/**
 * Per face direction d and corner s (24 entries, index d·4 + s): the slot of the face at that
 * corner's block, and the block-relative position of the face's inside voxel.
 */
export const FACE_SLOT = new Uint8Array(24);

/**
 * Per face side (d·4 + s, the side from corner s to s + 1): which lattice edge it lies on.
 * EDGE_KIND: 0 = x edge, 1 = y edge (both keyed by their lower corner), 2 = z edge (keyed by its
 * upper corner). EDGE_KEY_OFF: offset of the key corner from the inside voxel's lower corner.
 * EDGE_SECOND: 1 when the inside voxel is the second of the edge's two inside voxels (edge order
 * p ≥ 2), so its pinch midpoint is the second of the pair.
 */
export const EDGE_KIND = new Uint8Array(24);
export const EDGE_KEY_OFF = new Int8Array(24 * 3);
export const EDGE_SECOND = new Uint8Array(24);

/**
 * Pinch (diagonal-contact) edges: per configuration of the key corner, 0 = not a pinch edge,
 * 1 = inside voxels at edge positions 0 and 3, 2 = at 1 and 2. Indexed kind·256 + cfg.
 */
export const PINCH = new Uint8Array(3 * 256);

/**
 * Slot at each end of a pinch edge carrying the sheet of the inside voxel at edge position p:
 * index (kind·4 + p)·2 + end, end 0 = the key corner, 1 = the other end (x, y: upper; z: lower).
 */
export const PINCH_SLOT = new Uint8Array(3 * 4 * 2);

/** Block bits around each edge kind at its key corner, in edge order p. */
const KEY_EDGE_VOXELS = [edgeVoxels(0, 1), edgeVoxels(1, 1), edgeVoxels(2, 0)];

function buildFaceAndEdgeTables(): void {
  for (let d = 0; d < 6; d++) {
    const dir = FACE_DIRS[d];
    const axis = dir[0] !== 0 ? 0 : dir[1] !== 0 ? 1 : 2;
    for (let s = 0; s < 4; s++) {
      const o = FACE_CORNERS[d][s];
      const v = [1 - o[0], 1 - o[1], 1 - o[2]]; // inside voxel in the corner's block
      const w = [v[0] + dir[0], v[1] + dir[1], v[2] + dir[2]];
      FACE_SLOT[d * 4 + s] = slotOf(axis, bitOf(v[0], v[1], v[2]), bitOf(w[0], w[1], w[2]));

      const o1 = FACE_CORNERS[d][(s + 1) % 4];
      const e = [0, 1, 2].find((a) => o[a] !== o1[a])!;
      const lower = [Math.min(o[0], o1[0]), Math.min(o[1], o1[1]), Math.min(o[2], o1[2])];
      const key = e === 2 ? [lower[0], lower[1], lower[2] + 1] : lower;
      EDGE_KIND[d * 4 + s] = e;
      for (let a = 0; a < 3; a++) EDGE_KEY_OFF[(d * 4 + s) * 3 + a] = key[a];
      // The inside voxel in the key corner's block, then its edge position p.
      const q = bitOf(1 - key[0], 1 - key[1], 1 - key[2]);
      EDGE_SECOND[d * 4 + s] = KEY_EDGE_VOXELS[e].indexOf(q) >= 2 ? 1 : 0;
      if (KEY_EDGE_VOXELS[e].indexOf(q) < 0) throw new Error('kernel tables: voxel not around its edge');
    }
  }
  for (let kind = 0; kind < 3; kind++) {
    const ring = KEY_EDGE_VOXELS[kind];
    for (let cfg = 0; cfg < 256; cfg++) {
      const bits = ring.map((q) => (cfg >> q) & 1);
      PINCH[kind * 256 + cfg] = bits.join('') === '1001' ? 1 : bits.join('') === '0110' ? 2 : 0;
    }
    const [f] = [0, 1, 2].filter((a) => a !== kind);
    for (let p = 0; p < 4; p++) {
      const q = ring[p];
      const neighbour = q ^ AXIS_BIT[f]; // an outside voxel next to it around the edge
      PINCH_SLOT[(kind * 4 + p) * 2] = slotOf(f, q, neighbour);
      // The other end: the same voxels seen from the next corner along the edge, whose block
      // holds them with the edge axis bit flipped.
      const flip = AXIS_BIT[kind];
      PINCH_SLOT[(kind * 4 + p) * 2 + 1] = slotOf(f, q ^ flip, neighbour ^ flip);
    }
  }
}
buildFaceAndEdgeTables();

/** Voxel-centre offset (from the key corner's lower voxel) of edge position p per kind. */
export const PINCH_VOXEL_OFF = new Int8Array(3 * 4 * 3);
for (let kind = 0; kind < 3; kind++)
  for (let p = 0; p < 4; p++) {
    const q = KEY_EDGE_VOXELS[kind][p];
    PINCH_VOXEL_OFF[(kind * 4 + p) * 3] = q & 1;
    PINCH_VOXEL_OFF[(kind * 4 + p) * 3 + 1] = (q >> 1) & 1;
    PINCH_VOXEL_OFF[(kind * 4 + p) * 3 + 2] = (q >> 2) & 1;
  }

/** Block bits of each slot's lower voxel, and its axis: exported for the kernels. */
export const SLOT_LOWER_BITS = Uint8Array.from(SLOT_LOWER);
export const SLOT_AXES = Uint8Array.from(SLOT_AXIS);

/**
 * The boundary slots of each configuration in increasing slot order (the order both kernels sum
 * them in): FACE_LIST[FACE_LIST_START[cfg] .. FACE_LIST_START[cfg + 1]).
 */
export const FACE_LIST_START = new Uint16Array(257);
export const FACE_LIST = (() => {
  const list: number[] = [];
  for (let cfg = 0; cfg < 256; cfg++) {
    FACE_LIST_START[cfg] = list.length;
    for (let s = 0; s < 12; s++) if (SHEET_OF_SLOT[cfg * 12 + s] >= 0) list.push(s);
  }
  FACE_LIST_START[256] = list.length;
  return Uint8Array.from(list);
})();
