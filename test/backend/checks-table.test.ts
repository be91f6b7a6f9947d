// The checked backend is built from one check per kernel of the kernel table
// (src/backend/checks/): a kernel without an entry would run unchecked, so its absence must fail
// here, not in production.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS, withChecks } from '../../src/backend/checks/index.ts';
import { KERNEL_NAMES } from '../../src/backend/kernels/describe.ts';
import { createTsKernels } from '../../src/backend/ts/index.ts';
import type { Backend } from '../../src/backend/types.ts';
import { HebbError } from '../../src/errors.ts';

// The raw portable backend implements every kernel (the compiler sees to that).
const raw = createTsKernels();
const methods = Object.keys(raw).filter(
  (k) => k !== 'info' && typeof raw[k as keyof Backend] === 'function',
);

describe('argument checks cover every kernel', () => {
  it('every kernel has a check entry, and every entry a kernel', () => {
    assert.deepEqual([...methods].sort(), [...KERNEL_NAMES].sort(), 'the ts kernels are the table');
    const entries = Object.keys(CHECKS);
    const missing = methods.filter((k) => !entries.includes(k));
    const extra = entries.filter((k) => !methods.includes(k));
    assert.deepEqual(missing, [], `Backend methods without a check in src/backend/checks/`);
    assert.deepEqual(extra, [], `checks for no Backend method`);
  });

  it('the checked backend has every method and the raw name', () => {
    const checked = withChecks(raw);
    assert.equal(checked.name, raw.name);
    for (const k of [...methods, 'info'])
      assert.equal(typeof checked[k as keyof Backend], 'function', k);
  });

  it('a backend that lacks a kernel is refused when wrapped, naming the kernel', () => {
    const partial = { ...raw, gemm: undefined } as unknown as Backend;
    assert.throws(
      () => withChecks(partial),
      (e: unknown) => e instanceof HebbError && /no kernel gemm/.test((e as Error).message),
    );
  });
});
