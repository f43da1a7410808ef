/// <reference lib="webworker" />
/** Browser entry of bench/mesh-ours.ts: the WebAssembly kernel on one chunk, in a nested worker. */
import kernelUrl from '../../src/kernel/build/surfaceNets.wasm?url';
import { createWasmSurfaceKernel } from '../../src/kernel/wasmSurfaceKernel';
import { runJob } from '../mesh-ours-job';
import type { ThreadJob } from '../mesh-ours-job';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const kernel = createWasmSurfaceKernel(await (await fetch(kernelUrl)).arrayBuffer());
scope.onmessage = async (ev: MessageEvent<ThreadJob>) => scope.postMessage(runJob(await kernel, ev.data));
scope.postMessage({ id: 0 });
