// Structured and deep similarity matching networks (docs/math/similarity-matching.md): dynamics, energy, closed form,
// structure, learning rules, errors, backend agreement.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, Matrix, Rng } from '../../src/backend/index.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import type { Activation } from '../../src/model/activation.ts';
import {
  allToAll,
  cost,
  denseWeights,
  energy,
  fromStructureConstants,
  linearFixedPoint,
  locallyConnected,
  SimilarityNetwork,
} from '../../src/similarity/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

const ts = getBackend('ts');
const data = (seed: number, rows: number, cols: number, std = 1) =>
  new Matrix(rows, cols, new Rng(seed, ts).normal(rows * cols, 0, std));

/** Smallest eigenvalue sign test: Cholesky of the symmetric part succeeds. */
function isPositiveDefinite(m: Matrix): boolean {
  const n = m.rows;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = (m.data[i * n + j] + m.data[j * n + i]) / 2;
      for (let k = 0; k < j; k++) s -= g[i * n + k] * g[j * n + k];
      if (i === j) {
        if (!(s > 0)) return false;
        g[i * n + i] = Math.sqrt(s);
      } else g[i * n + j] = s / g[j * n + j];
    }
  return true;
}

for (const backend of backendsUnderTest()) {
  describe(`similarity network (${backend.name})`, () => {
    const acts: (string | Activation)[] = [
      'linear',
      'relu',
      { name: 'cappedRelu', threshold: 0.1, cap: 1 },
      'clip',
      'tanh',
      { name: 'shrink', threshold: 0.1 },
    ];
    for (const act of acts) {
      const name = typeof act === 'string' ? act : act.name;
      it(`energy (Eq. 20) never increases along the dynamics: ${name}, 2 layers, γ = 0.5`, () => {
        const net = new SimilarityNetwork({
          layers: [allToAll(10, 6), allToAll(6, 4)],
          activation: act,
          feedback: 0.5,
          seed: 4,
          backend,
        });
        const x = data(5, 3, 10);
        const E: number[][] = [];
        const res = net.solve(x, {
          dt: () => 0.02,
          maxSteps: 300,
          tol: 1e-9,
          onStep: (_s, r) => E.push(Array.from(energy(net, x, r))),
        });
        assert.ok(res.steps > 10);
        let drop = 0;
        for (let t = 1; t < E.length; t++)
          for (let b = 0; b < 3; b++) {
            assert.ok(
              E[t][b] <= E[t - 1][b] + 1e-5 * (1 + Math.abs(E[t - 1][b])),
              `${name}: E rose at step ${t} sample ${b}: ${E[t - 1][b]} → ${E[t][b]}`,
            );
            drop += E[t - 1][b] - E[t][b];
          }
        assert.ok(drop > 0, 'the energy must actually decrease');
      });
    }

    it('linear single layer: the dynamics reach the closed form r = L⁻¹Wx', () => {
      const net = new SimilarityNetwork({
        layers: [allToAll(12, 4)],
        activation: 'linear',
        batchSize: 4,
        seed: 3,
        backend,
      });
      const x = data(1, 8, 12, 0.5);
      net.partialFit(x); // L moves away from the identity
      assert.ok(Math.abs(denseWeights(net, 0, 'L').data[1]) > 1e-4);
      const res = net.solve(x, { tol: 1e-7, maxSteps: 20000 });
      assert.ok(res.converged);
      assertClose(res.r[0].data, linearFixedPoint(net, x).data, {
        atol: 2e-5,
        rtol: 1e-4,
        what: 'r',
      });
    });

    it('a mini-batch update is the summed Eq. 19 update (dense check)', () => {
      const net = new SimilarityNetwork({
        layers: [allToAll(5, 3)],
        activation: 'tanh',
        lr: 0.01,
        seed: 2,
        backend,
      });
      const x = data(2, 4, 5);
      const W0 = denseWeights(net, 0, 'W').data.slice();
      const L0 = denseWeights(net, 0, 'L').data.slice();
      const r = net.solve(x).r[0];
      net.applyUpdate(x, [r], 0.01);
      const W1 = denseWeights(net, 0, 'W').data;
      const L1 = denseWeights(net, 0, 'L').data;
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 5; j++) {
          let h = 0;
          for (let b = 0; b < 4; b++) h += r.data[b * 3 + i] * x.data[b * 5 + j];
          assertClose([W1[i * 5 + j]], [W0[i * 5 + j] + 0.01 * (h - 4 * W0[i * 5 + j])], {
            atol: 1e-6,
          });
        }
        for (let j = 0; j < 3; j++) {
          let h = 0;
          for (let b = 0; b < 4; b++) h += r.data[b * 3 + i] * r.data[b * 3 + j];
          assertClose([L1[i * 3 + j]], [L0[i * 3 + j] + 0.005 * (h - 4 * L0[i * 3 + j])], {
            atol: 1e-6,
          });
        }
      }
    });

    it('c = 1 with no structure equals the all-to-all network', () => {
      const mk = (layers: SimilarityNetwork['layers']) =>
        new SimilarityNetwork({ layers, activation: 'tanh', batchSize: 2, seed: 9, backend });
      const a = mk([allToAll(16, 3)]);
      // one site whose radius covers the whole 4×4 grid: the locally connected builder's all-to-all
      const b = mk([locallyConnected({ input: [4, 4, 1], stride: 4, radius: 100, nps: 3 })]);
      const c = mk([
        fromStructureConstants(3, 16, new Float32Array(48).fill(1), new Float32Array(9).fill(1)),
      ]);
      const x = data(3, 10, 16);
      for (const n of [a, b, c]) n.partialFit(x);
      const ref = [...denseWeights(a, 0, 'W').data, ...denseWeights(a, 0, 'L').data];
      for (const n of [b, c]) {
        const got = [...denseWeights(n, 0, 'W').data, ...denseWeights(n, 0, 'L').data];
        assertClose(got, ref, { atol: 1e-6, rtol: 1e-5, what: 'weights' });
      }
      assertClose(c.solve(x).r[0].data, a.solve(x).r[0].data, { atol: 1e-6, what: 'outputs' });
    });

    it('masked synapses (c = 0) stay exactly zero through learning; c scales the decay', () => {
      const rng = new Rng(11, ts);
      const cW = rng.uniform(6 * 10).map((v) => (v < 0.4 ? 0 : v < 0.7 ? 1 : 2));
      const cL = rng.uniform(36).map((v) => (v < 0.5 ? 0 : 1));
      for (let i = 0; i < 6; i++) for (let j = 0; j < i; j++) cL[i * 6 + j] = cL[j * 6 + i]; // symmetric
      for (let i = 0; i < 6; i++) cL[i * 7] = 1;
      const net = new SimilarityNetwork({
        layers: [fromStructureConstants(6, 10, cW, cL)],
        activation: 'relu',
        lr: 0.02,
        seed: 1,
        backend,
      });
      const x = data(4, 40, 10);
      net.partialFit(x);
      const W = denseWeights(net, 0, 'W').data;
      const L = denseWeights(net, 0, 'L').data;
      let moved = 0;
      cW.forEach((c, k) => (c === 0 ? assert.equal(W[k], 0, `W[${k}]`) : (moved += +(W[k] !== 0))));
      cL.forEach((c, k) => (c === 0 ? assert.equal(L[k], 0, `L[${k}]`) : (moved += +(L[k] !== 0))));
      assert.ok(moved > 20);
    });

    it('γ = 0 decouples the layers: layer 1 ignores layer 2; γ > 0 does not', () => {
      const x = data(6, 4, 9);
      const run = (gamma: number, w2scale: number) => {
        const net = new SimilarityNetwork({
          layers: [allToAll(9, 5), allToAll(5, 3)],
          activation: 'clip',
          feedback: gamma,
          seed: 5,
          backend,
        });
        for (let i = 0; i < net.W[1].w.length; i++) net.W[1].w[i] *= w2scale;
        return net.solve(x, { maxSteps: 200, tol: 1e-12 }).r[0].data;
      };
      assert.deepEqual(run(0, 1), run(0, 4));
      assert.notDeepEqual(run(0.5, 1), run(0.5, 4));
    });

    it('L stays symmetric positive definite over training (cross-site laterals)', () => {
      const s = locallyConnected({
        input: [8, 8, 1],
        stride: 4,
        radius: 3,
        nps: 3,
        lateralRadius: 4,
      });
      const net = new SimilarityNetwork({
        layers: [s],
        activation: 'tanh',
        lr: 0.05,
        batchSize: 5,
        seed: 8,
        backend,
      });
      const x = data(7, 100, 64);
      for (let e = 0; e < 3; e++) {
        net.partialFit(x);
        const L = denseWeights(net, 0, 'L');
        assert.ok(isPositiveDefinite(L), `epoch ${e}`);
        for (let i = 0; i < 12; i++)
          for (let j = 0; j < 12; j++)
            assertClose([L.data[i * 12 + j]], [L.data[j * 12 + i]], { atol: 1e-6 });
      }
    });

    it('cost (Eq. 13) matches a dense evaluation for two layers', () => {
      const net = new SimilarityNetwork({
        layers: [allToAll(4, 3), allToAll(3, 2)],
        activation: { name: 'cappedRelu', threshold: 0.2, cap: 2 },
        feedback: 0.7,
        seed: 3,
        backend,
      });
      const x = data(8, 6, 4);
      const r = net.solve(x).r;
      const T = 6;
      const dot = (a: Matrix, t: number, u: number) => {
        let s = 0;
        for (let i = 0; i < a.cols; i++) s += a.data[t * a.cols + i] * a.data[u * a.cols + i];
        return s;
      };
      let ref = 0;
      const layers = [x, r[0], r[1]];
      for (let p = 1; p <= 2; p++) {
        const w = 0.7 ** (p - 2);
        const k = p < 2 ? 1.7 : 1;
        for (let t = 0; t < T; t++)
          for (let u = 0; u < T; u++) {
            const rr = dot(layers[p], t, u);
            ref += (w / T ** 2) * (-dot(layers[p - 1], t, u) * rr + (k / 2) * rr * rr);
          }
        let f = 0;
        for (const v of layers[p].data) f += 0.2 * v;
        ref += ((2 * w) / T) * f;
      }
      assertClose([cost(net, x, r)], [ref], { rtol: 1e-5, atol: 1e-6, what: 'cost' });
    });

    it("applyUpdate is Eq. 19 exactly: γ^(p−P) per layer, L's decay over (1 + γ[p<P])·c (float64 by hand)", () => {
      // Three layers 4 → 3 → 3 → 2 with structure constants c ∈ {0.5, 1, 2} (none zero), γ = 0.6.
      const sizes = [4, 3, 3, 2];
      const rng = new Rng(21, ts);
      const pick = (n: number) => rng.uniform(n).map((v) => (v < 0.33 ? 0.5 : v < 0.66 ? 1 : 2));
      const cW = [0, 1, 2].map((p) => pick(sizes[p + 1] * sizes[p]));
      const cL = [0, 1, 2].map((p) => {
        const n = sizes[p + 1];
        const c = pick(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i];
        return c;
      });
      const gamma = 0.6;
      const eta = 0.01;
      const net = new SimilarityNetwork({
        layers: [0, 1, 2].map((p) => fromStructureConstants(sizes[p + 1], sizes[p], cW[p], cL[p])),
        activation: 'tanh',
        feedback: gamma,
        seed: 2,
        backend,
      });
      const B = 5;
      const x = data(3, B, 4);
      const r = [1, 2, 3].map((p) => data(30 + p, B, sizes[p], 0.5));
      const W0 = [0, 1, 2].map((p) => Float64Array.from(denseWeights(net, p, 'W').data));
      const L0 = [0, 1, 2].map((p) => Float64Array.from(denseWeights(net, p, 'L').data));
      net.applyUpdate(x, r, eta);
      const states = [x, ...r];
      for (let p = 0; p < 3; p++) {
        const [N, K] = [sizes[p + 1], sizes[p]];
        const layerRate = gamma ** (p + 1 - 3); // γ^(p−P), p counted from 1
        const lDecay = p < 2 ? 1 + gamma : 1;
        const post = states[p + 1];
        const pre = states[p];
        const wantW = W0[p].map((w, k) => {
          const [i, j] = [Math.floor(k / K), k % K];
          let hebb = 0;
          for (let b = 0; b < B; b++) hebb += post.data[b * N + i] * pre.data[b * K + j];
          return w + eta * layerRate * (hebb - (B * w) / cW[p][k]);
        });
        const wantL = L0[p].map((l, k) => {
          const [i, j] = [Math.floor(k / N), k % N];
          let hebb = 0;
          for (let b = 0; b < B; b++) hebb += post.data[b * N + i] * post.data[b * N + j];
          return l + (eta / 2) * layerRate * (hebb - (B * l) / (lDecay * cL[p][k]));
        });
        assertClose(denseWeights(net, p, 'W').data, wantW, {
          rtol: 1e-5,
          atol: 1e-7,
          what: `W${p + 1}`,
        });
        assertClose(denseWeights(net, p, 'L').data, wantL, {
          rtol: 1e-5,
          atol: 1e-7,
          what: `L${p + 1}`,
        });
      }
      // The default layer rates are γ^(p−P); at γ = 0 every layer learns at the base rate.
      assert.deepEqual(net.options.layerRates, [gamma ** -2, gamma ** -1, 1]);
      const flat = new SimilarityNetwork({
        layers: [allToAll(4, 3), allToAll(3, 2)],
        activation: 'tanh',
        backend,
      });
      assert.deepEqual(flat.options.layerRates, [1, 1]);
    });

    it('bad configurations raise clear errors', () => {
      assert.throws(
        () => locallyConnected({ input: [28, 28, 1], stride: 2, radius: 0.5, nps: 4 }),
        /radius 0.5 connects site \(0, 0\) to no pixel/,
      );
      assert.throws(
        () =>
          new SimilarityNetwork({
            layers: [
              locallyConnected({ input: [8, 8, 1], stride: 2, radius: 2, nps: 2 }),
              allToAll(64, 3),
            ],
            activation: 'tanh',
            backend,
          }),
        (e: Error) =>
          e instanceof ShapeError && /reads 64 inputs but layer 1 has 32 neurons/.test(e.message),
      );
      assert.throws(
        () => new SimilarityNetwork({ layers: [allToAll(3, 2)], activation: 'softplus' as never }),
        ValueError,
      );
      assert.throws(
        () => new SimilarityNetwork({ layers: [allToAll(3, 2)], activation: 'tanh', feedback: -1 }),
        /feedback must be a finite number ≥ 0/,
      );
      const net = new SimilarityNetwork({ layers: [allToAll(3, 2)], activation: 'tanh', backend });
      assert.throws(
        () => net.solve(new Matrix(2, 4)),
        /x is 2×4 but the model was fitted on 3 features per sample/,
      );
      const big = new SimilarityNetwork({
        layers: [allToAll(3, 2)],
        activation: 'tanh',
        lr: 0.5,
        batchSize: 4,
        backend,
      });
      assert.throws(() => big.partialFit(data(1, 4, 3)), /decay overshoot/);
    });
  });
}

