// The threaded wasm module (wasm/hebb-threads.wasm): one main instance on a shared memory, which
// runs the kernels, and worker instances on the same memory that only share its GEMM
// (native/wasm/gemm_threads.cc). The workers are started here from an inline script, so there
// is no worker file for a bundler to find; how a worker is made (a page's Worker, Node's
// worker_threads) is the caller's. Browser-safe.
import type { SpawnWorker, WorkerLike } from './worker-types.ts';

/** The threaded module's initial memory (pages of 64 KiB): its --initial-memory. */
export const THREADS_INITIAL_PAGES = 32;
/** Its --max-memory: 4 GiB, as the one-thread module. */
const THREADS_MAX_PAGES = 65536;
/** Each worker's stack: the GEMM needs a few hundred bytes. */
const WORKER_STACK_BYTES = 64 * 1024;
/** Workers at most: the GEMM's blocks are cut for a few threads, not for many. */
export const MAX_WORKERS = 15;

export type { SpawnWorker, WorkerLike } from './worker-types.ts';


/**
 * A worker's whole program: instantiate the module on the shared memory, take its own stack,
 * say so, and serve the GEMM until the process or page ends (worker_loop never returns).
 * `post` is the environment's way back to the main thread.
 */
export const WORKER_BODY = `function start({ module, memory, stackTop, id }) {
  try {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    instance.exports.__stack_pointer.value = stackTop;
    post({ ready: id });
    instance.exports.worker_loop(id);
  } catch (e) {
    post({ error: String(e && e.message ? e.message : e) });
  }
}`;

/** A shared memory for the threaded module, or why there is none here. */
export function sharedMemory(): WebAssembly.Memory | { reason: string } {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  if (g.crossOriginIsolated === false) return { reason: 'the page is not cross-origin isolated' };
  if (typeof g.SharedArrayBuffer !== 'function') return { reason: 'no SharedArrayBuffer here' };
  try {
    return new WebAssembly.Memory({
      initial: THREADS_INITIAL_PAGES,
      maximum: THREADS_MAX_PAGES,
      shared: true,
    });
  } catch (e) {
    return { reason: `no shared wasm memory here (${(e as Error).message})` };
  }
}

interface ThreadExports {
  workers_setup(workers: number, stackBytes: number): number;
  workers_ready(): number;
}

/** The threaded module's main instance on `memory`. */
export function threadedInstance(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): WebAssembly.Instance {
  return new WebAssembly.Instance(module, { env: { memory } });
}

/**
 * Starts `count` workers for a main instance (after its _initialize). The GEMM uses each as soon
 * as it is up, so the backend works meanwhile; the promise says how many came up, once all
 * have answered.
 */
export function startWorkers(
  main: WebAssembly.Instance,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  count: number,
  spawn: SpawnWorker,
): Promise<number> {
  const e = main.exports as unknown as ThreadExports;
  if (count <= 0) return Promise.resolve(0);
  const tops = e.workers_setup(count, WORKER_STACK_BYTES);
  if (tops === 0) return Promise.resolve(0);
  const stackTops = new Uint32Array(memory.buffer, tops, count).slice();
  return new Promise((resolve) => {
    let answered = 0;
    let up = 0;
    // A worker says it is up just before it enters worker_loop, which counts it.
    const settle = (tries: number) => {
      if (e.workers_ready() >= up || tries === 0) resolve(e.workers_ready());
      else setTimeout(() => settle(tries - 1), 5);
    };
    const answer = (data?: unknown) => {
      if ((data as { ready?: number } | undefined)?.ready !== undefined) up++;
      if (++answered === count) settle(200);
    };
    for (let id = 0; id < count; id++) {
      let w: WorkerLike;
      try {
        w = spawn(WORKER_BODY, answer, () => answer());
      } catch {
        answer();
        continue;
      }
      w.postMessage({ module, memory, stackTop: stackTops[id], id });
    }
  });
}

/** Workers serving the GEMM now. */
export function workersReady(main: WebAssembly.Instance): number {
  return (main.exports as unknown as ThreadExports).workers_ready();
}
