// TinyTransformer against a float64 reference written here from the definition (forward),
// its backward against central differences of that reference, the Hebbian activity pairs
// against the weights that made them, and the learner on the transformer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng } from '../../src/backend/index.ts';
import { EmergenceLearner } from '../../src/emergence/learner.ts';
import { TinyTransformer, type TransformerShape } from '../../src/emergence/transformer.ts';
import { ValueError } from '../../src/errors.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

const SHAPE: TransformerShape = {
  inputs: 12,
  outputs: 5,
  tokens: 3,
  width: 8,
  heads: 2,
  blocks: 2,
  activation: 'tanh',
};
const B = 4;

type Mat = { rows: number; cols: number; data: Float64Array };
const mat = (rows: number, cols: number): Mat => ({
  rows,
  cols,
  data: new Float64Array(rows * cols),
});
/** a (r × k) · wᵀ (w: n × k). */
function matmulT(a: Mat, w: Mat): Mat {
  const o = mat(a.rows, w.rows);
  for (let i = 0; i < a.rows; i++)
    for (let n = 0; n < w.rows; n++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * w.data[n * w.cols + k];
      o.data[i * w.rows + n] = s;
    }
  return o;
}
const add = (a: Mat, b: Mat): Mat => ({ ...a, data: a.data.map((v, i) => v + b.data[i]) });
function rms(h: Mat): Mat {
  const o = mat(h.rows, h.cols);
  for (let i = 0; i < h.rows; i++) {
    let s = 0;
    for (let j = 0; j < h.cols; j++) s += h.data[i * h.cols + j] ** 2;
    const f = Math.sqrt(h.cols) / Math.sqrt(s);
    for (let j = 0; j < h.cols; j++) o.data[i * h.cols + j] = h.data[i * h.cols + j] * f;
  }
  return o;
}

/** The network's output for weights ws (float64), from the class's documented definition. */
function reference(ws: Mat[], x: Float64Array, s: TransformerShape, batch: number): Mat {
  const { tokens: T, width: D, heads: H } = s;
  const P = s.inputs / T;
  const tok: Mat = { rows: batch * T, cols: P, data: x };
  let h = matmulT(tok, ws[0]);
  for (let i = 0; i < batch * T; i++)
    for (let j = 0; j < D; j++) {
      const t = i % T;
      const angle = t / 10000 ** ((2 * Math.floor(j / 2)) / D);
      h.data[i * D + j] += j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  const d = D / H;
  for (let b = 0; b < s.blocks; b++) {
    const [wq, wk, wv, wo, wu, wd] = ws.slice(1 + 6 * b, 7 + 6 * b);
    const n1 = rms(h);
    const [q, k, v] = [wq, wk, wv].map((w) => matmulT(n1, w));
    const att = mat(batch * T, D);
    for (let seq = 0; seq < batch; seq++)
      for (let hd = 0; hd < H; hd++)
        for (let t = 0; t < T; t++) {
          const sc = Array.from({ length: T }, (_, u) => {
            let acc = 0;
            for (let j = 0; j < d; j++)
              acc +=
                q.data[(seq * T + t) * D + hd * d + j] * k.data[(seq * T + u) * D + hd * d + j];
            return acc / Math.sqrt(d);
          });
          const m = Math.max(...sc);
          const e = sc.map((z) => Math.exp(z - m));
          const z = e.reduce((p, c) => p + c, 0);
          for (let j = 0; j < d; j++)
            att.data[(seq * T + t) * D + hd * d + j] = e.reduce(
              (acc, eu, u) => acc + (eu / z) * v.data[(seq * T + u) * D + hd * d + j],
              0,
            );
        }
    h = add(h, matmulT(att, wo));
    const up = matmulT(rms(h), wu);
    up.data = up.data.map(Math.tanh);
    h = add(h, matmulT(up, wd));
  }
  const flat = rms(h);
  return matmulT({ rows: batch, cols: T * D, data: flat.data }, ws[ws.length - 1]);
}

const toF64 = (m: Matrix): Mat => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) });

