import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { gaussianClusters } from '../../src/data/synthetic.ts';
import { DeltaRuleClassifier } from '../../src/readout/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

for (const be of backendsUnderTest()) {
  describe(`DeltaRuleClassifier on ${be.name}`, () => {
    it('two online updates match the delta rule worked out by hand', () => {
      const d = new DeltaRuleClassifier({ classes: 2, lr: 0.5, backend: be });
      // V = 0: p = (½, ½), t − p = (−½, ½); ΔV = ½ (t − p) hᵀ with h = (1, 2).
      d.partialFit(Matrix.from([[1, 2]]), [1]);
      assertClose(d.weights.data, [-0.25, -0.5, 0.25, 0.5], { what: 'V after 1' });
      assertClose(d.bias, [-0.25, 0.25], { what: 'c after 1' });
      // h = (0, 1), label 0: z = (−0.75, 0.75), p₀ = 1/(1 + e^1.5) = 0.18242552.
      d.partialFit(Matrix.from([[0, 1]]), [0]);
      assertClose(d.weights.data, [-0.25, -0.09121276, 0.25, 0.09121276], { what: 'V after 2' });
      assertClose(d.bias, [0.15878724, -0.15878724], { what: 'c after 2' });
      assert.equal(d.samplesSeen, 2);
    });

    it('a batch is learned one row at a time (same as separate calls)', () => {
      const x = Matrix.from([
        [1, 2, 0],
        [0, 1, -1],
        [2, 0, 1],
      ]);
      const a = new DeltaRuleClassifier({ classes: 3, lr: 0.3, backend: be });
      a.partialFit(x, [2, 0, 1]);
      const b = new DeltaRuleClassifier({ classes: 3, lr: 0.3, backend: be });
      [2, 0, 1].forEach((c, i) => b.partialFit(x.sliceRows(i, i + 1), [c]));
      assert.deepEqual(Array.from(a.weights.data), Array.from(b.weights.data));
      assert.deepEqual(Array.from(a.bias), Array.from(b.bias));
    });

    it('converges on separable clusters in one online pass', () => {
      const ds = gaussianClusters({ clusters: 4, perCluster: 150, dim: 12, spread: 0.15, seed: 3 });
      const d = new DeltaRuleClassifier({ classes: 4, lr: 0.1, backend: be });
      const first = d.partialFit(ds.x.sliceRows(0, 100), ds.y.subarray(0, 100)).loss;
      const last = d.partialFit(ds.x.sliceRows(100, 600), ds.y.subarray(100, 600)).loss;
      assert.ok(last < first, `online loss ${first} → ${last}`);
      assert.ok(d.score(ds.x, ds.y) >= 0.97, `accuracy ${d.score(ds.x, ds.y)}`);
      assert.ok(d.crossEntropy(ds.x, ds.y) < 0.5);
    });

    it('rejects bad input', () => {
      const d = new DeltaRuleClassifier({ classes: 2, backend: be });
      assert.throws(() => d.partialFit(Matrix.from([[1, 2]]), [2]), /label 0 is 2/);
      assert.throws(() => d.partialFit(Matrix.from([[1, Number.NaN]]), [0]), /NaN/);
      d.partialFit(Matrix.from([[1, 2]]), [0]);
      assert.throws(() => d.partialFit(Matrix.from([[1, 2, 3]]), [0]), /fitted on 2 features/);
      assert.throws(
        () => new DeltaRuleClassifier({ classes: 2, lr: -1 }),
        /lr must be a finite number ≥ 0/,
      );
      assert.throws(
        () => new DeltaRuleClassifier({ classes: 0 }),
        /classes must be an integer ≥ 2/,
      );
    });
  });
}
