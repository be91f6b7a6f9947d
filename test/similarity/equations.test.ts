// The similarity-matching equations hebb implements (docs/math/similarity-matching.md), each
// against a float64 reference written from the paper (Obeid, Ramambason, Pehlevan): the
// dynamics Eq. 17 with feedback and thresholds on the solver's own step sizes, the energy
// Eq. 20, the cost Eq. 13 with regulariser and homeostasis, the thresholds' learning rule, and
// each activation's regulariser F against the integral that defines it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, Matrix, Rng } from '../../src/backend/index.ts';
import {
  allToAll,
  cost,
  energy,
  resolveSmActivation,
  SimilarityNetwork,
} from '../../src/similarity/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

const ts = getBackend('ts');
const data = (seed: number, rows: number, cols: number, std = 1) =>
  new Matrix(rows, cols, new Rng(seed, ts).normal(rows * cols, 0, std));
/** States inside tanh's range (−1, 1). */
const states = (seed: number, rows: number, cols: number) =>
  new Matrix(rows, cols, new Rng(seed, ts).uniform(rows * cols, -0.9, 0.9));

/** ∫₀^r g(s) ds by Simpson's rule on 2000 intervals. */
function integral(g: (s: number) => number, r: number): number {
  const n = 2000;
  const h = r / n;
  let s = g(0) + g(r);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * g(i * h);
  return (s * h) / 3;
}

/** Row b of a B × n matrix as numbers. */
const rowOf = (m: Matrix, b: number) => Array.from(m.row(b));
/** y = M v for a dense N × K matrix M (row-major). */
const matVec = (m: Float32Array | number[], N: number, v: number[]) =>
  Array.from({ length: N }, (_, i) => v.reduce((s, x, j) => s + m[i * v.length + j] * x, 0));
const dotN = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

const SIZES = [5, 4, 3];
const GAMMA = 0.5;
const ALPHA = [0.5, 0.8];

/**
 * Two all-to-all tanh layers 5 → 4 → 3 with feedback γ = 0.5, homeostasis, L = I plus a small
 * symmetric part and thresholds θ ≠ 0 (so every term of the dynamics is active).
 */
function network(backend = ts): SimilarityNetwork {
  const net = new SimilarityNetwork({
    layers: [allToAll(5, 4), allToAll(4, 3)],
    activation: 'tanh',
    feedback: GAMMA,
    homeostasis: ALPHA,
    seed: 6,
    backend,
  });
  const rng = new Rng(7, ts);
  for (let p = 0; p < 2; p++) {
    const N = SIZES[p + 1];
    const l = net.L[p].w; // one site: the dense N × N block, row-major
    const e = rng.uniform(N * N, -0.2, 0.2);
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++)
        l[i * N + j] = (i === j ? 1 : 0) + (e[i * N + j] + e[j * N + i]) / 2;
    net.theta[p].data.set(rng.uniform(N, -0.3, 0.3));
  }
  return net;
}

const F_TANH = (r: number) => integral((s) => Math.atanh(s) - s, r);

