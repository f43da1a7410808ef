import { describe, expect, it } from 'vitest';
import { filesFromDrop } from '../../src/ui/dropFiles';

/** Stand-ins for the browser's File and Directory Entries (answers come back asynchronously, in random order of time). */
type Node = { name: string; children?: Node[] };
const later = <T>(f: () => T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(f()), Math.random() * 5));

function entry(node: Node): FileSystemEntry {
  if (!node.children) {
    return {
      name: node.name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => void later(() => ok(new File([node.name], node.name))),
    } as unknown as FileSystemEntry;
  }
  const children = node.children;
  return {
    name: node.name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      // Batches of 3, then an empty batch, as readEntries does (Chromium: 100).
      let at = 0;
      return {
        readEntries: (ok: (batch: FileSystemEntry[]) => void) =>
          void later(() => {
            const batch = children.slice(at, at + 3).map(entry);
            at += batch.length;
            ok(batch);
          }),
      };
    },
  } as unknown as FileSystemEntry;
}

const drop = (nodes: Node[]): DataTransfer =>
  ({ items: nodes.map((n) => ({ kind: 'file', webkitGetAsEntry: () => entry(n) })), files: [] }) as unknown as DataTransfer;

describe('filesFromDrop', () => {
  it('walks dropped folders recursively: every file, named by its path, in listing order', async () => {
    const slices = Array.from({ length: 8 }, (_, i) => ({ name: `IM${String(i + 1).padStart(4, '0')}.dcm` }));
    const files = await filesFromDrop(
      drop([
        { name: 'study', children: [{ name: 'series1', children: slices }, { name: 'DICOMDIR' }, { name: 'empty', children: [] }, { name: 'series2', children: slices.slice(0, 2) }] },
        { name: 'loose.dcm' },
      ]),
    );
    expect(files.map((f) => f.path)).toEqual([
      ...slices.map((s) => `study/series1/${s.name}`),
      'study/DICOMDIR',
      'study/series2/IM0001.dcm',
      'study/series2/IM0002.dcm',
      'loose.dcm',
    ]);
    // Each path comes with its own file.
    for (const f of files) expect(await f.file.text()).toBe(f.path.split('/').pop());
  });

  it('takes the plain file list when the drop has no entries', async () => {
    const a = new File(['a'], 'a.dcm');
    const files = await filesFromDrop({ items: [], files: [a] } as unknown as DataTransfer);
    expect(files).toEqual([{ file: a, path: 'a.dcm' }]);
  });
});
