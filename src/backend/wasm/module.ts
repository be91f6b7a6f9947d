// Where the wasm module lies in the package and how a compiled module becomes the backend:
// shared by the page loader (./index.ts) and Node's synchronous one (./register.ts). Kept apart
// from index.ts so that the types a page's project checks (index.d.ts) name no WebAssembly or
// DOM type. Browser-safe.
import { HebbError } from '../../errors.ts';
import { withChecks } from '../checks/index.ts';
import { createAddonKernels } from '../addon/kernels.ts';
import { registerBackend } from '../registry.ts';
import type { Backend } from '../types.ts';
import { wasmAddon } from './addon.ts';
import { chunked } from './chunked.ts';
import {
  MAX_WORKERS,
  type SpawnWorker,
  sharedMemory,
  startWorkers,
  threadedInstance,
  workersReady,
} from './threads.ts';

/**
 * wasm/hebb.wasm's URL, from this file's. Written as the literal `new URL(…, import.meta.url)`
 * because that form is what bundlers (Vite, webpack 5, Parcel) follow to copy the file as an
 * asset; src/backend/wasm/ and dist/backend/wasm/ both lie three levels below the package root.
 * A script bundle (an iife) has no import.meta.url: its pages pass the URL or the bytes.
 */
export function wasmUrl(): URL {
  if (typeof import.meta.url !== 'string') {
    throw new HebbError('this bundle has no import.meta.url to find hebb.wasm from');
  }
  return new URL('../../../wasm/hebb.wasm', import.meta.url);
}

/** wasm/hebb-threads.wasm's URL, from this file's: the same literal form as wasmUrl's. */
export function wasmThreadsUrl(): URL {
  if (typeof import.meta.url !== 'string') {
    throw new HebbError('this bundle has no import.meta.url to find hebb-threads.wasm from');
  }
  return new URL('../../../wasm/hebb-threads.wasm', import.meta.url);
}

/** Automatic selection: below native (10), above ts (0). */
export const WASM_PRIORITY = 5;

export const WASM_FIX =
  'build it with npm run build:wasm (needs clang, lld, wasi-libc and the wasm32 libc++)';

/** The (checked) wasm backend from a compiled module. */
export function createWasmBackend(module: WebAssembly.Module): Backend {
  const instance = new WebAssembly.Instance(module, {});
  return withChecks(chunked(createAddonKernels(wasmAddon(instance), 'wasm')));
}

/**
 * The wasm backend on the threaded module (wasm/hebb-threads.wasm) with `workers` workers made
 * by `spawn`, or why not here (no shared memory; the fallback is createWasmBackend on
 * hebb.wasm). The backend works at once; `ready` resolves to the workers that came up;
 * `instance` is the main instance.
 */
export function createThreadedWasmBackend(
  module: WebAssembly.Module,
  workers: number,
  spawn: SpawnWorker,
):
  | { backend: Backend; ready: Promise<number>; instance: WebAssembly.Instance }
  | { reason: string } {
  const memory = sharedMemory();
  if (!(memory instanceof WebAssembly.Memory)) return memory;
  const instance = threadedInstance(module, memory);
  const addon = wasmAddon(instance, false, { memory, workers: () => workersReady(instance) });
  const backend = withChecks(chunked(createAddonKernels(addon, 'wasm')));
  // After wasmAddon's _initialize: the workers' buffers come from the main instance's heap.
  const ready = startWorkers(instance, module, memory, Math.min(workers, MAX_WORKERS), spawn);
  return { backend, ready, instance };
}

/** Registers the wasm backend with a loader (called at most once, on first use). */
export function registerWasmBackend(
  load: () => Backend | { reason: string },
  fix: string = WASM_FIX,
): void {
  registerBackend({ name: 'wasm', priority: WASM_PRIORITY, fix, load });
}

// Until loadWasmBackend() (or, in Node, ./register.ts) provides the module, the backend is
// known by name and says what to do. Here, not in index.ts, so that it runs before register.ts
// whatever order the entries import them in.
registerWasmBackend(
  () => ({ reason: 'the wasm module is not loaded yet' }),
  'await loadWasmBackend() once before training',
);
