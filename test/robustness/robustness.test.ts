// Input gradients of every network the robustness experiments attack, against float64 finite
// differences of an independent float64 forward pass; PGD against the closed-form minimal
// perturbation of a linear classifier; Gaussian noise; on every backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng, getBackend } from '../../src/backend/index.ts';
import type { Activation } from '../../src/model/activation.ts';
import { accuracy, gaussianNoise, pgd } from '../../src/robustness/attacks.ts';
import { featureNetwork } from '../../src/robustness/networks.ts';
import { SoftmaxClassifier } from '../../src/readout/softmax-classifier.ts';
import {
  activationStage,
  linearStage,
  normalizeStage,
  Pipeline,
  standardizeStage,
  type Stage,
} from '../../src/robustness/pipeline.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

const ts = getBackend('ts');
const rand = (seed: number, n: number, std = 1) => new Rng(seed, ts).normal(n, 0, std);

/** The same network in float64, plain JavaScript: the independent reference. */
interface Ref {
  normalize: boolean;
  w1: number[][];
  b1: number[];
  act: Activation;
  mean?: number[];
  std?: number[];
  w2: number[][];
  b2: number[];
}

function act64(a: Activation, u: number[]): number[] {
  switch (a.name) {
    case 'linear':
      return u;
    case 'relu':
      return u.map((v) => Math.max(v, 0));
    case 'tanh':
      return u.map(Math.tanh);
    case 'sigmoid':
      return u.map((v) => 1 / (1 + Math.exp(-v)));
    case 'softmax': {
      const m = Math.max(...u);
      const e = u.map((v) => Math.exp(a.inverseTemperature * (v - m)));
      const s = e.reduce((x, y) => x + y);
      return e.map((v) => v / s);
    }
    case 'repu':
      return u.map((v) => Math.max(v, 0) ** a.power);
    case 'triangle': {
      const m = u.reduce((x, y) => x + y) / u.length;
      return u.map((v) => Math.max(v - m, 0) ** a.power);
    }
    default:
      throw new Error(a.name);
  }
}

function loss64(r: Ref, x: number[], y: number): number {
  let v = x;
  if (r.normalize) {
    const n = Math.sqrt(v.reduce((s, t) => s + t * t, 0));
    v = v.map((t) => t / n);
  }
  let u = r.w1.map((row, i) => row.reduce((s, w, j) => s + w * v[j], r.b1[i]));
  u = act64(r.act, u);
  if (r.mean) u = u.map((t, i) => (t - r.mean![i]) / r.std![i]);
  const z = r.w2.map((row, i) => row.reduce((s, w, j) => s + w * u[j], r.b2[i]));
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, t) => s + Math.exp(t - m), 0));
  return lse - z[y];
}

const rows = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => Array.from(m.row(i)));

