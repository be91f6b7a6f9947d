// Neural dynamics of docs/math/similarity-matching.md Eq. 17 for a whole mini-batch at fixed weights, and the
// monitoring quantities: energy (Eq. 20) and the structured deep similarity-matching cost
// (Eq. 3/11/13). Convergence is judged per sample, as the authors' code does one sample at a
// time: a sample stops the step its ‖Δu‖ ≤ tol·‖u‖ holds in every layer, its state is kept as
// it is then, and the batch shrinks to the samples still moving. Rows never interact, so a
// sample's fixed point does not depend on the rest of the batch.
import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { SmActivation } from './activation.ts';
import type { SolverOptions } from './options.ts';
import type { LayerStructure } from './structure.ts';
import { count } from '../model/wording.ts';

/** One layer's feedforward or lateral synapses. */
export interface Synapses {
  /** Weights in block layout; masked synapses (c = 0) hold exactly 0. */
  w: Float32Array;
  /** 1/c where c > 0, else 0; null when c ≡ 1. */
  invC: Float32Array | null;
  /** 1 where a synapse exists (c > 0), 0 where it is masked; null when c ≡ 1. */
  mask: Float32Array | null;
}

/**
 * What the dynamics and the monitoring quantities read of a network (a SimilarityNetwork):
 * declared here so that the network imports the dynamics and not the other way round.
 */
export interface DynamicsNetwork {
  /** The backend it computes on. */
  readonly backend: Backend;
  /** Number of layers P. */
  readonly depth: number;
  /** Each layer's connectivity. */
  readonly layers: readonly LayerStructure[];
  /** Each layer's activation. */
  readonly activations: readonly SmActivation[];
  /** Feedforward synapses per layer. */
  readonly W: readonly Synapses[];
  /** Lateral synapses per layer. */
  readonly L: readonly Synapses[];
  /** Homeostatic thresholds θ per layer (1 × N_p). */
  readonly theta: readonly Matrix[];
  /** Feedback strength γ. */
  readonly gamma: number;
  /** α of each layer (0: no homeostasis). */
  readonly homeostasis: readonly number[];
  /** The Euler solver's settings. */
  readonly solver: SolverOptions;
  /** Neurons in layer p (0-based). */
  units(p: number): number;
  /** Fixed points of a batch (Eq. 17). */
  solve(x: Matrix): SolveResult;
}

/** Options of solveDynamics and SimilarityNetwork.solve. */
export interface SolveOptions {
  /**
   * Called after every Euler step with the step count and the current outputs. The batch
   * then keeps all its rows to the end (converged samples step on, their results are still
   * the states at which they converged), so r always has one row per sample.
   */
  onStep?: (step: number, r: readonly Matrix[]) => void;
  /** Override the network's solver settings for this call. */
  maxSteps?: number;
  /** Override the network's convergence tolerance for this call. */
  tol?: number;
  /** Step size for step i (0-based); default the authors' schedule. */
  dt?: (i: number) => number;
}

/** The fixed points of a batch and how the solver reached them. */
export interface SolveResult {
  /** Fixed points per layer (B × N_p). */
  r: Matrix[];
  /** The neurons' internal states u at the fixed points, per layer (B × N_p). */
  u: Matrix[];
  /** Steps of the slowest sample. */
  steps: number;
  /** Euler steps each sample took (maxSteps where it did not converge). */
  sampleSteps: Int32Array;
  /** Whether every sample converged. */
  converged: boolean;
}

/**
 * The rows still stepping, packed at the top of full-size buffers (the working matrices are
 * views of their first `count` rows), and which sample each working row is. A converged row's
 * result is copied out at once; the row itself leaves the working set at the next compaction,
 * which moves the remaining rows up in place. Compacting copies the whole working set, so it
 * waits until an eighth of it has converged.
 */
class ActiveRows {
  count: number;
  sample: Int32Array;
  /** Working row k still stepping (its result not yet taken). */
  live: Uint8Array;
  private converged = 0;

  constructor(
    private readonly buffers: Matrix[],
    B: number,
  ) {
    this.count = B;
    this.sample = Int32Array.from({ length: B }, (_, i) => i);
    this.live = new Uint8Array(B).fill(1);
  }

  view(i: number): Matrix {
    return this.buffers[i].sliceRows(0, this.count);
  }

  retire(k: number): void {
    this.live[k] = 0;
    this.converged++;
  }

