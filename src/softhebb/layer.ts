import { getBackend } from '../backend/index.ts';
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError, ShapeError, ValueError } from '../errors.ts';
import { activate, parseActivation, type Activation } from './activation.ts';
import { resolveOptions, type ResolvedOptions, type SoftHebbOptions } from './options.ts';
import { rateAt } from './schedule.ts';

export interface FitOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Samples per update; 1 is online learning (a fused per-sample kernel). Default 100. */
  batchSize?: number;
  /** Called after every chunk of samples with the number done in this call and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Called after every epoch (1-based); a returned promise is awaited (e.g. a checkpoint). */
  onEpoch?: (epoch: number, layer: SoftHebb) => void | Promise<void>;
}

/** What a checkpoint holds: with the options and the data, training continues bit for bit. */
export interface SoftHebbState {
  weights: Matrix;
  bias: Float32Array | null;
  /** Samples seen since the start of training (drives the rate schedules). */
  samplesSeen: number;
  /** Samples the schedules run over (epochs × N); 0 means constant rates. */
  horizon: number;
}

const ONLINE_CHUNK = 500;

/**
 * A soft winner-take-all layer that learns by the SoftHebb rule (SPEC §1). Scikit-learn style:
 * the constructor only stores and checks options; fit/partialFit learn; transform maps inputs
 * to the activation handed to the next layer. Mini-batches sum the per-sample updates computed
 * with the weights at the start of the batch; batch size 1 is exact online learning.
 */
export class SoftHebb {
  readonly options: ResolvedOptions;
  readonly backend: Backend;
  private readonly init: { weights?: Matrix; bias?: Float32Array };
  private w: Matrix | null = null;
  private b: Float32Array | null = null;
  /** Samples seen since training started. */
  samplesSeen = 0;
  /** Length of the rate schedules in samples (set by fit; settable for partialFit). */
  horizon = 0;

  constructor(options: SoftHebbOptions, { backend }: { backend?: Backend } = {}) {
    this.options = resolveOptions(options);
    this.backend = backend ?? getBackend();
    this.init = { weights: options.initialWeights, bias: options.initialBias };
  }

  get isFitted(): boolean {
    return this.w !== null;
  }

  /** Weights, units × inputs (the live matrix: copy it before changing it). */
  get weights(): Matrix {
    if (!this.w)
      throw new HebbError('SoftHebb: the layer has no weights yet; call fit or partialFit first');
    return this.w;
  }

  /** The learnt prior bias (null when bias learning is off). */
  get bias(): Float32Array | null {
    if (!this.w)
      throw new HebbError('SoftHebb: the layer has no bias yet; call fit or partialFit first');
    return this.b;
  }

  /** Sets up weights and bias for `inputs` input dimensions (fit does this itself). */
  initialize(inputs: number): this {
    const o = this.options;
    const K = o.units;
    if (this.init.weights) {
      const iw = this.init.weights;
      if (iw.rows !== K || iw.cols !== inputs)
        throw new ShapeError(
          `SoftHebb: initialWeights is ${iw.rows}×${iw.cols} but must be ${K}×${inputs} (units × inputs)`,
        );
      this.w = iw.clone();
    } else {
      const rng = new Rng(o.seed, this.backend).fork(0);
      this.w = new Matrix(K, inputs);
      if (o.init === 'normal') rng.normal(this.w.data);
      else rng.uniform(this.w.data);
      this.backend.normalizeRows(this.w, this.w);
      this.backend.scale(o.initRadius, this.w);
    }
    this.b = null;
    if (o.bias) {
      if (this.init.bias) {
        if (this.init.bias.length !== K)
          throw new ShapeError(
            `SoftHebb: initialBias has length ${this.init.bias.length} but the layer has ${K} units`,
          );
        this.b = this.init.bias.slice();
      } else {
        this.b = new Float32Array(K).fill(Math.log(1 / K) / o.inverseTemperature);
      }
    }
    if (this.backend.countNonFinite(this.w.data) > 0)
      throw new ValueError('SoftHebb: initialWeights contains NaN or ±Inf');
    this.samplesSeen = 0;
    return this;
  }

  /** Trains from scratch for `epochs` passes, each in a seeded random order. */
  async fit(x: Matrix, opts: FitOptions = {}): Promise<this> {
    this.checkInput(x, 'fit', false);
    this.initialize(x.cols);
    this.horizon = (opts.epochs ?? 1) * x.rows;
    return this.continueFit(x, opts);
  }

