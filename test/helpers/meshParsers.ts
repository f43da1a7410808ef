/**
 * Independent mesh-file readers for the export round-trip tests, written from the format
 * descriptions (STL: 3D Systems "StereoLithography Interface Specification"; OBJ/MTL: Wavefront
 * appendix B1; PLY: Greg Turk's PLY description; 3MF: 3MF Core spec + Materials extension), not
 * by inverting src/core/export. Each returns plain triangle soups (9 numbers per triangle) per
 * part so tests can compare counts, bounds and signed volumes.
 */
import { unzipSync } from 'fflate';

export interface ParsedPart {
  name?: string;
  /** 0–255 sRGB when the format carries a colour for the part. */
  color?: [number, number, number];
  /** x1 y1 z1 x2 y2 z2 x3 y3 z3 per triangle. */
  triangles: number[];
}

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
};
const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

// ---------------------------------------------------------------------------------------------- STL

export interface BinaryStl {
  header: Uint8Array;
  count: number;
  normals: number[];
  attributes: number[];
  part: ParsedPart;
}

export const parseBinaryStl = (bytes: Uint8Array): BinaryStl => {
  if (bytes.length < 84) throw new Error('binary STL shorter than 84 bytes');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = dv.getUint32(80, true);
  if (bytes.length !== 84 + count * 50) throw new Error(`size ${bytes.length} != 84 + 50 × ${count}`);
  const normals: number[] = [];
  const triangles: number[] = [];
  const attributes: number[] = [];
  for (let t = 0; t < count; t++) {
    const o = 84 + t * 50;
    for (let k = 0; k < 3; k++) normals.push(dv.getFloat32(o + 4 * k, true));
    for (let k = 0; k < 9; k++) triangles.push(dv.getFloat32(o + 12 + 4 * k, true));
    attributes.push(dv.getUint16(o + 48, true));
  }
  return { header: bytes.slice(0, 80), count, normals, attributes, part: { triangles } };
};

/** ASCII STL: `solid name` (facet normal … outer loop vertex×3 endloop endfacet)* `endsolid name`. */
export const parseAsciiStl = (text: string): ParsedPart[] => {
  const parts: ParsedPart[] = [];
  let part: ParsedPart | undefined;
  let state: 'outside' | 'solid' | 'facet' | 'loop' = 'outside';
  let loopVertices = 0;
  text.split(/\r?\n/).forEach((raw, n) => {
    const line = raw.trim();
    if (line === '') return;
    const f = line.split(/\s+/);
    const fail = (): never => {
      throw new Error(`ASCII STL line ${n + 1} unexpected in state ${state}: ${line}`);
    };
    if (f[0] === 'solid' && state === 'outside') {
      part = { name: line.slice(5).trim(), triangles: [] };
      parts.push(part);
      state = 'solid';
    } else if (f[0] === 'endsolid' && state === 'solid') state = 'outside';
    else if (f[0] === 'facet' && f[1] === 'normal' && f.length === 5 && state === 'solid') state = 'facet';
    else if (line === 'outer loop' && state === 'facet') {
      state = 'loop';
      loopVertices = 0;
    } else if (f[0] === 'vertex' && f.length === 4 && state === 'loop') {
      const v = f.slice(1).map(Number);
      if (!v.every(Number.isFinite)) fail();
      part!.triangles.push(...v);
      loopVertices++;
    } else if (f[0] === 'endloop' && state === 'loop' && loopVertices === 3) state = 'facet';
    else if (f[0] === 'endfacet' && state === 'facet') state = 'solid';
    else fail();
  });
  if (state !== 'outside') throw new Error('ASCII STL ends inside a solid');
  return parts;
};

// ---------------------------------------------------------------------------------------------- OBJ

export interface ParsedObj {
  comments: string[];
  mtllib?: string;
  parts: ParsedPart[];
  /** usemtl name per part. */
  materials: (string | undefined)[];
}

