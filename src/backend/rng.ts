import { ValueError } from '../errors.ts';
import type { Backend, RngKey } from './types.ts';

const TWO32 = 4294967296;

/** murmur3's 32-bit finaliser: spreads seed bits over the key. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A seeded random stream on top of a backend's counter-based generator (Philox4x32-10).
 * Each draw consumes whole 4-word blocks, so the same sequence of calls gives the same
 * numbers on every backend, bit for bit.
 */
export class Rng {
  /** The generator's key, derived from the seed. */
  readonly key: RngKey;
  /** Index of the next unused 4-word block. */
  counter = 0;
  /** The backend whose generator draws the numbers. */
  readonly backend: Backend;

  constructor(seed: number, backend: Backend) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ValueError(`Rng: seed must be a non-negative integer, got ${String(seed)}`);
    }
    const hi = Math.floor(seed / TWO32);
    const lo = seed - hi * TWO32;
    this.key = [fmix32(lo ^ 0x3c6ef372), fmix32((hi ^ 0xa54ff53a) + Math.imul(lo, 0x9e3779b9))];
    this.backend = backend;
  }

  /** An independent stream derived from this one's key (e.g. one per layer or per worker). */
  fork(stream: number): Rng {
    const child = new Rng(0, this.backend);
    (child as { key: RngKey }).key = [
      fmix32(this.key[0] ^ fmix32(stream + 1)),
      fmix32(this.key[1] + stream + 0x6a09e667),
    ];
    return child;
  }

  private take(n: number): number {
    const c = this.counter;
    this.counter += Math.ceil(n / 4);
    return c;
  }

  /** n (or out.length) uniform values in [low, high). */
  uniform(nOrOut: number | Float32Array, low = 0, high = 1): Float32Array {
    const out = typeof nOrOut === 'number' ? new Float32Array(nOrOut) : nOrOut;
    this.backend.fillUniform(out, this.key, this.take(out.length), low, high);
    return out;
  }

  /** n (or out.length) normal values with the given mean and standard deviation. */
  normal(nOrOut: number | Float32Array, mean = 0, std = 1): Float32Array {
    const out = typeof nOrOut === 'number' ? new Float32Array(nOrOut) : nOrOut;
    this.backend.fillNormal(out, this.key, this.take(out.length), mean, std);
    return out;
  }

  /** n raw 32-bit words. */
  u32(n: number): Uint32Array {
    const out = new Uint32Array(n);
    this.backend.randomU32(out, this.key, this.take(n));
    return out;
  }

  /** A uniformly random permutation of 0..n−1 (Fisher–Yates on 53-bit draws). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0)
      throw new ValueError(`Rng.permutation: n must be a non-negative integer, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    if (n < 2) return p;
    const w = this.u32(2 * (n - 1));
    for (let i = n - 1, t = 0; i > 0; i--, t += 2) {
      const u = (w[t] * 2097152 + (w[t + 1] >>> 11)) / 9007199254740992;
      const j = Math.min(i, Math.floor(u * (i + 1)));
      const tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  /** One integer uniform in [0, n). */
  int(n: number): number {
    const w = this.u32(2);
    return Math.min(n - 1, Math.floor(((w[0] * 2097152 + (w[1] >>> 11)) / 9007199254740992) * n));
  }
}
