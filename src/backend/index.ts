/**
 * The compute layer's public face (browser-safe): backend selection, the array types and the
 * Backend interface. The native addon and the wasm module register themselves from the Node
 * entry; a page loads the wasm module with loadWasmBackend().
 *
 * @module hebb/backend
 */
export {
  availableBackends,
  backendUnavailableReason,
  getBackend,
  registerBackend,
  registeredBackends,
  resolveBackend,
  setBackend,
  type BackendProvider,
  type Unusable,
} from './registry.ts';
export { withChecks } from './checks/index.ts';
export { createTsKernels } from './ts/index.ts';
export {
  loadWasmBackend,
  type ResponseLike,
  type UrlLike,
  type WasmLoadOptions,
  type WasmSource,
} from './wasm/index.ts';
export { Matrix } from './matrix.ts';
export { Rng } from './rng.ts';
export * from './types.ts';
