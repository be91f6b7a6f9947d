// The compiled kernels as JavaScript sees them: the native addon (build/Release/hebb_native.node,
// from native/node/) and the WebAssembly module (wasm/hebb.wasm, from native/wasm/, wrapped by
// src/backend/wasm/addon.ts) export the same functions. Each kernel registered in C++ with
// HEBB_KERNEL takes the flat parameters that src/backend/kernels/describe.ts derives from the
// kernel table, and signatures() lists what was registered, for ./kernels.ts to compare.

/** A kernel called with its flat parameters (a Matrix as data, rows, cols; …). */
export type KernelFunction = (...flat: never[]) => unknown;

/** One registered kernel's parameter types and return, as the C++ side reads them. */
export interface KernelSignature {
  params: string[];
  returns: string;
}

export interface Addon {
  info(): { blas: string; threads: number; ompThreads: number };
  /** JSON of {kernel: KernelSignature} for every registered kernel. */
  signatures(): string;
  setThreads(n: number): void;
  /** The kernels, by name. */
  readonly [kernel: string]: KernelFunction;
}
