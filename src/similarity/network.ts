// Structured and deep Hebbian/anti-Hebbian network (SPEC §2, Eq. 17 and 19): P layers of
// block-sparse feedforward W and lateral L, feedback γ·W^(p+1)ᵀ between layers, activations
// with regularisers. Dynamics for a whole mini-batch at fixed weights (dynamics.ts), then the
// local learning rules summed over the batch (batchSize 1 = online, as in the paper).
import { getBackend, Matrix, Rng } from '../backend/index.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError, ShapeError, ValueError } from '../errors.ts';
import { resolveSmActivation, type SmActivation, type SmActivationSpec } from './activation.ts';
import { solveDynamics, type SolveOptions, type SolveResult } from './dynamics.ts';
import { layerUnits, type LayerStructure } from './structure.ts';

/** Authors' rate schedule: η(n) = max(start / (1 + decay·⌊n / chunk⌋), min), n = samples seen. */
export interface RateSchedule {
  start: number;
  decay: number;
  min: number;
  chunk: number;
}
export const AUTHORS_RATE: RateSchedule = { start: 5e-3, decay: 0.5, min: 1e-4, chunk: 1000 };

/** Authors' Euler solver: dt_i = max(dtStart / (1 + dtDecay·i), dtMin), ≤ maxSteps, stop at tol. */
export interface SolverOptions {
  maxSteps: number;
  tol: number;
  dtStart: number;
  dtDecay: number;
  dtMin: number;
}
export const AUTHORS_SOLVER: SolverOptions = {
  maxSteps: 3000,
  tol: 1e-4,
  dtStart: 0.2,
  dtDecay: 0.005,
  dtMin: 0.05,
};

export interface SimilarityNetworkOptions {
  layers: LayerStructure[];
  /** One activation for every layer, or one per layer. */
  activation: SmActivationSpec | SmActivationSpec[];
  /** Feedback strength γ ≥ 0 (0: layers are independent, bottom-up only). Default 0. */
  gamma?: number;
  /** Learning rate: a constant or the authors' schedule (default). */
  learningRate?: number | Partial<RateSchedule>;
  /** Per-layer rate multipliers (the γ^(p−P) factors of Eq. 19 folded in). Default all 1. */
  layerRates?: number[];
  /** Samples per update: 1 is online (per sample); B sums B per-sample updates. Default 1. */
  batchSize?: number;
  solver?: Partial<SolverOptions>;
  /**
   * Per-layer α ≥ 0 of the regularised cost of Sengupta et al. 2018 (the paper's ref. [31]):
   * input similarities enter as (r⁽ᵖ⁻¹⁾·r⁽ᵖ⁻¹⁾′ − α). The network gains a homeostatic threshold
   * θ per neuron (drive −θ, Δθ = η(α r − θ), θ → α·E[r]) that decorrelates outputs of
   * non-negative inputs. Default all 0 (the plain Eq. 13).
   */
  homeostasis?: number[];
  seed?: number;
  backend?: Backend;
}

interface Synapses {
  /** Weights in block layout; masked synapses (c = 0) hold exactly 0. */
  w: Float32Array;
  /** 1/c where c > 0, else 0; null when c ≡ 1. */
  invC: Float32Array | null;
  mask: Float32Array | null;
}

export class SimilarityNetwork {
  readonly backend: Backend;
  readonly layers: LayerStructure[];
  readonly activations: SmActivation[];
  readonly gamma: number;
  readonly rate: RateSchedule;
  readonly layerRates: number[];
  readonly batchSize: number;
  readonly solver: SolverOptions;
  readonly seed: number;
  readonly homeostasis: number[];
  /** Homeostatic thresholds θ per layer (1 × N_p); zero when homeostasis is 0. */
  readonly theta: Matrix[] = [];
  /** Feedforward and lateral synapses per layer. */
  readonly W: Synapses[] = [];
  readonly L: Synapses[] = [];
  samplesSeen = 0;

