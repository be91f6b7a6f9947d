import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { SoftHebbSoftStepOptions } from '../backend/types.ts';
import { HebbError, ShapeError, ValueError } from '../errors.ts';
import { activate, parseActivation, type Activation } from '../model/activation.ts';
import { checkSamples, allocateMatrix } from '../model/inputs.ts';
import {
  checkResumeHorizon,
  epochPlan,
  type FitEvent,
  type FitOptions,
} from '../model/fit-loop.ts';
import { epochBatches } from '../model/batches.ts';
import { registerModel, UnsupervisedModel } from '../model/model.ts';
import { formatSchedule, rateAt } from '../model/schedule.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import {
  resolveSoftHebbOptions,
  SOFTHEBB_SPEC,
  type ResolvedSoftHebbOptions,
  type SoftHebbOptions,
} from './options.ts';
import { count } from '../model/wording.ts';

const ONLINE_CHUNK = 500;

/**
 * What a layer's transform applies: the activation asked for, else the layer's `activation`
 * option, else its own posterior (softmax at its inverse temperature, one-hot when hard).
 */
export function outputActivation(
  o: { wta: 'soft' | 'hard'; inverseTemperature: number; activation?: Activation },
  given: Activation | string | undefined,
  where: string,
): Activation {
  if (given !== undefined) return parseActivation(given, undefined, `${where} activation`);
  if (o.activation) return o.activation;
  return o.wta === 'hard'
    ? { name: 'onehot' }
    : { name: 'softmax', inverseTemperature: o.inverseTemperature };
}
/** Samples between two divergence checks (and at most one chunk or batch more). */
const DIVERGENCE_CHECK = 1000;

/**
 * A soft winner-take-all layer that learns by the SoftHebb rule (docs/math/softhebb.md).
 * The model contract of docs/api.md: the constructor validates options; fit/fitAsync train
 * `epochs` passes in a seeded random order; partialFit learns from the rows as given; transform
 * maps inputs to the activation handed to the next layer. Mini-batches sum the per-sample
 * updates computed with the weights at the start of the batch; batch size 1 is online learning.
 *
 *   const layer = new SoftHebb({ units: 400 }).fit(train.x);
 *   const h = layer.transform(test.x, { activation: 'triangle:3' });
 */
