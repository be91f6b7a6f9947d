import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { gaussianClusters } from '../../src/data/synthetic.ts';
import { ValueError } from '../../src/errors.ts';
import { MlpClassifier } from '../../src/readout/index.ts';

type MlpActivation = 'relu' | 'tanh' | 'sigmoid' | 'softmax';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

interface P {
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
}
const ACT: Record<Exclude<MlpActivation, 'softmax'>, (z: number) => number> = {
  relu: (z) => Math.max(z, 0),
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
};
/** The hidden layer: element-wise, or softmax at inverse temperature 2 over the units. */
function hidden(act: MlpActivation, pre: number[]): number[] {
  if (act !== 'softmax') return pre.map(ACT[act]);
  const m = Math.max(...pre);
  const e = pre.map((v) => Math.exp(2 * (v - m)));
  const s = e.reduce((a, b) => a + b);
  return e.map((v) => v / s);
}

/** Float64 forward of the 2-layer network and its mean cross-entropy, independent of the library. */
function refLoss(p: P, x: Matrix, y: ArrayLike<number>, K: number, C: number, act: MlpActivation) {
  const D = x.cols;
  let total = 0;
  for (let i = 0; i < x.rows; i++) {
    const pre = Array.from({ length: K }, (_, k) => {
      let s = p.b1[k];
      for (let j = 0; j < D; j++) s += p.w1[k * D + j] * x.data[i * D + j];
      return s;
    });
    const h = hidden(act, pre);
    const z = Array.from({ length: C }, (_, c) => {
      let s = p.b2[c];
      for (let k = 0; k < K; k++) s += p.w2[c * K + k] * h[k];
      return s;
    });
    const m = Math.max(...z);
    total += m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) - z[y[i]];
  }
  return total / x.rows;
}

