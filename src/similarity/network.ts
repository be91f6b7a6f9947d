// Structured and deep Hebbian/anti-Hebbian network (docs/math/similarity-matching.md, Eq. 17
// and 19): P layers of block-sparse feedforward W and lateral L, feedback γ·W^(p+1)ᵀ between
// layers, activations with regularisers. Dynamics for a whole mini-batch at fixed weights
// (dynamics.ts), then the local learning rules summed over the batch (batchSize 1 = online).
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { HebbError, ShapeError, ValueError } from '../errors.ts';
import { epochBatches } from '../model/batches.ts';
import { epochPlan, type FitEvent, type FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { registerModel, UnsupervisedModel } from '../model/model.ts';
import { rateAt } from '../model/schedule.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import { resolveSmActivation, type SmActivation } from './activation.ts';
import {
  solveDynamics,
  type DynamicsNetwork,
  type SolveOptions,
  type SolveResult,
  type Synapses,
} from './dynamics.ts';
import {
  resolveNetworkOptions,
  SIMILARITY_SPEC,
  type ResolvedSimilarityNetworkOptions,
  type SimilarityNetworkOptions,
  type SolverOptions,
} from './options.ts';
import { layerUnits, type LayerStructure } from './structure.ts';

/**
 * A structured, deep similarity-matching network (the model contract of docs/api.md):
 *
 * ```ts
 * const net = new SimilarityNetwork({
 *   input: [28, 28, 1],
 *   layers: [{ type: 'local', stride: 2, radius: 4, nps: 16 }],
 *   activation: 'tanh',
 *   batchSize: 100,
 * }).fit(x);
 * const r = net.transform(x);   // fixed points of the last layer
 * ```
 */
export class SimilarityNetwork
  extends UnsupervisedModel<ResolvedSimilarityNetworkOptions>
  implements DynamicsNetwork
{
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'SimilarityNetwork';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SIMILARITY_SPEC;
  /** The built layers (block-sparse connectivity). */
  readonly layers: LayerStructure[];
  /** Each layer's activation, resolved. */
  readonly activations: SmActivation[];
  /** Homeostatic thresholds θ per layer (1 × N_p); zero when homeostasis is 0. */
  readonly theta: Matrix[] = [];
  /** Feedforward synapses per layer. */
  readonly W: Synapses[] = [];
  /** Lateral synapses per layer. */
  readonly L: Synapses[] = [];
  /** Samples learnt from (drives the rate schedule). */
  samplesSeen = 0;
  /** Euler steps taken by the solver over the last fit or partialFit. */
  eulerSteps = 0;
  private fitted = false;

  constructor(options: SimilarityNetworkOptions) {
    const r = resolveNetworkOptions(options);
    super(r.options);
    this.layers = r.layers;
    this.activations = this.options.activation.map((a, p) =>
      resolveSmActivation(a, `SimilarityNetwork layer ${p + 1} activation`),
    );
    this.validateStructure();
    this.initWeights();
  }

  get isFitted(): boolean {
    return this.fitted;
  }
  /** Number of layers. */
  get depth(): number {
    return this.layers.length;
  }
  /** γ, the feedback strength. */
  get gamma(): number {
    return this.options.feedback;
  }
  /** The Euler solver's settings. */
  get solver(): SolverOptions {
    return this.options.solver;
  }
  /** α of each layer (0: no homeostasis). */
  get homeostasis(): number[] {
    return this.options.homeostasis;
  }
  /** Neurons in layer p (0-based). */
  units(p: number): number {
    return layerUnits(this.layers[p]);
  }
  /** Input values per sample. */
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

  /** W ~ N(0, 1)/√fan-in under the mask (authors' init), L = I (positive definite), θ = 0. */
  private initWeights(): void {
    const rng = new Rng(this.options.seed, this.backend);
    this.W.length = 0;
    this.L.length = 0;
    this.theta.length = 0;
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
      this.theta.push(Matrix.zeros(1, this.units(p)));
    });
    this.samplesSeen = 0;
  }

  /** Learning rate for the next update (the schedule over samples seen). */
  currentRate(): number {
    return rateAt(this.options.lr, { samples: this.samplesSeen, total: 0 });
  }

  /** Runs the neural dynamics (Eq. 17) on a batch at fixed weights (the initial ones before fit). */
  solve(x: Matrix, opts: SolveOptions = {}): SolveResult {
    checkSamples('SimilarityNetwork.solve', this.backend, x, this.inputs);
    return solveDynamics(this, x, opts);
  }

  /** One update of Eq. 19 from fixed points r of the batch x, summed over the batch. */
  applyUpdate(x: Matrix, r: Matrix[], eta = this.currentRate()): void {
    const b = this.backend;
    const B = x.rows;
    const P = this.depth;
    for (let p = 0; p < P; p++) {
      const e = eta * this.options.layerRates[p];
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
    this.fitted = true;
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
          'weight decay overshoot; lower the learning rate (lr), the batch size or the layer rates',
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

  /** Trains from the initial weights for `epochs` passes (or resumes). */
  protected *training(x: Matrix, opts: FitOptions): Generator<FitEvent> {
    const o = this.options;
    checkSamples('SimilarityNetwork.fit', this.backend, x, this.inputs);
    const resume = opts.resume && this.fitted;
    if (!resume) this.initWeights();
    const N = x.rows;
    const { first, total } = epochPlan(N, o.epochs, this.samplesSeen, resume);
    const batches = epochBatches({
      n: N,
      epochs: o.epochs,
      first,
      batchSize: o.batchSize,
      seed: o.seed,
      shuffle: o.shuffle,
      backend: this.backend,
    });
    this.eulerSteps = 0;
    let done = 0;
    for (const b of batches) {
      const xb = o.shuffle
        ? x.gatherRows(b.rows)
        : x.sliceRows(b.rows[0], b.rows[0] + b.rows.length);
      const res = this.solve(xb);
      this.applyUpdate(xb, res.r);
      this.eulerSteps += res.steps;
      done += b.rows.length;
      yield { done, total, epoch: b.epoch + 1, epochs: o.epochs, epochEnd: b.epochEnd };
    }
  }

  /** Learns from the rows of x in order, batchSize at a time, continuing. Returns this. */
  partialFit(x: Matrix): this {
    checkSamples('SimilarityNetwork.partialFit', this.backend, x, this.inputs);
    this.eulerSteps = 0;
    for (let i = 0; i < x.rows; i += this.options.batchSize) {
      const xb = x.sliceRows(i, Math.min(i + this.options.batchSize, x.rows));
      const res = this.solve(xb);
      this.applyUpdate(xb, res.r);
      this.eulerSteps += res.steps;
    }
    return this;
  }

  /**
   * Fixed points of layer `layer` (default the last) for every row of x, in chunks; `tol`
   * overrides the solver's stopping tolerance for this call.
   */
  transform(x: Matrix, opts: { layer?: number; chunk?: number; tol?: number } = {}): Matrix {
    if (!this.fitted) throw this.notFitted('transform');
    const layer = opts.layer ?? this.depth - 1;
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.depth)
      throw new ValueError(
        `SimilarityNetwork.transform: layer must be 0..${this.depth - 1}, got ${layer}`,
      );
    const chunk = opts.chunk ?? 1000;
    checkSamples('SimilarityNetwork.transform', this.backend, x, this.inputs);
    const out = Matrix.zeros(x.rows, this.units(layer));
    for (let i = 0; i < x.rows; i += chunk) {
      const res = this.solve(x.sliceRows(i, Math.min(i + chunk, x.rows)), { tol: opts.tol });
      out.data.set(res.r[layer].data, i * out.cols);
    }
    return out;
  }

  /** Per layer p: layers.p.W, layers.p.L (block layout, F32), layers.p.theta (1 × N_p); samples_seen. */
  stateSlots(): TensorSlots {
    const slots: TensorSlots = {};
    this.layers.forEach((_, p) => {
      const { W, L, theta } = { W: this.W[p], L: this.L[p], theta: this.theta[p] };
      slots[`layers.${p}.W`] = tensor.vector({
        length: W.w.length,
        get: () => W.w,
        set: (w) => W.w.set(w),
      });
      slots[`layers.${p}.L`] = tensor.vector({
        length: L.w.length,
        get: () => L.w,
        set: (w) => L.w.set(w),
      });
      slots[`layers.${p}.theta`] = tensor.matrix({
        rows: 1,
        cols: this.units(p),
        get: () => theta,
        set: (t) => theta.data.set(t.data),
      });
    });
    slots.samples_seen = tensor.count({
      get: () => this.samplesSeen,
      set: (n) => (this.samplesSeen = n),
    });
    return slots;
  }

  protected override afterSetState(): void {
    this.fitted = true;
  }
}

registerModel(SimilarityNetwork);