  compact(): void {
    if (this.converged === 0 || this.converged * 8 < this.count) return;
    let j = 0;
    for (let k = 0; k < this.count; k++) {
      if (!this.live[k]) continue;
      if (j !== k) {
        for (const m of this.buffers) m.data.copyWithin(j * m.cols, k * m.cols, (k + 1) * m.cols);
        this.sample[j] = this.sample[k];
      }
      j++;
    }
    this.count = j;
    this.live.fill(1, 0, j);
    this.converged = 0;
  }
}

/** Runs the neural dynamics (Eq. 17) on a batch x until every sample converges or maxSteps. */
export function solveDynamics(net: DynamicsNetwork, x: Matrix, opts: SolveOptions): SolveResult {
  const b = net.backend;
  const P = net.depth;
  const B = x.rows;
  const sv = net.solver;
  const maxSteps = opts.maxSteps ?? sv.maxSteps;
  const tol2 = (opts.tol ?? sv.tol) ** 2;
  const dt = opts.dt ?? ((i: number) => Math.max(sv.dtStart / (1 + sv.dtDecay * i), sv.dtMin));
  const N = Array.from({ length: P }, (_, p) => net.units(p));
  const outU = N.map((n) => Matrix.zeros(B, n));
  const outR = N.map((n) => Matrix.zeros(B, n));
  const sampleSteps = new Int32Array(B).fill(maxSteps);
  // Buffers: u of every layer, r of every layer, then the first layer's feedforward drive
  // W¹x, which is constant during the dynamics.
  const buf = [...N, ...N, N[0]].map((n) => Matrix.zeros(B, n));
  b.localMatmul(net.layers[0].ff.map, net.W[0].w, x, 1, 0, buf[2 * P]);
  net.activations.forEach((a, p) => b.unary(a.op, buf[p], buf[P + p], a.p, a.q));
  const act = new ActiveRows(buf, B);
  const driveBuf = N.map((n) => Matrix.zeros(B, n));
  const du2 = new Float32Array(B);
  const u2 = new Float32Array(B);
  const moving = new Uint8Array(B);
  const takeRow = (k: number, u: Matrix[], r: Matrix[]) => {
    const row = act.sample[k];
    for (let p = 0; p < P; p++) {
      outU[p].data.set(u[p].row(k), row * N[p]);
      outR[p].data.set(r[p].row(k), row * N[p]);
    }
  };
  let done = 0;
  let steps = 0;
  while (steps < maxSteps && done < B) {
    const h = dt(steps);
    if (!(h > 0 && h <= 1))
      throw new ValueError(`solve: dt(${steps}) = ${h}; step sizes must lie in (0, 1]`);
    const n = act.count;
    const u = N.map((_, p) => act.view(p));
    const r = N.map((_, p) => act.view(P + p));
    const ff0 = act.view(2 * P);
    const drive = driveBuf.map((m) => m.sliceRows(0, n));
    // Drives from the current state of every layer (simultaneous Euler step of the coupled
    // system): drive = W r⁽ᵖ⁻¹⁾ − L r + γ W⁽ᵖ⁺¹⁾ᵀ r⁽ᵖ⁺¹⁾; the kernel adds the identity part r.
    for (let p = 0; p < P; p++) {
      const s = net.layers[p];
      if (p > 0) b.localMatmul(s.ff.map, net.W[p].w, r[p - 1], 1, 0, drive[p]);
      b.localMatmul(s.lat.map, net.L[p].w, r[p], -1, p > 0 ? 1 : 0, drive[p]);
      if (p < P - 1 && net.gamma > 0) {
        b.localMatmulT(net.layers[p + 1].ff.map, net.W[p + 1].w, r[p + 1], net.gamma, 1, drive[p]);
      }
      if (net.homeostasis[p] > 0) b.addRowVector(drive[p], net.theta[p].data, -1);
    }
    moving.fill(0, 0, n);
    for (let p = 0; p < P; p++) {
      const a = net.activations[p];
      const d = du2.subarray(0, n);
      const q = u2.subarray(0, n);
      b.smEulerStep(u[p], drive[p], p === 0 ? ff0 : null, r[p], h, a.op, a.p, a.q, d, q);
      for (let k = 0; k < n; k++) if (!(d[k] <= tol2 * q[k])) moving[k] = 1;
    }
    steps++;
    for (let k = 0; k < n; k++) {
      if (!act.live[k] || moving[k]) continue;
      takeRow(k, u, r);
      sampleSteps[act.sample[k]] = steps;
      act.retire(k);
      done++;
    }
    opts.onStep?.(steps, r);
    // With onStep the caller sees every row at every step, so nothing is dropped.
    if (!opts.onStep && done < B) act.compact();
  }
  // Samples that hit the step cap keep their last state.
  const u = N.map((_, p) => act.view(p));
  const r = N.map((_, p) => act.view(P + p));
  for (let k = 0; k < act.count; k++) if (act.live[k]) takeRow(k, u, r);
  return { r: outR, u: outU, steps, sampleSteps, converged: done === B };
}

