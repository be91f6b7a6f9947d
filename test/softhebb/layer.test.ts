import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { gaussianClusters } from '../../src/data/synthetic.ts';
import { Rng } from '../../src/backend/rng.ts';
import { fromSafetensors, toSafetensors } from '../../src/model/model.ts';
import { SoftHebb } from '../../src/softhebb/index.ts';
import { backendsUnderTest, assertClose } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

/** Rows scaled to unit norm, in float64. */
function unitRows(x: Matrix): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < x.rows; i++) {
    const r = Float64Array.from(x.row(i));
    const n = Math.hypot(...r);
    out.push(r.map((v) => v / n));
  }
  return out;
}

/** Naive float64 SoftHebb: the per-sample Eq. 8 terms, computed with W fixed, summed. */
function naiveBatchUpdate(
  w: Matrix,
  x: Matrix,
  t: number,
  eta: number,
  hard: boolean,
): Float64Array {
  const K = w.rows;
  const n = w.cols;
  const W = Float64Array.from(w.data);
  const dW = new Float64Array(K * n);
  for (const xs of unitRows(x)) {
    const u = Array.from({ length: K }, (_, k) => xs.reduce((a, v, j) => a + v * W[k * n + j], 0));
    const m = Math.max(...u);
    let y = u.map((v) => Math.exp(t * (v - m)));
    const z = y.reduce((a, b) => a + b, 0);
    y = hard ? u.map((v, k) => (k === u.indexOf(m) ? 1 : 0)) : y.map((v) => v / z);
    for (let k = 0; k < K; k++)
      for (let j = 0; j < n; j++) dW[k * n + j] += eta * y[k] * (xs[j] - u[k] * W[k * n + j]);
  }
  return W.map((v, i) => v + dW[i]);
}

/** Naive float64 online SoftHebb with bias: samples one after another. */
function naiveOnline(w: Matrix, b: Float32Array, x: Matrix, t: number, eta: number, etaB: number) {
  const K = w.rows;
  const n = w.cols;
  const W = Float64Array.from(w.data);
  const B = Float64Array.from(b);
  for (const xs of unitRows(x)) {
    const u = Array.from({ length: K }, (_, k) => xs.reduce((a, v, j) => a + v * W[k * n + j], 0));
    const a = u.map((v, k) => v + B[k]);
    const m = Math.max(...a);
    const e = a.map((v) => Math.exp(t * (v - m)));
    const z = e.reduce((p, q) => p + q, 0);
    const y = e.map((v) => v / z);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < n; j++) W[k * n + j] += eta * y[k] * (xs[j] - u[k] * W[k * n + j]);
      B[k] += etaB * (y[k] * Math.exp(-t * B[k]) - 1);
    }
  }
  return { W, B };
}

const posRand = (r: number, c: number, seed: number) => {
  const m = randMatrix(r, c, seed);
  for (let i = 0; i < m.data.length; i++) m.data[i] = Math.abs(m.data[i]);
  return m;
};

