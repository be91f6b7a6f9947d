// The checked backend: one generic wrapper over a table with one check per kernel of the kernel
// table. A new kernel needs one entry in the group file of its group (the compiler and
// test/backend/checks-table.test.ts say when one is missing).
import { HebbError } from '../../errors.ts';
import type { Backend } from '../types.ts';
import { attentionChecks } from './attention.ts';
import { convChecks } from './conv.ts';
import { elementwiseChecks } from './elementwise.ts';
import { gemmChecks } from './gemm.ts';
import { linearSvcChecks } from './linear-svc.ts';
import { optimChecks } from './optim.ts';
import { reduceChecks } from './reduce.ts';
import { randomChecks } from './random.ts';
import { similarityChecks } from './similarity.ts';
import { softHebbChecks } from './softhebb.ts';
import type { CheckTable, KernelName } from './types.ts';
import type { Ctx } from './validators.ts';

export const CHECKS: CheckTable = {
  ...gemmChecks,
  ...elementwiseChecks,
  ...reduceChecks,
  ...convChecks,
  ...softHebbChecks,
  ...optimChecks,
  ...similarityChecks,
  ...linearSvcChecks,
  ...attentionChecks,
  ...randomChecks,
};

type AnyCheck = (c: Ctx, ...args: unknown[]) => unknown[] | void;
type AnyKernel = (...args: unknown[]) => unknown;

/**
 * Wraps a backend's raw kernels with argument checks, so that every backend rejects bad input
 * the same way, in TypeScript, before native code runs. Messages name the kernel, the
 * argument, the shapes seen and the fix.
 */
export function withChecks(raw: Backend): Backend {
  const checked: Record<string, unknown> = { name: raw.name, info: () => raw.info() };
  for (const k of Object.keys(CHECKS) as KernelName[]) {
    const kernel = raw[k] as AnyKernel;
    if (typeof kernel !== 'function') {
      throw new HebbError(`withChecks: the ${raw.name} backend has no kernel ${k}; implement it`);
    }
    const check = CHECKS[k] as AnyCheck;
    const c: Ctx = { k, raw };
    checked[k] = (...args: unknown[]) => kernel.apply(raw, check(c, ...args) ?? args);
  }
  return checked as unknown as Backend;
}
