// The emergence paper's quantities as hebb computes them (docs/math/emergence.md), each against
// a float64 reference or a closed form: the three alignments and the stationarity meter, the
// update ΔW = η (g − γW) the trainer applies, the meter's E‖h_b‖² under parameter noise
// (= ‖v h_a‖² + σ² N ‖h_a‖²), the gradient noise g + ξ, coupled and decoupled Adam's signal,
// and the scales of the initial weights and of DFA's feedback matrices.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng } from '../../src/backend/index.ts';
import type { Backend } from '../../src/backend/types.ts';
import {
  BiasFreeMlp,
  cosine,
  createRule,
  DfaRule,
  layerAlignment,
  mseLoss,
  StationarityMeter,
  type LearningRule,
} from '../../src/emergence/index.ts';
import { resolveEmergenceOptions, type EmergenceOptions } from '../../src/emergence/options.ts';
import {
  checkTargets,
  decayTimes,
  trainSteps,
  trainWithAlignments,
} from '../../src/emergence/training.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const cos = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));

/** Sample standard deviation of the entries (mean taken as 0, as drawn). */
const rms = (a: ArrayLike<number>) => Math.sqrt(dot(a, a) / a.length);

/** A rule whose signal is a fixed function of the learnt weights v (a test double). */
function fixedRule(signal: (w: Matrix, l: number) => ArrayLike<number>): LearningRule {
  return {
    name: 'sgd',
    backprop: false,
    signal(net, lossGrad, g) {
      const loss = lossGrad(net.output, net.outputGrad);
      net.w.forEach((w, l) => g[l].data.set(signal(w, l)));
      return loss;
    },
  };
}

/** Runs the trainer of fit (trainWithAlignments) over (x, y) with `rule` on `net`. */
function train(
  be: Backend,
  net: BiasFreeMlp,
  rule: LearningRule,
  o: Partial<EmergenceOptions>,
  x: Matrix,
) {
  const options = resolveEmergenceOptions({ rule: 'sgd', batchSize: x.rows, ...o, backend: be });
  const y = Matrix.zeros(x.rows, net.outputs);
  const task = checkTargets('test', be, x, y);
  const gen = trainWithAlignments({ net, rule, options, backend: be }, x, task, undefined, {
    trace: null,
    steps: 0,
  });
  let r = gen.next();
  while (!r.done) r = gen.next();
  return r.value;
}

