// Each SoftHebb update hebb implements, against a float64 reference written from the paper
// (Moraitis et al. 2022, Eq. 8 and Eq. 10) or from the authors' code for their normalised
// variant (docs/math/softhebb.md): the prior's Euler and exact steps as the 'paper' preset runs
// them, the authors' adaptive rate, soft-Krotov with either integrator. Each tolerance is far
// below what a 10 % change of any constant moves (npm run mutate checks that).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { SoftHebb } from '../../src/softhebb/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

/** Rows scaled to unit norm (the layer's normalizeInput), float64. */
function unitRows(x: Matrix): number[][] {
  return Array.from({ length: x.rows }, (_, i) => {
    const r = Array.from(x.row(i));
    const n = Math.hypot(...r);
    return r.map((v) => v / n);
  });
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** softmax(t·a), max-subtracted. */
function softmax(a: number[], t: number): number[] {
  const m = Math.max(...a);
  const e = a.map((v) => Math.exp(t * (v - m)));
  const z = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / z);
}

/** A float64 layer state: W (K rows) and the prior b. */
interface State {
  W: number[][];
  b: number[] | null;
}

function stateOf(w: Matrix, b: Float32Array | null): State {
  return {
    W: Array.from({ length: w.rows }, (_, k) => Array.from(w.row(k))),
    b: b ? Array.from(b) : null,
  };
}

interface Step {
  t: number;
  eta: number;
  etaB: number;
  integrator: 'euler' | 'exact';
  rule: 'paper' | 'normalized';
  krotov: boolean;
  q?: number;
}

/** One batch step of the layer, written out from the equations (the rows already unit-norm). */
function step(s: State, xs: number[][], o: Step): State {
  const n = s.W[0].length;
  const B = xs.length;
  const u = xs.map((x) => s.W.map((w) => dot(w, x)));
  const a = u.map((row) => row.map((v, k) => v + (s.b ? s.b[k] : 0)));
  const y = a.map((row) => {
    const p = softmax(row, o.t);
    if (!o.krotov) return p;
    // soft-Krotov: every unit but the winner is anti-Hebbian
    const win = row.indexOf(Math.max(...row));
    return p.map((v, k) => (k === win ? v : -v));
  });
  // Σ_b y_bk x_b and c_k = Σ_b y_bk u_bk, with W from before the step (Eq. 8 summed)
  const S = s.W.map((_, k) =>
    Array.from({ length: n }, (_, i) => xs.reduce((p, x, b) => p + y[b][k] * x[i], 0)),
  );
  const c = s.W.map((_, k) => u.reduce((p, row, b) => p + y[b][k] * row[k], 0));
  let W: number[][];
  if (o.rule === 'normalized') {
    // the authors' code: D = YᵀX − diag(c)W, divided by max |D|, at a per-unit rate
    // η (|‖w_k‖ − 1| + 1e−10)^q from the norm before the step
    const D = s.W.map((w, k) => w.map((v, i) => S[k][i] - c[k] * v));
    const M = Math.max(...D.flat().map(Math.abs));
    W = s.W.map((w, k) => {
      const rate = o.eta * (Math.abs(Math.hypot(...w) - 1) + 1e-10) ** o.q!;
      return w.map((v, i) => v + (rate * D[k][i]) / M);
    });
  } else {
    W = s.W.map((w, k) => {
      // Euler: w + η (s − c w); exact: the linear ODE dw/dτ = s − c w solved over τ ∈ [0, η]
      const decay = o.integrator === 'exact' ? Math.exp(-o.eta * c[k]) : 1 - o.eta * c[k];
      const gain = o.integrator === 'exact' ? (1 - Math.exp(-o.eta * c[k])) / c[k] : o.eta;
      return w.map((v, i) => decay * v + gain * S[k][i]);
    });
  }
  let b = s.b;
  if (s.b) {
    const ys = s.b.map((_, k) => y.reduce((p, row) => p + row[k], 0));
    // Eq. 10 with the prior π_k = e^(t·b_k), per sample Δb = η_b (y e^(−t·b) − 1), summed
    const d = s.b.map((v, k) => ys[k] * Math.exp(-o.t * v) - B);
    if (o.rule === 'normalized') {
      const m = Math.max(...d.map(Math.abs));
      b = s.b.map((v, k) => v + (o.etaB * d[k]) / m);
    } else if (o.integrator === 'exact') {
      // linear in p = e^(t·b): dp/dτ = t (S − B p), solved over τ = η_b
      const f = 1 - Math.exp(-o.t * B * o.etaB);
      b = s.b.map((v, k) => {
        const p = Math.exp(o.t * v);
        return Math.log(p + f * (ys[k] / B - p)) / o.t;
      });
    } else b = s.b.map((v, k) => v + o.etaB * d[k]);
  }
  return { W, b };
}

/** The reference over the rows of x in batches of `batch`. */
function reference(s: State, x: Matrix, batch: number, o: Step): State {
  const xs = unitRows(x);
  for (let i = 0; i < xs.length; i += batch) s = step(s, xs.slice(i, i + batch), o);
  return s;
}

const positive = (rows: number, cols: number, seed: number, lo = 0.05) =>
  randMatrix(rows, cols, seed, lo, 1);

/** Rows of random directions scaled to the given norms. */
function withNorms(norms: number[], cols: number, seed: number): Matrix {
  const m = positive(norms.length, cols, seed);
  for (let k = 0; k < m.rows; k++) {
    const r = m.data.subarray(k * cols, (k + 1) * cols);
    const n = Math.hypot(...r);
    for (let i = 0; i < cols; i++) r[i] *= norms[k] / n;
  }
  return m;
}

