// The portable backend: one group file per kernel group of the table
// (src/backend/kernels/table.ts), each exporting its kernels; the compiler checks that together
// they implement every kernel.
import type { Kernels } from '../kernels/methods.ts';
import type { Backend } from '../types.ts';
import { attentionKernels } from './attention.ts';
import { convKernels } from './conv.ts';
import { elementwiseKernels } from './elementwise.ts';
import { gemmKernels } from './gemm.ts';
import { linearSvcKernels } from './linear-svc.ts';
import { optimKernels } from './optim.ts';
import { randomKernels } from './random.ts';
import { reduceKernels } from './reduce.ts';
import { similarityKernels } from './similarity.ts';
import { softHebbKernels } from './softhebb.ts';

const kernels = {
  ...gemmKernels,
  ...elementwiseKernels,
  ...reduceKernels,
  ...convKernels,
  ...softHebbKernels,
  ...optimKernels,
  ...similarityKernels,
  ...attentionKernels,
  ...linearSvcKernels,
  ...randomKernels,
} satisfies Kernels;

/** The portable backend: plain typed arrays, no dependencies, runs in a browser. Unchecked. */
export function createTsKernels(): Backend {
  return {
    name: 'ts',
    info: () => ({
      name: 'ts',
      blas: 'portable TypeScript (cache-blocked)',
      threads: 1,
      ompThreads: 1,
    }),
    ...kernels,
  };
}