export const parseObj = (objText: string, mtlText?: string): ParsedObj => {
  const kd = new Map<string, [number, number, number]>();
  if (mtlText !== undefined) {
    let current: string | undefined;
    for (const raw of mtlText.split(/\r?\n/)) {
      const f = raw.trim().split(/\s+/);
      if (f[0] === 'newmtl') current = f.slice(1).join(' ');
      else if (f[0] === 'Kd' && current !== undefined) {
        kd.set(current, [Number(f[1]), Number(f[2]), Number(f[3])].map((v) => Math.round(v * 255)) as [number, number, number]);
      }
    }
  }
  const verts: number[] = [];
  const comments: string[] = [];
  const parts: ParsedPart[] = [];
  const materials: (string | undefined)[] = [];
  let mtllib: string | undefined;
  let part: ParsedPart | undefined;
  const current = (): ParsedPart => {
    if (!part) {
      part = { triangles: [] };
      parts.push(part);
      materials.push(undefined);
    }
    return part;
  };
  for (const raw of objText.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const f = line.split(/\s+/);
    switch (f[0]) {
      case 'mtllib':
        mtllib = f.slice(1).join(' ');
        break;
      case 'o':
        part = { name: f.slice(1).join(' '), triangles: [] };
        parts.push(part);
        materials.push(undefined);
        break;
      case 'usemtl': {
        current();
        const m = f.slice(1).join(' ');
        materials[materials.length - 1] = m;
        const c = kd.get(m);
        if (c) part!.color = c;
        break;
      }
      case 'v':
        verts.push(Number(f[1]), Number(f[2]), Number(f[3]));
        break;
      case 'f': {
        const nv = verts.length / 3;
        const ix = f.slice(1).map((s) => {
          const k = parseInt(s.split('/')[0], 10);
          return k < 0 ? nv + k : k - 1; // 1-based, negatives relative to the end
        });
        // fan-triangulate polygons
        for (let k = 1; k + 1 < ix.length; k++) {
          for (const v of [ix[0], ix[k], ix[k + 1]]) {
            if (v < 0 || v >= nv) throw new Error(`face index out of range: ${line}`);
            current().triangles.push(verts[v * 3], verts[v * 3 + 1], verts[v * 3 + 2]);
          }
        }
        break;
      }
    }
  }
  return { comments, mtllib, parts, materials };
};

// ---------------------------------------------------------------------------------------------- PLY

export interface ParsedPly {
  headerText: string;
  format: string;
  comments: string[];
  vertexProperties: string[];
  /** Property values per vertex, by name. */
  vertices: Record<string, number>[];
  faces: number[][];
  part: ParsedPart;
}

const PLY_TYPES: Record<string, [number, (dv: DataView, o: number) => number]> = {
  char: [1, (dv, o) => dv.getInt8(o)],
  int8: [1, (dv, o) => dv.getInt8(o)],
  uchar: [1, (dv, o) => dv.getUint8(o)],
  uint8: [1, (dv, o) => dv.getUint8(o)],
  short: [2, (dv, o) => dv.getInt16(o, true)],
  int16: [2, (dv, o) => dv.getInt16(o, true)],
  ushort: [2, (dv, o) => dv.getUint16(o, true)],
  uint16: [2, (dv, o) => dv.getUint16(o, true)],
  int: [4, (dv, o) => dv.getInt32(o, true)],
  int32: [4, (dv, o) => dv.getInt32(o, true)],
  uint: [4, (dv, o) => dv.getUint32(o, true)],
  uint32: [4, (dv, o) => dv.getUint32(o, true)],
  float: [4, (dv, o) => dv.getFloat32(o, true)],
  float32: [4, (dv, o) => dv.getFloat32(o, true)],
  double: [8, (dv, o) => dv.getFloat64(o, true)],
  float64: [8, (dv, o) => dv.getFloat64(o, true)],
};

interface PlyProperty {
  name: string;
  type: string;
  listCountType?: string;
}

