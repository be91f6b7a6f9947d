import { cosSinWord, logUniformWord, philoxAt, unitFloatWord } from '../philox.ts';
import type { RngKey } from '../types.ts';
import type { KernelGroup } from '../kernels/methods.ts';

/** Calls visit(i, w0, w1, w2, w3) for each 4-word block covering out indices [4i, 4i+4). */
function blocks(
  n: number,
  key: RngKey,
  counter: number,
  visit: (base: number, words: Uint32Array) => void,
): void {
  const words = new Uint32Array(4);
  for (let base = 0; base < n; base += 4) {
    philoxAt(counter + base / 4, key[0], key[1], words, 0);
    visit(base, words);
  }
}

export function randomU32Ts(out: Uint32Array, key: RngKey, counter: number): void {
  blocks(out.length, key, counter, (base, w) => {
    for (let j = 0; j < 4 && base + j < out.length; j++) out[base + j] = w[j];
  });
}

export function fillUniformTs(
  out: Float32Array,
  key: RngKey,
  counter: number,
  low = 0,
  high = 1,
): void {
  const span = high - low;
  blocks(out.length, key, counter, (base, w) => {
    for (let j = 0; j < 4 && base + j < out.length; j++)
      out[base + j] = low + span * unitFloatWord(w[j]);
  });
}

export function fillNormalTs(
  out: Float32Array,
  key: RngKey,
  counter: number,
  mean = 0,
  std = 1,
): void {
  const cs = new Float64Array(2);
  const z = new Float64Array(4);
  blocks(out.length, key, counter, (base, w) => {
    for (let pair = 0; pair < 2; pair++) {
      const r = Math.sqrt(-2 * logUniformWord(w[2 * pair]));
      cosSinWord(w[2 * pair + 1], cs);
      z[2 * pair] = r * cs[0];
      z[2 * pair + 1] = r * cs[1];
    }
    for (let j = 0; j < 4 && base + j < out.length; j++) out[base + j] = mean + std * z[j];
  });
}

/** The Philox stream kernels of the portable backend. */
export const randomKernels = {
  randomU32: randomU32Ts,
  fillUniform: fillUniformTs,
  fillNormal: fillNormalTs,
} satisfies KernelGroup;
