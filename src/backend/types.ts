// The Backend: every kernel of the table (kernels/table.ts) plus what it is; the kernels'
// argument types are re-exported from kernels/arguments.ts.
import type { Kernels } from './kernels/methods.ts';

export type { KernelName } from './kernels/methods.ts';
export type { SoftHebbOnlineOptions, SoftHebbSoftStepOptions } from './kernels/table.ts';
export * from './kernels/arguments.ts';

/** What a backend is and how it runs, for logs and run records (Backend.info()). */
export interface BackendInfo {
  /** The backend's name. */
  name: BackendName;
  /** e.g. 'OpenBLAS 0.3.21 …' for native; 'portable TypeScript' for ts. */
  blas: string;
  /** BLAS threads (native) or 1 (ts). */
  threads: number;
  /** OpenMP threads for the fused loops (native) or 1 (ts). */
  ompThreads: number;
  /**
   * Where the native code came from: the addon file and why it was chosen ('source': built
   * here, 'prebuilt': shipped in the package, 'HEBB_NATIVE_PATH'); absent for ts and wasm.
   */
  module?: string;
}

/** The built-in backends: the portable TypeScript kernels, the native addon, the wasm module. */
export type BackendName = 'ts' | 'native' | 'wasm';

/**
 * The compute surface every algorithm uses. All matrices are row-major float32.
 * Kernels write into caller-owned outputs (no hidden allocation in hot loops); `out` may
 * alias an input where noted. The kernels and their documentation are declared once, in
 * src/backend/kernels/table.ts.
 */
export interface Backend extends Kernels {
  /** Which backend this is. */
  readonly name: BackendName;
  /** Its BLAS library and thread counts. */
  info(): BackendInfo;
}
