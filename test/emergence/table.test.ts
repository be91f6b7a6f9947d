// The table's value of a run (the 2nd layer, as the paper's table) and the curves report's
// transition line, on hand-made inputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transitionLine } from '../../src/reproduce/emergence/curves.ts';
import {
  secondLayerAlignment,
  stationaryEpochs,
  TABLE_SETUP,
  tableOptions,
} from '../../src/emergence/paper-setup.ts';
import type { EmergenceResult } from '../../src/emergence/learner.ts';

describe('emergence table helpers', () => {
  it("the 2nd layer: an MLP's 2nd weight layer; the mean over a transformer's 2nd block", () => {
    assert.equal(secondLayerAlignment(['layer 1', 'layer 2'], [0.1, 0.7]), 0.7);
    assert.equal(secondLayerAlignment(['layer 1', 'layer 2', 'layer 3'], [0.1, -0.2, 0.3]), -0.2);
    const names = [
      'embed',
      ...['q', 'k', 'v', 'o', 'up', 'down'].flatMap((m) => [`block 1 ${m}`]),
      ...['q', 'k', 'v', 'o', 'up', 'down'].map((m) => `block 2 ${m}`),
      'readout',
    ];
    const signal = names.map((_, l) => (l >= 7 && l <= 12 ? l / 10 : 9));
    assert.ok(Math.abs(secondLayerAlignment(names, signal) - 0.95) < 1e-12);
    assert.ok(Number.isNaN(secondLayerAlignment(['layer 1'], [0.5])));
  });

  it('tableOptions picks the transformer rows’ rate, warm-up and shape', () => {
    const t = tableOptions('sgd', 5e-4, 0, { architecture: 'transformer' });
    assert.equal(t.lr, 0.5);
    assert.equal(t.lrWarmup, 234);
    assert.equal(tableOptions('adam', 5e-4, 0, { architecture: 'transformer' }).lrWarmup, 0);
    assert.equal(tableOptions('sgd', 5e-4, 0).lrWarmup, undefined);
    assert.equal(t.activation, 'relu');
    assert.deepEqual([t.tokens, t.width, t.heads, t.blocks], [8, 32, 4, 2]);
    assert.equal(tableOptions('sgd', 5e-4, 0).lr, 0.5);
  });

  it('stationaryEpochs: the fewest epochs with Σ η_t γ ≥ 5, from the closed form ηγ (S − k + (k + 1)/2)', () => {
    // after a warm-up of k steps (rate η (t + 1)/k), S steps give Σ η_t γ = ηγ (S − k + (k+1)/2);
    // epochs of 78 steps, at least 30, and 30 where more than 300 would be needed
    const [eta, k, perEpoch] = [0.5, 234, 78];
    const need = (decay: number) => {
      const steps = Math.ceil(5 / (eta * decay) + k - (k + 1) / 2);
      const epochs = Math.max(30, Math.ceil(steps / perEpoch));
      return epochs > 300 ? 30 : epochs;
    };
    const { decayTimes, maxEpochs } = TABLE_SETUP.transformer;
    const o = { epochs: 30, decayTimes, maxEpochs };
    const sgd = [0, 5e-5, 5e-4, 5e-3].map((d) => stationaryEpochs('sgd', d, o));
    assert.deepEqual(sgd, [30, need(5e-5), need(5e-4), need(5e-3)]);
    assert.equal(sgd[2], 258); // 5e-4: 20 117 steps
    // Adam's rate 1e-3 would need 10⁶ steps at 5e-3; decayTimes 0 turns the extension off
    assert.equal(stationaryEpochs('adam', 5e-3, o), 30);
    assert.equal(stationaryEpochs('sgd', 5e-4, { ...o, decayTimes: 0 }), 30);
    assert.equal(stationaryEpochs('sgd', 5e-4, { ...o, maxEpochs: 257 }), 30);
  });

  it('transitionLine names the sign change and the γ of the lowest validation loss', () => {
    const run = (weightDecay: number, meanSignal: number, loss: number) =>
      ({
        weightDecay,
        final: { meanSignal },
        validation: [{ step: 1, loss }],
      }) as unknown as EmergenceResult;
    assert.equal(
      transitionLine([run(1e-2, 0.2, 0.5), run(0, -0.1, 0.6), run(1e-3, -0.01, 0.4)]),
      'The layer-mean alignment turns positive between γ = 1e-3 and 1e-2; the lowest validation loss (0.400) is at γ = 1e-3.',
    );
    assert.match(
      transitionLine([run(0, 0.1, 1), run(1e-3, 0.2, 2)]),
      /nowhere: positive at every γ.*γ = 0\./,
    );
  });
});
