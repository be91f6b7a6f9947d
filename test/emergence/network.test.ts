import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, Matrix, Rng } from '../../src/backend/index.ts';
import {
  HIDDEN_ACTIVATIONS as ACTIVATIONS,
  DfaRule,
  BiasFreeMlp as Mlp,
  createRule,
  mseLoss,
  softmaxCrossEntropy,
  type HiddenActivation as Activation,
  type LossName,
} from '../../src/emergence/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

// Float64 reference of the same network and losses, written independently of the library.
const F64: Record<Activation, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(x, 0),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

function refLoss(
  ws: Float64Array[],
  sizes: number[],
  act: Activation,
  x: Float64Array,
  B: number,
  loss: LossName,
  target: Float64Array,
  labels: number[],
): number {
  let a = x;
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const [K, N] = [sizes[l], sizes[l + 1]];
    const z = new Float64Array(B * N);
    for (let b = 0; b < B; b++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[b * K + k] * ws[l][n * K + k];
        z[b * N + n] = l < L - 1 ? F64[act](s) : s;
      }
    a = z;
  }
  const D = sizes[L];
  let total = 0;
  for (let b = 0; b < B; b++) {
    if (loss === 'mse') {
      for (let d = 0; d < D; d++) total += (a[b * D + d] - target[b * D + d]) ** 2 / D;
    } else {
      const row = Array.from(a.subarray(b * D, (b + 1) * D));
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      total += lse - row[labels[b]];
    }
  }
  return total / B;
}

for (const be of backendsUnderTest()) {
  describe(`emergence MLP (${be.name})`, () => {
    const sizes = [4, 5, 3, 3];
    const B = 3;
    for (const act of ACTIVATIONS) {
      for (const loss of ['mse', 'cross-entropy'] as const) {
        it(`backward equals float64 central differences: ${act}, ${loss}`, () => {
          const rng = new Rng(7, be);
          const net = new Mlp(sizes, act, B, be);
          net.init(rng.fork(0));
          rng.fork(1).normal(net.a[0].data);
          const target = Matrix.zeros(B, 3);
          rng.fork(2).normal(target.data);
          const labels = [2, 0, 1];
          const dOut = net.dz[net.layers - 1];
          net.forward();
          if (loss === 'mse') mseLoss(be, net.output, target, dOut);
          else softmaxCrossEntropy(be, net.output, labels, Matrix.zeros(B, 3), dOut);
          net.backward();
          const ws = net.w.map((w) => Float64Array.from(w.data));
          const x = Float64Array.from(net.a[0].data);
          const t = Float64Array.from(target.data);
          const f = () => refLoss(ws, sizes, act, x, B, loss, t, labels);
          const h = 1e-6;
          for (let l = 0; l < net.layers; l++) {
            const fd = new Float64Array(ws[l].length);
            for (let i = 0; i < ws[l].length; i++) {
              const keep = ws[l][i];
              ws[l][i] = keep + h;
              const up = f();
              ws[l][i] = keep - h;
              const down = f();
              ws[l][i] = keep;
              fd[i] = (up - down) / (2 * h);
            }
            assertClose(net.dw[l].data, fd, { rtol: 2e-3, atol: 2e-5, what: `dW${l}` });
          }
        });
      }
    }

    it('the losses return the float64 reference value', () => {
      const out = Matrix.from([
        [0.5, -1, 2],
        [0, 0.25, -0.5],
      ]);
      const tgt = Matrix.from([
        [1, 0, 2],
        [-1, 0.25, 0],
      ]);
      // ((0.25 + 1 + 0) + (1 + 0 + 0.25)) / 6
      assert.ok(Math.abs(mseLoss(be, out, tgt, Matrix.zeros(2, 3)) - 2.5 / 6) < 1e-7);
      const ce = softmaxCrossEntropy(be, out, [2, 0], Matrix.zeros(2, 3), Matrix.zeros(2, 3));
      const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
      const ref = (lse([0.5, -1, 2]) - 2 + lse([0, 0.25, -0.5]) - 0) / 2;
      assert.ok(Math.abs(ce - ref) < 1e-6, `${ce} vs ${ref}`);
    });

    for (const act of ['tanh', 'relu'] as const) {
      it(`DFA with feedback B = W₁ᵀ equals backprop for one hidden layer (${act})`, () => {
        const s = [6, 8, 4];
        const rng = new Rng(3, be);
        const net = new Mlp(s, act, 5, be);
        net.init(rng.fork(0));
        rng.fork(1).normal(net.a[0].data);
        const target = Matrix.zeros(5, 4);
        rng.fork(2).normal(target.data);
        const lossGrad = (o: Matrix, d: Matrix) => mseLoss(be, o, target, d);
        const gBp = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
        const gDfa = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
        net.forward();
        createRule('sgd', net, rng.fork(3)).signal(net, lossGrad, gBp);
        const dfa = createRule('dfa', net, rng.fork(3)) as DfaRule;
        dfa.feedback[0].data.set(net.w[1].transpose().data);
        dfa.signal(net, lossGrad, gDfa);
        for (let l = 0; l < 2; l++) assertClose(gDfa[l].data, gBp[l].data, { what: `g${l}` });
        // with its own random feedback the hidden signal differs, the output layer's does not
        const random = createRule('dfa', net, rng.fork(4));
        random.signal(net, lossGrad, gDfa);
        assertClose(gDfa[1].data, gBp[1].data, { what: 'output g' });
        assert.throws(() => assertClose(gDfa[0].data, gBp[0].data));
      });
    }
  });
}

describe('initScale and feedbackScale', () => {
  it('scale the initial weights and the DFA feedback matrices exactly', async () => {
    const { EmergenceLearner } = await import('../../src/emergence/learner.ts');
    const x = new Matrix(32, 6, new Rng(1, getBackend('ts')).normal(32 * 6));
    const y = new Matrix(32, 3, new Rng(2, getBackend('ts')).normal(32 * 3));
    const base = { rule: 'dfa' as const, hidden: [5], batchSize: 16, epochs: 1, seed: 3 };
    const a = new EmergenceLearner(base).fit(x, y).result!;
    const b = new EmergenceLearner({ ...base, initScale: 3 }).fit(x, y).result!;
    a.weightNorm.initial.forEach((n, l) =>
      assert.ok(Math.abs(b.weightNorm.initial[l] / n - 3) < 1e-6, `layer ${l}`),
    );
    const net = new Mlp([6, 5, 3], 'tanh', 4, getBackend('ts'));
    const f1 = (createRule('dfa', net, new Rng(9, getBackend('ts'))) as DfaRule).feedback[0];
    const f2 = (
      createRule('dfa', net, new Rng(9, getBackend('ts')), { feedbackScale: 0.1 }) as DfaRule
    ).feedback[0];
    assertClose(
      f2.data,
      Array.from(f1.data, (v) => 0.1 * v),
      { rtol: 1e-6, what: 'B' },
    );
  });
});
