// Földiák's anti-Hebbian decorrelation: the output covariance, computed from transform in
// float64, ends diagonal; in two dimensions the learnt lateral weight equals the root of
// c l² + (a + b) l + c = 0 (the closed form of E[y₁y₂] = 0); one update is −η y yᵀ off the diagonal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng, getBackend } from '../../src/backend/index.ts';
import { AntiHebbian } from '../../src/classic/index.ts';
import { backendsUnderTest } from '../helpers/backends.ts';
import { covariance, orthonormalRows } from './helpers.ts';

const ts = getBackend('ts');

/** N zero-mean samples whose second-moment matrix (1/N Σ x xᵀ) is exactly A Aᵀ. */
function withMoments(N: number, a: number[][], seed: number): Matrix {
  const D = a.length;
  const rng = new Rng(seed, ts);
  const z = orthonormalRows(
    Array.from({ length: D }, () => Float64Array.from(rng.normal(N))),
    true,
  );
  const x = new Matrix(N, D);
  for (let i = 0; i < N; i++)
    for (let t = 0; t < D; t++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += a[t][j] * z[j][i] * Math.sqrt(N);
      x.data[i * D + t] = s;
    }
  return x;
}

for (const be of backendsUnderTest()) {
  describe(`AntiHebbian (${be.name})`, () => {
    it('in 2-D the lateral weight settles at the closed form l = (−(a+b) + √((a+b)² − 4c²)) / 2c (1 %)', () => {
      // Second moments a = 1, b = 2, c = 0.8 (correlation 0.57): A = Cholesky factor.
      const [a, b, c] = [1, 2, 0.8];
      const x = withMoments(
        2000,
        [
          [1, 0],
          [c, Math.sqrt(b - c * c)],
        ],
        4,
      );
      const m = new AntiHebbian({ lr: 'linear:0.05', epochs: 60, batchSize: 50, backend: be }).fit(
        x,
      );
      const want = (-(a + b) + Math.sqrt((a + b) ** 2 - 4 * c * c)) / (2 * c);
      const l = m.lateral.data;
      assert.equal(l[0], 0);
      assert.equal(l[3], 0);
      assert.equal(l[1], l[2], 'symmetric');
      assert.ok(Math.abs(l[1] / want - 1) < 0.01, `l = ${l[1]}, closed form ${want}`);
    });

    it('in 5-D the output covariance becomes diagonal (|correlation| ≤ 0.01 off the diagonal)', () => {
      const D = 5;
      const r = new Rng(9, ts).normal(D * D);
      const mix = Array.from({ length: D }, (_, i) =>
        Array.from({ length: D }, (_, j) => (i === j ? 1 : 0) + 0.5 * r[i * D + j]),
      );
      const x = withMoments(3000, mix, 5);
      const before = covariance(x.data, x.rows, D);
      const worst = (c: Float64Array) => {
        let w = 0;
        for (let i = 0; i < D; i++)
          for (let j = 0; j < i; j++)
            w = Math.max(w, Math.abs(c[i * D + j]) / Math.sqrt(c[i * D + i] * c[j * D + j]));
        return w;
      };
      assert.ok(worst(before) > 0.3, `the inputs are correlated (${worst(before)})`);
      const m = new AntiHebbian({ lr: 'linear:0.05', epochs: 30, batchSize: 20, backend: be }).fit(
        x,
      );
      const y = m.transform(x);
      const after = worst(covariance(y.data, y.rows, D));
      assert.ok(after <= 0.01, `largest output correlation ${after}`);
    });

    it('one update is ΔL = −(η/B) Σ y yᵀ off the diagonal, with y = (I − L)⁻¹ x', () => {
      const x = new Matrix(3, 2, Float32Array.from([1, 0.5, -0.2, 1, 0.7, 0.7]));
      const eta = 0.2;
      const m = new AntiHebbian({ lr: eta, batchSize: 3, backend: be }).partialFit(x);
      // From L = 0, y = x: ΔL₁₂ = −η/3 Σ x₁x₂.
      const l1 = (-eta / 3) * (1 * 0.5 + -0.2 * 1 + 0.7 * 0.7);
      assert.ok(
        Math.abs(m.lateral.data[1] - l1) < 1e-7,
        `first step ${m.lateral.data[1]} vs ${l1}`,
      );
      m.partialFit(x);
      // Second step: y = (I − L)⁻¹ x = (x₁ + l x₂, l x₁ + x₂) / (1 − l²).
      let s = 0;
      for (let i = 0; i < 3; i++) {
        const [u, v] = [x.data[2 * i], x.data[2 * i + 1]];
        s += ((u + l1 * v) * (l1 * u + v)) / (1 - l1 * l1) ** 2;
      }
      const l2 = l1 - (eta / 3) * s;
      assert.ok(
        Math.abs(m.lateral.data[1] - l2) < 1e-6,
        `second step ${m.lateral.data[1]} vs ${l2}`,
      );
      assert.deepEqual(m.transform(new Matrix(1, 2, Float32Array.of(1, 0))).data.length, 2);
    });
  });
}
