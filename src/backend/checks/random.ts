// Checks of the counter-based random number kernels (Philox4x32-10).
import { ValueError } from '../../errors.ts';
import type { CheckGroup } from './types.ts';
import { scalar, vector, type Ctx } from './validators.ts';

/** A Philox key of two 32-bit words and a block counter that doubles keep exact. */
function keyAndCounter(c: Ctx, key: unknown, counter: unknown): void {
  const ok =
    Array.isArray(key) &&
    key.length === 2 &&
    key.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32);
  if (!ok)
    throw new ValueError(
      `${c.k}: key must be two unsigned 32-bit integers, got ${JSON.stringify(key)}`,
    );
  if (!Number.isSafeInteger(counter) || (counter as number) < 0) {
    throw new ValueError(
      `${c.k}: counter must be a non-negative safe integer, got ${String(counter)}`,
    );
  }
}

export const randomChecks = {
  randomU32(c, out, key, counter) {
    vector(c, 'out', out, Uint32Array);
    keyAndCounter(c, key, counter);
  },
  fillUniform(c, out, key, counter, low = 0, high = 1) {
    vector(c, 'out', out, Float32Array);
    keyAndCounter(c, key, counter);
    scalar(c, 'low', low);
    scalar(c, 'high', high);
    return [out, key, counter, low, high];
  },
  fillNormal(c, out, key, counter, mean = 0, std = 1) {
    vector(c, 'out', out, Float32Array);
    keyAndCounter(c, key, counter);
    scalar(c, 'mean', mean);
    scalar(c, 'std', std);
    if (std < 0) throw new ValueError(`${c.k}: std must be ≥ 0, got ${std}`);
    return [out, key, counter, mean, std];
  },
} satisfies CheckGroup;
