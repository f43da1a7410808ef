// File helpers shared by the sample and benchmark generators (plain ESM so that
// ensure-samples.mjs can use them without tsx).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** sha256 over the given files' paths (relative to root) and contents: a generator's inputs. */
export function sourceHash(root, paths) {
  const h = createHash('sha256');
  for (const p of paths) {
    h.update(`${p}\0`);
    h.update(readFileSync(join(root, p)));
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * Replaces folder `dir` with exactly `files` ({ name, bytes | text }): written into a sibling
 * temporary folder first and renamed into place, so a reader never sees half a series.
 * Returns the number of bytes written.
 */
export function replaceFolder(dir, files) {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let bytes = 0;
  for (const f of files) {
    const data = typeof f.bytes === 'string' ? Buffer.from(f.bytes, 'utf8') : f.bytes;
    writeFileSync(join(tmp, f.name), data);
    bytes += data.length;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(tmp, dir);
  return bytes;
}
