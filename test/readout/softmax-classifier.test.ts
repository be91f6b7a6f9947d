import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { gaussianClusters } from '../../src/data/synthetic.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import { SoftmaxClassifier } from '../../src/readout/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

/** Mean cross-entropy of softmax(W x + b) in float64, written independently of the library. */
function refLoss(w: number[], b: number[], x: Matrix, y: ArrayLike<number>, C: number): number {
  const D = x.cols;
  let total = 0;
  for (let i = 0; i < x.rows; i++) {
    const z = Array.from({ length: C }, (_, c) => {
      let s = b[c];
      for (let j = 0; j < D; j++) s += w[c * D + j] * x.data[i * D + j];
      return s;
    });
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    total += lse - z[y[i]];
  }
  return total / x.rows;
}

for (const be of backendsUnderTest()) {
  describe(`SoftmaxClassifier on ${be.name}`, () => {
    it('gradient matches central finite differences of a float64 reference loss', () => {
      const C = 4;
      const D = 6;
      const x = randMatrix(9, D, 3, -1, 1);
      const y = Uint8Array.from([0, 1, 2, 3, 0, 1, 2, 3, 1]);
      const clf = new SoftmaxClassifier({ backend: be });
      const w0 = randMatrix(C, D, 7, -0.5, 0.5);
      const b0 = Float32Array.from([0.1, -0.2, 0.3, 0]);
      clf.setParameters(w0, b0);
      const g = clf.gradient(x, y);
      const w = Array.from(w0.data);
      const b = Array.from(b0);
      assert.ok(Math.abs(g.loss - refLoss(w, b, x, y, C)) < 1e-5);
      const h = 1e-5;
      const fdW = w.map((_, k) => {
        const wp = w.slice();
        const wm = w.slice();
        wp[k] += h;
        wm[k] -= h;
        return (refLoss(wp, b, x, y, C) - refLoss(wm, b, x, y, C)) / (2 * h);
      });
      const fdB = b.map((_, k) => {
        const bp = b.slice();
        const bm = b.slice();
        bp[k] += h;
        bm[k] -= h;
        return (refLoss(w, bp, x, y, C) - refLoss(w, bm, x, y, C)) / (2 * h);
      });
      assertClose(g.weights.data, fdW, { rtol: 1e-3, atol: 1e-6, what: 'dL/dW' });
      assertClose(g.bias, fdB, { rtol: 1e-3, atol: 1e-6, what: 'dL/db' });
      // input gradient: dL/dx = (P − T) W / B
      const dx = Matrix.zeros(x.rows, D);
      clf.inputGradient(x, y, dx);
      const xs = x.clone();
      const fdX = Array.from(x.data, (_, k) => {
        const orig = xs.data[k];
        xs.data[k] = orig + 1e-3;
        const lp = refLoss(w, b, xs, y, C);
        xs.data[k] = orig - 1e-3;
        const lm = refLoss(w, b, xs, y, C);
        xs.data[k] = orig;
        return (lp - lm) / 2e-3;
      });
      assertClose(dx.data, fdX, { rtol: 1e-2, atol: 1e-5, what: 'dL/dx' });
    });

    it('reaches ≥ 97 % train accuracy on separable Gaussian clusters, reproducibly', () => {
      const ds = gaussianClusters({ clusters: 5, perCluster: 200, dim: 20, spread: 0.15, seed: 4 });
      const clf = new SoftmaxClassifier({ lr: 0.01, epochs: 8, seed: 2, backend: be });
      clf.fit(ds.x, ds.y);
      const losses = clf.history.map((h) => h.loss);
      assert.ok(clf.score(ds.x, ds.y) >= 0.97, `accuracy ${clf.score(ds.x, ds.y)}`);
      assert.ok(losses[7] < losses[0] / 2, `loss fell from ${losses[0]} to ${losses[7]}`);
      const ce = clf.crossEntropy(ds.x, ds.y);
      assert.ok(ce > 0 && ce < 0.3, `cross-entropy ${ce}`);
      const p = clf.predictProba(ds.x);
      for (let i = 0; i < 5; i++) {
        assert.ok(Math.abs(p.row(i).reduce((a, v) => a + v, 0) - 1) < 1e-5);
      }
      const again = new SoftmaxClassifier({ lr: 0.01, epochs: 8, seed: 2, backend: be }).fit(
        ds.x,
        ds.y,
      );
      assert.deepEqual(Array.from(again.weights.data), Array.from(clf.weights.data));
    });

    it('a step schedule halves the learning rate every `every` epochs (default: every 15)', () => {
      const ds = gaussianClusters({ clusters: 2, perCluster: 20, dim: 3, spread: 0.1, seed: 1 });
      const clf = new SoftmaxClassifier({ lr: 'step:0.004:0.5:2', epochs: 5, backend: be });
      clf.fit(ds.x, ds.y);
      assert.deepEqual(
        clf.history.map((h) => h.lr),
        [0.004, 0.004, 0.002, 0.002, 0.001],
      );
      const dflt = new SoftmaxClassifier({ epochs: 16, batchSize: 40, backend: be }).fit(
        ds.x,
        ds.y,
      );
      assert.deepEqual(
        dflt.history.map((h) => h.lr),
        [...Array(15).fill(1e-3), 5e-4],
      );
    });

    it('rejects bad input with clear errors', () => {
      const clf = new SoftmaxClassifier({ backend: be });
      const x = randMatrix(4, 3, 1);
      assert.throws(() => clf.predict(x), /not fitted yet/);
      assert.throws(() => clf.fit(x, [0, 1, 2]), ShapeError);
      assert.throws(() => clf.fit(x, [0, 1, -1, 0]), /label 2 is -1/);
      assert.throws(
        () => new SoftmaxClassifier({ classes: 2, backend: be }).fit(x, [0, 1, 2, 0]),
        /label 2 is 2 but must be an integer in 0\.\.1/,
      );
      const bad = x.clone();
      bad.data[5] = Number.NaN;
      assert.throws(() => clf.fit(bad, [0, 1, 0, 1]), /NaN or ±Inf/);
      assert.throws(() => new SoftmaxClassifier({ batchSize: 0 }), ValueError);
      new SoftmaxClassifier({ epochs: 1, backend: be }).fit(x, [0, 1, 0, 1]);
      clf.fit(x, [0, 1, 0, 1]);
      assert.throws(() => clf.predict(randMatrix(2, 5, 1)), /fitted on 3 features/);
    });
  });
}

describe('SoftmaxClassifier backends agree', () => {
  it('same weights after 3 epochs (within float32 GEMM rounding)', () => {
    const bes = backendsUnderTest();
    if (bes.length < 2) return;
    const ds = gaussianClusters({ clusters: 3, perCluster: 50, dim: 10, spread: 0.3, seed: 8 });
    const [a, b] = bes.map((be) =>
      new SoftmaxClassifier({ seed: 3, epochs: 3, backend: be }).fit(ds.x, ds.y),
    );
    assertClose(a.weights.data, b.weights.data, { rtol: 1e-3, atol: 1e-5, what: 'W' });
  });
});