function compare(layer: SoftHebb, want: State, rtol: number, what: string): void {
  assertClose(layer.weights.data, want.W.flat(), { rtol, atol: rtol * 0.1, what: `${what} W` });
  if (want.b) assertClose(layer.bias!, want.b, { rtol, atol: rtol * 0.1, what: `${what} b` });
}

for (const be of backendsUnderTest()) {
  describe(`SoftHebb equations on ${be.name}`, () => {
    it("the 'paper' preset's batch step: Eq. 8 Euler and the prior's Euler step Eq. 10 (rel. 1e-5)", () => {
      // The paper's own setting: t = ln 1000, η = 0.03, η_b = η·0.1/K, Euler, prior on.
      const K = 6;
      const w0 = withNorms([3, 2.5, 3.5, 1.5, 3, 2], 10, 1);
      const x = positive(24, 10, 2);
      const layer = new SoftHebb({
        units: K,
        preset: 'paper',
        batchSize: 8,
        initialWeights: w0,
        backend: be,
      });
      const o = layer.options;
      assert.equal(o.integrator, 'euler');
      assert.ok(o.bias);
      layer.partialFit(x);
      const t = Math.log(1000);
      const b0 = new Array(K).fill(Math.log(1 / K) / t); // the uniform prior
      const want = reference({ ...stateOf(w0, null), b: b0 }, x, 8, {
        t,
        eta: 0.03,
        etaB: (0.03 * 0.1) / K,
        integrator: 'euler',
        rule: 'paper',
        krotov: false,
      });
      compare(layer, want, 1e-5, 'paper preset');
    });

    it('the prior from a non-uniform start: Euler (e^(−t·b) per unit) and exact steps (rel. 1e-5)', () => {
      const K = 5;
      const w0 = withNorms([1, 1.2, 0.8, 1.1, 0.9], 8, 3);
      const x = positive(30, 8, 4);
      const b0 = Float32Array.from([-0.3, -0.1, -0.5, -0.2, -0.4]);
      for (const integrator of ['euler', 'exact'] as const) {
        const o = {
          t: 4,
          eta: 0.05,
          etaB: 0.01,
          integrator,
          rule: 'paper',
          krotov: false,
        } as const;
        const layer = new SoftHebb({
          units: K,
          inverseTemperature: o.t,
          lr: o.eta,
          biasLr: o.etaB,
          bias: true,
          integrator,
          batchSize: 10,
          initialWeights: w0,
          initialBias: b0,
          backend: be,
        });
        layer.partialFit(x);
        compare(layer, reference(stateOf(w0, b0), x, 10, o), 1e-5, integrator);
      }
    });

    it("the authors' variant: ΔW/max|ΔW| at the rate η(|‖w_k‖ − 1| + 1e−10)^q, and the prior's normalised step (rel. 1e-5)", () => {
      const K = 5;
      // norms away from 1 and unequal, so the rate differs per unit and q matters
      const w0 = withNorms([3, 1.6, 0.4, 2.2, 5], 9, 5);
      const b0 = Float32Array.from([-0.1, -0.2, -0.15, -0.3, -0.05]);
      const x = positive(20, 9, 6);
      for (const q of [0.5, 1.3]) {
        const o = {
          t: 6,
          eta: 0.05,
          etaB: 0.02,
          integrator: 'euler',
          rule: 'normalized',
          krotov: false,
          q,
        } as const;
        const layer = new SoftHebb({
          units: K,
          preset: 'authors',
          inverseTemperature: o.t,
          lr: o.eta,
          biasLr: o.etaB,
          bias: true,
          adaptivePower: q,
          // the reference's rows are unit-norm (the preset itself reads raw pixels)
          normalizeInput: true,
          batchSize: 5,
          initialWeights: w0,
          initialBias: b0,
          backend: be,
        });
        assert.equal(layer.options.rule, 'normalized');
        layer.partialFit(x);
        compare(layer, reference(stateOf(w0, b0), x, 5, o), 1e-5, `q = ${q}`);
      }
    });

    it("the authors' variant's default prior rate is the weights' × 1/t", () => {
      const o = new SoftHebb({ units: 4, preset: 'authors', bias: true, lr: 0.045 }).options;
      assert.deepEqual(o.biasLr, { kind: 'constant', from: 0.045 / 12 });
    });

    for (const integrator of ['euler', 'exact'] as const)
      it(`soft-Krotov: losers anti-Hebbian in Eq. 8 and in the prior, ${integrator} step (rel. 1e-5)`, () => {
        const K = 4;
        const w0 = withNorms([1, 1.3, 0.7, 1.1], 7, 7);
        const b0 = integrator === 'euler' ? Float32Array.from([-0.2, -0.3, -0.25, -0.35]) : null;
        const x = positive(18, 7, 8);
        const o = { t: 5, eta: 0.3, etaB: 0.01, integrator, rule: 'paper', krotov: true } as const;
        const layer = new SoftHebb({
          units: K,
          inverseTemperature: o.t,
          lr: o.eta,
          biasLr: o.etaB,
          bias: b0 !== null,
          krotov: true,
          integrator,
          batchSize: 6,
          initialWeights: w0,
          ...(b0 ? { initialBias: b0 } : {}),
          backend: be,
        });
        layer.partialFit(x);
        compare(layer, reference(stateOf(w0, b0), x, 6, o), 1e-5, integrator);
      });
  });
}
