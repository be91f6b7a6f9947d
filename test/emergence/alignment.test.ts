import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng } from '../../src/backend/index.ts';
import { HebbError } from '../../src/errors.ts';
import {
  EmergenceLearner,
  StationarityMeter,
  cosine,
  hebbianAlignment,
  hebbianTerm,
  layerAlignment,
  studentTeacherTask,
  type EmergenceOptions,
} from '../../src/emergence/index.ts';
import { SimilarityNetwork, allToAll } from '../../src/similarity/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

for (const be of backendsUnderTest()) {
  describe(`emergence alignment (${be.name})`, () => {
    const rng = new Rng(11, be);
    const ha = Matrix.zeros(16, 7);
    const hb = Matrix.zeros(16, 5);
    rng.normal(ha.data);
    rng.normal(hb.data);

    it('a pure Hebbian update scores 1, an anti-Hebbian one −1 (float64 reference H)', () => {
      const H = hebbianTerm(be, hb, ha);
      // independent float64 H = Σ_b h_b h_aᵀ
      const ref = new Float64Array(5 * 7);
      for (let b = 0; b < 16; b++)
        for (let n = 0; n < 5; n++)
          for (let k = 0; k < 7; k++) ref[n * 7 + k] += hb.get(b, n) * ha.get(b, k);
      assertClose(H.data, ref, { rtol: 1e-5, atol: 1e-5, what: 'H' });
      const update = H.clone();
      be.scale(0.01, update); // ΔW = η H
      assert.ok(Math.abs(hebbianAlignment(be, update, hb, ha) - 1) < 1e-6);
      be.scale(-1, update);
      assert.ok(Math.abs(hebbianAlignment(be, update, hb, ha) + 1) < 1e-6);
    });

    it("calibration: the package's SoftHebb kernel without its decay term is purely Hebbian", () => {
      // softHebbUpdate with U = 0 applies ΔW = η YᵀX: Hebb's rule with post y = hb, pre x = ha
      const w = Matrix.zeros(5, 7);
      rng.normal(w.data);
      const before = w.clone();
      be.softHebbUpdate(w, ha, hb, Matrix.zeros(16, 5), 0.05);
      be.axpy(-1, before, w); // w now holds ΔW
      assert.ok(Math.abs(hebbianAlignment(be, w, hb, ha) - 1) < 1e-5);
      // with its decay term (U = Y) the rule is no longer purely Hebbian
      const w2 = before.clone();
      be.softHebbUpdate(w2, ha, hb, hb, 0.05);
      be.axpy(-1, before, w2);
      assert.ok(hebbianAlignment(be, w2, hb, ha) < 0.999);
    });

    it("calibration: similarity matching's feedforward rule without its decay is purely Hebbian", () => {
      // ΔW = η(Σ_b r_b x_bᵀ − B·W): adding back η·B·W leaves Hebb's rule with post r, pre x.
      const net = new SimilarityNetwork({
        layers: [allToAll(7, 5)],
        activation: 'tanh',
        batchSize: 16,
        lr: 0.01,
        seed: 3,
        backend: be,
      });
      const before = new Matrix(5, 7, net.W[0].w.slice());
      const { r } = net.solve(ha);
      net.applyUpdate(ha, r, 0.01);
      const dw = new Matrix(5, 7, net.W[0].w.slice());
      be.axpy(-1, before, dw);
      assert.ok(hebbianAlignment(be, dw, r[0], ha) < 0.999, 'the decay term makes it less Hebbian');
      be.axpy(0.01 * 16, before, dw);
      assert.ok(Math.abs(hebbianAlignment(be, dw, r[0], ha) - 1) < 1e-5);
    });

    it('cos(ΔW, H) from inner products equals forming ΔW = η(g − γW)', () => {
      const [g, w, h] = [Matrix.zeros(5, 7), Matrix.zeros(5, 7), hebbianTerm(be, hb, ha)];
      rng.normal(g.data);
      rng.normal(w.data);
      const decay = 0.3;
      const dw = g.clone();
      be.axpy(-decay, w, dw);
      be.scale(0.1, dw);
      const r = layerAlignment(be, g, w, decay, h, null);
      assert.ok(Math.abs(r.update - cosine(be, dw, h)) < 1e-6);
      assert.ok(Math.abs(r.signal - cosine(be, g, h)) < 1e-6);
      assert.equal(r.post, r.signal);
    });

    it('stationarity identity: with g = γW, ⟨g, H⟩ = γ Σ_b‖h_b‖² (ratio 1)', () => {
      const w = Matrix.zeros(5, 7);
      rng.normal(w.data);
      const z = Matrix.zeros(16, 5);
      be.gemm(false, true, 1, ha, w, 0, z); // h_b = W h_a
      const decay = 5e-3;
      const g = w.clone();
      be.scale(decay, g);
      const meter = new StationarityMeter(be, 5, 7, decay);
      for (let i = 0; i < 3; i++) meter.add(g, hebbianTerm(be, z, ha), be.dot(z, z));
      assert.ok(Math.abs(meter.result().ratio - 1) < 1e-5, String(meter.result().ratio));
    });

    it('cos(E g, E H): noise that averages out drops out, unlike the mean of per-step cosines', () => {
      const h = Matrix.zeros(5, 7);
      rng.normal(h.data);
      const noise = Matrix.zeros(5, 7);
      rng.normal(noise.data);
      const meter = new StationarityMeter(be, 5, 7, 0);
      const steps: number[] = [];
      for (const sign of [1, -1]) {
        // g = H/10 ± noise: each step's cosine is small, their mean signal is H/10 exactly
        const g = h.clone();
        be.scale(0.1, g);
        be.axpy(sign, noise, g);
        steps.push(cosine(be, g, h));
        meter.add(g, h, 1);
      }
      assert.ok(Math.abs(meter.result().meanCosine - 1) < 1e-6, String(meter.result().meanCosine));
      assert.ok((steps[0] + steps[1]) / 2 < 0.5, String(steps));
    });
  });
}