for (const backend of backendsUnderTest()) {
  describe(`similarity dynamics, per-sample stopping (${backend.name})`, () => {
    it('a batch gives each sample the state it reaches solved alone, bit for bit', () => {
      // Inputs of very different sizes converge after different numbers of steps, so the batch
      // drops samples (and compacts) many times on the way.
      const net = new SimilarityNetwork({
        layers: [
          locallyConnected({ input: [8, 8, 1], stride: 2, radius: 2.5, nps: 3 }),
          locallyConnected({ input: [4, 4, 3], stride: 2, radius: 2, nps: 2 }),
        ],
        activation: 'tanh',
        feedback: 0.3,
        seed: 2,
        backend,
      });
      const B = 24;
      const x = data(31, B, 64);
      for (let i = 0; i < B; i++) for (let j = 0; j < 64; j++) x.data[i * 64 + j] *= 0.05 + 0.2 * i;
      const all = net.solve(x, { tol: 1e-5 });
      assert.ok(all.converged);
      const steps = new Set(all.sampleSteps);
      assert.ok(steps.size > 5, `samples should stop at many different steps, got ${[...steps]}`);
      assert.equal(all.steps, Math.max(...all.sampleSteps));
      for (let i = 0; i < B; i++) {
        const one = net.solve(x.sliceRows(i, i + 1), { tol: 1e-5 });
        assert.equal(all.sampleSteps[i], one.steps, `sample ${i}: steps`);
        for (let p = 0; p < 2; p++) {
          assert.deepEqual(all.r[p].row(i), one.r[p].row(0), `sample ${i} layer ${p}: r`);
          assert.deepEqual(all.u[p].row(i), one.u[p].row(0), `sample ${i} layer ${p}: u`);
        }
      }
    });
    it('a sample that hits the step cap keeps its last state and is reported', () => {
      const net = new SimilarityNetwork({
        layers: [allToAll(10, 6)],
        activation: 'tanh',
        seed: 3,
        backend,
      });
      const x = data(8, 4, 10);
      const res = net.solve(x, { maxSteps: 5, tol: 1e-12 });
      assert.equal(res.converged, false);
      assert.deepEqual(Array.from(res.sampleSteps), [5, 5, 5, 5]);
      const ref = net.solve(x, { maxSteps: 5, tol: 1e-12, onStep: () => {} });
      assert.deepEqual(res.r[0].data, ref.r[0].data);
    });
  });
}

describe('similarity network: backends agree', () => {
  const names = backendsUnderTest().map((b) => b.name);
  it(
    'ts and native give the same fixed points and learned weights',
    { skip: names.length < 2 },
    () => {
      const x = data(12, 30, 64, 0.5);
      const mk = (name: 'ts' | 'native') => {
        const net = new SimilarityNetwork({
          layers: [
            locallyConnected({ input: [8, 8, 1], stride: 2, radius: 2.5, nps: 3 }),
            locallyConnected({ input: [4, 4, 3], stride: 2, radius: 2, nps: 2 }),
          ],
          activation: 'tanh',
          feedback: 0.3,
          batchSize: 10,
          seed: 1,
          backend: getBackend(name),
        });
        net.partialFit(x);
        return { r: net.solve(x).r[1].data, w: net.W[1].w, l: net.L[0].w };
      };
      const [a, b] = [mk('ts'), mk('native')];
      assertClose(a.r, b.r, { atol: 1e-4, rtol: 1e-3, what: 'r' });
      assertClose(a.w, b.w, { atol: 1e-5, rtol: 1e-4, what: 'W2' });
      assertClose(a.l, b.l, { atol: 1e-5, rtol: 1e-4, what: 'L1' });
    },
  );
});
