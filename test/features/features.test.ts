// k-means and PCA, the fixed feature layers of the robustness baselines: against brute force,
// planted structure and a closed form, on every backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng, getBackend } from '../../src/backend/index.ts';
import { KMeans } from '../../src/features/kmeans.ts';
import { PCA, symmetricEigen } from '../../src/features/pca.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

const ts = getBackend('ts');

describe('symmetricEigen (Jacobi)', () => {
  it('diagonalises a random symmetric matrix: A v = λ v for every row v', () => {
    const n = 7;
    const r = new Rng(1, ts).normal(n * n);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) a[i * n + j] = r[i * n + j] + r[j * n + i];
    const { values, vectors } = symmetricEigen(a, n);
    for (let e = 0; e < n; e++)
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[e * n + j];
        assert.ok(Math.abs(av - values[e] * vectors[e * n + i]) < 1e-9, `eigenpair ${e}`);
      }
  });
});

for (const be of backendsUnderTest()) {
  describe(`feature layers (${be.name})`, () => {
    it('k-means finds three planted blobs; assignments and inertia equal brute force', () => {
      const D = 5;
      const centres = [
        [0, 0, 0, 0, 0],
        [6, 0, 0, 6, 0],
        [0, -6, 6, 0, 0],
      ];
      const rng = new Rng(2, ts);
      const N = 300;
      const x = new Matrix(N, D, rng.normal(N * D, 0, 0.5));
      for (let i = 0; i < N; i++)
        for (let j = 0; j < D; j++) x.data[i * D + j] += centres[i % 3][j];
      const km = new KMeans({ clusters: 3, seed: 4, backend: be }).fit(x);
      for (const c of centres) {
        const best = Math.min(
          ...[0, 1, 2].map((k) => Math.hypot(...c.map((v, j) => v - km.centroids.data[k * D + j]))),
        );
        assert.ok(best < 0.2, `a centroid within 0.2 of ${c} (nearest ${best})`);
      }
      const a = km.predict(x);
      let inertia = 0;
      for (let i = 0; i < N; i++) {
        const d = [0, 1, 2].map((k) => {
          let s = 0;
          for (let j = 0; j < D; j++) s += (x.data[i * D + j] - km.centroids.data[k * D + j]) ** 2;
          return s;
        });
        const k = d.indexOf(Math.min(...d));
        assert.equal(a[i], k, `sample ${i}`);
        inertia += d[k];
      }
      assert.ok(Math.abs(km.inertia - inertia) < 1e-3 * inertia, `${km.inertia} vs ${inertia}`);
      // Lloyd's fixed point: every centroid is the mean of the samples nearest to it.
      assert.ok(km.iterations > 1);
      for (let k = 0; k < 3; k++) {
        const mine = Array.from({ length: N }, (_, i) => i).filter((i) => a[i] === k);
        for (let j = 0; j < D; j++) {
          const m = mine.reduce((s, i) => s + x.data[i * D + j], 0) / mine.length;
          assert.ok(
            Math.abs(km.centroids.data[k * D + j] - m) < 1e-4,
            `centroid ${k} coordinate ${j}`,
          );
        }
      }
      // Seeded: the same centroids again.
      assert.deepEqual(
        new KMeans({ clusters: 3, seed: 4, backend: be }).fit(x).centroids.data,
        km.centroids.data,
      );
      assert.throws(
        () => new KMeans({ clusters: 400, backend: be }).fit(x),
        /300 samples cannot make 400 clusters/,
      );
    });

    it('PCA recovers planted principal axes and their variances', () => {
      const D = 12;
      const k = 4;
      const N = 4000;
      const rng = new Rng(5, ts);
      // A random orthonormal basis (Gram–Schmidt of Gaussian rows) and variances 16, 9, 4, 2.25, then 0.01.
      const basis = rng.normal(D * D);
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < i; j++) {
          let s = 0;
          for (let t = 0; t < D; t++) s += basis[i * D + t] * basis[j * D + t];
          for (let t = 0; t < D; t++) basis[i * D + t] -= s * basis[j * D + t];
        }
        let n = 0;
        for (let t = 0; t < D; t++) n += basis[i * D + t] ** 2;
        for (let t = 0; t < D; t++) basis[i * D + t] /= Math.sqrt(n);
      }
      const sd = [4, 3, 2, 1.5, ...new Array(D - 4).fill(0.1)];
      const z = rng.normal(N * D);
      const x = Matrix.zeros(N, D);
      for (let s = 0; s < N; s++)
        for (let i = 0; i < D; i++)
          for (let t = 0; t < D; t++)
            x.data[s * D + t] += sd[i] * z[s * D + i] * basis[i * D + t] + (t === 0 ? 3 / D : 0);
      const pca = new PCA({ components: k, seed: 1, backend: be }).fit(x);
      for (let i = 0; i < k; i++) {
        let dot = 0;
        for (let t = 0; t < D; t++) dot += pca.components.data[i * D + t] * basis[i * D + t];
        assert.ok(Math.abs(dot) > 0.995, `component ${i}: |cos| ${Math.abs(dot)}`);
        assert.ok(
          Math.abs(pca.explainedVariance[i] / sd[i] ** 2 - 1) < 0.1,
          `variance ${i}: ${pca.explainedVariance[i]}`,
        );
      }
      // transform = centred projection; its columns have the explained variances.
      const y = pca.transform(x);
      for (let i = 0; i < k; i++) {
        let m = 0;
        let v = 0;
        for (let s = 0; s < N; s++) m += y.data[s * k + i] / N;
        for (let s = 0; s < N; s++) v += (y.data[s * k + i] - m) ** 2 / (N - 1);
        assert.ok(Math.abs(m) < 1e-3, 'centred');
        assert.ok(
          Math.abs(v / pca.explainedVariance[i] - 1) < 1e-3,
          'variance along the component',
        );
      }
      const back = new PCA({ components: k, backend: be }).setState(pca.getState());
      assert.deepEqual(back.transform(x).data, y.data);
    });
  });
}
