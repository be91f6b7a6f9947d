// Browser-safe entry: the portable TypeScript backend and the array types, with no Node
// built-ins anywhere in its import graph (the native loader lives behind src/backend/index.ts).
import { withChecks } from './backend/checks/index.ts';
import { createTsKernels } from './backend/ts/index.ts';
import type { Backend } from './backend/types.ts';

let backend: Backend | undefined;

/** The portable backend, with the same argument checks as every backend. */
export function portableBackend(): Backend {
  backend ??= withChecks(createTsKernels());
  return backend;
}

export { Matrix } from './backend/matrix.ts';
export { Rng } from './backend/rng.ts';
export * from './backend/types.ts';
export { HebbError, ShapeError, ValueError } from './errors.ts';
