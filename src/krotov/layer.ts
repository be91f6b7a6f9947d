// Krotov & Hopfield, "Unsupervised learning by competing hidden units" (PNAS 2019): synapses
// that settle on unit p-norm, hidden units ranked by their currents ⟨W_μ, x⟩_p, the top one
// Hebbian and the k-th ranked pushed away with strength Δ (docs/math/krotov-hopfield.md).
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { activate, parseActivation, type Activation } from '../model/activation.ts';
import { epochBatches } from '../model/batches.ts';
import {
  checkResumeHorizon,
  epochPlan,
  type FitEvent,
  type FitOptions,
} from '../model/fit-loop.ts';
import { allocateMatrix, checkSamples } from '../model/inputs.ts';
import { registerModel, UnsupervisedModel } from '../model/model.ts';
import { validateOptions } from '../model/params.ts';
import { rateAt } from '../model/schedule.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import {
  KROTOV_SPEC,
  type KrotovHopfieldOptions,
  type ResolvedKrotovHopfieldOptions,
} from './options.ts';

/** dst ← sign(src)·|src|^e, element-wise (e = p − 1: the synapses as the currents use them). */
export function signedPower(src: Float32Array, dst: Float32Array, e: number): void {
  // p = 2 and p = 3 are the common cases: no Math.pow in the hot loop.
  if (e === 1) dst.set(src);
  else if (e === 2) for (let i = 0; i < src.length; i++) dst[i] = src[i] * Math.abs(src[i]);
  else
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      dst[i] = v < 0 ? -Math.pow(-v, e) : Math.pow(v, e);
    }
}

/**
 * The two units of a sample that learn: the one with the largest current and the k-th ranked
 * (1-based rank k ≥ 2), found with a sorted list of the k largest (no full sort).
 */
export function topAndKth(row: Float32Array, k: number, idx: Int32Array, val: Float64Array): void {
  let n = 0;
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (n === k && v <= val[k - 1]) continue;
    let at = n < k ? n++ : k - 1;
    while (at > 0 && val[at - 1] < v) {
      val[at] = val[at - 1];
      idx[at] = idx[at - 1];
      at--;
    }
    val[at] = v;
    idx[at] = j;
  }
  if (n < k) throw new ValueError(`rank ${k} needs at least ${k} units, the layer has ${n}`);
}

/**
 * A layer of hidden units learning by the Krotov–Hopfield rule. Each batch: currents
 * I = X·(sign(W)|W|^(p−1))ᵀ (one GEMM on the backend); per sample, g = 1 for the top unit and
 * −Δ for the k-th; ΔW_μ = Σ_A g_μA x_A − (Σ_A g_μA I_μA) W_μ; W ← W + ε ΔW / max|ΔW|.
 * `transform` gives the plain dot products W·x (the paper's read-out input), or an activation
 * of them ('repu:4.5' is the paper's ReLU^n).
 *
 *   const layer = new KrotovHopfield({ units: 2000, epochs: 100 }).fit(train.x);
 *   const h = layer.transform(test.x, { activation: 'repu:4.5' });
 */
