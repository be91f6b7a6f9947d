// The Krotov–Hopfield update against a float64 reference written from the paper's equations
// (PNAS 2019, Eqs. 3, 9, 10) as the authors' notebook runs them: currents
// I = sign(W)|W|^(p−1)·x, a full sort per sample, g = 1 for the top unit and −Δ for the k-th,
// ΔW = g·x − (Σ g I)·W summed over the batch, W += ε ΔW / max|ΔW|. The tolerance (float32
// rounding) is far below what a 10 % change of p, k or Δ moves (npm run mutate checks that).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { Rng } from '../../src/backend/rng.ts';
import type { Backend } from '../../src/backend/types.ts';
import { KrotovHopfield, topAndKth } from '../../src/krotov/index.ts';
import { fromSafetensors, toSafetensors } from '../../src/model/model.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

interface Rule {
  p: number;
  k: number;
  delta: number;
  eps: number;
}

/** One batch of the published update, in float64 (rows of W and of the batch as arrays). */
function referenceStep(W: number[][], xs: number[][], r: Rule): number[][] {
  const K = W.length;
  const g = xs.map(() => new Array<number>(K).fill(0));
  const I = xs.map((x) =>
    W.map((w) => w.reduce((s, v, i) => s + Math.sign(v) * Math.abs(v) ** (r.p - 1) * x[i], 0)),
  );
  xs.forEach((_, a) => {
    const order = I[a].map((v, mu) => [v, mu]).sort((u, v) => v[0] - u[0]);
    g[a][order[0][1]] = 1;
    g[a][order[r.k - 1][1]] = -r.delta;
  });
  const ds = W.map((w, mu) => {
    const xx = xs.reduce((s, _, a) => s + g[a][mu] * I[a][mu], 0);
    return w.map((v, i) => xs.reduce((s, x, a) => s + g[a][mu] * x[i], 0) - xx * v);
  });
  const nc = Math.max(...ds.flat().map(Math.abs));
  return W.map((w, mu) => w.map((v, i) => v + (r.eps * ds[mu][i]) / nc));
}

const rows = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => Array.from(m.row(i)));

for (const be of backendsUnderTest()) {
  describe(`KrotovHopfield on ${be.name}`, () => {
    const x = randMatrix(12, 9, 3, 0, 1);
    // Three batches of 4: later batches see the p-norm currents of weights the layer updated.
    for (const r of [
      { p: 3, k: 3, delta: 0.4, eps: 0.05 },
      { p: 2, k: 2, delta: 0.3, eps: 0.1 },
      { p: 4.5, k: 4, delta: 0.6, eps: 0.02 },
    ]) {
      it(`partialFit equals the published update (p = ${r.p}, k = ${r.k}, Δ = ${r.delta})`, () => {
        const layer = new KrotovHopfield({
          units: 7,
          p: r.p,
          rank: r.k,
          delta: r.delta,
          lr: r.eps,
          batchSize: 4,
          initStd: 0.5,
          seed: 1,
          backend: be,
        }).initialize(x.cols);
        let W = rows(layer.weights);
        layer.partialFit(x);
        for (let s = 0; s < x.rows; s += 4) W = referenceStep(W, rows(x.sliceRows(s, s + 4)), r);
        assertClose(layer.weights.data, W.flat(), { rtol: 1e-4, atol: 1e-5, what: 'W' });
        assert.equal(layer.samplesSeen, 12);
      });
    }

    it("fit anneals ε linearly per epoch (the authors' ε₀(1 − epoch/epochs))", () => {
      const o = { units: 6, rank: 2, batchSize: 4, epochs: 3, seed: 2, backend: be };
      const fitted = new KrotovHopfield({ ...o, lr: 'linear:0.3' }).fit(x);
      // The same three epochs by hand: each epoch's permutation, at 0.3, 0.2, 0.1.
      const manual = new KrotovHopfield(o).initialize(x.cols);
      let W = rows(manual.weights);
      const orders = epochOrders(be, o.seed, x.rows, 3);
      for (let e = 0; e < 3; e++) {
        const xe = orders[e].map((i) => Array.from(x.row(i)));
        for (let s = 0; s < xe.length; s += 4)
          W = referenceStep(W, xe.slice(s, s + 4), {
            p: 3,
            k: 2,
            delta: 0.4,
            eps: 0.3 * (1 - e / 3),
          });
      }
      assertClose(fitted.weights.data, W.flat(), { rtol: 1e-4, atol: 1e-5, what: 'W' });
    });

    it('a resumed fit equals an uninterrupted one; the state survives safetensors', () => {
      const o = { units: 10, batchSize: 5, epochs: 4, lr: 0.1, seed: 5, backend: be };
      const whole = new KrotovHopfield(o).fit(x);
      const part = new KrotovHopfield(o);
      let saved: Uint8Array | null = null;
      part.fit(x, {
        onEpoch: (e) => {
          if (e === 2) saved = toSafetensors(part);
        },
      });
      const back = fromSafetensors<KrotovHopfield>(saved!, { backend: be });
      back.fit(x, { resume: true });
      assert.deepEqual(back.weights.data, whole.weights.data);
      assert.equal(back.samplesSeen, 4 * x.rows);
    });

    it('learning drives the p-norm of the units that win towards 1', () => {
      const data = randMatrix(40, 16, 9, 0, 1);
      const layer = new KrotovHopfield({
        units: 4,
        rank: 2,
        epochs: 300,
        batchSize: 10,
        lr: 0.05,
        initStd: 0.3,
        backend: be,
      }).fit(data);
      const winners = new Set<number>();
      const cur = layer.currents(data);
      for (let a = 0; a < cur.rows; a++) {
        const row = Array.from(cur.row(a));
        winners.add(row.indexOf(Math.max(...row)));
      }
      const norms = layer.weightNorms();
      for (const mu of winners)
        assert.ok(Math.abs(norms[mu] - 1) < 0.02, `unit ${mu}: ${norms[mu]}`);
    });
  });
}

/** The sample order of each epoch, as the fit loop draws it (src/model/batches.ts). */
function epochOrders(be: Backend, seed: number, n: number, epochs: number): number[][] {
  return Array.from({ length: epochs }, (_, e) =>
    Array.from(new Rng(seed, be).fork(1000 + e).permutation(n)),
  );
}

describe('topAndKth', () => {
  it('finds the largest and the k-th largest like a full sort', () => {
    const row = randMatrix(1, 50, 4).row(0);
    const sorted = Array.from(row.keys()).sort((a, b) => row[b] - row[a]);
    for (const k of [2, 3, 7, 50]) {
      const idx = new Int32Array(k);
      const val = new Float64Array(k);
      topAndKth(row, k, idx, val);
      assert.equal(idx[0], sorted[0]);
      assert.equal(idx[k - 1], sorted[k - 1]);
    }
  });
});

describe('KrotovHopfield options', () => {
  it("defaults to the paper's MNIST constants: 2000 units, p = 3, k = 7, Δ = 0.4", () => {
    const o = new KrotovHopfield().options;
    assert.deepEqual([o.units, o.p, o.rank, o.delta], [2000, 3, 7, 0.4]);
  });

  it('refuses a rank above the number of units, naming both', () => {
    assert.throws(
      () => new KrotovHopfield({ units: 3, rank: 5 }).initialize(4),
      /rank 5 needs at least 5 units, but units is 3; lower rank or add units/,
    );
  });
});