/** Layer weights γ^(p−P) of Eq. 20/13 (all 1 when γ = 0: the layers are then independent). */
export function layerWeights(net: DynamicsNetwork): number[] {
  const P = net.depth;
  return Array.from({ length: P }, (_, p) => (net.gamma > 0 ? net.gamma ** (p + 1 - P) : 1));
}

function rowDots(
  net: DynamicsNetwork,
  a: Matrix,
  c: Matrix,
  out: Float64Array,
  scale: number,
): void {
  const t = Matrix.zeros(a.rows, a.cols);
  net.backend.binary('mul', a, c, t);
  const s = new Float32Array(a.rows);
  net.backend.sum(t, 1, s);
  for (let i = 0; i < a.rows; i++) out[i] += scale * s[i];
}

function sumF(net: DynamicsNetwork, p: number, r: Matrix, row: number): number {
  const F = net.activations[p].F;
  let s = 0;
  for (let i = row * r.cols, e = i + r.cols; i < e; i++) s += Math.abs(F(r.data[i]));
  return s;
}

/**
 * Energy (Eq. 20) per sample for states r (default: the fixed points of x):
 * E = Σ_p γ^(p−P) (−2 r⁽ᵖ⁾ᵀW̄ r⁽ᵖ⁻¹⁾ + r⁽ᵖ⁾ᵀ L̄ r⁽ᵖ⁾ + 2‖F(r⁽ᵖ⁾)‖₁).
 */
export function energy(net: DynamicsNetwork, x: Matrix, r?: readonly Matrix[]): Float64Array {
  const states = r ?? net.solve(x).r;
  if (
    states.length !== net.depth ||
    states.some((m, p) => m.rows !== x.rows || m.cols !== net.units(p))
  ) {
    throw new ShapeError(
      `energy: states must be one B×N_p matrix per layer for the ${count(x.rows, 'sample')} of x`,
    );
  }
  const w = layerWeights(net);
  const E = new Float64Array(x.rows);
  for (let p = 0; p < net.depth; p++) {
    const s = net.layers[p];
    const t = Matrix.zeros(x.rows, net.units(p));
    net.backend.localMatmul(s.ff.map, net.W[p].w, p === 0 ? x : states[p - 1], 1, 0, t);
    rowDots(net, states[p], t, E, -2 * w[p]);
    net.backend.localMatmul(s.lat.map, net.L[p].w, states[p], 1, 0, t);
    rowDots(net, states[p], t, E, w[p]);
    for (let i = 0; i < x.rows; i++) E[i] += 2 * w[p] * sumF(net, p, states[p], i);
    if (net.homeostasis[p] > 0) {
      const th = Matrix.zeros(x.rows, net.units(p));
      net.backend.addRowVector(th, net.theta[p].data, 1);
      rowDots(net, states[p], th, E, 2 * w[p]);
    }
  }
  return E;
}

/**
 * Structured deep similarity-matching cost (Eq. 13; Eq. 11 for P = 1, Eq. 3 up to the
 * input-only term (1/2T²)ΣΣ(x·x')², which is left out) at the network's fixed points of X:
 * Σ_p γ^(p−P)/T² (−Σ c^W M_W² + (1+γ[p<P])/2 Σ c^L M_L²) + Σ_p 2γ^(p−P)/T Σ_t ‖F(r_t)‖₁,
 * with M_W = Σ_t r⁽ᵖ⁾_t r⁽ᵖ⁻¹⁾_tᵀ and M_L = Σ_t r⁽ᵖ⁾_t r⁽ᵖ⁾_tᵀ on the synapses present,
 * plus γ^(p−P)·α_p‖r̄⁽ᵖ⁾‖² for layers with homeostasis α_p > 0.
 */
