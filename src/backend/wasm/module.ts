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
import type { WasmFile } from './worker-types.ts';

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

export type { WasmFile } from './worker-types.ts';

/** A module's URL beside hebb.wasm, each written as the literal form wasmUrl's is, for bundlers. */
export function wasmFileUrl(file: WasmFile): URL {
  if (typeof import.meta.url !== 'string') {
    throw new HebbError(`this bundle has no import.meta.url to find ${file} from`);
  }
  switch (file) {
    case 'hebb.wasm':
      return wasmUrl();
    case 'hebb-threads.wasm':
      return new URL('../../../wasm/hebb-threads.wasm', import.meta.url);
    case 'hebb-relaxed.wasm':
      return new URL('../../../wasm/hebb-relaxed.wasm', import.meta.url);
    case 'hebb-threads-relaxed.wasm':
      return new URL('../../../wasm/hebb-threads-relaxed.wasm', import.meta.url);
  }
}

/** wasm/hebb-threads.wasm's URL. */
export const wasmThreadsUrl = (): URL => wasmFileUrl('hebb-threads.wasm');

// A module of one function, (a, b, c) => f32x4.relaxed_madd(a, b, c): valid where the runtime
// has relaxed SIMD (Chromium by default; Node 20 with --experimental-wasm-relaxed-simd).
// prettier-ignore
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 ×3) → v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

/** Whether this runtime runs the relaxed-SIMD modules (hebb-relaxed.wasm and its twin). */
export function hasRelaxedSimd(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** Automatic selection: below native (10), above ts (0). */
export const WASM_PRIORITY = 5;

export const WASM_FIX =
  'build it with npm run build:wasm (needs clang, lld, wasi-libc and the wasm32 libc++)';

/**
 * The (checked) wasm backend from a compiled one-thread module; `relaxed` when it is
 * hebb-relaxed.wasm (for info()).
 */
export function createWasmBackend(module: WebAssembly.Module, relaxed = false): Backend {
  const instance = new WebAssembly.Instance(module, {});
  return withChecks(chunked(createAddonKernels(wasmAddon(instance, false, undefined, relaxed), 'wasm')));
}

/**
 * The wasm backend on the threaded module (wasm/hebb-threads.wasm) with `workers` workers made
 * by `spawn`, or why not here (no shared memory; the fallback is createWasmBackend on
 * hebb.wasm); `relaxed` when it is hebb-threads-relaxed.wasm. The backend works at once; `ready` resolves to the workers that came up;
 * `instance` is the main instance.
 */
export function createThreadedWasmBackend(
  module: WebAssembly.Module,
  workers: number,
  spawn: SpawnWorker,
  relaxed = false,
):
  | { backend: Backend; ready: Promise<number>; instance: WebAssembly.Instance }
  | { reason: string } {
  const memory = sharedMemory();
  if (!(memory instanceof WebAssembly.Memory)) return memory;
  const instance = threadedInstance(module, memory);
  const threading = { memory, workers: () => workersReady(instance) };
  const addon = wasmAddon(instance, false, threading, relaxed);
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