for (const backend of backendsUnderTest()) {
  describe(`similarity matching equations (${backend.name})`, () => {
    it("Eq. 17: five Euler steps at the solver's dt_i = max(0.2/(1 + 0.005 i), 0.05), with feedback and thresholds (rel. 1e-5)", () => {
      const net = network(backend);
      const x = data(8, 3, 5);
      const got: Matrix[] = [];
      net.solve(x, { maxSteps: 5, tol: 0, onStep: (_, r) => (got[0] = r[0].clone()) });
      const res = net.solve(x, { maxSteps: 5, tol: 0 });
      const W = [0, 1].map((p) => net.W[p].w);
      const L = [0, 1].map((p) => net.L[p].w);
      const th = [0, 1].map((p) => Array.from(net.theta[p].data));
      for (let b = 0; b < x.rows; b++) {
        const xb = rowOf(x, b);
        let u = [new Array(4).fill(0), new Array(3).fill(0)];
        let r = u.map((v) => v.map(Math.tanh));
        for (let i = 0; i < 5; i++) {
          const dt = Math.max(0.2 / (1 + 0.005 * i), 0.05);
          const drive = [0, 1].map((p) => {
            const N = SIZES[p + 1];
            const ff = matVec(W[p], N, p === 0 ? xb : r[0]);
            const lat = matVec(L[p], N, r[p]);
            // γ W⁽ᵖ⁺¹⁾ᵀ r⁽ᵖ⁺¹⁾ for the lower layer
            const fb = ff.map((_, j) =>
              p === 0 ? GAMMA * r[1].reduce((s, v, k) => s + W[1][k * 4 + j] * v, 0) : 0,
            );
            return ff.map((v, j) => v - lat[j] + r[p][j] + fb[j] - th[p][j]);
          });
          u = u.map((up, p) => up.map((v, j) => v + dt * (drive[p][j] - v)));
          r = u.map((v) => v.map(Math.tanh));
        }
        for (let p = 0; p < 2; p++)
          assertClose(res.u[p].row(b), u[p], {
            rtol: 1e-5,
            atol: 1e-6,
            what: `u${p + 1} of sample ${b}`,
          });
        assertClose(got[0].row(b), r[0], {
          rtol: 1e-5,
          atol: 1e-6,
          what: `onStep r1 of sample ${b}`,
        });
      }
    });

    it('Eq. 20: the energy of given states, with thresholds and the tanh regulariser (rel. 1e-5)', () => {
      const net = network(backend);
      const x = data(9, 4, 5);
      const r = [states(10, 4, 4), states(11, 4, 3)];
      const E = energy(net, x, r);
      const omega = [GAMMA ** -1, 1]; // γ^(p−P)
      for (let b = 0; b < x.rows; b++) {
        const layers = [rowOf(x, b), rowOf(r[0], b), rowOf(r[1], b)];
        let want = 0;
        for (let p = 0; p < 2; p++) {
          const N = SIZES[p + 1];
          const rp = layers[p + 1];
          const wr = matVec(net.W[p].w, N, layers[p]);
          const lr = matVec(net.L[p].w, N, rp);
          const f = rp.reduce((s, v) => s + Math.abs(F_TANH(v)), 0);
          const th = dotN(Array.from(net.theta[p].data), rp);
          want += omega[p] * (-2 * dotN(rp, wr) + dotN(rp, lr) + 2 * f + 2 * th);
        }
        assertClose([E[b]], [want], { rtol: 1e-5, atol: 1e-6, what: `E of sample ${b}` });
      }
    });

    it('Eq. 13: the cost of given states, with the tanh regulariser and homeostasis α‖r̄‖² (rel. 1e-5)', () => {
      const net = network(backend);
      const T = 6;
      const x = data(12, T, 5);
      const r = [states(13, T, 4), states(14, T, 3)];
      const layers = [x, ...r];
      const omega = [GAMMA ** -1, 1];
      let want = 0;
      for (let p = 0; p < 2; p++) {
        const [post, pre] = [layers[p + 1], layers[p]];
        // M_W = Σ_t r_t r⁽ᵖ⁻¹⁾_tᵀ, M_L = Σ_t r_t r_tᵀ; Σ M² is the paper's double sum over pairs
        const sq = (a: Matrix, c: Matrix) => {
          let s = 0;
          for (let i = 0; i < a.cols; i++)
            for (let j = 0; j < c.cols; j++) {
              let m = 0;
              for (let t = 0; t < T; t++) m += a.get(t, i) * c.get(t, j);
              s += m * m;
            }
          return s;
        };
        const lat = (1 + (p === 0 ? GAMMA : 0)) / 2;
        want += (omega[p] / T ** 2) * (-sq(post, pre) + lat * sq(post, post));
        let f = 0;
        for (const v of post.data) f += Math.abs(F_TANH(v));
        want += ((2 * omega[p]) / T) * f;
        let mean2 = 0;
        for (let i = 0; i < post.cols; i++) {
          let m = 0;
          for (let t = 0; t < T; t++) m += post.get(t, i) / T;
          mean2 += m * m;
        }
        want += omega[p] * ALPHA[p] * mean2;
      }
      assertClose([cost(net, x, r)], [want], { rtol: 1e-5, atol: 1e-6, what: 'cost' });
    });

    it('the thresholds learn Δθ = η ρ_p (α_p Σ_b r_b − B θ), ρ_p = γ^(p−P) (rel. 1e-5)', () => {
      const net = network(backend);
      const B = 5;
      const x = data(15, B, 5);
      const r = [states(16, B, 4), states(17, B, 3)];
      const th0 = [0, 1].map((p) => Array.from(net.theta[p].data));
      const eta = 0.01;
      net.applyUpdate(x, r, eta);
      const rho = [GAMMA ** -1, 1];
      for (let p = 0; p < 2; p++) {
        const want = th0[p].map((t, i) => {
          let s = 0;
          for (let b = 0; b < B; b++) s += r[p].get(b, i);
          return t + eta * rho[p] * (ALPHA[p] * s - B * t);
        });
        assertClose(net.theta[p].data, want, { rtol: 1e-5, atol: 1e-7, what: `θ${p + 1}` });
      }
    });
  });
}

describe('similarity matching regularisers', () => {
  it("F(r) = ∫₀^r (f⁻¹(s) − s) ds for tanh, cappedRelu and shrink (F' = u − r, F(0) = 0)", () => {
    const cases: [Parameters<typeof resolveSmActivation>[0], (s: number) => number, number[]][] = [
      ['tanh', (s) => Math.atanh(s) - s, [-0.95, -0.5, -0.1, 0, 0.3, 0.8, 0.99]],
      // r = min(max(u − λ, 0), cap): u = r + λ on (0, cap)
      [{ name: 'cappedRelu', threshold: 0.2, cap: 2 }, () => 0.2, [0, 0.5, 1.9]],
      // r = sign(u)·max(|u| − λ, 0): u = r + λ sign(r) (the sign of the end point, so that
      // Simpson's rule does not meet the jump at 0)
      [{ name: 'shrink', threshold: 0.3 }, (s) => 0.3 * Math.sign(s || 1), [0.4, 2]],
      [{ name: 'shrink', threshold: 0.3 }, (s) => 0.3 * Math.sign(s || -1), [-1.5, -0.2]],
    ];
    for (const [spec, fPrime, rs] of cases) {
      const a = resolveSmActivation(spec);
      for (const r of rs) {
        const want = integral(fPrime, r);
        assert.ok(
          Math.abs(a.F(r) - want) <= 1e-9 + 1e-7 * Math.abs(want),
          `${a.name} F(${r}) = ${a.F(r)}, ∫ = ${want}`,
        );
      }
    }
    for (const name of ['linear', 'relu', 'clip'] as const)
      assert.equal(resolveSmActivation(name).F(0.5), 0);
  });
});