/** Binary little-endian PLY with any element/property layout. */
export const parsePly = (bytes: Uint8Array): ParsedPly => {
  const marker = 'end_header\n';
  const head = latin1(bytes.subarray(0, Math.min(bytes.length, 65536)));
  const end = head.indexOf(marker);
  if (!head.startsWith('ply\n') || end < 0) throw new Error('not a PLY header');
  const headerText = head.slice(0, end + marker.length);
  const elements: { name: string; count: number; props: PlyProperty[] }[] = [];
  const comments: string[] = [];
  let format = '';
  for (const line of headerText.split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'format') format = f.slice(1).join(' ');
    else if (f[0] === 'comment') comments.push(line.slice(8));
    else if (f[0] === 'element') elements.push({ name: f[1], count: Number(f[2]), props: [] });
    else if (f[0] === 'property') {
      const el = elements[elements.length - 1];
      if (f[1] === 'list') el.props.push({ name: f[4], type: f[3], listCountType: f[2] });
      else el.props.push({ name: f[2], type: f[1] });
    }
  }
  if (format !== 'binary_little_endian 1.0') throw new Error(`unsupported PLY format ${format}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = headerText.length;
  const read = (type: string): number => {
    const t = PLY_TYPES[type];
    if (!t) throw new Error(`unknown PLY type ${type}`);
    const v = t[1](dv, o);
    o += t[0];
    return v;
  };
  const vertices: Record<string, number>[] = [];
  const faces: number[][] = [];
  let vertexProperties: string[] = [];
  for (const el of elements) {
    for (let n = 0; n < el.count; n++) {
      const rec: Record<string, number> = {};
      let list: number[] | undefined;
      for (const p of el.props) {
        if (p.listCountType) {
          const c = read(p.listCountType);
          list = [];
          for (let k = 0; k < c; k++) list.push(read(p.type));
        } else rec[p.name] = read(p.type);
      }
      if (el.name === 'vertex') vertices.push(rec);
      else if (el.name === 'face' && list) faces.push(list);
    }
    if (el.name === 'vertex') vertexProperties = el.props.map((p) => `${p.type} ${p.name}`);
  }
  if (o !== bytes.length) throw new Error(`PLY has ${bytes.length - o} trailing bytes`);
  const triangles: number[] = [];
  for (const f of faces) {
    for (let k = 1; k + 1 < f.length; k++) {
      for (const v of [f[0], f[k], f[k + 1]]) triangles.push(vertices[v].x, vertices[v].y, vertices[v].z);
    }
  }
  return { headerText, format, comments, vertexProperties, vertices, faces, part: { triangles } };
};

// ---------------------------------------------------------------------------------------------- 3MF

export interface Parsed3mf {
  entries: string[];
  contentTypes: string;
  rels: string;
  modelXml: string;
  /** Attributes of the <model> element. */
  modelAttributes: Record<string, string>;
  metadata: Record<string, string>;
  /** colour group id → list of #RRGGBB(AA). */
  colorGroups: Map<string, string[]>;
  objects: { id: string; name?: string; type?: string; pid?: string; pindex?: string; part: ParsedPart }[];
  buildItems: string[];
}

const attrs = (s: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) {
    out[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return out;
};

const hexRgb = (c: string): [number, number, number] => [
  parseInt(c.slice(1, 3), 16),
  parseInt(c.slice(3, 5), 16),
  parseInt(c.slice(5, 7), 16),
];

/** 3MF package → model; follows _rels/.rels to the model part like a consumer would. */
export const parse3mf = (bytes: Uint8Array): Parsed3mf => {
  const files = unzipSync(bytes);
  const entries = Object.keys(files);
  const contentTypes = utf8(files['[Content_Types].xml']);
  const rels = utf8(files['_rels/.rels']);
  const rel = [...rels.matchAll(/<Relationship\b([^>]*)\/>/g)]
    .map((m) => attrs(m[1]))
    .find((a) => a.Type === 'http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel');
  if (!rel) throw new Error('no 3D model relationship');
  const modelXml = utf8(files[rel.Target.replace(/^\//, '')]);
  const modelTag = /<model\b([^>]*)>/.exec(modelXml);
  if (!modelTag) throw new Error('no <model>');
  const metadata: Record<string, string> = {};
  for (const m of modelXml.matchAll(/<metadata\b([^>]*)>([^<]*)<\/metadata>/g)) metadata[attrs(m[1]).name] = m[2];
  // namespace prefix of the materials extension, whatever it is called
  const modelAttributes = attrs(modelTag[1]);
  const prefix = Object.entries(modelAttributes).find(
    ([k, v]) => k.startsWith('xmlns:') && v === 'http://schemas.microsoft.com/3dmanufacturing/material/2015/02',
  )?.[0].slice(6);
  const colorGroups = new Map<string, string[]>();
  if (prefix) {
    const re = new RegExp(`<${prefix}:colorgroup\\b([^>]*)>([\\s\\S]*?)</${prefix}:colorgroup>`, 'g');
    for (const m of modelXml.matchAll(re)) {
      const colors = [...m[2].matchAll(new RegExp(`<${prefix}:color\\b([^>]*)/>`, 'g'))].map((c) => attrs(c[1]).color);
      colorGroups.set(attrs(m[1]).id, colors);
    }
  }
  const objects: Parsed3mf['objects'] = [];
  for (const m of modelXml.matchAll(/<object\b([^>]*)>([\s\S]*?)<\/object>/g)) {
    const a = attrs(m[1]);
    const verts: number[] = [];
    for (const v of m[2].matchAll(/<vertex\b([^>]*)\/>/g)) {
      const va = attrs(v[1]);
      verts.push(Number(va.x), Number(va.y), Number(va.z));
    }
    const triangles: number[] = [];
    for (const t of m[2].matchAll(/<triangle\b([^>]*)\/>/g)) {
      const ta = attrs(t[1]);
      for (const k of [ta.v1, ta.v2, ta.v3].map(Number)) triangles.push(verts[k * 3], verts[k * 3 + 1], verts[k * 3 + 2]);
    }
    const part: ParsedPart = { name: a.name, triangles };
    if (a.pid !== undefined && a.pindex !== undefined) {
      const c = colorGroups.get(a.pid)?.[Number(a.pindex)];
      if (c) part.color = hexRgb(c);
    }
    objects.push({ id: a.id, name: a.name, type: a.type, pid: a.pid, pindex: a.pindex, part });
  }
  const buildItems = [...modelXml.matchAll(/<item\b([^>]*)\/>/g)].map((m) => attrs(m[1]).objectid);
  return { entries, contentTypes, rels, modelXml, modelAttributes, metadata, colorGroups, objects, buildItems };
};

// ---------------------------------------------------------------------------------------------- geometry

export const bounds = (tri: readonly number[]): { min: number[]; max: number[] } => {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < tri.length; i++) {
    const a = i % 3;
    if (tri[i] < min[a]) min[a] = tri[i];
    if (tri[i] > max[a]) max[a] = tri[i];
  }
  return { min, max };
};
