// Structured and deep Hebbian/anti-Hebbian network (docs/math/similarity-matching.md, Eq. 17
// and 19): P layers of block-sparse feedforward W and lateral L, feedback γ·W^(p+1)ᵀ between
// layers, activations with regularisers. Dynamics for a whole mini-batch at fixed weights
// (dynamics.ts), then the local learning rules summed over the batch (batchSize 1 = online).
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError, ShapeError, ValueError } from '../errors.ts';
import { type Activation } from '../model/activation.ts';
import { epochBatches } from '../model/batches.ts';
import { epochPlan, type FitEvent, type FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel, UnsupervisedModel } from '../model/model.ts';
import {
  boolean,
  custom,
  describe,
  integer,
  listOf,
  number,
  required,
  seed,
  show,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { rateAt, schedule, type Schedule } from '../model/schedule.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import { resolveSmActivation, type SmActivation } from './activation.ts';
import { solveDynamics, type SolveOptions, type SolveResult } from './dynamics.ts';
import {
  buildLayer,
  layerUnits,
  outputGrid,
  toJson,
  type LayerSpec,
  type LayerStructure,
} from './structure.ts';

/** The authors' rate: max(5e-3 / (1 + 0.5·⌊samples / 1000⌋), 1e-4). */
export const AUTHORS_RATE: Schedule = {
  kind: 'inverse',
  from: 5e-3,
  decay: 0.5,
  every: 1000,
  min: 1e-4,
};

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
  /** The input: its size, or its grid [height, width, channels] (needed by 'local' layers). */
  input?: number | [number, number, number];
  /** The layers, bottom up: specs ({type: 'local', stride, radius, nps}, …) or built structures. */
  layers: (LayerSpec | LayerStructure)[];
  /** One activation for every layer, or one per layer: linear, relu, tanh, clip, cappedRelu, shrink. */
  activation: string | Activation | (string | Activation)[];
  /** Feedback strength γ ≥ 0 (0: layers are independent, bottom-up only). Default 0. */
  feedback?: number;
  /** Learning rate: a number or schedule; default the authors' inverse:0.005:0.5:1000:0.0001. */
  lr?: number | Schedule | string;
  /**
   * Per-layer rate factors. Default: the γ^(p−P) of the paper's Eq. 19 (all 1 when γ = 0).
   * Give your own to fold other factors in.
   */
  layerRates?: number[];
  /** Samples per update: 1 is online (per sample); B sums B per-sample updates. Default 1. */
  batchSize?: number;
  /** Passes over the data in fit. Default 1. */
  epochs?: number;
  /** Visit the samples in a seeded random order each epoch of fit (default true). */
  shuffle?: boolean;
  /** Euler solver settings (default the authors'). */
  solver?: Partial<SolverOptions>;
  /**
   * Per-layer α ≥ 0 of the regularised cost of Sengupta et al. 2018: input similarities enter
   * as (r⁽ᵖ⁻¹⁾·r⁽ᵖ⁻¹⁾′ − α), which gives each neuron a homeostatic threshold θ (drive −θ,
   * Δθ = η(α r − θ), θ → α·E[r]) that decorrelates outputs of non-negative inputs. Default 0.
   */
  homeostasis?: number[];
  seed?: number;
  backend?: string | Backend;
}

const nonNegList = listOf(number({ min: 0 }));

const SPEC = {
  input: describe(
    custom<number | [number, number, number]>(
      'a positive integer or a grid [height, width, channels]',
      (v, name) => {
        const ok = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 1;
        if (ok(v)) return v as number;
        if (Array.isArray(v) && v.length === 3 && v.every(ok))
          return [...v] as [number, number, number];
        throw new ValueError(
          `${name} must be a positive integer or [height, width, channels], got ${show(v)}`,
        );
      },
    ),
    "the input: its size, or its grid [height, width, channels] (a 'local' first layer needs the grid)",
  ),
  layers: describe(
    required(
      custom<(LayerSpec | LayerStructure)[]>('a non-empty array of layer specs', (v, name) => {
        if (!Array.isArray(v) || v.length === 0) {
          throw new ValueError(
            `${name} must be a non-empty array of layers like {type: 'dense', units: 10}, got ${show(v)}`,
          );
        }
        return v;
      }),
    ),
    "the layers, bottom up: specs like {type: 'local', stride: 2, radius: 4, nps: 8} or {type: 'dense', units: 64}, or built structures",
  ),
  activation: describe(
    required(
      custom<(string | Activation) | (string | Activation)[]>(
        'an activation or one per layer',
        (v) => v as string,
      ),
    ),
    'one activation for every layer, or one per layer: linear, relu, tanh, clip[:MIN:MAX], cappedRelu:λ[:CAP] or shrink:λ',
  ),
  feedback: describe(
    number({ min: 0, default: 0 }),
    'feedback strength γ ≥ 0 between layers (0: bottom-up only, the layers learn independently)',
  ),
  lr: describe(
    schedule({ default: AUTHORS_RATE }),
    "learning rate: a number or schedule over the samples seen, e.g. the authors' inverse:0.005:0.5:1000:0.0001",
  ),
  layerRates: describe(
    nonNegList,
    'per-layer rate factors; default γ^(p−P) of Eq. 19 (all 1 when γ = 0)',
  ),
  batchSize: describe(integer({ min: 1, default: 1 }), 'samples per summed update (1 = online)'),
  epochs: describe(integer({ min: 1, default: 1 }), 'passes over the data in fit'),
  shuffle: describe(
    boolean({ default: true }),
    'visit the samples in a seeded random order each epoch',
  ),
  solver: describe(
    custom<SolverOptions>(
      'solver settings {maxSteps, tol, dtStart, dtDecay, dtMin}',
      (v, name) => {
        const keys = Object.keys(AUTHORS_SOLVER);
        const extra = Object.keys(v as object).find((k) => !keys.includes(k));
        if (extra)
          throw new ValueError(`${name} has no setting '${extra}' (settings: ${keys.join(', ')})`);
        return { ...AUTHORS_SOLVER, ...(v as Partial<SolverOptions>) };
      },
      AUTHORS_SOLVER,
    ),
    "settings of the Euler solver {maxSteps, tol, dtStart, dtDecay, dtMin}; those not given are the authors'",
  ),
  homeostasis: describe(
    nonNegList,
    'per-layer α ≥ 0 of the decorrelating regulariser (homeostatic thresholds θ → α·E[r]); default 0 for every layer',
  ),
  seed: describe(seed(), 'seed of the initial weights and of the sample order'),
  backend: backendOption(),
} satisfies Record<keyof SimilarityNetworkOptions, unknown>;

