/**
 * Mesh export: binary/ASCII STL, OBJ+MTL, binary PLY and 3MF, in the LPS, RAS or print frame,
 * always 1:1 millimetres. See docs/file-formats.md.
 */
import type { MeshFrame, SegmentMesh } from '../mesh/mesh';
import type { ExportFormat } from './fileNames';
import { exportFileName } from './fileNames';
import { toFrame } from './frames';
import { writeObj } from './obj';
import { writePly } from './ply';
import { writeAsciiStl, writeBinaryStl } from './stl';
import { write3mf } from './threeMf';

export { toFrame, printTranslationMm, frameLabel, unionBoundsMm } from './frames';
export { writeBinaryStl, writeAsciiStl, stlHeaderText } from './stl';
export type { StlOptions } from './stl';
export { writeObj } from './obj';
export type { ObjOptions, ObjFiles } from './obj';
export { writePly, plyHeaderText } from './ply';
export type { PlyOptions } from './ply';
export { write3mf, colorHex } from './threeMf';
export type { ThreeMfOptions } from './threeMf';
export { exportFileName, slug } from './fileNames';
export type { ExportFormat, ExportFileNameInput } from './fileNames';

export interface ExportRequest {
  readonly meshes: readonly SegmentMesh[];
  /** 'mtl' is not a request format: OBJ always comes with its MTL. */
  readonly format: Exclude<ExportFormat, 'mtl'>;
  /** Default LPS. */
  readonly frame?: MeshFrame;
  /** One file per segment (true) or all segments in one file (false, default). */
  readonly perSegment?: boolean;
  /** PLY only (default true). */
  readonly vertexColors?: boolean;
  readonly userLabel?: string;
  readonly date?: Date;
}

export interface ExportedFile {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/**
 * Writes the requested files. The frame conversion happens once for all segments, so with
 * `perSegment` in the print frame every file shares one translation and the parts still fit
 * together.
 */
export const exportMeshes = (req: ExportRequest): ExportedFile[] => {
  const frame = req.frame ?? 'LPS';
  const converted = toFrame(req.meshes, frame);
  const groups: { segmentName?: string; meshes: SegmentMesh[] }[] = req.perSegment
    ? converted.map((m) => ({ segmentName: m.name, meshes: [m] }))
    : [{ meshes: converted }];
  const files: ExportedFile[] = [];
  const used = new Set<string>();
  const name = (segmentName: string | undefined, format: ExportFormat): string => {
    const base = exportFileName({ segmentName, format, frame, userLabel: req.userLabel, date: req.date });
    let n = base;
    for (let k = 2; used.has(n); k++) n = base.replace(/(\.[a-z0-9]+)$/, `-${k}$1`);
    used.add(n);
    return n;
  };
  for (const g of groups) {
    switch (req.format) {
      case 'stl':
        files.push({ fileName: name(g.segmentName, 'stl'), bytes: writeBinaryStl(g.meshes, { frame }) });
        break;
      case 'stl-ascii':
        files.push({ fileName: name(g.segmentName, 'stl-ascii'), bytes: writeAsciiStl(g.meshes, { frame }) });
        break;
      case 'ply':
        files.push({ fileName: name(g.segmentName, 'ply'), bytes: writePly(g.meshes, { frame, vertexColors: req.vertexColors }) });
        break;
      case '3mf':
        files.push({ fileName: name(g.segmentName, '3mf'), bytes: write3mf(g.meshes, { frame, title: req.userLabel, date: req.date }) });
        break;
      case 'obj': {
        const objName = name(g.segmentName, 'obj');
        const mtlName = objName.replace(/\.obj$/, '.mtl');
        used.add(mtlName);
        const { obj, mtl } = writeObj(g.meshes, { frame, mtlFileName: mtlName });
        files.push({ fileName: objName, bytes: obj }, { fileName: mtlName, bytes: mtl });
        break;
      }
    }
  }
  return files;
};