for (const be of backendsUnderTest()) {
  describe(`robustness (${be.name})`, () => {
    const D = 12;
    const K = 9;
    const C = 4;
    const w1 = new Matrix(K, D, rand(1, K * D, 0.5));
    const b1 = rand(2, K, 0.1);
    const w2 = new Matrix(C, K, rand(3, C * K));
    const b2 = rand(4, C, 0.1);
    const mean = rand(5, K, 0.1);
    const std = new Rng(6, ts).uniform(K, 0.5, 2);
    const x = new Matrix(5, D, new Rng(7, ts).uniform(5 * D, 0.05, 1));
    const y = [0, 1, 2, 3, 1];
    const cases: { act: Activation; normalize: boolean; standardize: boolean }[] = [
      { act: { name: 'softmax', inverseTemperature: 3 }, normalize: true, standardize: true },
      { act: { name: 'triangle', power: 3 }, normalize: true, standardize: true },
      { act: { name: 'repu', power: 2 }, normalize: true, standardize: false },
      { act: { name: 'relu' }, normalize: false, standardize: false },
      { act: { name: 'tanh' }, normalize: false, standardize: true },
      { act: { name: 'sigmoid' }, normalize: false, standardize: false },
      { act: { name: 'linear' }, normalize: true, standardize: false },
    ];
    for (const c of cases) {
      const label = `${c.act.name}${c.normalize ? ', normalised input' : ''}${c.standardize ? ', standardised features' : ''}`;
      it(`input gradient of the cross-entropy = float64 finite differences: ${label}`, () => {
        const stages: Stage[] = [];
        if (c.normalize) stages.push(normalizeStage(be));
        stages.push(linearStage(be, w1, b1), activationStage(be, c.act));
        if (c.standardize) stages.push(standardizeStage(be, mean, std));
        stages.push(linearStage(be, w2, b2));
        const net = new Pipeline(be, stages, D);
        const { grad, loss } = net.lossGradient(x, y);
        const ref: Ref = {
          normalize: c.normalize,
          w1: rows(w1),
          b1: Array.from(b1),
          act: c.act,
          mean: c.standardize ? Array.from(mean) : undefined,
          std: c.standardize ? Array.from(std) : undefined,
          w2: rows(w2),
          b2: Array.from(b2),
        };
        const h = 1e-6;
        for (let t = 0; t < x.rows; t++) {
          const xt = Array.from(x.row(t));
          assert.ok(Math.abs(loss[t] - loss64(ref, xt, y[t])) < 1e-4 * (1 + loss[t]), 'loss');
          let scale = 0;
          const fd = xt.map((_, j) => {
            const p = xt.slice();
            const m = xt.slice();
            p[j] += h;
            m[j] -= h;
            const d = (loss64(ref, p, y[t]) - loss64(ref, m, y[t])) / (2 * h);
            scale = Math.max(scale, Math.abs(d));
            return d;
          });
          fd.forEach((d, j) => {
            const got = grad.data[t * D + j];
            assert.ok(
              Math.abs(got - d) <= 2e-3 * scale + 1e-6,
              `sample ${t} input ${j}: ${got} vs finite difference ${d}`,
            );
          });
        }
      });
    }

    for (const normalizeInput of [false, true])
      it(`a read-out with a standardiser, folded into one linear stage, gives the same logits and gradients${normalizeInput ? ' (inputs scaled to unit norm first, as SoftHebb)' : ''}`, () => {
        const clf = new SoftmaxClassifier({ backend: be }).setParameters(w2, b2);
        const folded = featureNetwork(
          be,
          w1,
          { name: 'tanh' },
          { classifier: clf, stats: { mean, std } },
          b1,
          { normalizeInput },
        );
        const plain = new Pipeline(
          be,
          [
            ...(normalizeInput ? [normalizeStage(be)] : []),
            linearStage(be, w1, b1),
            activationStage(be, { name: 'tanh' }),
            standardizeStage(be, mean, std),
            linearStage(be, w2, b2),
          ],
          D,
        );
        const a = folded.lossGradient(x, y);
        const b = plain.lossGradient(x, y);
        assert.equal(folded.stages.length, normalizeInput ? 4 : 3);
        a.logits.data.forEach((v, i) =>
          assert.ok(Math.abs(v - b.logits.data[i]) < 1e-5 * (1 + Math.abs(v)), 'logits'),
        );
        a.grad.data.forEach((v, i) =>
          assert.ok(Math.abs(v - b.grad.data[i]) < 1e-5 * (1 + Math.abs(v)), 'gradient'),
        );
      });

    it('calls on batches of other sizes do not change what an earlier call returned', () => {
      const net = new Pipeline(
        be,
        [
          normalizeStage(be),
          linearStage(be, w1, b1),
          activationStage(be, { name: 'triangle', power: 3 }),
          linearStage(be, w2, b2),
        ],
        D,
      );
      const a = net.lossGradient(x, y);
      const keep = { g: a.grad.data.slice(), z: a.logits.data.slice() };
      const small = net.lossGradient(x.sliceRows(1, 3), y.slice(1, 3));
      const again = net.lossGradient(x, y);
      assert.deepEqual(a.grad.data, keep.g, 'the first result is untouched');
      assert.deepEqual(a.logits.data, keep.z);
      assert.deepEqual(again.grad.data, keep.g, 'the same batch gives the same gradient');
      // Rows do not interact (BLAS may round another row count differently: 1e-5).
      small.grad.data.forEach((v, i) =>
        assert.ok(Math.abs(v - keep.g[D + i]) <= 1e-5 * (1 + Math.abs(v)), 'rows do not interact'),
      );
    });

    it('onehot (hard WTA at inference) is refused: its gradient is zero almost everywhere', () => {
      assert.throws(() => activationStage(be, { name: 'onehot' }), /softmax at inference/);
    });

    // Two classes, logits z = W x: the smallest perturbation that flips x has L∞ norm
    // margin / ‖w₁ − w₀‖₁ and L2 norm margin / ‖w₁ − w₀‖₂ (away from the [0, 1] borders).
    const wl = new Matrix(2, D, rand(11, 2 * D, 0.3));
    const lin = new Pipeline(be, [linearStage(be, wl)], D);
    const xs = new Matrix(40, D, new Rng(12, ts).uniform(40 * D, 0.3, 0.7));
    const pred = lin.predict(xs);
    const ys = Array.from(pred);
    const diff = Array.from({ length: D }, (_, j) => wl.data[D + j] - wl.data[j]);
    const margin = (t: number) => {
      const z = diff.reduce((s, d, j) => s + d * xs.data[t * D + j], 0);
      return Math.abs(z);
    };
    const l1 = diff.reduce((s, d) => s + Math.abs(d), 0);
    const l2 = Math.sqrt(diff.reduce((s, d) => s + d * d, 0));
    for (const norm of ['linf', 'l2'] as const) {
      it(`PGD ${norm} finds exactly the samples within the closed-form minimal perturbation`, () => {
        const dual = norm === 'linf' ? l1 : l2;
        // ε at the median minimal perturbation: about half the samples can be flipped.
        const needs = Array.from({ length: xs.rows }, (_, t) => margin(t) / dual).sort(
          (a, b) => a - b,
        );
        const eps = needs[xs.rows >> 1];
        const res = pgd(lin, xs, ys, { norm, eps, steps: 100, restarts: 2, seed: 3 });
        let checked = 0;
        for (let t = 0; t < xs.rows; t++) {
          const need = margin(t) / dual;
          if (Math.abs(need - eps) < 0.02 * eps) continue; // too close to call at float precision
          checked++;
          assert.equal(
            res.robust[t],
            need > eps ? 1 : 0,
            `sample ${t}: needs ε ${need}, attacked at ${eps}`,
          );
          if (!res.robust[t]) {
            const a = res.adversarial.row(t);
            let dist = 0;
            for (let j = 0; j < D; j++) {
              const d = Math.abs(a[j] - xs.data[t * D + j]);
              dist = norm === 'linf' ? Math.max(dist, d) : dist + d * d;
              assert.ok(a[j] >= 0 && a[j] <= 1, 'inside the pixel range');
            }
            if (norm === 'l2') dist = Math.sqrt(dist);
            assert.ok(dist <= eps * (1 + 1e-4), `inside the ε-ball: ${dist}`);
            assert.notEqual(lin.predict(res.adversarial.sliceRows(t, t + 1))[0], ys[t], 'fooled');
          }
        }
        assert.ok(checked > 20, `${checked} samples checked`);
        res.robust.forEach((r, t) =>
          assert.equal(r === 1, res.fooledAt[t] === -2, `fooledAt of ${t}`),
        );
        const fooled = res.robust.filter((v) => v === 0).length;
        assert.ok(fooled > 3 && fooled < checked, `a mix of robust and fooled samples (${fooled})`);
      });
    }

    it('PGD: a sample wrong when clean is not robust; ε = 0 is clean accuracy', () => {
      const wrong = ys.map((k) => 1 - k);
      const res = pgd(lin, xs, [...wrong.slice(0, 5), ...ys.slice(5)], {
        norm: 'linf',
        eps: 0,
        steps: 3,
        restarts: 1,
        seed: 0,
      });
      assert.deepEqual(Array.from(res.robust.slice(0, 5)), [0, 0, 0, 0, 0]);
      assert.equal(
        res.robust.slice(5).reduce((a, b) => a + b, 0),
        xs.rows - 5,
      );
      assert.equal(accuracy(lin, xs, ys), 1);
    });

    it('Gaussian noise: zero σ is the identity, the result stays in [0, 1], and the noise has σ', () => {
      const img = new Matrix(50, 100, new Rng(20, ts).uniform(5000, 0.3, 0.7));
      assert.deepEqual(gaussianNoise(img, 0, new Rng(1, be)).data, img.data);
      const n = gaussianNoise(img, 0.05, new Rng(1, be));
      let s2 = 0;
      for (let i = 0; i < n.data.length; i++) {
        assert.ok(n.data[i] >= 0 && n.data[i] <= 1);
        s2 += (n.data[i] - img.data[i]) ** 2;
      }
      const sd = Math.sqrt(s2 / n.data.length);
      assert.ok(Math.abs(sd - 0.05) < 0.003, `σ measured ${sd}`);
      const big = gaussianNoise(img, 5, new Rng(2, be));
      assert.ok(big.data.every((v) => v >= 0 && v <= 1));
    });
  });
}