for (const be of backendsUnderTest()) {
  describe(`MlpClassifier on ${be.name}`, () => {
    for (const act of ['relu', 'tanh', 'sigmoid', 'softmax'] as const) {
      it(`backward (${act}) matches central finite differences of a float64 forward`, () => {
        const D = 5;
        const K = 4;
        const C = 3;
        const x = randMatrix(6, D, 21, -1, 1);
        const y = Uint8Array.from([0, 1, 2, 0, 1, 2]);
        const mlp = new MlpClassifier({
          hidden: K,
          activation: act === 'softmax' ? 'softmax:2' : act,
          seed: 5,
          backend: be,
        }).initialize(D, C);
        const g = mlp.gradient(x, y);
        const q = mlp.parameters;
        const p: P = {
          w1: Array.from(q.w1.data),
          b1: Array.from(q.b1),
          w2: Array.from(q.w2.data),
          b2: Array.from(q.b2),
        };
        assert.ok(Math.abs(g.loss - refLoss(p, x, y, K, C, act)) < 1e-5);
        const h = 1e-6;
        for (const name of ['w1', 'b1', 'w2', 'b2'] as const) {
          const fd = p[name].map((_, k) => {
            const orig = p[name][k];
            p[name][k] = orig + h;
            const lp = refLoss(p, x, y, K, C, act);
            p[name][k] = orig - h;
            const lm = refLoss(p, x, y, K, C, act);
            p[name][k] = orig;
            return (lp - lm) / (2 * h);
          });
          const got = g[name] instanceof Matrix ? g[name].data : g[name];
          assertClose(got, fd, { rtol: 1e-3, atol: 2e-6, what: `dL/d${name}` });
        }
        const dx = Matrix.zeros(x.rows, D);
        mlp.inputGradient(x, y, dx);
        const xs = x.clone();
        const fdX = Array.from(x.data, (_, k) => {
          const orig = xs.data[k];
          xs.data[k] = orig + 1e-3;
          const lp = refLoss(p, xs, y, K, C, act);
          xs.data[k] = orig - 1e-3;
          const lm = refLoss(p, xs, y, K, C, act);
          xs.data[k] = orig;
          return (lp - lm) / 2e-3;
        });
        assertClose(dx.data, fdX, { rtol: 1e-2, atol: 1e-4, what: 'dL/dx' });
      });
    }

    it('learns separable clusters in mini-batch and online (batch 1) modes', () => {
      const ds = gaussianClusters({ clusters: 4, perCluster: 100, dim: 10, spread: 0.2, seed: 6 });
      const batch = new MlpClassifier({ hidden: 16, lr: 0.01, epochs: 5, seed: 1, backend: be });
      batch.fit(ds.x, ds.y);
      assert.ok(batch.score(ds.x, ds.y) >= 0.97, `batch accuracy ${batch.score(ds.x, ds.y)}`);
      for (const optimizer of ['adam', 'sgd'] as const) {
        const online = new MlpClassifier({
          hidden: 16,
          lr: optimizer === 'adam' ? 0.003 : 0.1,
          optimizer,
          epochs: 1,
          batchSize: 1,
          seed: 1,
          backend: be,
        });
        online.fit(ds.x, ds.y);
        assert.ok(
          online.score(ds.x, ds.y) >= 0.95,
          `${optimizer} online ${online.score(ds.x, ds.y)}`,
        );
      }
    });

    for (const act of ['relu', 'softmax'] as const)
      for (const decay of [0, 0.1])
        it(`one SGD step is p − η(∇ + λp) with ∇ from gradient() (${act}, λ = ${decay})`, () => {
          const x = randMatrix(6, 5, 31);
          const y = [0, 2, 1, 2, 0, 1];
          const opts = {
            hidden: 7,
            activation: act === 'softmax' ? 'softmax:2' : act,
            optimizer: 'sgd' as const,
            lr: 0.3,
            weightDecay: decay,
            batchSize: 6,
            seed: 2,
            classes: 3,
            backend: be,
          };
          const ref = new MlpClassifier(opts).initialize(5, 3);
          const g = ref.gradient(x, y);
          const p = ref.parameters;
          const want = (v: ArrayLike<number>, d: ArrayLike<number>) =>
            Array.from(v, (w, i) => w - 0.3 * (d[i] + decay * w));
          const expected = {
            w1: want(p.w1.data, g.w1.data),
            b1: want(p.b1, g.b1),
            w2: want(p.w2.data, g.w2.data),
            b2: want(p.b2, g.b2),
          };
          const m = new MlpClassifier(opts).initialize(5, 3);
          m.partialFit(x, y);
          const q = m.parameters;
          assertClose(q.w1.data, expected.w1, { atol: 1e-6, what: 'W1' });
          assertClose(q.b1, expected.b1, { atol: 1e-6, what: 'b1' });
          assertClose(q.w2.data, expected.w2, { atol: 1e-6, what: 'W2' });
          assertClose(q.b2, expected.b2, { atol: 1e-6, what: 'b2' });
        });

    it("starts from U(±1/√fan-in) weights and biases (torch.nn.Linear's default)", () => {
      // lr 0: the SGD step leaves the initial parameters as they are
      const m = new MlpClassifier({ hidden: 300, optimizer: 'sgd', lr: 0, seed: 3, backend: be });
      m.partialFit(randMatrix(2, 400, 1), [0, 9]);
      const { w1, b1, w2 } = m.parameters;
      for (const [what, v, fanIn] of [
        ['W1', w1.data, 400],
        ['b1', b1, 400],
        ['W2', w2.data, 300],
      ] as const) {
        const bound = 1 / Math.sqrt(fanIn);
        const max = v.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
        // the largest of n uniform magnitudes lies within bound·(1 − 5/n) but for e^−5
        assert.ok(
          max <= bound && max > bound * (1 - 5 / v.length),
          `${what}: max |w| ${max} vs ${bound}`,
        );
      }
    });

    it('rejects bad options and input', () => {
      assert.throws(() => new MlpClassifier({ activation: 'gelu' as MlpActivation }), ValueError);
      assert.throws(() => new MlpClassifier({ hidden: 0 }), /hidden must be a positive integer/);
      const mlp = new MlpClassifier({ hidden: 3, backend: be });
      assert.throws(() => mlp.predict(randMatrix(2, 2, 1)), /not fitted yet/);
      assert.throws(() => mlp.fit(randMatrix(2, 2, 1), [0, 1.5]), /label 1 is 1.5/);
    });
  });
}

describe('MlpClassifier backends agree', () => {
  it('same initialisation bit for bit and close gradients', () => {
    const bes = backendsUnderTest();
    if (bes.length < 2) return;
    const x = randMatrix(8, 12, 2);
    const y = Uint8Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
    const [a, b] = bes.map((be) =>
      new MlpClassifier({ hidden: 7, seed: 9, backend: be }).initialize(12, 3),
    );
    assert.deepEqual(Array.from(a.parameters.w1.data), Array.from(b.parameters.w1.data));
    const ga = a.gradient(x, y);
    const gb = b.gradient(x, y);
    assertClose(ga.w1.data, gb.w1.data, { rtol: 1e-4, atol: 1e-6, what: 'dW1' });
    assertClose(ga.w2.data, gb.w2.data, { rtol: 1e-4, atol: 1e-6, what: 'dW2' });
  });
});