for (const be of backendsUnderTest()) {
  describe(`emergence equations (${be.name})`, () => {
    it('cos(g, H), cos(ΔW, H) with ΔW = g − γW, cos(g, H⁺): float64 cosines (abs. 1e-6)', () => {
      const [g, w, h, hp] = [1, 2, 3, 4].map((s) => randMatrix(5, 7, s));
      const decay = 0.3;
      const r = layerAlignment(be, g, w, decay, h, hp);
      const dw = Array.from(g.data, (v, i) => v - decay * w.data[i]);
      assertClose(
        [r.signal, r.update, r.post],
        [cos(g.data, h.data), cos(dw, h.data), cos(g.data, hp.data)],
        {
          rtol: 0,
          atol: 1e-6,
          what: 'signal, update, post',
        },
      );
    });

    it('the stationarity meter: ⟨ḡ, H̄⟩, γ · mean Σ_b‖h_b‖² and their ratio (rel. 1e-6)', () => {
      const decay = 0.02;
      const meter = new StationarityMeter(be, 4, 3, decay);
      const gs = [5, 6, 7].map((s) => randMatrix(4, 3, s));
      const hs = [8, 9, 10].map((s) => randMatrix(4, 3, s));
      const q = [1.5, 2, 4];
      gs.forEach((g, i) => meter.add(g, hs[i], q[i]));
      const mean = (ms: Matrix[]) =>
        Array.from(ms[0].data, (_, i) => ms.reduce((s, m) => s + m.data[i], 0) / ms.length);
      const lhs = dot(mean(gs), mean(hs));
      const rhs = (decay * (1.5 + 2 + 4)) / 3;
      const res = meter.result();
      assertClose([res.lhs, res.rhs, res.ratio], [lhs, rhs, lhs / rhs], { rtol: 1e-6, atol: 0 });
      // cos(E g, E H), and cosine() itself (0 against an all-zero matrix)
      assertClose([res.meanCosine], [cos(mean(gs), mean(hs))], {
        rtol: 0,
        atol: 1e-6,
        what: 'cos(E g, E H)',
      });
      assertClose([cosine(be, gs[0], hs[1])], [cos(gs[0].data, hs[1].data)], {
        rtol: 0,
        atol: 1e-6,
      });
      assert.equal(cosine(be, gs[0], Matrix.zeros(4, 3)), 0);
    });

    it('the trainer applies v ← (1 − ηγ) v + η g: a constant g gives the geometric closed form (rel. 1e-5)', () => {
      const net = new BiasFreeMlp([6, 4], 'linear', 8, be);
      net.init(new Rng(1, be));
      const v0 = Float64Array.from(net.w[0].data);
      const G = randMatrix(4, 6, 11);
      const [eta, gamma, S] = [0.1, 0.2, 20];
      train(
        be,
        net,
        fixedRule(() => G.data),
        { lr: eta, weightDecay: gamma, epochs: S },
        randMatrix(8, 6, 12),
      );
      const a = 1 - eta * gamma;
      const want = v0.map((v, i) => a ** S * v + (eta * G.data[i] * (1 - a ** S)) / (1 - a));
      assertClose(net.w[0].data, want, { rtol: 1e-5, atol: 1e-6, what: 'v after 20 steps' });
    });

    it('rate warm-up over k steps: η_t = η min(1, (t + 1)/k), so v_S = Π_t (1 − η_t γ) v_0 with g = 0, and decayTimes = Σ_t η_t γ (rel. 1e-5)', () => {
      const net = new BiasFreeMlp([6, 4], 'linear', 8, be);
      net.init(new Rng(6, be));
      const v0 = Float64Array.from(net.w[0].data);
      // S > k: the ramp and the constant part both count; the decay is large, so that a rate
      // 10 % off in any step moves the product by more than the tolerance
      const [eta, gamma, k, S] = [0.5, 0.2, 7, 12];
      train(
        be,
        net,
        fixedRule((w) => new Float32Array(w.size)),
        { lr: eta, weightDecay: gamma, lrWarmup: k, epochs: S },
        randMatrix(8, 6, 15),
      );
      let shrink = 1;
      let times = 0;
      for (let t = 0; t < S; t++) {
        const rate = t < k ? (eta * (t + 1)) / k : eta;
        shrink *= 1 - rate * gamma;
        times += rate * gamma;
      }
      assertClose(
        net.w[0].data,
        v0.map((v) => shrink * v),
        { rtol: 1e-5, atol: 1e-7, what: 'v after the warm-up' },
      );
      // partialFit's steps continue the count: S calls of one step each follow the same ramp
      const again = new BiasFreeMlp([6, 4], 'linear', 8, be);
      again.init(new Rng(6, be));
      const run = {
        net: again,
        rule: fixedRule((w) => new Float32Array(w.size)),
        options: resolveEmergenceOptions({
          rule: 'sgd',
          batchSize: 8,
          lr: eta,
          weightDecay: gamma,
          lrWarmup: k,
          backend: be,
        }),
        backend: be,
      };
      const x = randMatrix(8, 6, 15);
      const task = checkTargets('test', be, x, Matrix.zeros(8, 4));
      const progress = { trace: null, steps: 0 };
      for (let t = 0; t < S; t++) trainSteps(run, x, task, progress);
      assertClose(again.w[0].data, net.w[0].data, { rtol: 1e-6, atol: 1e-8, what: 'partialFit' });
      const o = { lr: eta, weightDecay: gamma, lrWarmup: k };
      assertClose(
        [decayTimes(o, S), decayTimes(o, 4), decayTimes({ ...o, lrWarmup: 0 }, S)],
        [times, (gamma * eta * (1 + 2 + 3 + 4)) / k, eta * gamma * S],
        { rtol: 1e-12, atol: 0, what: 'Σ η_t γ' },
      );
    });

    it('at E g = γv the weights stay, and the meter reads ratio 1 with rhs = γ Σ_b‖v h_b‖² (rel. 1e-5)', () => {
      const net = new BiasFreeMlp([6, 4], 'linear', 8, be);
      net.init(new Rng(2, be));
      const v = Float64Array.from(net.w[0].data);
      const gamma = 0.05;
      const x = randMatrix(8, 6, 13);
      const res = train(
        be,
        net,
        fixedRule((w) => w.data.map((u) => gamma * u)),
        {
          lr: 0.1,
          weightDecay: gamma,
          epochs: 30,
          finalFraction: 1,
        },
        x,
      );
      assertClose(net.w[0].data, v, { rtol: 1e-5, atol: 1e-7, what: 'v' });
      let hb2 = 0;
      for (let b = 0; b < x.rows; b++)
        for (let n = 0; n < 4; n++) hb2 += dot(v.subarray(n * 6, n * 6 + 6), x.row(b)) ** 2;
      const st = res.stationarity[0];
      assertClose([st.rhs, st.ratio], [gamma * hb2, 1], {
        rtol: 1e-5,
        atol: 0,
        what: 'rhs, ratio',
      });
    });

    it('parameter noise ε ~ N(0, σ²): the meter sees E‖(v + ε) h_a‖² = ‖v h_a‖² + σ² N ‖h_a‖² (rel. 3 %)', () => {
      // N = 30 units over K = 20 inputs; σ²K = 5, so the noise term is 5/6 of the total. The
      // estimate averages 300 steps × 30 units: its spread is well under 1 %.
      const [K, N, B] = [20, 30, 16];
      const net = new BiasFreeMlp([K, N], 'linear', B, be);
      net.init(new Rng(3, be));
      const v = Float64Array.from(net.w[0].data);
      const [gamma, sigma] = [0.01, 0.5];
      const x = randMatrix(B, K, 14);
      const res = train(
        be,
        net,
        fixedRule((w) => w.data.map((u) => gamma * u)),
        {
          lr: 0.05,
          weightDecay: gamma,
          weightNoise: sigma,
          epochs: 300,
          finalFraction: 1,
          metricsEvery: 1000,
        },
        x,
      );
      let clean = 0;
      let inputs = 0;
      for (let b = 0; b < B; b++) {
        inputs += dot(x.row(b), x.row(b));
        for (let n = 0; n < N; n++) clean += dot(v.subarray(n * K, (n + 1) * K), x.row(b)) ** 2;
      }
      const want = gamma * (clean + sigma ** 2 * N * inputs);
      assertClose([res.stationarity[0].rhs], [want], { rtol: 0.03, atol: 0, what: 'rhs' });
    });

    it('gradient noise: each step adds ξ ~ N(0, σ²) to g, fresh each step; the signal recorded is g + ξ (rms rel. 3 %, cosines abs. 1e-5)', () => {
      // 100 × 100 weights: the rms of 10⁴ draws is within 0.7 % (1 std) of σ; two steps' ξ
      // correlate within ±0.01 (1 std). The 1-step run replays the 2-step run's first step.
      const [K, N, B] = [100, 100, 8];
      const [eta, sigma] = [0.1, 0.05];
      const G = randMatrix(N, K, 16);
      const x = randMatrix(B, K, 17);
      const run = (epochs: number) => {
        const net = new BiasFreeMlp([K, N], 'linear', B, be);
        net.init(new Rng(4, be));
        const v0 = Float64Array.from(net.w[0].data);
        const res = train(
          be,
          net,
          fixedRule(() => G.data),
          { lr: eta, gradientNoise: sigma, epochs, finalFraction: 1 },
          x,
        );
        return { v0, v: Float64Array.from(net.w[0].data), res };
      };
      const one = run(1);
      const two = run(2);
      const xi1 = one.v.map((v, i) => (v - one.v0[i]) / eta - G.data[i]);
      const xi2 = two.v.map((v, i) => (v - one.v[i]) / eta - G.data[i]);
      for (const xi of [xi1, xi2]) {
        assert.ok(Math.abs(rms(xi) / sigma - 1) < 0.03, `rms ξ ${rms(xi)} vs σ = ${sigma}`);
        assert.ok(Math.abs(xi.reduce((p, q) => p + q, 0) / xi.length) < 0.03 * sigma, 'mean ξ');
      }
      assert.ok(Math.abs(cos(xi1, xi2)) < 0.05, `ξ of two steps correlate: ${cos(xi1, xi2)}`);
      // H = Σ_b (v x_b) x_bᵀ at the weights of each step, in float64
      const hebb = (v: Float64Array) => {
        const h = new Float64Array(N * K);
        for (let b = 0; b < B; b++) {
          const xb = x.row(b);
          for (let n = 0; n < N; n++) {
            const hb = dot(v.subarray(n * K, (n + 1) * K), xb);
            for (let k = 0; k < K; k++) h[n * K + k] += hb * xb[k];
          }
        }
        return h;
      };
      const want = [
        cos(
          Array.from(G.data, (g, i) => g + xi1[i]),
          hebb(one.v0),
        ),
        cos(
          Array.from(G.data, (g, i) => g + xi2[i]),
          hebb(one.v),
        ),
      ];
      assertClose(two.res.alignment.signal[0], want, {
        rtol: 0,
        atol: 1e-5,
        what: 'cos(g + ξ, H)',
      });
    });

    for (const adamDecay of ['coupled', 'decoupled'] as const)
      it(`Adam's signal, ${adamDecay}: g = −m̂/(√v̂ + ε) of ∂ℓ/∂W${adamDecay === 'coupled' ? ' + γW, plus γW' : ''} (first step, rel. 1e-5)`, () => {
        const net = new BiasFreeMlp([6, 5, 3], 'tanh', 4, be);
        const rng = new Rng(4, be);
        net.init(rng.fork(0));
        rng.fork(1).normal(net.input.data);
        const target = randMatrix(4, 3, 15);
        const gamma = 0.05;
        const rule = createRule('adam', net, rng.fork(2), { decay: gamma, adamDecay });
        const g = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
        net.forward();
        rule.signal(net, (o, d) => mseLoss(be, o, target, d), g);
        const c = adamDecay === 'coupled' ? gamma : 0;
        for (let l = 0; l < 2; l++) {
          // after one step m̂ = ĝ and v̂ = ĝ², with ĝ = ∂ℓ/∂W (+ γW when coupled)
          const want = Array.from(net.dw[l].data, (d, i) => {
            const gh = d + c * net.w[l].data[i];
            return -gh / (Math.abs(gh) + 1e-8) + c * net.w[l].data[i];
          });
          assertClose(g[l].data, want, { rtol: 1e-5, atol: 1e-6, what: `g${l}` });
        }
      });
  });
}

describe('emergence initial scales (sample standard deviations, rel. 2 %)', () => {
  const [be] = backendsUnderTest();
  it('W_l ~ N(0, gain²/K_l), layer by layer', () => {
    const net = new BiasFreeMlp([400, 300, 200], 'tanh', 1, be);
    for (const gain of [1, 2]) {
      net.init(new Rng(5, be), gain);
      net.w.forEach((w, l) => {
        const want = gain / Math.sqrt(w.cols);
        assert.ok(
          Math.abs(rms(w.data) / want - 1) < 0.02,
          `layer ${l}: std ${rms(w.data)} vs ${want}`,
        );
      });
    }
  });

  it("DFA's feedback B_l ~ N(0, 1/N_l) (× feedbackScale)", () => {
    const net = new BiasFreeMlp([10, 300, 200], 'tanh', 1, be);
    for (const scale of [1, 0.5]) {
      const b = (createRule('dfa', net, new Rng(6, be), { feedbackScale: scale }) as DfaRule)
        .feedback[0];
      assert.equal(b.rows, 300);
      const want = scale / Math.sqrt(300);
      assert.ok(Math.abs(rms(b.data) / want - 1) < 0.02, `std ${rms(b.data)} vs ${want}`);
    }
  });
});