export function cost(net: DynamicsNetwork, x: Matrix, r?: readonly Matrix[]): number {
  const states = r ?? net.solve(x).r;
  const T = x.rows;
  const w = layerWeights(net);
  let total = 0;
  const sq = (conn: (typeof net.layers)[number]['ff'], post: Matrix, pre: Matrix): number => {
    const len = conn.map.unitsPerSite * conn.map.offsets[conn.map.sites];
    const m = new Matrix(1, len);
    net.backend.localOuter(conn.map, post, pre, 1, 0, m.data);
    if (!conn.c) return net.backend.dot(m, m);
    const mc = new Matrix(1, len);
    net.backend.binary('mul', m, new Matrix(1, len, conn.c), mc);
    return net.backend.dot(mc, m);
  };
  for (let p = 0; p < net.depth; p++) {
    const s = net.layers[p];
    const pre = p === 0 ? x : states[p - 1];
    const lat = (1 + (p < net.depth - 1 ? net.gamma : 0)) / 2;
    total += (w[p] / (T * T)) * (-sq(s.ff, states[p], pre) + lat * sq(s.lat, states[p], states[p]));
    let f = 0;
    for (let t = 0; t < T; t++) f += sumF(net, p, states[p], t);
    total += ((2 * w[p]) / T) * f;
    if (net.homeostasis[p] > 0) {
      // + α‖(1/T) Σ_t r_t‖² from the (similarity − α) regularisation
      const m = new Float32Array(net.units(p));
      net.backend.sum(states[p], 0, m);
      let q = 0;
      for (const v of m) q += (v / T) ** 2;
      total += w[p] * net.homeostasis[p] * q;
    }
  }
  return total;
}

/** Dense N×K feedforward (kind 'W') or N×N lateral ('L') matrix of layer p, for small networks. */
export function denseWeights(net: DynamicsNetwork, p: number, kind: 'W' | 'L'): Matrix {
  const conn = kind === 'W' ? net.layers[p].ff : net.layers[p].lat;
  const w = (kind === 'W' ? net.W : net.L)[p].w;
  const { map } = conn;
  const N = map.sites * map.unitsPerSite;
  if (N * map.inputs > 1 << 26) {
    throw new ValueError(
      `denseWeights: a ${N}×${map.inputs} dense matrix is too large; use the blocks`,
    );
  }
  const out = Matrix.zeros(N, map.inputs);
  for (let s = 0; s < map.sites; s++) {
    const o0 = map.offsets[s];
    const P = map.offsets[s + 1] - o0;
    for (let i = 0; i < map.unitsPerSite; i++) {
      for (let j = 0; j < P; j++) {
        out.data[(s * map.unitsPerSite + i) * map.inputs + map.indices[o0 + j]] +=
          w[map.unitsPerSite * o0 + i * P + j];
      }
    }
  }
  return out;
}

/** Closed-form fixed point of a linear single layer: r = L⁻¹ W x (Cholesky of dense L, float64). */
export function linearFixedPoint(net: DynamicsNetwork, x: Matrix): Matrix {
  if (net.depth !== 1 || net.activations[0].name !== 'linear') {
    throw new ValueError(
      'linearFixedPoint: only a single linear layer has the closed form r = L⁻¹Wx',
    );
  }
  const N = net.units(0);
  if (N > 4096)
    throw new ValueError(`linearFixedPoint: ${N} neurons is too many for a dense solve`);
  const L = denseWeights(net, 0, 'L');
  const wx = Matrix.zeros(x.rows, N);
  net.backend.localMatmul(net.layers[0].ff.map, net.W[0].w, x, 1, 0, wx);
  // Cholesky L = G Gᵀ in float64 (L is symmetric positive definite under the learning rules).
  const G = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (L.data[i * N + j] + L.data[j * N + i]) / 2;
      for (let k = 0; k < j; k++) s -= G[i * N + k] * G[j * N + k];
      if (i === j) {
        if (!(s > 0)) throw new ValueError('linearFixedPoint: L is not positive definite');
        G[i * N + i] = Math.sqrt(s);
      } else G[i * N + j] = s / G[j * N + j];
    }
  }
  const out = Matrix.zeros(x.rows, N);
  const y = new Float64Array(N);
  for (let b = 0; b < x.rows; b++) {
    for (let i = 0; i < N; i++) {
      let s = wx.data[b * N + i];
      for (let k = 0; k < i; k++) s -= G[i * N + k] * y[k];
      y[i] = s / G[i * N + i];
    }
    for (let i = N - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < N; k++) s -= G[k * N + i] * y[k];
      y[i] = s / G[i * N + i];
    }
    for (let i = 0; i < N; i++) out.data[b * N + i] = y[i];
  }
  return out;
}
