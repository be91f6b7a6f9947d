// Oja's rule and Sanger's GHA against independent principal axes: data built with a known
// covariance (the axes in closed form) on every backend, and MNIST's top 16 axes from NumPy's
// SVD (test/fixtures/make_mnist_pca_fixture.py); one update against the formula in float64.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix, Rng, getBackend } from '../../src/backend/index.ts';
import { Oja, Sanger } from '../../src/classic/index.ts';
import { mnist } from '../../src/data/mnist.ts';
import { parseNpy } from '../../src/data/npy.ts';
import { backendsUnderTest } from '../helpers/backends.ts';
import { degrees, orthonormalRows } from './helpers.ts';

const ts = getBackend('ts');

/**
 * N samples of μ + Σ_j σ_j z_j q_j whose sample covariance is exactly Q diag(σ²) Qᵀ: the z
 * columns are centred and orthonormalised (Gram–Schmidt in float64), scaled by √(N − 1).
 * The principal axes are then the rows of Q, the variances σ², with no sampling error.
 */
function plantedAxes(N: number, sd: number[], seed: number): { x: Matrix; q: Float64Array[] } {
  const D = sd.length;
  const rng = new Rng(seed, ts);
  const z = orthonormalRows(
    Array.from({ length: D }, () => Float64Array.from(rng.normal(N))),
    true,
  );
  const q = orthonormalRows(Array.from({ length: D }, () => Float64Array.from(rng.normal(D))));
  const x = new Matrix(N, D);
  for (let i = 0; i < N; i++)
    for (let t = 0; t < D; t++) {
      let s = 0.5 * t; // a mean the rule must remove
      for (let j = 0; j < D; j++) s += q[j][t] * sd[j] * z[j][i] * Math.sqrt(N - 1);
      x.data[i * D + t] = s;
    }
  return { x, q };
}

/** Variances 4·0.75^j: neighbouring axes 25 % apart. */
const SD = Array.from({ length: 16 }, (_, j) => Math.sqrt(4 * 0.75 ** j));

for (const be of backendsUnderTest()) {
  describe(`Oja and Sanger (${be.name})`, () => {
    const { x, q } = plantedAxes(4000, SD, 3);

    it("Oja's unit converges to the first principal axis (≤ 1°) with unit length", () => {
      const m = new Oja({ lr: 'linear:0.1', epochs: 20, batchSize: 32, backend: be }).fit(x);
      const w = m.weights.row(0);
      assert.ok(degrees(w, q[0]) <= 1, `angle ${degrees(w, q[0])}°`);
      const norm = Math.hypot(...w);
      assert.ok(Math.abs(norm - 1) < 0.01, `‖w‖ = ${norm}`);
    });

    it("Sanger's 8 units converge to the 8 leading axes in order (each ≤ 1°), unit length", () => {
      const m = new Sanger({
        components: 8,
        lr: 'linear:0.1',
        epochs: 40,
        batchSize: 64,
        seed: 1,
        backend: be,
      }).fit(x);
      for (let k = 0; k < 8; k++) {
        const w = m.weights.row(k);
        assert.ok(degrees(w, q[k]) <= 1, `axis ${k}: ${degrees(w, q[k])}°`);
        assert.ok(Math.abs(Math.hypot(...w) - 1) < 0.01, `axis ${k}: ‖w‖ = ${Math.hypot(...w)}`);
      }
      // transform: centred projections, whose variances are the planted ones.
      const y = m.transform(x);
      for (let k = 0; k < 8; k++) {
        let v = 0;
        for (let i = 0; i < x.rows; i++) v += y.data[i * 8 + k] ** 2 / (x.rows - 1);
        assert.ok(Math.abs(v / SD[k] ** 2 - 1) < 0.01, `variance ${k}: ${v} vs ${SD[k] ** 2}`);
      }
    });

    it('one mini-batch step is ΔW = η (Y ᵀX − T(YᵀY) W) / B on centred rows (float64)', () => {
      const xb = x.sliceRows(0, 10).clone();
      for (const [Rule, lower] of [
        [Oja, false],
        [Sanger, true],
      ] as const) {
        const k = 3;
        const start = new Rule({ components: k, lr: 0, batchSize: 10, backend: be }).partialFit(xb);
        const w0 = start.weights.clone();
        const mu = start.mean;
        const eta = 0.3;
        const m = new Rule({ components: k, lr: eta, batchSize: 10, backend: be })
          .setState(start.getState())
          .partialFit(xb);
        const D = x.cols;
        const xc = Array.from({ length: 10 }, (_, i) =>
          Array.from({ length: D }, (_, t) => xb.data[i * D + t] - mu[t]),
        );
        const y = xc.map((r) =>
          Array.from({ length: k }, (_, a) => r.reduce((s, v, t) => s + v * w0.data[a * D + t], 0)),
        );
        for (let a = 0; a < k; a++)
          for (let t = 0; t < D; t++) {
            let d = 0;
            for (let i = 0; i < 10; i++) {
              d += y[i][a] * xc[i][t];
              for (let b = 0; b < k; b++)
                if (!lower || b <= a) d -= y[i][a] * y[i][b] * w0.data[b * D + t];
            }
            const want = w0.data[a * D + t] + (eta * d) / 10;
            const got = m.weights.data[a * D + t];
            assert.ok(
              Math.abs(got - want) < 1e-5 * (1 + Math.abs(want)),
              `${Rule.name} [${a},${t}]`,
            );
          }
        // The mean is the first rows' mean, taken once.
        for (let t = 0; t < D; t++) {
          let want = 0;
          for (let i = 0; i < 10; i++) want += xb.data[i * D + t] / 10;
          assert.ok(Math.abs(mu[t] - want) < 1e-5 * (1 + Math.abs(want)), `mean ${t}`);
        }
      }
    });
  });
}

describe("Sanger on MNIST: the top 16 axes of NumPy's SVD", () => {
  // One backend (native where it loads): 60 epochs on ts take ~13 s.
  const be = backendsUnderTest()[0];
  it(`every axis within 3° of the SVD's on the first 1500 training images (${be.name})`, () => {
    const ref = parseNpy(readFileSync(join(import.meta.dirname, '../fixtures/mnist-pca16.npy')));
    assert.deepEqual(ref.shape, [16, 784]);
    const v = ref.data as Float32Array;
    const x = mnist().train.x.sliceRows(0, 1500).clone();
    const m = new Sanger({
      components: 16,
      lr: 'linear:0.15',
      epochs: 60,
      batchSize: 32,
      seed: 1,
      backend: be,
    }).fit(x);
    const angles = Array.from({ length: 16 }, (_, k) =>
      degrees(m.weights.row(k), v.subarray(k * 784, (k + 1) * 784)),
    );
    assert.ok(Math.max(...angles) <= 3, `angles ${angles.map((a) => a.toFixed(2)).join(' ')}`);
  });
});