export class KrotovHopfield extends UnsupervisedModel<ResolvedKrotovHopfieldOptions> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'KrotovHopfield';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = KROTOV_SPEC;
  private w: Matrix | null = null;
  /** sign(W)|W|^(p−1), kept in step with W row by row (only the rows a batch changes). */
  private wp: Matrix | null = null;
  /** Samples learnt from since training started (drives the rate schedule). */
  samplesSeen = 0;
  /**
   * Samples the rate schedule runs over; fit sets epochs × N. Set it before a loop of
   * partialFit calls (0: the initial rate throughout).
   */
  horizon = 0;

  constructor(options: KrotovHopfieldOptions = {}) {
    super(validateOptions('KrotovHopfield', KROTOV_SPEC, options));
  }

  get isFitted(): boolean {
    return this.w !== null;
  }

  /** Synapses, units × inputs (the live matrix: copy it before changing it). */
  get weights(): Matrix {
    if (!this.w) throw this.notFitted('weights');
    return this.w;
  }

  /** Gaussian initial weights N(initMean, initStd²) for `inputs` inputs, untrained. */
  initialize(inputs: number): this {
    const o = this.options;
    if (!Number.isInteger(inputs) || inputs < 1)
      throw new ValueError(
        `KrotovHopfield.initialize: inputs must be a positive integer, got ${inputs}`,
      );
    if (o.rank > o.units)
      throw new ValueError(
        `KrotovHopfield: rank ${o.rank} needs at least ${o.rank} units, but units is ${o.units}; lower rank or add units`,
      );
    const w = allocateMatrix(
      o.units,
      inputs,
      'KrotovHopfield',
      'units × inputs weights',
      'use fewer units',
    );
    new Rng(o.seed, this.backend).fork(0).normal(w.data, o.initMean, o.initStd);
    this.restore(w);
    this.samplesSeen = 0;
    this.horizon = 0;
    return this;
  }

  private restore(w: Matrix): void {
    this.w = w;
    this.wp = new Matrix(w.rows, w.cols);
    signedPower(w.data, this.wp.data, this.options.p - 1);
  }

  protected *training(x: Matrix, opts: FitOptions): Generator<FitEvent> {
    const o = this.options;
    const where = 'KrotovHopfield.fit';
    checkSamples(where, this.backend, x, opts.resume && this.w ? this.w.cols : undefined);
    const N = x.rows;
    if (!opts.resume || !this.w) {
      this.initialize(x.cols);
      this.horizon = o.epochs * N;
    } else checkResumeHorizon(where, this.horizon, o.epochs, N);
    const { first, total } = epochPlan(N, o.epochs, this.samplesSeen, opts.resume);
    const buf = new Matrix(Math.min(N, o.batchSize), x.cols);
    let done = 0;
    const batches = epochBatches({
      n: N,
      epochs: o.epochs,
      first,
      batchSize: o.batchSize,
      seed: o.seed,
      shuffle: true,
      backend: this.backend,
    });
    for (const b of batches) {
      const chunk = b.rows.length === buf.rows ? buf : buf.sliceRows(0, b.rows.length);
      for (let i = 0; i < b.rows.length; i++) chunk.data.set(x.row(b.rows[i]), i * x.cols);
      // The authors' ε₀(1 − epoch/epochs): constant within an epoch.
      this.learn(chunk, this.rate(b.epoch * N));
      done += b.rows.length;
      yield { done, total, epoch: b.epoch + 1, epochs: o.epochs, epochEnd: b.epochEnd };
    }
  }

  /**
   * Learns from the rows of x once, in the order given, in batches of batchSize, continuing
   * from the current state (initialising the layer on first use), at the schedule's rate for
   * samplesSeen over horizon. Returns this.
   */
  partialFit(x: Matrix): this {
    checkSamples('KrotovHopfield.partialFit', this.backend, x, this.w?.cols);
    if (!this.w) this.initialize(x.cols);
    const B = this.options.batchSize;
    for (let s = 0; s < x.rows; s += B)
      this.learn(x.sliceRows(s, Math.min(x.rows, s + B)), this.rate(this.samplesSeen));
    return this;
  }

  private rate(at: number): number {
    return rateAt(this.options.lr, { samples: at, total: this.horizon });
  }

  /** The currents ⟨W_μ, x⟩_p = Σ_i sign(W_μi)|W_μi|^(p−1) x_i, samples × units (the ranking). */
  currents(x: Matrix, out?: Matrix): Matrix {
    checkSamples('KrotovHopfield.currents', this.backend, x, this.weights.cols);
    const K = this.options.units;
    if (out && (out.rows !== x.rows || out.cols !== K))
      throw new ShapeError(
        `KrotovHopfield.currents: out is ${out.rows}×${out.cols} but must be ${x.rows}×${K} (samples × units)`,
      );
    const a = out ?? new Matrix(x.rows, K);
    this.backend.gemm(false, true, 1, x, this.wp!, 0, a);
    return a;
  }

  /**
   * The hidden layer for a read-out: W·x (samples × units), or an activation of it, e.g.
   * 'repu:4.5' (the paper's ReLU^n, n = 4.5).
   */
  transform(x: Matrix, { activation }: { activation?: Activation | string } = {}): Matrix {
    checkSamples('KrotovHopfield.transform', this.backend, x, this.weights.cols);
    const a = new Matrix(x.rows, this.options.units);
    this.backend.gemm(false, true, 1, x, this.weights, 0, a);
    if (activation === undefined) return a;
    const act = parseActivation(activation, undefined, 'KrotovHopfield.transform activation');
    return act.name === 'linear' ? a : activate(this.backend, act, a);
  }

  /** The p-norm (Σ_i |W_μi|^p)^(1/p) of each unit's synapses; learning drives it to 1. */
  weightNorms(): Float64Array {
    const w = this.weights;
    const p = this.options.p;
    const out = new Float64Array(w.rows);
    for (let u = 0; u < w.rows; u++) {
      let s = 0;
      for (const v of w.row(u)) s += Math.abs(v) ** p;
      out[u] = s ** (1 / p);
    }
    return out;
  }

  /** weights (F32 units × inputs), samples_seen and horizon (F64). */
  stateSlots(): TensorSlots {
    return {
      weights: tensor.matrix({
        rows: this.options.units,
        get: () => this.weights,
        set: (w) => this.restore(w),
      }),
      samples_seen: tensor.count({
        get: () => this.samplesSeen,
        set: (n) => (this.samplesSeen = n),
      }),
      horizon: tensor.count({ get: () => this.horizon, set: (n) => (this.horizon = n) }),
    };
  }

  private work: { cur: Matrix; slot: Int32Array; ds: Float64Array; units: Int32Array } | null =
    null;

  /** One batch: rank by the currents, then the normalised update of the units that learn. */
  private learn(x: Matrix, eps: number): void {
    const o = this.options;
    const w = this.w!;
    const wp = this.wp!;
    const [B, n, K, k] = [x.rows, x.cols, o.units, o.rank];
    if (!this.work || this.work.cur.rows < B || this.work.ds.length !== 2 * B * n)
      this.work = {
        cur: new Matrix(B, K),
        slot: new Int32Array(K).fill(-1),
        ds: new Float64Array(2 * B * n),
        units: new Int32Array(2 * B),
      };
    const { slot, ds, units } = this.work;
    const cur = this.work.cur.sliceRows(0, B);
    this.backend.gemm(false, true, 1, x, wp, 0, cur);
    const idx = new Int32Array(k);
    const val = new Float64Array(k);
    // The units that learn get a row of ds each (slot[μ]); xx[s] = Σ_A g_μA I_μA.
    const xx = new Float64Array(2 * B);
    let used = 0;
    const add = (mu: number, g: number, xa: Float32Array, current: number) => {
      let s = slot[mu];
      if (s < 0) {
        s = slot[mu] = used;
        units[used++] = mu;
        ds.fill(0, s * n, (s + 1) * n);
      }
      xx[s] += g * current;
      const off = s * n;
      for (let i = 0; i < n; i++) ds[off + i] += g * xa[i];
    };
    for (let a = 0; a < B; a++) {
      const row = cur.row(a);
      topAndKth(row, k, idx, val);
      const xa = x.row(a);
      add(idx[0], 1, xa, val[0]);
      add(idx[k - 1], -o.delta, xa, val[k - 1]);
    }
    let nc = 0;
    for (let s = 0; s < used; s++) {
      const wr = w.row(units[s]);
      const off = s * n;
      for (let i = 0; i < n; i++) {
        const d = (ds[off + i] -= xx[s] * wr[i]);
        if (Math.abs(d) > nc) nc = Math.abs(d);
      }
    }
    const step = eps / Math.max(nc, o.precision);
    for (let s = 0; s < used; s++) {
      const mu = units[s];
      const wr = w.row(mu);
      const off = s * n;
      for (let i = 0; i < n; i++) wr[i] += step * ds[off + i];
      signedPower(wr, wp.row(mu), o.p - 1);
      slot[mu] = -1;
    }
    this.samplesSeen += B;
  }
}

registerModel(KrotovHopfield);