for (const be of backendsUnderTest()) {
  describe(`TinyTransformer (${be.name})`, () => {
    const net = new TinyTransformer(SHAPE, B, be);
    net.init(new Rng(1, be));
    new Rng(2, be).normal(net.input.data);
    const x = Float64Array.from(net.input.data);

    it('names its 14 matrices and sizes them from the shape', () => {
      assert.deepEqual(net.matrixNames.slice(0, 3), ['embed', 'block 1 q', 'block 1 k']);
      assert.equal(net.matrixNames[13], 'readout');
      assert.deepEqual(
        net.w.map((w) => w.shape),
        [
          [8, 4],
          ...Array(2)
            .fill([
              [8, 8],
              [8, 8],
              [8, 8],
              [8, 8],
              [32, 8],
              [8, 32],
            ])
            .flat(),
          [5, 24],
        ],
      );
    });

    it('forward equals the float64 reference', () => {
      net.forward();
      const ref = reference(net.w.map(toF64), x, SHAPE, B);
      assertClose(net.output.data, ref.data, { atol: 2e-5, rtol: 1e-4, what: 'output' });
    });

    it('backward equals central differences of the reference, for every matrix', () => {
      const g = new Rng(3, be).normal(B * SHAPE.outputs);
      net.forward();
      net.outputGrad.data.set(g);
      net.backward();
      const base = net.w.map(toF64);
      const loss = (ws: Mat[]) => {
        const o = reference(ws, x, SHAPE, B).data;
        return o.reduce((s, v, i) => s + g[i] * v, 0);
      };
      const h = 1e-6;
      base.forEach((w, l) => {
        const num: number[] = [];
        for (let i = 0; i < w.data.length; i++) {
          const plus = base.map((m, j) => (j === l ? { ...m, data: m.data.slice() } : m));
          const minus = base.map((m, j) => (j === l ? { ...m, data: m.data.slice() } : m));
          plus[l].data[i] += h;
          minus[l].data[i] -= h;
          num.push((loss(plus) - loss(minus)) / (2 * h));
        }
        // float32 forward and backward against a float64 derivative: relative error of the
        // whole matrix's gradient below 1e-4
        const diff = Math.hypot(...num.map((v, i) => v - net.dw[l].data[i]));
        const scale = Math.hypot(...num);
        assert.ok(
          diff <= 1e-4 * scale + 1e-6,
          `${net.matrixNames[l]}: |dW − numeric| = ${diff} vs |numeric| = ${scale}`,
        );
      });
    });

    it("each matrix's activity pair is what it computed: h_b = h_a · Wᵀ", () => {
      net.forward();
      net.w.forEach((w, l) => {
        const { presynaptic, preActivation } = net.activity(l);
        const want = Matrix.zeros(preActivation.rows, preActivation.cols);
        be.gemm(false, true, 1, presynaptic, w, 0, want);
        assertClose(preActivation.data, want.data, {
          atol: 1e-5,
          rtol: 1e-5,
          what: net.matrixNames[l],
        });
      });
      assert.ok(net.activity(5).postActivation, 'the up projection is followed by tanh');
      assert.equal(net.activity(1).postActivation, null);
    });

    it('rejects a shape whose tokens or heads do not divide', () => {
      assert.throws(
        () => new TinyTransformer({ ...SHAPE, tokens: 5 }, B, be),
        /12 input features do not split into 5 tokens/,
      );
      assert.throws(
        () => new TinyTransformer({ ...SHAPE, heads: 3 }, B, be),
        /3 heads do not divide the width 8/,
      );
    });

    it('EmergenceLearner trains it, reproducibly, and saves and restores it', () => {
      const rng = new Rng(5, be);
      const xs = new Matrix(64, 12, rng.normal(64 * 12));
      const ys = new Matrix(64, 5, rng.normal(64 * 5, 0, 0.5));
      const opts = {
        rule: 'sgd' as const,
        architecture: 'transformer' as const,
        ...{ tokens: 3, width: 8, heads: 2, blocks: 1 },
        lr: 0.05,
        weightDecay: 1e-3,
        batchSize: 16,
        epochs: 8,
        seed: 4,
        backend: be,
      };
      const a = new EmergenceLearner(opts).fit(xs, ys, { validation: { x: xs, y: ys } });
      const b = new EmergenceLearner(opts).fit(xs, ys);
      const r = a.result!;
      assert.equal(r.matrices.length, 8);
      assert.deepEqual(r.final.signal, b.result!.final.signal);
      const v = r.validation;
      assert.ok(
        v[v.length - 1].loss < 0.9 * v[0].loss,
        `val loss ${v[0].loss} → ${v[v.length - 1].loss}`,
      );
      for (const c of r.final.signal) assert.ok(c >= -1 && c <= 1);
      const restored = new EmergenceLearner(opts).setState(a.getState());
      assert.deepEqual(restored.output(xs).data, a.output(xs).data);
      assert.throws(
        () => new EmergenceLearner({ ...opts, rule: 'dfa' }),
        (e: Error) =>
          e instanceof ValueError && /rule 'dfa' needs architecture 'mlp'/.test(e.message),
      );
    });
  });
}