describe('EmergenceLearner', () => {
  const [be] = backendsUnderTest();
  const task = studentTeacherTask(be, { train: 512, val: 128, dim: 8, teacherWidth: 8 });
  const base: EmergenceOptions = {
    rule: 'sgd',
    hidden: [16],
    batchSize: 64,
    epochs: 3,
    backend: be,
  };
  const fit = (o: EmergenceOptions) => {
    const l = new EmergenceLearner(o).fit(task.train.x, task.train.y, { validation: task.val });
    return Object.assign(l.result!, { learner: l });
  };

  it('invalid options give a clear error', () => {
    const bad: [Partial<EmergenceOptions>, RegExp][] = [
      [{ weightDecay: -1 }, /weightDecay must be a finite number ≥ 0/],
      [{ rule: 'hebb' as never }, /rule must be one of 'sgd', 'adam', 'dfa', 'random', got 'hebb'/],
      [{ weightNoise: NaN }, /weightNoise must be a finite number ≥ 0/],
      [{ activation: 'gelu' as never }, /unknown activation 'gelu'/],
      [
        { activation: 'softmax:2' as never },
        /'softmax:2' cannot be used here; choose one of linear, relu, tanh, sigmoid/,
      ],
      [{ batchSize: 0 }, /batchSize must be a positive integer/],
      [{ lr: 0 }, /lr must be a finite number > 0/],
      [{ decay: 1 } as never, /unknown option 'decay'/],
    ];
    for (const [o, msg] of bad) {
      assert.throws(
        () => new EmergenceLearner({ ...base, ...o }),
        (e: Error) => {
          assert.ok(e instanceof HebbError);
          assert.match(e.message, msg);
          return true;
        },
      );
    }
  });

  it('same seed → identical results; another seed differs', () => {
    for (const rule of ['sgd', 'adam', 'dfa', 'random'] as const) {
      const o = { ...base, rule, weightDecay: 5e-3, weightNoise: 0.01 };
      const a = fit({ ...o, seed: 4 });
      const b = fit({ ...o, seed: 4 });
      const c = fit({ ...o, seed: 5 });
      assert.deepEqual(a.loss, b.loss, rule);
      assert.deepEqual(a.alignment.signal, b.alignment.signal, rule);
      assert.notDeepEqual(a.loss, c.loss, rule);
    }
  });

  it('σ = 0 through the noise path changes nothing, bit for bit; σ > 0 does', () => {
    for (const rule of ['sgd', 'dfa'] as const) {
      const a = fit({ ...base, rule, weightDecay: 5e-4 });
      const b = fit({ ...base, rule, weightDecay: 5e-4, alwaysPerturb: true });
      assert.deepEqual(b.loss, a.loss);
      assert.deepEqual(b.learner.net!.w, a.learner.net!.w);
      const noisy = fit({ ...base, rule, weightDecay: 5e-4, weightNoise: 1e-3 });
      assert.notDeepEqual(noisy.loss, a.loss);
    }
  });

  it("cos(−∇ℓ, H) is SGD's signal alignment, Adam's pre-conditioning gradient, and absent for DFA", () => {
    const sgd = fit({ ...base, rule: 'sgd', weightDecay: 5e-3 });
    for (let l = 0; l < 2; l++) {
      const [g, s] = [sgd.alignment.gradient[l], sgd.alignment.signal[l]];
      for (let k = 0; k < g.length; k++) assert.ok(Math.abs(g[k] - s[k]) < 1e-6, `${l}:${k}`);
    }
    // Adam's signal is its step −m̂/(√v̂ + ε), ≈ −sign(∇ℓ) on the first step: not the gradient
    const adam = fit({ ...base, rule: 'adam', weightDecay: 0 });
    const [g0, s0] = [adam.alignment.gradient[1][0], adam.alignment.signal[1][0]];
    assert.ok(Number.isFinite(g0) && Math.abs(g0 - s0) > 1e-3, `${g0} vs ${s0}`);
    const dfa = fit({ ...base, rule: 'dfa' });
    assert.ok(dfa.alignment.gradient.every((t) => t.every(Number.isNaN)));
    assert.ok(dfa.final.gradient.every(Number.isNaN));
  });

  it('SGD learns the teacher and weight decay makes its signal Hebbian', () => {
    const o = { ...base, hidden: [32], epochs: 40, lr: 0.5 };
    const free = fit({ ...o, weightDecay: 0 });
    const decayed = fit({ ...o, weightDecay: 2e-2 });
    const v = free.validation;
    assert.ok(v[v.length - 1].loss < 0.2 * v[0].loss, 'validation loss falls');
    assert.ok(decayed.final.meanSignal > free.final.meanSignal + 0.2);
    assert.ok(decayed.final.meanSignal > 0.3, String(decayed.final.meanSignal));
    // near stationarity ⟨E g, E H⟩ ≈ γ E‖h_b‖² in the output layer
    const ratio = decayed.stationarity[1].ratio;
    assert.ok(ratio > 0.7 && ratio < 1.3, String(ratio));
  });
});