  constructor(o: SimilarityNetworkOptions) {
    const where = 'SimilarityNetwork';
    if (!Array.isArray(o.layers) || o.layers.length === 0) {
      throw new ValueError(`${where}: layers must be a non-empty array of layer structures`);
    }
    this.backend = o.backend ?? getBackend();
    this.layers = o.layers;
    const P = o.layers.length;
    const acts = Array.isArray(o.activation) ? o.activation : o.layers.map(() => o.activation);
    if (acts.length !== P) {
      throw new ShapeError(
        `${where}: ${acts.length} activations for ${P} layers; give one per layer`,
      );
    }
    this.activations = acts.map((a, p) =>
      resolveSmActivation(a as SmActivationSpec, `${where} layer ${p + 1}`),
    );
    this.gamma = o.gamma ?? 0;
    if (!(this.gamma >= 0) || !Number.isFinite(this.gamma)) {
      throw new ValueError(`${where}: gamma must be a finite number ≥ 0, got ${o.gamma}`);
    }
    const lr = o.learningRate ?? {};
    this.rate =
      typeof lr === 'number'
        ? { start: lr, decay: 0, min: lr, chunk: 1000 }
        : { ...AUTHORS_RATE, ...lr };
    for (const [k, v] of Object.entries(this.rate)) {
      if (!(v >= 0) || !Number.isFinite(v) || (k === 'chunk' && !(v > 0))) {
        throw new ValueError(
          `${where}: learningRate.${k} must be a finite number ≥ 0 (chunk > 0), got ${v}`,
        );
      }
    }
    this.layerRates = o.layerRates ?? o.layers.map(() => 1);
    if (
      this.layerRates.length !== P ||
      this.layerRates.some((r) => !(r >= 0) || !Number.isFinite(r))
    ) {
      throw new ValueError(`${where}: layerRates must hold ${P} finite numbers ≥ 0`);
    }
    this.batchSize = o.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new ValueError(`${where}: batchSize must be a positive integer, got ${o.batchSize}`);
    }
    this.solver = { ...AUTHORS_SOLVER, ...o.solver };
    const sv = this.solver;
    if (!Number.isInteger(sv.maxSteps) || sv.maxSteps < 1) {
      throw new ValueError(
        `${where}: solver.maxSteps must be a positive integer, got ${sv.maxSteps}`,
      );
    }
    if (
      !(sv.tol > 0) ||
      !(sv.dtStart > 0) ||
      !(sv.dtMin > 0) ||
      !(sv.dtDecay >= 0) ||
      sv.dtStart > 1
    ) {
      throw new ValueError(
        `${where}: solver needs tol > 0, 0 < dtMin, 0 < dtStart ≤ 1, dtDecay ≥ 0; got ${JSON.stringify(sv)}`,
      );
    }
    this.seed = o.seed ?? 0;
    this.homeostasis = o.homeostasis ?? o.layers.map(() => 0);
    if (
      this.homeostasis.length !== P ||
      this.homeostasis.some((a) => !(a >= 0) || !Number.isFinite(a))
    ) {
      throw new ValueError(
        `${where}: homeostasis must hold ${P} finite numbers ≥ 0 (one α per layer)`,
      );
    }
    this.validateStructure();
    this.initWeights();
    this.layers.forEach((_, p) => this.theta.push(Matrix.zeros(1, this.units(p))));
  }

  get depth(): number {
    return this.layers.length;
  }
  /** Neurons in layer p (0-based). */
  units(p: number): number {
    return layerUnits(this.layers[p]);
  }
  get inputs(): number {
    return this.layers[0].ff.map.inputs;
  }

  private validateStructure(): void {
    this.layers.forEach((s, p) => {
      const where = `SimilarityNetwork layer ${p + 1}`;
      const N = layerUnits(s);
      if (p > 0 && s.ff.map.inputs !== this.units(p - 1)) {
        throw new ShapeError(
          `${where}: feedforward map reads ${s.ff.map.inputs} inputs but layer ${p} has ${this.units(p - 1)} ` +
            'neurons; build it on the previous layer’s grid (input = [rows, cols, nps])',
        );
      }
      const lm = s.lat.map;
      if (
        lm.inputs !== N ||
        lm.sites * lm.unitsPerSite !== N ||
        lm.unitsPerSite !== s.ff.map.unitsPerSite
      ) {
        throw new ShapeError(
          `${where}: lateral map (${lm.sites} sites × ${lm.unitsPerSite}, ${lm.inputs} inputs) does not ` +
            `match the layer's ${s.ff.map.sites} sites × ${s.ff.map.unitsPerSite} neurons`,
        );
      }
      for (const [name, c] of [
        ['cW', s.ff],
        ['cL', s.lat],
      ] as const) {
        const len = c.map.unitsPerSite * c.map.offsets[c.map.sites];
        if (c.c && (c.c.length !== len || c.c.some((v) => !(v >= 0) || !Number.isFinite(v)))) {
          throw new ValueError(
            `${where}: ${name} must hold ${len} finite constants ≥ 0 in block layout`,
          );
        }
      }
    });
  }

  private synapses(map: LayerStructure['ff'], init: (w: Float32Array) => void): Synapses {
    const len = map.map.unitsPerSite * map.map.offsets[map.map.sites];
    const w = new Float32Array(len);
    init(w);
    if (!map.c) return { w, invC: null, mask: null };
    const invC = map.c.map((c) => (c > 0 ? 1 / c : 0));
    const mask = map.c.map((c) => (c > 0 ? 1 : 0));
    for (let i = 0; i < len; i++) w[i] *= mask[i];
    return { w, invC, mask };
  }

  /** W ~ N(0, 1)/√fan-in under the mask (authors' init), L = I (positive definite). */
  private initWeights(): void {
    const rng = new Rng(this.seed, this.backend);
    this.layers.forEach((s, p) => {
      const m = s.ff.map;
      this.W.push(
        this.synapses(s.ff, (w) => {
          rng.fork(p).normal(w);
          for (let site = 0; site < m.sites; site++) {
            const P = m.offsets[site + 1] - m.offsets[site];
            let fan = P;
            if (s.ff.c) {
              // fan-in counts only present synapses of the site's first unit
              fan = 0;
              for (let j = 0; j < P; j++)
                if (s.ff.c[m.unitsPerSite * m.offsets[site] + j] > 0) fan++;
            }
            const g = 1 / Math.sqrt(Math.max(fan, 1));
            const o = m.unitsPerSite * m.offsets[site];
            for (let k = o; k < o + m.unitsPerSite * P; k++) w[k] *= g;
          }
        }),
      );
      const lm = s.lat.map;
      this.L.push(
        this.synapses(s.lat, (w) => {
          for (let site = 0; site < lm.sites; site++) {
            const o0 = lm.offsets[site];
            const P = lm.offsets[site + 1] - o0;
            for (let i = 0; i < lm.unitsPerSite; i++) {
              const self = site * lm.unitsPerSite + i;
              let j = 0;
              while (j < P && lm.indices[o0 + j] !== self) j++;
              if (j === P || (s.lat.c && s.lat.c[lm.unitsPerSite * o0 + i * P + j] === 0)) {
                throw new ValueError(
                  `SimilarityNetwork layer ${p + 1}: neuron ${self} has no lateral self-connection; ` +
                    'L must contain its diagonal (L is initialised to the identity)',
                );
              }
              w[lm.unitsPerSite * o0 + i * P + j] = 1;
            }
          }
        }),
      );
    });
  }

  /** Learning rate for the next update (authors' schedule over samples seen). */
  currentRate(): number {
    const r = this.rate;
    return Math.max(r.start / (1 + r.decay * Math.floor(this.samplesSeen / r.chunk)), r.min);
  }

  /** Runs the neural dynamics (Eq. 17) on a batch at fixed weights. */
  solve(x: Matrix, opts: SolveOptions = {}): SolveResult {
    if (!(x instanceof Matrix) || x.cols !== this.inputs) {
      throw new ShapeError(
        `SimilarityNetwork.solve: x must be a Matrix B×${this.inputs}, got ${x instanceof Matrix ? `${x.rows}×${x.cols}` : typeof x}`,
      );
    }
    return solveDynamics(this, x, opts);
  }

  /** One update of Eq. 19 from fixed points r of the batch x, summed over the batch. */
  applyUpdate(x: Matrix, r: Matrix[], eta = this.currentRate()): void {
    const b = this.backend;
    const B = x.rows;
    const P = this.depth;
    for (let p = 0; p < P; p++) {
      const e = eta * this.layerRates[p];
      const pre = p === 0 ? x : r[p - 1];
      this.hebbian(this.W[p], this.layers[p].ff.map, r[p], pre, e, B);
      this.hebbian(
        this.L[p],
        this.layers[p].lat.map,
        r[p],
        r[p],
        e / 2,
        B / (1 + (p < P - 1 ? this.gamma : 0)),
      );
      if (this.homeostasis[p] > 0) {
        // θ ← θ + η(α Σ_b r_b − B θ)
        const sums = new Float32Array(this.units(p));
        b.sum(r[p], 0, sums);
        b.scale(1 - e * B, this.theta[p]);
        b.axpy(e * this.homeostasis[p], new Matrix(1, sums.length, sums), this.theta[p]);
      }
    }
    this.samplesSeen += B;
  }

  /** w ← w + eta·(Σ_b post ⊗ pre − decay·w/c), masked synapses kept at exactly 0. */
  private hebbian(
    s: Synapses,
    map: LayerStructure['ff']['map'],
    post: Matrix,
    pre: Matrix,
    eta: number,
    decay: number,
  ): void {
    const b = this.backend;
    const w = new Matrix(1, s.w.length, s.w);
    let maxInv = 1;
    if (s.invC) for (const v of s.invC) maxInv = Math.max(maxInv, v);
    if (eta * decay * maxInv >= 1) {
      throw new HebbError(
        `SimilarityNetwork: rate × batch × decay = ${(eta * decay * maxInv).toFixed(3)} ≥ 1 makes the ` +
          'weight decay overshoot; lower the learning rate or the batch size',
      );
    }
    if (!s.invC) {
      b.scale(1 - eta * decay, w);
    } else {
      const t = new Matrix(1, s.w.length);
      b.binary('mul', w, new Matrix(1, s.w.length, s.invC), t);
      b.axpy(-eta * decay, t, w);
    }
    b.localOuter(map, post, pre, eta, 1, s.w);
    if (s.mask) b.binary('mul', w, new Matrix(1, s.w.length, s.mask), w);
  }

  /** Trains on the rows of x in order, `batchSize` at a time. Returns total Euler steps. */
  partialFit(x: Matrix, opts: { onBatch?: (done: number, steps: number) => void } = {}): number {
    let total = 0;
    for (let i = 0; i < x.rows; i += this.batchSize) {
      const xb = x.sliceRows(i, Math.min(i + this.batchSize, x.rows));
      const res = this.solve(xb);
      this.applyUpdate(xb, res.r);
      total += res.steps;
      opts.onBatch?.(Math.min(i + this.batchSize, x.rows), res.steps);
    }
    return total;
  }

  /** Fixed points of layer `layer` (default the last) for every row of x, in chunks. */
  transform(x: Matrix, opts: { layer?: number; chunk?: number } = {}): Matrix {
    const layer = opts.layer ?? this.depth - 1;
    const chunk = opts.chunk ?? 1000;
    const out = Matrix.zeros(x.rows, this.units(layer));
    for (let i = 0; i < x.rows; i += chunk) {
      const res = this.solve(x.sliceRows(i, Math.min(i + chunk, x.rows)));
      out.data.set(res.r[layer].data, i * out.cols);
    }
    return out;
  }
}
