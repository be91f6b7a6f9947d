// Types the Node loader's declarations name (register.d.ts, reached from the package's Node
// entry): kept apart from module.ts and threads.ts, whose declarations name WebAssembly types
// that a consumer's tsconfig without the DOM library does not have.

/** The modules scripts/build-wasm.mjs builds: one thread or threads, SIMD128 or relaxed SIMD. */
export type WasmFile =
  | 'hebb.wasm'
  | 'hebb-threads.wasm'
  | 'hebb-relaxed.wasm'
  | 'hebb-threads-relaxed.wasm';

/** A worker as both a page's Worker and Node's worker_threads Worker are. */
export interface WorkerLike {
  postMessage(message: unknown): void;
}

/**
 * Makes a worker that runs `body` and calls it with each message received: the page's loader
 * wraps it in a Blob URL, Node's in an eval'd script. `onMessage` gets what the worker posts.
 */
export type SpawnWorker = (
  body: string,
  onMessage: (data: unknown) => void,
  onError: (message: string) => void,
) => WorkerLike;