for (const be of backendsUnderTest()) {
  describe(`SoftHebb layer on ${be.name}`, () => {
    it('a mini-batch update is the sum of the per-sample Eq. 8 updates (rel. 1e-5)', () => {
      for (const hard of [false, true]) {
        const w0 = posRand(7, 13, 1);
        const x = posRand(9, 13, 2);
        const layer = new SoftHebb({
          units: 7,
          inverseTemperature: 3,
          wta: hard ? 'hard' : 'soft',
          bias: false,
          lr: 0.05,
          integrator: 'euler',
          initialWeights: w0,
          backend: be,
        });
        layer.partialFit(x);
        const want = naiveBatchUpdate(w0, x, 3, 0.05, hard);
        assertClose(layer.weights.data, Float32Array.from(want), {
          rtol: 1e-5,
          atol: 1e-6,
          what: `hard=${hard}`,
        });
      }
    });

    it("the 'exact' integrator solves each unit's linear ODE over the batch (rel. 1e-5) and never overshoots", () => {
      const w0 = posRand(5, 9, 11);
      const x = posRand(12, 9, 12);
      for (const eta of [0.01, 50]) {
        const layer = new SoftHebb({
          units: 5,
          inverseTemperature: 2,
          bias: false,
          lr: eta,
          integrator: 'exact',
          initialWeights: w0,
          backend: be,
        });
        layer.partialFit(x);
        // Closed form: w ← e^(−ηc) w + (1 − e^(−ηc))/c · Σ_b y_b x_b, c = Σ_b y_b u_b (float64).
        const W = Float64Array.from(w0.data);
        const c = new Float64Array(5);
        const a = new Float64Array(5 * 9);
        for (const xs of unitRows(x)) {
          const u = [0, 1, 2, 3, 4].map((k) => xs.reduce((p, v, j) => p + v * W[k * 9 + j], 0));
          const m = Math.max(...u);
          const e = u.map((v) => Math.exp(2 * (v - m)));
          const z = e.reduce((p, q) => p + q, 0);
          for (let k = 0; k < 5; k++) {
            c[k] += (e[k] / z) * u[k];
            for (let j = 0; j < 9; j++) a[k * 9 + j] += (e[k] / z) * xs[j];
          }
        }
        const want = W.map((v, i) => {
          const k = Math.floor(i / 9);
          return Math.exp(-eta * c[k]) * v + (-Math.expm1(-eta * c[k]) / c[k]) * a[i];
        });
        assertClose(layer.weights.data, Float32Array.from(want), {
          rtol: 1e-5,
          atol: 1e-6,
          what: `eta ${eta}`,
        });
      }
      // With a tiny rate it is Eq. 8 to first order.
      const euler = new SoftHebb({
        units: 5,
        bias: false,
        lr: 1e-4,
        initialWeights: w0,
        backend: be,
      });
      const exact = new SoftHebb({
        units: 5,
        bias: false,
        lr: 1e-4,
        integrator: 'exact',
        initialWeights: w0,
        backend: be,
      });
      euler.partialFit(x);
      exact.partialFit(x);
      assertClose(exact.weights.data, euler.weights.data, { rtol: 1e-5, atol: 1e-6 });
    });

    it('online learning (fused kernel) equals the naive sequential per-sample rule with bias (rel. 1e-4)', () => {
      const w0 = posRand(6, 11, 3);
      const x = posRand(40, 11, 4);
      const K = 6;
      const b0 = new Float32Array(K).fill(Math.log(1 / K) / 4);
      const layer = new SoftHebb({
        units: K,
        inverseTemperature: 4,
        bias: true,
        batchSize: 1,
        lr: 0.1,
        biasLr: 0.01,
        initialWeights: w0,
        initialBias: b0,
        backend: be,
      });
      layer.partialFit(x);
      const want = naiveOnline(w0, b0, x, 4, 0.1, 0.01);
      assertClose(layer.weights.data, Float32Array.from(want.W), {
        rtol: 1e-4,
        atol: 1e-5,
        what: 'weights',
      });
      assertClose(layer.bias!, Float32Array.from(want.B), { rtol: 1e-4, atol: 1e-5, what: 'bias' });
    });

    it('online learning with batch 1 through fit equals partialFit on the same order', () => {
      const x = posRand(30, 8, 5);
      const opts = { units: 5, lr: 0.05, seed: 3, batchSize: 1, backend: be };
      const a = new SoftHebb(opts).fit(x);
      assert.equal(a.samplesSeen, 30);
      // fit visits epoch 0 in permutation 1000 of the seed; the same rows in that order by hand:
      const order = new Rng(3, be).fork(1000).permutation(30);
      const b = new SoftHebb(opts).initialize(8);
      b.horizon = 30;
      b.partialFit(x.gatherRows(order));
      assert.deepEqual(a.weights.data, b.weights.data);
    });

    it('hard WTA equals the large-inverse-temperature limit, and the softmax stays finite at t = 1e6', () => {
      const w0 = posRand(5, 9, 6);
      const x = posRand(20, 9, 7);
      const hard = new SoftHebb({
        units: 5,
        wta: 'hard',
        lr: 0.02,
        initialWeights: w0,
        backend: be,
      });
      const soft = new SoftHebb({
        units: 5,
        inverseTemperature: 1e6,
        bias: false,
        lr: 0.02,
        initialWeights: w0,
        backend: be,
      });
      for (let i = 0; i < 20; i++) {
        hard.partialFit(x.sliceRows(i, i + 1));
        soft.partialFit(x.sliceRows(i, i + 1));
      }
      assertClose(soft.weights.data, hard.weights.data, { rtol: 1e-6, what: 'weights' });
      const y = new SoftHebb({ units: 5, base: 1e6, initialWeights: w0, backend: be });
      y.initialize(9);
      const out = y.transform(x);
      assert.ok(out.data.every(Number.isFinite));
      for (let i = 0; i < out.rows; i++)
        assertClose([out.row(i).reduce((p, q) => p + q, 0)], [1], { rtol: 1e-5 });
    });

    it('weight norms converge to 1 (Theorem A.2) for every unit that wins inputs', () => {
      const data = gaussianClusters({
        clusters: 4,
        perCluster: 150,
        dim: 10,
        seed: 1,
        spread: 0.3,
      });
      for (let i = 0; i < data.x.data.length; i++) data.x.data[i] = Math.abs(data.x.data[i]);
      const layer = new SoftHebb({
        units: 4,
        inverseTemperature: 20,
        lr: { kind: 'constant', from: 0.05 },
        integrator: 'euler',
        bias: true,
        epochs: 20,
        batchSize: 10,
        seed: 2,
        backend: be,
      });
      layer.fit(data.x);
      const norms = layer.weightNorms();
      const wins = layer.winners(data.x);
      let active = 0;
      for (let k = 0; k < 4; k++) {
        // A unit that never wins only decays slowly through its tiny soft share; the theorem
        // is about units that learn.
        if (wins.filter((w) => w === k).length < 30) continue;
        active++;
        assert.ok(Math.abs(norms[k] - 1) < 0.01, `unit ${k}: norm ${norms[k]}`);
      }
      assert.ok(active >= 3, `only ${active} units win inputs`);
    });

    it('the prior rule (Eq. 10) drives e^(t·b_k) and E[y_k] to the class priors of a mixture', () => {
      // Four well-separated clusters with known priors; W fixed at the centres (lr 0).
      const priors = [0.4, 0.3, 0.2, 0.1];
      const data = gaussianClusters({
        clusters: 4,
        perCluster: 500,
        dim: 8,
        priors,
        spread: 0.05,
        seed: 4,
      });
      const centres = new Matrix(4, 8);
      for (let k = 0; k < 4; k++) centres.data[k * 9] = 1; // rows e_0, e_1, … (unit norm)
      // Put the samples on those axes: cluster c near e_c.
      const x = new Matrix(2000, 8);
      for (let i = 0; i < 2000; i++) {
        for (let j = 0; j < 8; j++) x.data[i * 8 + j] = 0.05 * Math.abs(data.x.data[i * 8 + j]);
        x.data[i * 8 + data.y[i]] += 1;
      }
      const t = 8;
      // Online Euler on b, and the exact prior integrator in mini-batches of 20.
      for (const [integrator, batchSize] of [
        ['euler', 1],
        ['exact', 20],
      ] as const) {
        const layer = new SoftHebb({
          units: 4,
          inverseTemperature: t,
          bias: true,
          epochs: 10,
          batchSize,
          lr: 0,
          biasLr: { kind: 'linear', from: 0.002 },
          initialWeights: centres,
          integrator,
          backend: be,
        });
        layer.fit(x);
        const prior = Array.from(layer.bias!, (b) => Math.exp(t * b));
        const y = layer.transform(x);
        const meanY = [0, 1, 2, 3].map((k) => {
          let s = 0;
          for (let i = 0; i < y.rows; i++) s += y.data[i * 4 + k];
          return s / y.rows;
        });
        const freq = [0, 1, 2, 3].map((k) => data.y.filter((c) => c === k).length / 2000);
        for (let k = 0; k < 4; k++) {
          assert.ok(
            Math.abs(prior[k] - freq[k]) < 0.03,
            `${integrator} prior ${k}: ${prior[k]} vs ${freq[k]}`,
          );
          assert.ok(Math.abs(meanY[k] - freq[k]) < 0.03, `E[y_${k}]: ${meanY[k]} vs ${freq[k]}`);
        }
      }
    });

    it('a checkpoint and resume gives the same weights, bit for bit, as an uninterrupted run', () => {
      const x = posRand(120, 10, 8);
      const opts = {
        units: 6,
        seed: 5,
        lr: { kind: 'linear', from: 0.05 } as const,
        epochs: 3,
        batchSize: 7,
        backend: be,
      };
      const full = new SoftHebb(opts).fit(x);
      let saved: Uint8Array | null = null;
      const first = new SoftHebb(opts);
      assert.throws(
        () =>
          first.fit(x, {
            onEpoch: (e) => {
              saved = toSafetensors(first);
              if (e === 1) throw new Error('interrupted');
            },
          }),
        /interrupted/,
      );
      const resumed = fromSafetensors(saved!, { expect: SoftHebb, backend: be });
      assert.equal(resumed.samplesSeen, 120);
      resumed.fit(x, { resume: true });
      assert.deepEqual(resumed.weights.data, full.weights.data);
      assert.deepEqual(resumed.bias, full.bias);
      // Resuming with other data or epochs would silently change the schedule: refused.
      const other = fromSafetensors(saved!, { expect: SoftHebb, backend: be });
      assert.throws(() => other.fit(x.sliceRows(0, 100), { resume: true }), /cannot resume/);
    });

    it('a layer started from given weights saves and loads without them (it carries its learnt ones)', () => {
      const w0 = posRand(4, 6, 13);
      const layer = new SoftHebb({
        units: 4,
        initialWeights: w0,
        initialBias: new Float32Array(4),
        bias: true,
        backend: be,
      });
      layer.fit(posRand(20, 6, 14));
      assert.deepEqual(
        Object.keys(layer.getParams()).filter((k) => k.startsWith('initial')),
        [],
      );
      const back = fromSafetensors(toSafetensors(layer), { expect: SoftHebb, backend: be });
      assert.deepEqual(back.weights.data, layer.weights.data);
      assert.deepEqual(back.bias, layer.bias);
    });

    /**
     * The backend as the layer would see it with the explicit soft step (no row scale: the
     * layer's scale stays at ones) and, in `kept`, whether a step kept a row scale ≠ 1.
     */
    const explicitStep = Object.assign(Object.create(be) as typeof be, {
      softHebbSoftStep: (...a: Parameters<typeof be.softHebbSoftStep>) =>
        be.softHebbSoftStep(a[0], a[1], a[2], a[3], { ...a[4], scale: null }, a[5]),
      softHebbForwardStep: (...a: Parameters<typeof be.softHebbForwardStep>) =>
        be.softHebbForwardStep(a[0], a[1], a[2], { ...a[3], scale: null }, a[4]),
    });
    const watched = () => {
      const w = Object.assign(Object.create(be) as typeof be, {
        kept: 0,
        softHebbSoftStep: (...a: Parameters<typeof be.softHebbSoftStep>) => {
          be.softHebbSoftStep(...a);
          if (a[4].scale && !a[4].scale.every((v) => v === 1)) w.kept++;
        },
        softHebbForwardStep: (...a: Parameters<typeof be.softHebbForwardStep>) => {
          be.softHebbForwardStep(...a);
          if (a[3].scale && !a[3].scale.every((v) => v === 1)) w.kept++;
        },
      });
      return w;
    };

    for (const integrator of ['exact', 'euler'] as const)
      for (const bias of [false, true])
        it(`fit with the row-scaled step equals fit with the explicit step (rel. 1e-4, t = 10), ${integrator}${bias ? ', with a prior' : ''}`, () => {
          const x = posRand(300, 24, 15);
          // A rate at which Euler never overshoots (that step would fold every time).
          const lr = { kind: 'linear', from: 0.05 } as const;
          const opts = { units: 12, seed: 2, epochs: 2, batchSize: 20, inverseTemperature: 10, lr };
          const lazyBe = watched();
          const lazy = new SoftHebb({ ...opts, integrator, bias, backend: lazyBe }).fit(x);
          const ref = new SoftHebb({ ...opts, integrator, bias, backend: explicitStep }).fit(x);
          assert.ok(lazyBe.kept >= 20, `steps that kept a row scale: ${lazyBe.kept} of 30`);
          assertClose(lazy.weights.data, ref.weights.data, { rtol: 1e-4, atol: 1e-6 });
          if (bias) assertClose(lazy.bias!, ref.bias!, { rtol: 1e-4, atol: 1e-6, what: 'bias' });
        });

    it("fit with the row-scaled step equals the explicit one with the 'default' preset (t = 200, rel. 1e-3)", () => {
      const x = posRand(200, 16, 10);
      const opts = { units: 8, seed: 1, epochs: 2, batchSize: 10 };
      const lazy = new SoftHebb({ ...opts, backend: be }).fit(x);
      const ref = new SoftHebb({ ...opts, backend: explicitStep }).fit(x);
      assertClose(lazy.weights.data, ref.weights.data, { rtol: 1e-3, atol: 1e-5 });
    });

    it('mid-fit reads see the folded weights, weightNorms needs no fold, partialFit leaves W folded', () => {
      const x = posRand(300, 24, 16);
      const opts = { units: 12, seed: 4, epochs: 1, batchSize: 20, inverseTemperature: 10 };
      const seen = (be: typeof explicitStep, check: boolean) => {
        const layer = new SoftHebb({ ...opts, backend: be });
        const got: Float32Array[] = [];
        layer.fit(x, {
          onProgress: (e) => {
            if (e.done % 60 !== 0) return;
            const norms = layer.weightNorms();
            got.push(layer.weights.data.slice());
            if (check) assertClose(norms, layer.weightNorms(), { rtol: 1e-5, what: 'norms' });
          },
        });
        return got;
      };
      const lazy = seen(watched(), true);
      const ref = seen(explicitStep, false);
      assert.equal(lazy.length, 5);
      lazy.forEach((w, i) => assertClose(w, ref[i], { rtol: 1e-4, atol: 1e-6, what: `read ${i}` }));
      // A reference held across partialFit (several batches) holds the layer's weights after it.
      const a = new SoftHebb({ ...opts, backend: be }).initialize(24);
      const b = new SoftHebb({ ...opts, backend: explicitStep }).initialize(24);
      const held = a.weights;
      a.partialFit(x.sliceRows(0, 100));
      b.partialFit(x.sliceRows(0, 100));
      assertClose(held.data, b.weights.data, { rtol: 1e-4, atol: 1e-6, what: 'held weights' });
    });

    it('bad input is a clear error naming the shape', () => {
      const layer = new SoftHebb({ units: 3, backend: be });
      const x = posRand(4, 5, 9);
      x.data[3] = NaN;
      assert.throws(() => layer.fit(x), /x \(4×5\) contains 1 NaN/);
      const ok = posRand(4, 5, 9);
      layer.fit(ok);
      assert.throws(
        () => layer.transform(posRand(2, 6, 1)),
        /x is 2×6 but the model was fitted on 5 features per sample/,
      );
      assert.throws(
        () => new SoftHebb({ units: 0 }),
        /units must be an integer in \[1, 1000000\], got 0/,
      );
      assert.throws(() => new SoftHebb({ units: 2, base: 1 }), /base must be a finite number > 1/);
      assert.throws(
        () => new SoftHebb({ units: 2, wta: 'hard', bias: true }),
        /bias learning needs a soft WTA/,
      );
      assert.throws(
        () => new SoftHebb({ units: 2, initialWeights: new Matrix(3, 4) }).initialize(4),
        /initialWeights is 3×4 but must be 2×4/,
      );
    });
  });
}

describe('SoftHebb across backends', () => {
  it('native and ts training agree (rel. 1e-3 after 2 epochs)', () => {
    // (wasm rounds each product and sum apart, with no FMA: at inverse temperature 200 the
    // posteriors amplify that ~600× per step, so it is compared step by step in
    // test/backend/wasm.test.ts instead)
    const bes = backendsUnderTest().filter((b) => b.name !== 'wasm');
    if (bes.length < 2) return;
    const x = posRand(200, 16, 10);
    const out = [];
    for (const be of bes) {
      const l = new SoftHebb({ units: 8, seed: 1, epochs: 2, batchSize: 10, backend: be }).fit(x);
      out.push(l.weights.data);
    }
    assertClose(out[0], out[1], { rtol: 1e-3, atol: 1e-5 });
  });
});
