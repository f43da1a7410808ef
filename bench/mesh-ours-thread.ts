/** Node worker_threads entry of bench/mesh-ours.ts: the WebAssembly kernel on one chunk. */
import { parentPort } from 'node:worker_threads';
import { loadWasmKernel } from '../test/helpers/wasmKernel';
import { runJob } from './mesh-ours-job';
import type { ThreadJob } from './mesh-ours-job';

const kernel = await loadWasmKernel();
parentPort?.on('message', (job: ThreadJob) => parentPort?.postMessage(runJob(kernel, job)));
parentPort?.postMessage({ id: 0 });