type NetworkOptions = Resolved<typeof SPEC> & {
  readonly layers: LayerSpec[];
  readonly activation: (string | Activation)[];
  readonly layerRates: number[];
  readonly homeostasis: number[];
  readonly solver: SolverOptions;
};

interface Synapses {
  /** Weights in block layout; masked synapses (c = 0) hold exactly 0. */
  w: Float32Array;
  /** 1/c where c > 0, else 0; null when c ≡ 1. */
  invC: Float32Array | null;
  mask: Float32Array | null;
}

/** Builds the layers and checks the option combinations. */
function resolve(given: SimilarityNetworkOptions): {
  options: NetworkOptions;
  layers: LayerStructure[];
} {
  const where = 'SimilarityNetwork';
  const o = validateOptions(where, SPEC, given);
  const P = o.layers.length;
  const layers: LayerStructure[] = [];
  let grid: [number, number, number] | null =
    o.input === undefined ? null : typeof o.input === 'number' ? [1, o.input, 1] : o.input;
  o.layers.forEach((l, p) => {
    const at = `${where} layer ${p + 1}`;
    let s: LayerStructure;
    if ((l as LayerStructure).ff && (l as LayerStructure).lat) s = l as LayerStructure;
    else {
      const spec = l as LayerSpec;
      if (!grid) {
        if (spec.type === 'separate') grid = [1, (spec.inputs ?? []).reduce((a, b) => a + b, 0), 1];
        else
          throw new ValueError(
            `${where}: give the input's size (input: 784 or input: [28, 28, 1]) for a '${spec.type}' first layer`,
          );
      }
      s = buildLayer(spec, grid, at);
    }
    layers.push(s);
    grid = outputGrid(s);
  });
  const acts = Array.isArray(o.activation)
    ? o.activation
    : layers.map(() => o.activation as string);
  if (acts.length !== P) {
    throw new ShapeError(
      `${where}: ${acts.length} activations for ${P} layers; give one per layer`,
    );
  }
  const gamma = o.feedback;
  const layerRates = o.layerRates ?? layers.map((_, p) => (gamma > 0 ? gamma ** (p + 1 - P) : 1));
  if (layerRates.length !== P)
    throw new ValueError(`${where}: layerRates must hold ${P} numbers (one per layer)`);
  const homeostasis = o.homeostasis ?? layers.map(() => 0);
  if (homeostasis.length !== P) {
    throw new ValueError(
      `${where}: homeostasis must hold ${P} finite numbers ≥ 0 (one α per layer)`,
    );
  }
  const sv = o.solver as SolverOptions;
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
  // Saved options keep the declarative specs, and hand-built structures in JSON form.
  const specs = o.layers.map((l, p) =>
    (l as LayerStructure).ff ? toJson(layers[p]) : (l as LayerSpec),
  );
  return {
    options: Object.freeze({
      ...o,
      layers: specs,
      activation: acts,
      layerRates,
      homeostasis,
      solver: sv,
    }),
    layers,
  };
}

/**
 * A structured, deep similarity-matching network (the model contract of docs/api.md):
 *
 *   const net = new SimilarityNetwork({
 *     input: [28, 28, 1],
 *     layers: [{ type: 'local', stride: 2, radius: 4, nps: 16 }],
 *     activation: 'tanh',
 *     batchSize: 100,
 *   }).fit(x);
 *   const r = net.transform(x);   // fixed points of the last layer
 */
export class SimilarityNetwork extends UnsupervisedModel<NetworkOptions> {
  static readonly modelName = 'SimilarityNetwork';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  /** The built layers (block-sparse connectivity). */
  readonly layers: LayerStructure[];
  readonly activations: SmActivation[];
  /** Homeostatic thresholds θ per layer (1 × N_p); zero when homeostasis is 0. */
  readonly theta: Matrix[] = [];
  /** Feedforward and lateral synapses per layer. */
  readonly W: Synapses[] = [];
  readonly L: Synapses[] = [];
  /** Samples learnt from (drives the rate schedule). */
  samplesSeen = 0;
  /** Euler steps taken by the solver over the last fit or partialFit. */
  eulerSteps = 0;
  private fitted = false;

  constructor(options: SimilarityNetworkOptions) {
    const r = resolve(options);
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
  get depth(): number {
    return this.layers.length;
  }
  /** γ, the feedback strength. */
  get gamma(): number {
    return this.options.feedback;
  }
  get solver(): SolverOptions {
    return this.options.solver;
  }
  get homeostasis(): number[] {
    return this.options.homeostasis;
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