  /**
   * Continues training up to `epochs` in total (a resumed run: the epoch is samplesSeen / N).
   * Epoch e visits the samples in the order of permutation e of the seed, so a run resumed
   * from an epoch checkpoint equals an uninterrupted one.
   */
  async continueFit(x: Matrix, opts: FitOptions = {}): Promise<this> {
    const epochs = opts.epochs ?? 1;
    const batch = opts.batchSize ?? 100;
    if (!Number.isInteger(epochs) || epochs < 1)
      throw new ValueError(`SoftHebb.fit: epochs must be a positive integer, got ${epochs}`);
    if (!Number.isInteger(batch) || batch < 1)
      throw new ValueError(`SoftHebb.fit: batchSize must be a positive integer, got ${batch}`);
    this.checkInput(x, 'fit');
    const N = x.rows;
    if (N === 0) throw new ValueError('SoftHebb.fit: x has no rows; pass at least one sample');
    const xs = this.prepare(x);
    const first = Math.floor(this.samplesSeen / N);
    const total = (epochs - first) * N;
    const buf = new Matrix(Math.min(N, batch === 1 ? ONLINE_CHUNK : batch), x.cols);
    let done = 0;
    for (let epoch = first; epoch < epochs; epoch++) {
      const order = new Rng(this.options.seed, this.backend).fork(1000 + epoch).permutation(N);
      const step = batch === 1 ? ONLINE_CHUNK : batch;
      for (let s = 0; s < N; s += step) {
        const m = Math.min(step, N - s);
        const chunk = m === buf.rows ? buf : buf.sliceRows(0, m);
        for (let i = 0; i < m; i++) chunk.data.set(xs.row(order[s + i]), i * x.cols);
        if (batch === 1) this.learnOnline(chunk);
        else this.learnBatch(chunk);
        done += m;
        opts.onProgress?.(done, total);
      }
      await opts.onEpoch?.(epoch + 1, this);
    }
    return this;
  }

  /**
   * One update from a batch (rows = samples), summed over its rows with the weights at the
   * start of the batch; a single row is an online step. Initialises the layer on first use.
   */
  partialFit(x: Matrix): this {
    if (!this.w) this.initialize(x.cols);
    this.checkInput(x, 'partialFit');
    if (x.rows === 0) return this;
    const xs = this.prepare(x);
    this.learnBatch(xs);
    return this;
  }

  /** Online learning over the rows in order (each sample changes the weights for the next). */
  partialFitOnline(x: Matrix): this {
    if (!this.w) this.initialize(x.cols);
    this.checkInput(x, 'partialFitOnline');
    if (x.rows === 0) return this;
    this.learnOnline(this.prepare(x));
    return this;
  }

  /** Pre-activations u + b, samples × units (inputs normalised as in training). */
  preActivation(x: Matrix): Matrix {
    this.checkInput(x, 'transform');
    const xs = this.prepare(x);
    const a = new Matrix(x.rows, this.options.units);
    this.backend.gemm(false, true, 1, xs, this.weights, 0, a);
    if (this.b) this.backend.addRowVector(a, this.b);
    return a;
  }

  /**
   * The layer's output for the next layer: default the posterior softmax at the layer's own
   * temperature ('onehot' when hard); pass e.g. 'repu:4.5' or 'softmax:200' for others.
   */
  transform(x: Matrix, { activation }: { activation?: Activation | string } = {}): Matrix {
    const act =
      activation === undefined
        ? this.options.hard
          ? ({ kind: 'onehot' } as const)
          : ({ kind: 'softmax', base: Math.exp(this.options.inverseTemperature) } as const)
        : typeof activation === 'string'
          ? parseActivation(activation)
          : activation;
    const a = this.preActivation(x);
    return act.kind === 'linear' ? a : activate(this.backend, act, a);
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
    const out = new Float32Array(this.options.units);
    this.backend.rowNorms(this.weights, out);
    return out;
  }

  /** Units whose weight norm is within tol of 1 (the paper's "R1 features"). */
  r1Features(tol = 0.01): number {
    let n = 0;
    for (const v of this.weightNorms()) if (Math.abs(v - 1) < tol) n++;
    return n;
  }

  state(): SoftHebbState {
    return {
      weights: this.weights.clone(),
      bias: this.b?.slice() ?? null,
      samplesSeen: this.samplesSeen,
      horizon: this.horizon,
    };
  }