// A ReLU's gradient is mostly exact zeros, and the linear stage before it multiplies it by its
// weights with gemmSparseA: 40 rows at about a third nonzero, the native sparse loops' range.
for (const be of backendsUnderTest()) {
  describe(`pipeline (${be.name}): the GEMM back through a ReLU skips its zeros`, () => {
    it('relu and repu mark their gradients sparse, the smooth activations do not', () => {
      assert.equal(activationStage(be, { name: 'relu' }).sparseGradient, true);
      assert.equal(activationStage(be, { name: 'repu', power: 2 }).sparseGradient, true);
      for (const act of [{ name: 'tanh' }, { name: 'softmax', inverseTemperature: 2 }] as const)
        assert.ok(!activationStage(be, act).sparseGradient, act.name);
    });

    it('the input gradient equals the one through the dense GEMM', () => {
      const D = 60;
      const K = 200;
      const B = 40;
      const w1 = new Matrix(K, D, rand(11, K * D, 0.3));
      // A negative bias leaves about a third of the units on.
      const b1 = new Float32Array(K).fill(-0.5);
      const w2 = new Matrix(4, K, rand(12, 4 * K, 0.3));
      const x = new Matrix(B, D, new Rng(13, ts).uniform(B * D));
      const y = Array.from({ length: B }, (_, i) => i % 4);
      const stages = [
        linearStage(be, w1, b1),
        activationStage(be, { name: 'relu' }),
        linearStage(be, w2, null),
      ];
      const { grad } = new Pipeline(be, stages, D).lossGradient(x, y);
      // The same backward pass by hand, with the dense GEMM at the first stage.
      let h = x;
      for (const s of stages) h = s.forward(h);
      const p = new Matrix(B, 4);
      be.softmaxRows(h, 1, p);
      y.forEach((k, i) => (p.data[i * 4 + k] -= 1));
      const g = stages[1].backward(stages[2].backward(p));
      let nonzero = 0;
      for (const v of g.data) nonzero += v !== 0 ? 1 : 0;
      const share = nonzero / g.data.length;
      assert.ok(share > 0.1 && share < 0.5, `share of nonzero entries ${share}`);
      const dense = stages[0].backward(g, false);
      assertClose(grad.data, dense.data, { rtol: 1e-5, atol: 1e-6, what: 'dL/dx' });
    });
  });
}
