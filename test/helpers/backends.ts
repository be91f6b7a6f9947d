import '../../src/backend/register-node.ts';
import assert from 'node:assert/strict';
import { availableBackends, getBackend, type Backend } from '../../src/backend/index.ts';
import { setNativeThreads } from '../../src/backend/native/threads.ts';

/**
 * The backends a suite runs on: HEBB_BACKEND when it names one (CI's second pass forces ts),
 * else every backend that loads here. Suites do `for (const b of backendsUnderTest()) describe(b.name, …)`.
 */
export function backendsUnderTest(): Backend[] {
  const forced = process.env.HEBB_BACKEND?.trim();
  const names = forced && forced !== 'auto' ? [forced] : availableBackends();
  return names.map((n) => getBackend(n));
}

/** Relative-or-absolute closeness: |a − b| ≤ atol + rtol·|b|, with the first offender reported. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  {
    rtol = 1e-5,
    atol = 1e-6,
    what = 'values',
  }: { rtol?: number; atol?: number; what?: string } = {},
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length} ≠ expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}[${i}]: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/**
 * Runs `run` on the native backend with 1 and then 2 threads and asserts its outputs equal bit
 * for bit (kernels whose sums must not depend on how the work is split); the backend's thread
 * count is restored afterwards.
 */
export function assertSameOnOneAndTwoThreads(be: Backend, run: () => ArrayLike<number>[]): void {
  const before = be.info().ompThreads;
  try {
    setNativeThreads(be, 1);
    const one = run();
    setNativeThreads(be, 2);
    const two = run();
    one.forEach((x, i) => assert.deepEqual(x, two[i], `output ${i}`));
  } finally {
    setNativeThreads(be, before);
  }
}