export class SoftHebb extends UnsupervisedModel<ResolvedSoftHebbOptions> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'SoftHebb';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SOFTHEBB_SPEC;
  private w: Matrix | null = null;
  /**
   * While the fused soft step trains, the weights are diag(rowScale)·w: each step's decay
   * scales this vector instead of passing over W (Backend.softHebbSoftStep). Folded into w
   * (and null) whenever W is read from outside the step.
   */
  private rowScale: Float32Array | null = null;
  private b: Float32Array | null = null;
  /** Samples learnt from since training started (drives the rate schedules). */
  samplesSeen = 0;
  /**
   * Samples the linear and exponential rate schedules run over; fit sets epochs × N. Set it
   * yourself before a loop of partialFit calls (0: the initial rate throughout).
   */
  horizon = 0;
  /** A unit whose weight norm passes this has diverged (set when the weights are created). */
  private normLimit = Infinity;

  constructor(options: SoftHebbOptions) {
    super(resolveSoftHebbOptions(options));
  }

  /** Every option's value, as documented on SoftHebbOptions (preset applied). */
  declare readonly options: ResolvedSoftHebbOptions;

  get isFitted(): boolean {
    return this.w !== null;
  }

  /** Weights, units × inputs (the live matrix: copy it before changing it). */
  get weights(): Matrix {
    if (!this.w) throw this.notFitted('weights');
    this.foldRowScale();
    return this.w;
  }

  /** W ← diag(rowScale)·W, rowScale ← null: W as stored is the layer's weights again. */
  private foldRowScale(): void {
    const s = this.rowScale;
    if (!s) return;
    this.rowScale = null;
    if (!s.every((v) => v === 1)) this.backend.scaleRows(this.w!, s);
  }

  /** The learnt prior bias (null when bias learning is off). */
  get bias(): Float32Array | null {
    if (!this.w) throw this.notFitted('bias');
    return this.b;
  }

  /** Stack layer (src/stack): one pass per epoch. */
  get fitPasses(): number {
    return this.options.epochs;
  }

  /** Inputs per sample once known (from the weights or initialWeights); else any. */
  get inputSize(): number | undefined {
    return this.w?.cols ?? this.options.initialWeights?.cols;
  }

  /** Values per sample it writes: one per unit. */
  outputSize(): number {
    return this.options.units;
  }

  /** Fresh weights for `inputs` inputs and rate schedules over `samples` samples. */
  beginFit(inputs: number, samples: number): void {
    this.initialize(inputs);
    this.horizon = samples;
  }

  /** Creates the initial weights (and bias) for `inputs` input dimensions, untrained. */
  initialize(inputs: number): this {
    const o = this.options;
    const K = o.units;
    if (!Number.isInteger(inputs) || inputs < 1)
      throw new ValueError(`SoftHebb.initialize: inputs must be a positive integer, got ${inputs}`);
    if (o.initialWeights) {
      const iw = o.initialWeights;
      if (iw.rows !== K || iw.cols !== inputs)
        throw new ShapeError(
          `SoftHebb: initialWeights is ${iw.rows}×${iw.cols} but must be ${K}×${inputs} (units × inputs)`,
        );
      this.w = iw.clone();
    } else {
      const rng = new Rng(o.seed, this.backend).fork(0);
      this.w = allocateMatrix(K, inputs, 'SoftHebb', 'units × inputs weights', 'use fewer units');
      if (o.init === 'positive-uniform-iid') {
        // The authors' init (train.py check_dimension): E‖w_k‖² = n·a²/3 = R², rows not rescaled.
        rng.uniform(this.w.data, 0, o.initRadius * Math.sqrt(3 / inputs));
      } else if (o.init === 'normal-iid') {
        // The authors' init after a batch norm (train.py check_dimension): N(0, R²/n) entries.
        rng.normal(this.w.data);
        this.backend.scale(o.initRadius / Math.sqrt(inputs), this.w);
      } else {
        if (o.init === 'normal') rng.normal(this.w.data);
        else rng.uniform(this.w.data);
        this.backend.normalizeRows(this.w, this.w);
        this.backend.scale(o.initRadius, this.w);
      }
    }
    this.rowScale = null;
    this.b = null;
    if (o.bias) {
      if (o.initialBias) {
        if (o.initialBias.length !== K)
          throw new ShapeError(
            `SoftHebb: initialBias has length ${o.initialBias.length} but the layer has ${count(K, 'unit')}`,
          );
        this.b = o.initialBias.slice();
      } else {
        this.b = new Float32Array(K).fill(Math.log(1 / K) / o.inverseTemperature);
      }
    }
    let maxNorm = 0;
    for (const v of this.weightNorms()) maxNorm = Math.max(maxNorm, v);
    // Norms converge towards 1 (Theorem A.2); a thousand-fold growth is divergence.
    this.normLimit = 1000 * Math.max(1, maxNorm);
    this.samplesSeen = 0;
    this.horizon = 0;
    return this;
  }

  /**
   * Epoch e visits the samples in permutation e of the seed, so a run resumed from an epoch
   * checkpoint equals an uninterrupted one.
   */
  protected *training(x: Matrix, opts: FitOptions): Generator<FitEvent> {
    const o = this.options;
    const where = 'SoftHebb.fit';
    checkSamples(where, this.backend, x, opts.resume && this.w ? this.w.cols : undefined);
    const N = x.rows;
    if (!opts.resume || !this.w) {
      this.initialize(x.cols);
      this.horizon = o.epochs * N;
    } else checkResumeHorizon(where, this.horizon, o.epochs, N);
    const xs = this.preparedInput(x);
    const { first, total } = epochPlan(N, o.epochs, this.samplesSeen, opts.resume);
    const step = o.batchSize === 1 ? ONLINE_CHUNK : o.batchSize;
    const buf = new Matrix(Math.min(N, step), x.cols);
    let done = 0;
    const batches = epochBatches({
      n: N,
      epochs: o.epochs,
      first,
      batchSize: step,
      seed: o.seed,
      shuffle: true,
      backend: this.backend,
    });
    try {
      for (const b of batches) {
        const chunk = b.rows.length === buf.rows ? buf : buf.sliceRows(0, b.rows.length);
        for (let i = 0; i < b.rows.length; i++) chunk.data.set(xs.row(b.rows[i]), i * x.cols);
        this.learn(chunk);
        done += b.rows.length;
        // At epoch ends W is folded whether or not a checkpoint reads it, so a resumed run
        // takes the same steps as an uninterrupted one.
        if (b.epochEnd) this.foldRowScale();
        yield { done, total, epoch: b.epoch + 1, epochs: o.epochs, epochEnd: b.epochEnd };
      }
    } finally {
      this.foldRowScale();
    }
  }

  /**
   * Learns from the rows of x once, in the order given, in batches of batchSize (1: online),
   * continuing from the current state (initialising the layer on first use). Returns this.
   * `preActivations` (x.rows × units) receives each row's u + b as the layer saw it when it
   * learnt from that row — before the row's own update: what a read-out learning alongside the
   * layer sees (in online mode, without a second pass over W per sample).
   */
  partialFit(x: Matrix, o: { preActivations?: Matrix } = {}): this {
    checkSamples('SoftHebb.partialFit', this.backend, x, this.w?.cols);
    return this.partialFitChecked(x, o);
  }

  /**
   * partialFit of rows known to be valid samples: SoftHebbConv2d's patches of images it has
   * checked already (a scan of each batch's 5760 × 25 patches for non-finite values cost 3 %
   * of a conv epoch). @internal
   */
  partialFitChecked(x: Matrix, o: { preActivations?: Matrix } = {}): this {
    if (!this.w) this.initialize(x.cols);
    const out = o.preActivations;
    if (out && (out.rows !== x.rows || out.cols !== this.options.units))
      throw new ShapeError(
        `SoftHebb.partialFit: preActivations is ${out.rows}×${out.cols} but must be ${x.rows}×${this.options.units} (samples × units)`,
      );
    const xs = this.preparedInput(x);
    const step = this.options.batchSize === 1 ? ONLINE_CHUNK : this.options.batchSize;
    for (let s = 0; s < x.rows; s += step) {
      const e = Math.min(x.rows, s + step);
      this.learn(xs.sliceRows(s, e), out?.sliceRows(s, e));
    }
    this.foldRowScale();
    return this;
  }

  /**
   * Pre-activations u + b, samples × units (inputs normalised as in training), written to
   * `out` when given (e.g. a view into a larger output).
   */
  preActivation(x: Matrix, out?: Matrix): Matrix {
    checkSamples('SoftHebb.transform', this.backend, x, this.weights.cols);
    const K = this.options.units;
    if (out && (out.rows !== x.rows || out.cols !== K))
      throw new ShapeError(
        `SoftHebb.preActivation: out is ${out.rows}×${out.cols} but must be ${x.rows}×${K} (samples × units)`,
      );
    const xs = this.preparedInput(x);
    const a = out ?? new Matrix(x.rows, K);
    this.backend.gemm(false, true, 1, xs, this.weights, 0, a);
    if (this.b) this.backend.addRowVector(a, this.b);
    return a;
  }

  /**
   * The layer's output for the next layer: by default the posterior softmax at the layer's own
   * inverse temperature ('onehot' when hard); any activation of the vocabulary otherwise, e.g.
   * 'triangle:3', 'repu:4.5', 'softmax:5', 'linear'.
   */
  transform(x: Matrix, { activation }: { activation?: Activation | string } = {}): Matrix {
    const act = outputActivation(this.options, activation, 'SoftHebb.transform');
    const a = this.preActivation(x);
    return act.name === 'linear' ? a : activate(this.backend, act, a);
  }

  /** Index of the winning unit for each sample. */
  winners(x: Matrix): Int32Array {
    const a = this.preActivation(x);
    const out = new Int32Array(x.rows);
    this.backend.argmaxRows(a, out);
    return out;
  }

  /** Euclidean norm of each unit's weight vector. */
  weightNorms(): Float32Array {
    if (!this.w) throw this.notFitted('weights');
    const out = new Float32Array(this.options.units);
    this.backend.rowNorms(this.w, out);
    // Without folding rowScale: the divergence check runs mid-training.
    if (this.rowScale) for (let k = 0; k < out.length; k++) out[k] *= this.rowScale[k];
    return out;
  }

  /** Units whose weight norm is within tol of 1 (the paper's "R1 features"). */
  r1Features(tol = 0.01): number {
    let n = 0;
    for (const v of this.weightNorms()) if (Math.abs(v - 1) < tol) n++;
    return n;
  }

  /** A saved layer carries its learnt weights, not the initial ones. */
  protected override notSaved(): string[] {
    return ['backend', 'initialWeights', 'initialBias'];
  }

  /** weights (F32 units × inputs), bias (F32, when learnt), samples_seen and horizon (F64). */
  stateSlots(): TensorSlots {
    const K = this.options.units;
    return {
      weights: tensor.matrix({ rows: K, get: () => this.weights, set: (w) => this.restore(w) }),
      bias: tensor.vector({
        length: K,
        present: this.options.bias,
        heldWith: 'bias: true',
        get: () => this.b!,
        set: (b) => (this.b = b),
      }),
      samples_seen: tensor.count({
        get: () => this.samplesSeen,
        set: (n) => (this.samplesSeen = n),
      }),
      horizon: tensor.count({ get: () => this.horizon, set: (n) => (this.horizon = n) }),
    };
  }

  /** Restored weights: the divergence limit follows from their norms (as in initialize). */
  private restore(w: Matrix): void {
    this.w = w;
    this.rowScale = null;
    let maxNorm = 0;
    for (const v of this.weightNorms()) maxNorm = Math.max(maxNorm, v);
    this.normLimit = 1000 * Math.max(1, maxNorm, this.options.initRadius);
  }

  private rate(which: 'lr' | 'biasLr', at = this.samplesSeen): number {
    const perEpoch = this.horizon > 0 ? this.horizon / this.options.epochs : undefined;
    return rateAt(this.options[which], { samples: at, total: this.horizon, perEpoch });
  }

  /** The rows as the layer learns from them: unit-normalised when normalizeInput, else x. */
  preparedInput(x: Matrix): Matrix {
    if (!this.options.normalizeInput) return x;
    const out = new Matrix(x.rows, x.cols);
    this.backend.normalizeRows(x, out);
    return out;
  }

  /**
   * One step on a chunk: the fused online kernel for batch 1, else a summed batch update.
   * Weight norms are checked every DIVERGENCE_CHECK samples (a pass over W costs as much as an
   * online step, so checking after every sample would double its time); a step that meets
   * weights already broken in between (a kernel refuses non-finite input) is reported the
   * same way.
   */
  private learn(x: Matrix, seen?: Matrix): void {
    try {
      if (this.options.batchSize === 1) this.learnOnline(x, seen);
      else this.learnBatch(x, seen);
    } catch (e) {
      if (e instanceof ValueError) this.checkDiverged();
      throw e;
    }
    this.sinceCheck += x.rows;
    if (this.sinceCheck >= DIVERGENCE_CHECK) this.checkDiverged();
  }

  private sinceCheck = 0;

  /** Stops with the setting to change when a unit's weights have blown up. */
  private checkDiverged(): void {
    this.sinceCheck = 0;
    let max = 0;
    for (const v of this.weightNorms()) max = Math.max(max, Number.isNaN(v) ? Infinity : v);
    let badBias = false;
    if (this.b) for (const v of this.b) if (!Number.isFinite(v)) badBias = true;
    if (max < this.normLimit && !badBias) return;
    const o = this.options;
    const what = badBias
      ? 'the prior bias became non-finite'
      : `a unit's weight norm reached ${max.toPrecision(3)}`;
    const fixes = [
      `lower the learning rate (lr, now ${formatSchedule(o.lr)})`,
      ...(o.integrator === 'euler' && o.batchSize > 1
        ? ["use the exact step (integrator: 'exact'), which cannot overshoot"]
        : []),
      ...(o.bias ? [`lower biasLr (now ${formatSchedule(o.biasLr)}) or turn the bias off`] : []),
    ];
    throw new HebbError(
      `SoftHebb: training diverged after ${count(this.samplesSeen, 'sample')}: ${what}; ${fixes.join(', or ')}`,
    );
  }

  private learnOnline(x: Matrix, seen?: Matrix): void {
    const o = this.options;
    if (o.rule !== 'paper' || o.krotov) {
      // The variants need the whole layer's update per sample: generic path, one row at a time.
      for (let i = 0; i < x.rows; i++)
        this.learnBatch(x.sliceRows(i, i + 1), seen?.sliceRows(i, i + 1));
      return;
    }
    const eta = new Float32Array(x.rows);
    const etaB = this.b ? new Float32Array(x.rows) : null;
    for (let i = 0; i < x.rows; i++) {
      eta[i] = this.rate('lr', this.samplesSeen + i);
      if (etaB) etaB[i] = this.rate('biasLr', this.samplesSeen + i);
    }
    this.backend.softHebbOnline(this.weights, x, this.b, {
      inverseTemperature: o.inverseTemperature,
      hard: o.wta === 'hard',
      eta,
      biasRate: etaB,
      biasInverseTemperature: o.inverseTemperature,
      preActivations: seen ?? null,
    });
    this.samplesSeen += x.rows;
  }

  private buffers: { u: Matrix; y: Matrix } | null = null;

  /** B × K work matrices, reused across batches of the same size (no allocation per step). */
  private batchBuffers(B: number, K: number): { u: Matrix; y: Matrix } {
    if (!this.buffers || this.buffers.u.rows !== B || this.buffers.u.cols !== K) {
      this.buffers = { u: new Matrix(B, K), y: new Matrix(B, K) };
    }
    return this.buffers;
  }

  /** The fused soft step's options at the current sample. */
  private softStepOptions(): SoftHebbSoftStepOptions {
    const o = this.options;
    return {
      inverseTemperature: o.inverseTemperature,
      eta: this.rate('lr'),
      exact: o.integrator === 'exact',
      scale: this.rowScale,
    };
  }

  /** c_k = Σ_b y_bk u_bk, the decay factor of unit k's update over the batch. */
  private winShare(y: Matrix, u: Matrix): Float32Array {
    const yu = new Matrix(y.rows, y.cols);
    this.backend.binary('mul', y, u, yu);
    const c = new Float32Array(y.cols);
    this.backend.sum(yu, 0, c);
    return c;
  }

  /** One summed update from the rows of x (already normalised); seen gets U + b before it. */
  private learnBatch(x: Matrix, seen?: Matrix): void {
    const be = this.backend;
    const o = this.options;
    const hard = o.wta === 'hard';
    const B = x.rows;
    const K = o.units;
    const fused = !hard && !o.krotov && o.rule === 'paper';
    // The fused step keeps W's decay in rowScale; the other paths need W itself.
    if (fused) this.rowScale ??= new Float32Array(K).fill(1);
    else this.foldRowScale();
    const w = this.w!;
    const { u, y } = this.batchBuffers(B, K);
    if (fused && !seen) {
      // The forward pass and the step in one kernel: for a conv layer's many short patch rows
      // it keeps U and Y block by block in cache. The posteriors only when the prior needs them.
      be.softHebbForwardStep(w, x, this.b, this.softStepOptions(), this.b ? y : null);
      if (this.b) this.learnBias(y, B);
      this.samplesSeen += B;
      return;
    }
    be.gemm(false, true, 1, x, w, 0, u);
    if (seen) {
      seen.data.set(u.data);
      if (this.rowScale) be.scaleColumns(seen, this.rowScale);
      if (this.b) be.addRowVector(seen, this.b);
    }
    if (fused) {
      // The common case in one fused kernel: posteriors, per-unit rates and the update.
      be.softHebbSoftStep(w, x, u, this.b, this.softStepOptions(), y);
      if (this.b) this.learnBias(y, B);
      this.samplesSeen += B;
      return;
    }
    be.unary('copy', u, y);
    if (this.b) be.addRowVector(y, this.b);
    let win: Int32Array | null = null;
    if (hard || o.krotov) {
      win = new Int32Array(B);
      be.argmaxRows(y, win);
      if (hard) {
        y.data.fill(0);
        for (let i = 0; i < B; i++) y.data[i * K + win[i]] = 1;
      } else {
        be.softmaxRows(y, o.inverseTemperature, y);
        // Soft-Krotov: y → −y for every unit but the winner.
        for (let i = 0; i < B; i++) y.data[i * K + win[i]] *= -1;
        be.scale(-1, y);
      }
    } else {
      be.softmaxRows(y, o.inverseTemperature, y);
    }
    const eta = this.rate('lr');
    if (this.b) this.learnBias(y, B);
    if (o.rule === 'paper') {
      let rate: number | Float32Array = eta;
      if (o.integrator === 'exact') {
        // Per-unit rate (1 − e^(−η c_k))/c_k with c_k = Σ_b y_bk u_bk (see options.integrator).
        const c = this.winShare(y, u);
        rate = new Float32Array(K);
        for (let k = 0; k < K; k++) {
          const z = eta * c[k];
          rate[k] = Math.abs(z) < 1e-6 ? eta * (1 - z / 2) : -Math.expm1(-z) / c[k];
        }
      }
      // Hard WTA: Y is one-hot, so Yᵀ X is a sum of each winner's inputs (O(B·n), no GEMM).
      if (hard) be.softHebbHardUpdate(w, x, win!, u, rate);
      else be.softHebbUpdate(w, x, y, u, rate);
    } else {
      // Authors' variant: ΔW / max|ΔW| with a per-unit rate η₀(|‖w_k‖ − 1| + 1e-10)^q.
      const c = this.winShare(y, u);
      const d = w.clone();
      for (let k = 0; k < K; k++) c[k] = -c[k];
      be.scaleRows(d, c);
      be.gemm(true, false, 1, y, x, 1, d);
      const m = be.absMax(d);
      const norms = this.weightNorms();
      const rates = new Float32Array(K);
      for (let k = 0; k < K; k++)
        rates[k] = m > 0 ? (eta * (Math.abs(norms[k] - 1) + 1e-10) ** o.adaptivePower) / m : 0;
      be.scaleRows(d, rates);
      be.axpy(1, d, w);
    }
    this.samplesSeen += B;
  }

  /** The prior's step (Eq. 10) from the batch's posteriors y. */
  private learnBias(y: Matrix, B: number): void {
    const be = this.backend;
    const o = this.options;
    const bias = this.b!;
    const K = o.units;
    const ys = new Float32Array(K);
    be.sum(y, 0, ys);
    const eb = this.rate('biasLr');
    const t = o.inverseTemperature;
    const db = new Float32Array(K);
    for (let k = 0; k < K; k++) db[k] = ys[k] * Math.exp(-t * bias[k]) - B;
    if (o.rule === 'paper' && o.integrator === 'exact') {
      // In the prior p = e^(t·b) the rule is linear, dp/dτ = t (Σ_b y_b − B p): solved over
      // τ = η_b, p moves towards the batch's win frequency and stays in (0, 1]. Euler on b
      // instead multiplies by e^(−t·b), which explodes when a long-dead unit wins once.
      const f = -Math.expm1(-t * B * eb);
      for (let k = 0; k < K; k++) {
        const p = Math.exp(t * bias[k]);
        bias[k] = Math.log(Math.max(1e-300, p + f * (ys[k] / B - p))) / t;
      }
      return;
    }
    let scale = eb;
    // The authors' variant scales the bias step like the weights': by its largest entry.
    if (o.rule === 'normalized') {
      let m = 0;
      for (const v of db) m = Math.max(m, Math.abs(v));
      scale = m > 0 ? eb / m : 0;
    }
    for (let k = 0; k < K; k++) bias[k] += scale * db[k];
  }
}

registerModel(SoftHebb);
