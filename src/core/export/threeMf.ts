/**
 * 3MF (3D Manufacturing Format, core spec 1.x + Materials and Properties extension).
 *
 * Package: `[Content_Types].xml`, `_rels/.rels` and `3D/3dmodel.model`. The model uses
 * `unit="millimeter"`, one `<object type="model" name="…">` per segment (so slicers list the
 * parts by name), colours as one `<m:colorgroup id="1">` with `#RRGGBBFF` entries referenced per
 * object by `pid="1" pindex="k"` (read by PrusaSlicer, Bambu Studio, OrcaSlicer), and one
 * `<build><item>` per object. Triangles that repeat a vertex index (v1, v2, v3 not distinct — forbidden
 * by the core spec) are left out; they have no area. Metadata: Title (fixed or user-typed, never patient text),
 * Application "Voxelprint", and Description `SPACE=LPS UNITS=mm` stating the frame.
 *
 * The model XML is generated in ~1 MB chunks that are deflated as they are produced (fflate's
 * streaming `Zip`), so the whole XML text never exists at once.
 */
import { Zip, ZipDeflate } from 'fflate';
import type { MeshFrame, SegmentMesh } from '../mesh/mesh';
import { ensureFrame, frameLabel } from './frames';
import { TextChunker, concatBytes, formatMm } from './text';

export interface ThreeMfOptions {
  /** Frame to write in (default LPS). */
  readonly frame?: MeshFrame;
  /** Title metadata (default "Voxelprint model"); only user-typed text may go here. */
  readonly title?: string;
  /** Zip entry timestamp (default 2000-01-01, so output is reproducible). */
  readonly date?: Date;
}

export const CORE_NS = 'http://schemas.microsoft.com/3dmanufacturing/core/2015/02';
export const MATERIAL_NS = 'http://schemas.microsoft.com/3dmanufacturing/material/2015/02';

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>' +
  '</Types>\n';

const RELS =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>' +
  '</Relationships>\n';

/** Escapes text for XML attribute values and content. */
export const xmlEscape = (s: string): string =>
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );

const hex2 = (v: number): string => Math.min(255, Math.max(0, Math.round(v))).toString(16).padStart(2, '0').toUpperCase();

/** `#RRGGBBFF` (opaque sRGB) as used by `<m:color color=…>`. */
export const colorHex = (rgb: readonly [number, number, number]): string => `#${hex2(rgb[0])}${hex2(rgb[1])}${hex2(rgb[2])}FF`;

/** Writes the 3D/3dmodel.model XML into `w`. Object ids are 2…n+1 (the colour group is 1). */
const writeModel = (w: TextChunker, segs: readonly SegmentMesh[], frame: MeshFrame, title: string): void => {
  w.write(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<model unit="millimeter" xml:lang="en-US" xmlns="${CORE_NS}" xmlns:m="${MATERIAL_NS}">\n` +
      ` <metadata name="Title">${xmlEscape(title)}</metadata>\n` +
      ' <metadata name="Application">Voxelprint</metadata>\n' +
      ` <metadata name="Description">${frameLabel(frame)}</metadata>\n` +
      ' <resources>\n',
  );
  if (segs.length > 0) {
    w.write('  <m:colorgroup id="1">\n');
    for (const s of segs) w.write(`   <m:color color="${colorHex(s.colorRgb)}"/>\n`);
    w.write('  </m:colorgroup>\n');
  }
  segs.forEach((s, k) => {
    const p = s.mesh.positionsMm;
    const idx = s.mesh.indices;
    w.write(`  <object id="${k + 2}" type="model" name="${xmlEscape(s.name)}" pid="1" pindex="${k}">\n   <mesh>\n    <vertices>\n`);
    for (let i = 0; i < p.length; i += 3) {
      w.write(`     <vertex x="${formatMm(p[i])}" y="${formatMm(p[i + 1])}" z="${formatMm(p[i + 2])}"/>\n`);
    }
    w.write('    </vertices>\n    <triangles>\n');
    for (let t = 0; t < idx.length; t += 3) {
      const a = idx[t], b = idx[t + 1], c = idx[t + 2];
      // 3MF core: v1, v2, v3 must be distinct. Such a triangle has no area and no volume.
      if (a === b || b === c || a === c) continue;
      w.write(`     <triangle v1="${a}" v2="${b}" v3="${c}"/>\n`);
    }
    w.write('    </triangles>\n   </mesh>\n  </object>\n');
  });
  w.write(' </resources>\n <build>\n');
  segs.forEach((_s, k) => w.write(`  <item objectid="${k + 2}"/>\n`));
  w.write(' </build>\n</model>\n');
};

export const write3mf = (meshes: readonly SegmentMesh[], opts: ThreeMfOptions = {}): Uint8Array => {
  const frame = opts.frame ?? 'LPS';
  const segs = ensureFrame(meshes, frame);
  const mtime = opts.date ?? new Date(Date.UTC(2000, 0, 1, 12));
  const encoder = new TextEncoder();
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  // With ZipPassThrough/ZipDeflate (not the Async variants) fflate's Zip calls back synchronously.
  const zip = new Zip((err, data) => {
    if (err) failure = err;
    else out.push(data);
  });
  const addSmall = (name: string, text: string): void => {
    const f = new ZipDeflate(name, { level: 6 });
    f.mtime = mtime;
    zip.add(f);
    f.push(encoder.encode(text), true);
  };
  addSmall('[Content_Types].xml', CONTENT_TYPES);
  addSmall('_rels/.rels', RELS);
  const model = new ZipDeflate('3D/3dmodel.model', { level: 6 });
  model.mtime = mtime;
  zip.add(model);
  const w = new TextChunker((bytes) => model.push(bytes));
  writeModel(w, segs, frame, opts.title ?? 'Voxelprint model');
  w.flush();
  model.push(new Uint8Array(0), true);
  zip.end();
  if (failure) throw failure;
  return concatBytes(out);
};

