import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWasmSurfaceKernel, type WasmSurfaceKernel } from '../../src/kernel/wasmSurfaceKernel';

/** The built WebAssembly kernel (npm run build:kernel), instantiated in this process. */
export async function loadWasmKernel(): Promise<WasmSurfaceKernel> {
  const path = fileURLToPath(new URL('../../src/kernel/build/surfaceNets.wasm', import.meta.url));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new Error(`${path} is missing: run npm run build:kernel`);
  }
  return createWasmSurfaceKernel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