  /** Restores a state saved by state() (options must be the same ones). */
  setState(s: SoftHebbState): this {
    if (s.weights.rows !== this.options.units)
      throw new ShapeError(
        `SoftHebb.setState: weights have ${s.weights.rows} rows but the layer has ${this.options.units} units`,
      );
    if (this.options.bias !== (s.bias !== null))
      throw new ValueError(
        `SoftHebb.setState: the state ${s.bias ? 'has' : 'has no'} bias but the layer's bias option is ${this.options.bias}`,
      );
    this.w = s.weights.clone();
    this.b = s.bias?.slice() ?? null;
    this.samplesSeen = s.samplesSeen;
    this.horizon = s.horizon;
    return this;
  }

  private rate(which: 'lr' | 'biasLr', at = this.samplesSeen): number {
    return rateAt(this.options[which], at, this.horizon);
  }

  private checkInput(x: Matrix, where: string, needFitted = true): void {
    if (!(x instanceof Matrix))
      throw new ValueError(`SoftHebb.${where}: x must be a Matrix (samples × inputs)`);
    if (needFitted && this.w && x.cols !== this.w.cols)
      throw new ShapeError(
        `SoftHebb.${where}: x has ${x.cols} columns but the layer was trained on ${this.w.cols} inputs; pass samples × ${this.w.cols}`,
      );
    const bad = this.backend.countNonFinite(x.data);
    if (bad > 0)
      throw new ValueError(
        `SoftHebb.${where}: x (${x.rows}×${x.cols}) contains ${bad} NaN or ±Inf values; clean the data first`,
      );
  }

  private prepare(x: Matrix): Matrix {
    if (!this.options.normalizeInput) return x;
    const out = new Matrix(x.rows, x.cols);
    this.backend.normalizeRows(x, out);
    return out;
  }

  private learnOnline(x: Matrix): void {
    const o = this.options;
    if (o.rule !== 'paper' || o.krotov) {
      // The variants need the whole layer's update per sample: generic path, one row at a time.
      for (let i = 0; i < x.rows; i++) this.learnBatch(x.sliceRows(i, i + 1));
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
      hard: o.hard,
      eta,
      biasRate: etaB,
      biasInverseTemperature: o.inverseTemperature,
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

  /** c_k = Σ_b y_bk u_bk, the decay factor of unit k's update over the batch. */
  private winShare(y: Matrix, u: Matrix): Float32Array {
    const yu = new Matrix(y.rows, y.cols);
    this.backend.binary('mul', y, u, yu);
    const c = new Float32Array(y.cols);
    this.backend.sum(yu, 0, c);
    return c;
  }

  /** One summed update from the rows of x (already normalised). */
  private learnBatch(x: Matrix): void {
    const be = this.backend;
    const o = this.options;
    const w = this.weights;
    const B = x.rows;
    const K = o.units;
    const { u, y } = this.batchBuffers(B, K);
    be.gemm(false, true, 1, x, w, 0, u);
    be.unary('copy', u, y);
    if (this.b) be.addRowVector(y, this.b);
    let win: Int32Array | null = null;
    if (o.hard || o.krotov) {
      win = new Int32Array(B);
      be.argmaxRows(y, win);
      if (o.hard) {
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
    if (this.b) {
      const ys = new Float32Array(K);
      be.sum(y, 0, ys);
      const eb = this.rate('biasLr');
      const t = o.inverseTemperature;
      const db = new Float32Array(K);
      for (let k = 0; k < K; k++) db[k] = ys[k] * Math.exp(-t * this.b[k]) - B;
      // The authors' variant scales the bias step like the weights': by its largest entry.
      if (o.rule === 'paper' && o.integrator === 'exact') {
        // In the prior p = e^(t·b) the rule is linear, dp/dτ = t (Σ_b y_b − B p): solved over
        // τ = η_b, p moves towards the batch's win frequency and stays in (0, 1]. Euler on b
        // instead multiplies by e^(−t·b), which explodes when a long-dead unit wins once.
        const f = -Math.expm1(-t * B * eb);
        for (let k = 0; k < K; k++) {
          const p = Math.exp(t * this.b[k]);
          this.b[k] = Math.log(Math.max(1e-300, p + f * (ys[k] / B - p))) / t;
        }
        db.fill(0);
      }
      let scale = eb;
      if (o.rule === 'normalized') {
        let m = 0;
        for (const v of db) m = Math.max(m, Math.abs(v));
        scale = m > 0 ? eb / m : 0;
      }
      for (let k = 0; k < K; k++) this.b[k] += scale * db[k];
    }
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
      if (o.hard) be.softHebbHardUpdate(w, x, win!, u, rate);
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
}
