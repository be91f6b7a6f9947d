// Dropout on the softmax classifier's inputs (the authors' deep read-out): the mask's rate and
// scale against their definition, and a training step against one on the masked inputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { Rng } from '../../src/backend/rng.ts';
import { dropoutInto } from '../../src/readout/dropout.ts';
import { SoftmaxClassifier } from '../../src/readout/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

for (const be of backendsUnderTest()) {
  describe(`dropout on ${be.name}`, () => {
    it('zeroes a fraction p (±0.02 over 10 000 entries) and scales the rest by exactly 1/(1 − p)', () => {
      for (const p of [0.5, 0.3]) {
        const x = Matrix.zeros(200, 50);
        x.data.fill(1);
        const out = dropoutInto(x, p, new Rng(1, be), Matrix.zeros(200, 50));
        let zeros = 0;
        for (const v of out.data) {
          if (v === 0) zeros++;
          else assert.equal(v, Math.fround(1 / (1 - p)));
        }
        // the fraction's sd is √(p(1 − p)/10 000) ≤ 0.005
        assert.ok(Math.abs(zeros / 10000 - p) < 0.02, `zeroed ${zeros / 10000}, expected ${p}`);
      }
    });

    it('a training step with dropout equals a step without it on the masked inputs (1e-6)', () => {
      const x = randMatrix(32, 12, 4);
      const y = Array.from({ length: 32 }, (_, i) => i % 3);
      const common = { epochs: 1, batchSize: 32, shuffle: false, seed: 5, backend: be };
      const dropped = new SoftmaxClassifier({ ...common, dropout: 0.5 }).fit(x, y);
      // the same mask: the classifier's stream (seed 5, stream 7), one batch of all rows
      const masked = dropoutInto(x, 0.5, new Rng(5, be).fork(7), Matrix.zeros(32, 12));
      const plain = new SoftmaxClassifier(common).fit(masked, y);
      assertClose(dropped.weights.data, plain.weights.data, { rtol: 1e-6, atol: 1e-6 });
      // and the mask changed the step (so the comparison is not vacuous)
      const none = new SoftmaxClassifier(common).fit(x, y);
      let diff = 0;
      for (const [i, v] of none.weights.data.entries())
        diff = Math.max(diff, Math.abs(v - plain.weights.data[i]));
      assert.ok(diff > 1e-4, `the mask changed the weights by at most ${diff}`);
      // inference does not drop: two passes agree
      assert.deepEqual(dropped.decisionFunction(x).data, dropped.decisionFunction(x).data);
    });
  });
}
