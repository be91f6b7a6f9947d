import '../../src/backend/register-node.ts';
import { availableBackends, getBackend, type Backend } from '../../src/backend/index.ts';

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
