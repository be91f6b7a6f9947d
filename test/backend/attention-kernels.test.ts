// Attention kernels against a float64 reference written per (sequence, head), the backward
// pass against central finite differences of that reference, on every backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng, getBackend } from '../../src/backend/index.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

const rand = (seed: number, rows: number, cols: number) =>
  new Matrix(rows, cols, new Rng(seed, getBackend('ts')).normal(rows * cols));

/** out (float64) for q, k, v given as plain arrays, the definition written out. */
function reference(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  rows: number,
  width: number,
  heads: number,
  T: number,
  scale: number,
): { out: Float64Array; probs: Float64Array } {
  const d = width / heads;
  const out = new Float64Array(rows * width);
  const probs = new Float64Array((rows / T) * heads * T * T);
  const at = (b: number, t: number, h: number, j: number) => (b * T + t) * width + h * d + j;
  for (let b = 0; b < rows / T; b++)
    for (let h = 0; h < heads; h++)
      for (let t = 0; t < T; t++) {
        const s = Array.from({ length: T }, (_, u) => {
          let acc = 0;
          for (let j = 0; j < d; j++) acc += q[at(b, t, h, j)] * k[at(b, u, h, j)];
          return scale * acc;
        });
        const m = Math.max(...s);
        const e = s.map((x) => Math.exp(x - m));
        const z = e.reduce((p, x) => p + x, 0);
        for (let u = 0; u < T; u++) probs[((b * heads + h) * T + t) * T + u] = e[u] / z;
        for (let j = 0; j < d; j++) {
          let acc = 0;
          for (let u = 0; u < T; u++) acc += (e[u] / z) * v[at(b, u, h, j)];
          out[at(b, t, h, j)] = acc;
        }
      }
  return { out, probs };
}

// 3 sequences of 5 tokens, width 12 in 3 heads of 4; and a larger case for the threaded path.
const CASES = [
  { seqs: 3, T: 5, width: 12, heads: 3, scale: 0.5 },
  { seqs: 256, T: 8, width: 32, heads: 4, scale: 1 / Math.sqrt(8) },
];

for (const be of backendsUnderTest()) {
  describe(`attention kernels (${be.name})`, () => {
    for (const { seqs, T, width, heads, scale } of CASES) {
      const rows = seqs * T;
      const q = rand(1, rows, width);
      const k = rand(2, rows, width);
      const v = rand(3, rows, width);
      const ref = reference(q.data, k.data, v.data, rows, width, heads, T, scale);

      it(`forward equals softmax(scale·QKᵀ)V per head (${seqs}×${T} tokens, ${heads} heads)`, () => {
        const probs = Matrix.filled(seqs * heads * T, T, NaN);
        const out = Matrix.filled(rows, width, NaN);
        be.attention(q, k, v, heads, T, scale, probs, out);
        assertClose(probs.data, ref.probs, { atol: 1e-6, rtol: 1e-5, what: 'probs' });
        assertClose(out.data, ref.out, { atol: 1e-6, rtol: 1e-5, what: 'out' });
      });

      it(`backward equals central differences of the float64 forward (${seqs}×${T})`, () => {
        const g = rand(4, rows, width);
        const probs = Matrix.zeros(seqs * heads * T, T);
        const out = Matrix.zeros(rows, width);
        be.attention(q, k, v, heads, T, scale, probs, out);
        const [dq, dk, dv] = [0, 1, 2].map(() => Matrix.filled(rows, width, NaN));
        be.attentionBackward(q, k, v, probs, g, heads, T, scale, dq, dk, dv);
        // ℓ = Σ g ⊙ out; ∂ℓ/∂x_i by (ℓ(x + h e_i) − ℓ(x − h e_i)) / 2h in float64
        const loss = (qq: Float64Array, kk: Float64Array, vv: Float64Array) => {
          const o = reference(qq, kk, vv, rows, width, heads, T, scale).out;
          let s = 0;
          for (let i = 0; i < o.length; i++) s += g.data[i] * o[i];
          return s;
        };
        const base = [q, k, v].map((m) => Float64Array.from(m.data));
        const got = [dq, dk, dv];
        const h = 1e-5;
        // every entry in the small case, a spread of entries in the large one
        const idx =
          rows * width < 500
            ? Array.from({ length: rows * width }, (_, i) => i)
            : Array.from({ length: 40 }, (_, i) => (i * 7919) % (rows * width));
        for (let which = 0; which < 3; which++) {
          const num: number[] = [];
          const ana: number[] = [];
          for (const i of idx) {
            const plus = base.map((a) => a.slice());
            const minus = base.map((a) => a.slice());
            plus[which][i] += h;
            minus[which][i] -= h;
            num.push(
              (loss(plus[0], plus[1], plus[2]) - loss(minus[0], minus[1], minus[2])) / (2 * h),
            );
            ana.push(got[which].data[i]);
          }
          assertClose(ana, num, { atol: 2e-5, rtol: 1e-4, what: ['dq', 'dk', 'dv'][which] });
        }
      });
    }

    it('rejects heads that do not divide the width, partial sequences and a wrong probs', () => {
      const q = rand(1, 10, 12);
      const out = Matrix.zeros(10, 12);
      assert.throws(
        () => be.attention(q, q.clone(), q.clone(), 5, 5, 1, Matrix.zeros(10, 5), out),
        (e: Error) =>
          e instanceof ShapeError && /5 heads do not divide the width 12/.test(e.message),
      );
      assert.throws(
        () => be.attention(q, q.clone(), q.clone(), 3, 4, 1, Matrix.zeros(12, 4), out),
        (e: Error) =>
          e instanceof ShapeError && /not a whole number of 4-token sequences/.test(e.message),
      );
      assert.throws(
        () => be.attention(q, q.clone(), q.clone(), 3, 5, 1, Matrix.zeros(6, 5), out),
        (e: Error) => e instanceof ShapeError && /probs is 6×5 but .* need 30×5/.test(e.message),
      );
      assert.throws(
        () => be.attention(q, q.clone(), q.clone(), 3, 5, 1, Matrix.zeros(30, 5), q),
        (e: Error) => e instanceof ValueError && /out shares memory with q/.test(e.message),
      );
      assert.throws(
        () => be.attention(q, q.clone(), q.clone(), 0, 5, 1, Matrix.zeros(30, 5), out),
        (e: Error) => e instanceof ValueError && /heads must be a positive integer/.test(e.message),
      );
    });
  });
}
