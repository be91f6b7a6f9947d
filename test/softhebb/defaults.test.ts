// What a newcomer gets: the default options, the presets, and the rate schedule as trained.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { Rng } from '../../src/backend/rng.ts';
import { subset } from '../../src/data/dataset.ts';
import { mnist } from '../../src/data/mnist.ts';
import { rateAt } from '../../src/model/schedule.ts';
import { SoftHebb } from '../../src/softhebb/index.ts';
import { labelAccuracy } from '../../src/softhebb/readout.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

describe('SoftHebb defaults and presets', () => {
  it('the default preset is the measured best: t = 200, linear 0.2 → 0, exact step, no prior', () => {
    const o = new SoftHebb({ units: 10 }).options;
    assert.equal(o.inverseTemperature, 200);
    assert.deepEqual(o.lr, { kind: 'linear', from: 0.2 });
    assert.equal(o.integrator, 'exact');
    assert.equal(o.bias, false);
    assert.equal(o.initRadius, 3);
    assert.equal(o.epochs, 1);
    assert.equal(o.batchSize, 100);
    assert.deepEqual(new SoftHebb({ units: 10, wta: 'hard' }).options.lr, {
      kind: 'linear',
      from: 0.05,
    });
  });

  it("the 'paper' preset is the paper's stated settings; options given beside a preset win", () => {
    const p = new SoftHebb({ units: 10, preset: 'paper' }).options;
    assert.equal(p.inverseTemperature, Math.log(1000));
    assert.deepEqual(p.lr, { kind: 'linear', from: 0.03 });
    assert.equal(p.integrator, 'euler');
    assert.equal(p.bias, true);
    // the prior's rate: the weights' × 0.1/K
    assert.deepEqual(p.biasLr, { kind: 'linear', from: 0.03 * 0.01 });
    const a = new SoftHebb({ units: 10, preset: 'authors' }).options;
    assert.equal(a.rule, 'normalized');
    assert.equal(a.initRadius, 35);
    assert.equal(a.inverseTemperature, 12);
    const mixed = new SoftHebb({
      units: 10,
      preset: 'paper',
      integrator: 'exact',
      base: Math.E ** 5,
    }).options;
    assert.equal(mixed.integrator, 'exact');
    assert.ok(Math.abs(mixed.inverseTemperature - 5) < 1e-12);
    assert.equal(mixed.bias, true);
  });

  it('a linear schedule decays the rate from η₀ to 0 over the fit (Euler steps by hand)', () => {
    // Two batches of 2 in one epoch: rates η₀ and η₀/2. Euler summed steps, t = 3, no bias.
    const be = backendsUnderTest()[0];
    const rng = new Rng(5, be);
    const w0 = new Matrix(3, 4, rng.uniform(12, 0.1, 1));
    const x = new Matrix(4, 4, rng.uniform(16, 0.1, 1));
    const eta0 = 0.4;
    const layer = new SoftHebb({
      units: 3,
      inverseTemperature: 3,
      lr: { kind: 'linear', from: eta0 },
      integrator: 'euler',
      initialWeights: w0,
      batchSize: 2,
      seed: 9,
      backend: be,
    }).fit(x);
    const order = new Rng(9, be).fork(1000).permutation(4);
    const W = Float64Array.from(w0.data);
    for (const [batch, eta] of [
      [[order[0], order[1]], eta0],
      [[order[2], order[3]], eta0 / 2],
    ] as const) {
      const dW = new Float64Array(12);
      for (const i of batch) {
        const xs = Array.from(x.row(i));
        const n = Math.hypot(...xs);
        const v = xs.map((q) => q / n);
        const u = [0, 1, 2].map((k) => v.reduce((s, q, j) => s + q * W[k * 4 + j], 0));
        const m = Math.max(...u);
        const e = u.map((q) => Math.exp(3 * (q - m)));
        const z = e.reduce((s, q) => s + q, 0);
        for (let k = 0; k < 3; k++)
          for (let j = 0; j < 4; j++)
            dW[k * 4 + j] += ((eta * e[k]) / z) * (v[j] - u[k] * W[k * 4 + j]);
      }
      for (let k = 0; k < 12; k++) W[k] += dW[k];
    }
    assertClose(layer.weights.data, Float32Array.from(W), { rtol: 1e-5, atol: 1e-6 });
    assertClose([rateAt(layer.options.lr, { samples: 3, total: 4 })], [eta0 / 4], { rtol: 1e-12 });
  });

  it('with default options, 10 and 100 units learn MNIST without diverging and beat random features', () => {
    const be = backendsUnderTest()[0];
    const data = mnist();
    const small = { train: subset(data.train, 5000, 1), test: subset(data.test, 2000, 1) };
    for (const [units, margin] of [
      [10, 0.08],
      [100, 0.2],
    ] as const) {
      const untrained = new SoftHebb({ units, backend: be }).initialize(784);
      const base = labelAccuracy(untrained, small);
      const layer = new SoftHebb({ units, backend: be }).fit(small.train.x);
      const acc = labelAccuracy(layer, small);
      const norms = layer.weightNorms();
      assert.ok(
        norms.every((n) => n > 0.3 && n < 3.01),
        `K=${units}: norms ${Math.min(...norms)}–${Math.max(...norms)}`,
      );
      // Measured on these 5000 digits: K = 10 random 0.294 → trained 0.487; K = 100 0.383 → 0.814.
      assert.ok(acc > base + margin, `K=${units}: trained ${acc} vs random ${base}`);
    }
  });
});
