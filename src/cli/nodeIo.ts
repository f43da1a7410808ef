import { open, readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { WASM_FILES, WasmCodecs } from '../codecs/wasmCodecs';
import type { InputFile } from '../core/dicom/load';

const require = createRequire(import.meta.url);

/** The WASM codecs, with their .wasm files read from node_modules. */
export function nodeCodecs(): WasmCodecs {
  return new WasmCodecs(async (name) => new Uint8Array(await readFile(require.resolve(WASM_FILES[name]))));
}

/**
 * Every file under `root` (recursively, any name, any extension), as the core's InputFile.
 * Names are relative to `root` so messages stay short. A single file path is accepted too.
 */
export async function listInputFiles(root: string): Promise<InputFile[]> {
  const s = await stat(root);
  if (s.isFile()) return [nodeFile(root, root, s.size)];
  const out: InputFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(nodeFile(relative(root, p) || e.name, p, (await stat(p)).size));
    }
  };
  await walk(root);
  return out;
}

function nodeFile(name: string, path: string, size: number): InputFile {
  return { name, read: () => readBytes(path), readPrefix: async (n) => ({ bytes: await readPrefix(path, n), size }) };
}

async function readPrefix(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  // Node may hand out slices of a pooled buffer: keep offsets honest.
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
