/**
 * Export file names. They are built only from things that are never patient text — the product
 * name, the segment's display name, the frame, the format and optionally a date — plus a label
 * the user typed (`userLabel`), which is the only way a name or ID can get into a file name.
 * Every part is reduced to `[a-z0-9-]`.
 *
 *   exportFileName({ segmentName: 'Bone', format: 'stl', frame: 'LPS' }) → "voxelprint-bone-lps.stl"
 */
import type { MeshFrame } from '../mesh/mesh';

export type ExportFormat = 'stl' | 'stl-ascii' | 'obj' | 'mtl' | 'ply' | '3mf';

export interface ExportFileNameInput {
  /** Segment display name; omit for a file holding all segments. */
  readonly segmentName?: string;
  readonly format: ExportFormat;
  readonly frame: MeshFrame;
  /** Text the user typed for this export; used verbatim (slugged) only when given. */
  readonly userLabel?: string;
  /** Adds the UTC date as YYYYMMDD. */
  readonly date?: Date;
}

const EXTENSION: Record<ExportFormat, string> = {
  stl: 'stl',
  'stl-ascii': 'stl',
  obj: 'obj',
  mtl: 'mtl',
  ply: 'ply',
  '3mf': '3mf',
};

/** Lower-case `[a-z0-9-]` slug: accents stripped, other runs become one "-", at most 40 chars. */
export const slug = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');

const ymd = (d: Date): string =>
  `${d.getUTCFullYear().toString().padStart(4, '0')}${(d.getUTCMonth() + 1).toString().padStart(2, '0')}${d
    .getUTCDate()
    .toString()
    .padStart(2, '0')}`;

export const exportFileName = (input: ExportFileNameInput): string => {
  const parts = ['voxelprint'];
  if (input.userLabel !== undefined) {
    const u = slug(input.userLabel);
    if (u) parts.push(u);
  }
  if (input.segmentName !== undefined) {
    const s = slug(input.segmentName);
    if (s) parts.push(s);
  }
  parts.push(input.frame === 'print' ? 'print' : input.frame.toLowerCase());
  if (input.format === 'stl-ascii') parts.push('ascii');
  if (input.date && !Number.isNaN(input.date.getTime())) parts.push(ymd(input.date));
  return `${parts.join('-')}.${EXTENSION[input.format]}`;
};
