// The WebAssembly backend: the native addon's C++ kernels compiled for wasm32 with SIMD128
// (wasm/hebb.wasm, `npm run build:wasm`), one thread, in Node and in browsers. Browser-safe:
// the Node entry registers it synchronously from the file (./register.ts); a page awaits
// loadWasmBackend() once, after which automatic selection prefers it to the ts backend.
import { withChecks } from '../checks/index.ts';
import { createAddonKernels } from '../addon/kernels.ts';
import { registerBackend } from '../registry.ts';
import type { Backend } from '../types.ts';
import { wasmAddon } from './addon.ts';
import { chunked } from './chunked.ts';

/**
 * Where the module lies in the package, from this file's URL (Vite and similar bundlers copy
 * it as an asset). A bundle without import.meta (a script, an iife) has none: pass the URL or
 * the bytes to loadWasmBackend instead.
 */
export function wasmUrl(): URL {
  const here = (import.meta as { url?: string }).url;
  if (!here) {
    throw new Error(
      "this bundle has no import.meta.url to find wasm/hebb.wasm from; pass the module's URL or bytes to loadWasmBackend",
    );
  }
  return new URL('../../../wasm/hebb.wasm', here);
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

/** Registers the wasm backend with a loader (called at most once, on first use). */
export function registerWasmBackend(
  load: () => Backend | { reason: string },
  fix: string = WASM_FIX,
): void {
  registerBackend({ name: 'wasm', priority: WASM_PRIORITY, fix, load });
}

/**
 * Compiles the module (by default from wasmUrl(); or from a URL, a fetch Response, or the
 * bytes), registers the wasm backend, and returns it. Call once before training in a page:
 * getBackend() then chooses wasm over ts, and setBackend('wasm') works.
 */
export async function loadWasmBackend(
  source: string | URL | Response | ArrayBuffer | Uint8Array = wasmUrl(),
): Promise<Backend> {
  let module: WebAssembly.Module;
  try {
    if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
      module = await WebAssembly.compile(source as BufferSource);
    } else {
      const res = source instanceof Response ? source : await fetch(source);
      if (!res.ok) throw new Error(`could not fetch the wasm module (${res.status} ${res.url})`);
      module = await WebAssembly.compile(await res.arrayBuffer());
    }
  } catch (e) {
    // Later automatic selections say why wasm is missing, not that it is still to come.
    const why = (e as Error).message;
    registerWasmBackend(
      () => ({ reason: `loading the wasm module failed: ${why}` }),
      'serve hebb.wasm where loadWasmBackend looks for it, or use the ts backend',
    );
    throw e;
  }
  const backend = createWasmBackend(module);
  registerWasmBackend(() => backend);
  return backend;
}

// Until loadWasmBackend() (or, in Node, ./register.ts) provides the module, the backend is
// known by name and says what to do.
registerWasmBackend(
  () => ({ reason: 'the wasm module is not loaded yet' }),
  'await loadWasmBackend() once before training',
);
