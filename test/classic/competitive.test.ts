// Competitive learning against k-means: on well-separated blobs the winner-take-all units
// settle on the centres Lloyd's algorithm finds; one k-WTA step moves exactly the k nearest
// units by η (x − w).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng, getBackend } from '../../src/backend/index.ts';
import { CompetitiveLearning } from '../../src/classic/index.ts';
import { KMeans } from '../../src/features/kmeans.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

const ts = getBackend('ts');

for (const be of backendsUnderTest()) {
  describe(`CompetitiveLearning (${be.name})`, () => {
    it("with one winner the units settle within 0.05 of k-means' centroids on four blobs", () => {
      const centres = [
        [0, 0, 0],
        [5, 0, 0],
        [0, 5, 0],
        [0, 0, 5],
      ];
      const N = 800;
      const x = new Matrix(N, 3, new Rng(6, ts).normal(N * 3, 0, 0.5));
      for (let i = 0; i < N; i++)
        for (let j = 0; j < 3; j++) x.data[i * 3 + j] += centres[i % 4][j];
      const km = new KMeans({ clusters: 4, seed: 1, backend: be }).fit(x);
      const m = new CompetitiveLearning({ units: 4, epochs: 20, seed: 3, backend: be }).fit(x);
      const used = new Set<number>();
      for (let u = 0; u < 4; u++) {
        const w = m.weights.row(u);
        const d = [0, 1, 2, 3].map((c) =>
          Math.hypot(...w.map((v, j) => v - km.centroids.data[c * 3 + j])),
        );
        const c = d.indexOf(Math.min(...d));
        used.add(c);
        assert.ok(d[c] < 0.05, `unit ${u} is ${d[c]} from k-means centroid ${c}`);
      }
      assert.equal(used.size, 4, 'one unit per centroid');
      // predict = k-means' assignment, up to the units' order
      const a = m.predict(x);
      const b = km.predict(x);
      const map = new Map<number, number>();
      for (let i = 0; i < N; i++) {
        if (!map.has(a[i])) map.set(a[i], b[i]);
        assert.equal(map.get(a[i]), b[i], `sample ${i}`);
      }
    });

    it('one k-WTA step moves the k nearest units by (η/B) Σ (x − w) and no other', () => {
      const w0 = Float32Array.from([0, 0, 4, 0, 10, 10, 0, 3]); // units at (0,0) (4,0) (10,10) (0,3)
      const make = (winners: number, lr: number) =>
        new CompetitiveLearning({ units: 4, winners, lr, batchSize: 2, backend: be }).setState({
          weights: { dtype: 'F32', shape: [4, 2], data: w0.slice() },
          samples_seen: { dtype: 'F64', shape: [], data: Float64Array.of(0) },
          horizon: { dtype: 'F64', shape: [], data: Float64Array.of(0) },
        });
      // (2.1, 0) is nearest (4,0) (1.9 against 2.1); (0, 1.6) is nearest (0,3) (1.4 against 1.6).
      const x = new Matrix(2, 2, Float32Array.from([2.1, 0, 0, 1.6]));
      const eta = 0.5;
      const one = make(1, eta).partialFit(x);
      const want1 = w0.slice();
      want1[2] += (eta / 2) * (2.1 - 4);
      want1[7] += (eta / 2) * (1.6 - 3);
      for (let i = 0; i < 8; i++)
        assert.ok(Math.abs(one.weights.data[i] - want1[i]) < 1e-6, `k=1 w[${i}]`);
      // k = 2: the two nearest of each sample, (4,0),(0,0) and (0,3),(0,0); unit (0,0) wins twice.
      const two = make(2, eta).partialFit(x);
      const want2 = w0.slice();
      want2[0] += (eta / 2) * (2.1 - 0 + 0 - 0);
      want2[1] += (eta / 2) * (0 - 0 + 1.6 - 0);
      want2[2] += (eta / 2) * (2.1 - 4);
      want2[7] += (eta / 2) * (1.6 - 3);
      for (let i = 0; i < 8; i++)
        assert.ok(Math.abs(two.weights.data[i] - want2[i]) < 1e-6, `k=2 w[${i}]`);
      const code = make(2, eta).transform(x);
      assert.deepEqual(Array.from(code.data), [1, 1, 0, 0, 1, 0, 0, 1]);
      assert.throws(
        () => new CompetitiveLearning({ units: 2, winners: 3 }),
        /winners \(3\) must not exceed units \(2\); lower winners/,
      );
    });
  });
}
