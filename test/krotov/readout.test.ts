// Krotov & Hopfield's top layer against a float64 reference written from the paper:
// c = tanh(β S h), ℓ = mean over samples of Σ_α |c_α − t_α|^m with t = ±1; its gradient
// checked against central finite differences of that reference loss. A 10 % change of β or m
// moves the loss or the gradient far past the tolerances.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { PowerLossClassifier } from '../../src/krotov/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

/** The paper's loss in float64 for S (classes × features as arrays) on rows h with labels y. */
function referenceLoss(S: number[][], h: number[][], y: number[], beta: number, m: number): number {
  let sum = 0;
  h.forEach((row, i) =>
    S.forEach((s, a) => {
      const c = Math.tanh(beta * s.reduce((acc, v, j) => acc + v * row[j], 0));
      sum += Math.abs(c - (a === y[i] ? 1 : -1)) ** m;
    }),
  );
  return sum / h.length;
}

const rows = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => Array.from(m.row(i)));

for (const be of backendsUnderTest()) {
  describe(`PowerLossClassifier on ${be.name}`, () => {
    const h = randMatrix(8, 5, 11, 0, 3);
    const y = Int32Array.from([0, 1, 2, 0, 1, 2, 2, 1]);
    for (const [beta, m] of [
      [0.5, 6],
      [0.2, 3],
    ]) {
      it(`loss and gradient equal the paper's (β = ${beta}, m = ${m})`, () => {
        const clf = new PowerLossClassifier({ beta, m, epochs: 1, batchSize: 8, backend: be });
        clf.partialFit(h, y);
        const S = rows(clf.weights);
        const got = clf.gradient(h, y);
        const want = referenceLoss(S, rows(h), Array.from(y), beta, m);
        assert.ok(Math.abs(got.loss - want) <= 1e-5 * want, `loss ${got.loss} vs ${want}`);
        assert.ok(Math.abs(clf.powerLoss(h, y) - want) <= 1e-5 * want);
        const fd = S.flatMap((s, a) =>
          s.map((_, j) => {
            const d = 1e-5;
            const plus = S.map((r) => r.slice());
            const minus = S.map((r) => r.slice());
            plus[a][j] += d;
            minus[a][j] -= d;
            const [lp, lm] = [plus, minus].map((P) =>
              referenceLoss(P, rows(h), Array.from(y), beta, m),
            );
            return (lp - lm) / (2 * d);
          }),
        );
        assertClose(got.weights.data, fd, { rtol: 1e-3, atol: 1e-4, what: '∂ℓ/∂S' });
      });
    }

    it('learns a problem separable without a bias; predict is the largest output', () => {
      const x = randMatrix(60, 4, 2, 0, 1);
      const labels = Int32Array.from(
        Array.from({ length: 60 }, (_, i) => (x.row(i)[0] > x.row(i)[1] ? 1 : 0)),
      );
      const clf = new PowerLossClassifier({
        beta: 1,
        lr: 0.05,
        epochs: 200,
        batchSize: 10,
        backend: be,
      });
      clf.fit(x, labels);
      assert.ok(clf.score(x, labels) >= 0.9, `accuracy ${clf.score(x, labels)}`);
      const c = clf.outputs(x);
      const pred = clf.predict(x);
      for (let i = 0; i < x.rows; i++) assert.equal(pred[i], c.row(i)[0] > c.row(i)[1] ? 0 : 1);
    });
  });
}

describe('PowerLossClassifier options', () => {
  it("defaults to the paper's power m = 6", () => {
    assert.equal(new PowerLossClassifier().options.m, 6);
  });
});
