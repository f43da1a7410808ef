import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SurfaceKernel } from '../core/mesh/surfaceKernel';
import { TsSurfaceKernel } from '../core/mesh/surfaceKernel';
import { createWasmSurfaceKernel } from '../kernel/wasmSurfaceKernel';

/**
 * The WebAssembly meshing kernel for the CLI, instantiated in this process from the file
 * `npm run build:kernel` writes (found from the bundle in dist-cli/ or from src/cli/ under tsx).
 * Falls back to the TypeScript kernel, saying so, when the file is missing or will not compile.
 */
export const KERNEL_PATHS = ['../src/kernel/build/surfaceNets.wasm', '../kernel/build/surfaceNets.wasm'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

export async function nodeSurfaceKernel(warn: (message: string) => void, candidates: readonly string[] = KERNEL_PATHS): Promise<SurfaceKernel> {
  const problems: string[] = [];
  for (const path of candidates) {
    try {
      const bytes = await readFile(path);
      return await createWasmSurfaceKernel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
    }
  }
  warn(`WebAssembly mesher unavailable (${problems.join('; ')}); using the TypeScript one (run npm run build:kernel)`);
  return new TsSurfaceKernel();
}
