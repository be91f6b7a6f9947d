// Node only: makes the wasm backend available to backend selection, compiled synchronously
// from the package's wasm/hebb.wasm. Imported for its effect by the Node entry (with the
// native one), the CLI, the tests and the benchmarks.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWasmBackend, registerWasmBackend, wasmUrl } from './module.ts';

export const WASM_PATH = fileURLToPath(wasmUrl());

registerWasmBackend(() => {
  if (!existsSync(WASM_PATH))
    return { reason: `the wasm module is not built (${WASM_PATH} is missing)` };
  try {
    return createWasmBackend(new WebAssembly.Module(readFileSync(WASM_PATH)));
  } catch (e) {
    return { reason: `the wasm module failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
});
