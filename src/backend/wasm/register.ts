// Node only: makes the wasm backend available to backend selection, compiled synchronously
// from the package's wasm/hebb-threads.wasm with worker_threads sharing its GEMM, or, where
// that module is missing or HEBB_WASM_THREADS=1, from wasm/hebb.wasm on one thread; their
// relaxed-SIMD twins where this Node validates relaxed SIMD (Node 20: only with
// --experimental-wasm-relaxed-simd). Imported for its effect by the Node entry (with the
// native one), the CLI, the tests and the benchmarks.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { backendUnavailableReason } from '../registry.ts';
import type { Backend } from '../types.ts';
import {
  createThreadedWasmBackend,
  createWasmBackend,
  hasRelaxedSimd,
  registerWasmBackend,
  wasmFileUrl,
  wasmUrl,
} from './module.ts';
import type { SpawnWorker, WasmFile } from './worker-types.ts';

export const WASM_PATH = fileURLToPath(wasmUrl());
/** Where each module lies in the package. */
export const wasmPath = (file: WasmFile): string => fileURLToPath(wasmFileUrl(file));
export const WASM_THREADS_PATH = wasmPath('hebb-threads.wasm');

/**
 * A worker_threads worker running a worker body. It keeps the process alive only until it
 * answers (so that wasmWorkersReady() can settle), not while it serves the GEMM.
 */
export const nodeSpawn: SpawnWorker = (body, onMessage, onError) => {
  const source = `const { parentPort } = require('node:worker_threads');
const post = (m) => parentPort.postMessage(m);
${body}
parentPort.once('message', start);`;
  // execArgv: [] so that the parent's --import hooks (tsx, test setup) do not load in it.
  const w = new Worker(source, { eval: true, execArgv: [] });
  w.on('message', (data) => {
    w.unref();
    onMessage(data);
  });
  w.on('error', (e) => {
    w.unref();
    onError(e.message);
  });
  return w;
};

/** Threads the wasm GEMM may use: HEBB_WASM_THREADS, else the cores this process may use. */
export function wasmThreads(): number {
  const env = process.env.HEBB_WASM_THREADS?.trim();
  const n = env ? Number(env) : availableParallelism();
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

let workersUp: Promise<number> = Promise.resolve(0);

/**
 * Loads the wasm backend if it is not yet, and resolves to the workers sharing its GEMM (0 on
 * one thread, or where it cannot load). The backend works before; benchmarks wait here.
 */
export function wasmWorkersReady(): Promise<number> {
  backendUnavailableReason('wasm'); // loads it, once
  return workersUp;
}

function load(): Backend | { reason: string } {
  const threads = wasmThreads();
  const relaxed = hasRelaxedSimd();
  const pick = (plain: WasmFile, fused: WasmFile): [string, boolean] =>
    relaxed && existsSync(wasmPath(fused)) ? [wasmPath(fused), true] : [wasmPath(plain), false];
  const [threadedPath, threadedRelaxed] = pick('hebb-threads.wasm', 'hebb-threads-relaxed.wasm');
  if (threads > 1 && existsSync(threadedPath)) {
    try {
      const r = createThreadedWasmBackend(
        new WebAssembly.Module(readFileSync(threadedPath)),
        threads - 1,
        nodeSpawn,
        threadedRelaxed,
      );
      if ('backend' in r) {
        // Node's main thread may block: the GEMM sleeps, not spins, while workers finish
        (r.instance.exports as unknown as { main_may_block(): void }).main_may_block();
        workersUp = r.ready;
        return r.backend;
      }
    } catch {
      // the one-thread module below is the fallback
    }
  }
  const [path, singleRelaxed] = pick('hebb.wasm', 'hebb-relaxed.wasm');
  if (!existsSync(path)) return { reason: `the wasm module is not built (${path} is missing)` };
  try {
    return createWasmBackend(new WebAssembly.Module(readFileSync(path)), singleRelaxed);
  } catch (e) {
    return { reason: `the wasm module failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

registerWasmBackend(load);
