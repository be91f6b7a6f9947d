// Competitive learning with k winners (k-WTA) and the instar rule (docs/math/classic-rules.md):
// the k units nearest a sample move towards it, Δw_j = η (x − w_j); with k = 1 and a falling
// rate the weights settle on cluster centres, as online k-means does.
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { ValueError } from '../errors.ts';
import { checkSamples } from '../model/inputs.ts';
import { registerModel } from '../model/model.ts';
import { describe, integer, required, validateOptions, type Resolved } from '../model/params.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import { count } from '../model/wording.ts';
import { ClassicRule, trainingSpec, type ClassicTrainingOptions } from './base.ts';

/** Options of CompetitiveLearning. */
export interface CompetitiveOptions extends ClassicTrainingOptions {
  /** Number of units (prototypes) K. */
  units: number;
  /** Winners per sample k ≤ units (default 1: winner-take-all). */
  winners?: number;
}

const SPEC = {
  units: describe(required(integer({ min: 1 })), 'number of units (prototypes) K'),
  winners: describe(
    integer({ min: 1, default: 1 }),
    'winners per sample k (1: winner-take-all; more: k-WTA)',
  ),
  ...trainingSpec({ lr: { kind: 'linear', from: 0.1 }, batchSize: 1, epochs: 10 }),
};

/**
 * Competitive learning: the k units whose weights lie nearest a sample (largest
 * w·x − ‖w‖²/2) win and move towards it by the instar rule Δw_j = η (x − w_j); the others do
 * not learn. The units start at distinct samples drawn by the seed. transform gives the k-WTA
 * code (1 for the winners, 0 elsewhere), predict the nearest unit.
 */
export class CompetitiveLearning extends ClassicRule<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'CompetitiveLearning';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  private w: Matrix | null = null;

  constructor(options: CompetitiveOptions) {
    super(validateOptions('CompetitiveLearning', SPEC, options ?? {}));
    if (this.options.winners > this.options.units) {
      throw new ValueError(
        `CompetitiveLearning: winners (${this.options.winners}) must not exceed units (${this.options.units}); lower winners`,
      );
    }
  }

  get isFitted(): boolean {
    return this.w !== null;
  }

  protected get inputs(): number | undefined {
    return this.w?.cols;
  }

  /** units × features: each unit's prototype (a live reference). */
  get weights(): Matrix {
    if (!this.w) throw this.notFitted('weights');
    return this.w;
  }

  protected begin(x: Matrix): void {
    const K = this.options.units;
    if (x.rows < K) {
      throw new ValueError(
        `${this.modelName}: ${count(x.rows, 'sample')} cannot start ${K} units at distinct samples; lower units`,
      );
    }
    const pick = new Rng(this.options.seed, this.backend).fork(7).permutation(x.rows);
    this.w = x.gatherRows(pick.subarray(0, K));
  }

  /** Scores w·x − ‖w‖²/2 (higher is nearer), samples × units. */
  private scores(x: Matrix): Matrix {
    const be = this.backend;
    const w = this.w!;
    const half = new Float32Array(w.rows);
    be.rowNorms(w, half);
    for (let j = 0; j < half.length; j++) half[j] = -0.5 * half[j] * half[j];
    const s = Matrix.zeros(x.rows, w.rows);
    be.gemm(false, true, 1, x, w, 0, s);
    be.addRowVector(s, half);
    return s;
  }

  /** The k-WTA code: 1 at each row's k best scores (first ones on ties), 0 elsewhere. */
  private code(s: Matrix): Matrix {
    const [B, K] = [s.rows, s.cols];
    const k = this.options.winners;
    const a = Matrix.zeros(B, K);
    if (k === 1) {
      const win = new Int32Array(B);
      this.backend.argmaxRows(s, win);
      for (let i = 0; i < B; i++) a.data[i * K + win[i]] = 1;
      return a;
    }
    const order = Array.from({ length: K }, (_, j) => j);
    for (let i = 0; i < B; i++) {
      const r = s.row(i);
      order.sort((p, q) => r[q] - r[p] || p - q);
      for (let t = 0; t < k; t++) a.data[i * K + order[t]] = 1;
    }
    return a;
  }

  /** ΔW = (η/B) (AᵀX − diag(Aᵀ1) W), A the batch's k-WTA code. */
  protected learn(xb: Matrix, eta: number): void {
    const be = this.backend;
    const w = this.w!;
    const a = this.code(this.scores(xb));
    const wins = new Float32Array(w.rows);
    be.sum(a, 0, wins);
    for (let j = 0; j < wins.length; j++) wins[j] = 1 - (eta / xb.rows) * wins[j];
    be.scaleRows(w, wins);
    be.gemm(true, false, eta / xb.rows, a, xb, 1, w);
  }

  /** The k-WTA code of each sample, samples × units (1 for the winners). */
  transform(x: Matrix): Matrix {
    checkSamples('CompetitiveLearning.transform', this.backend, x, this.weights.cols);
    return this.code(this.scores(x));
  }

  /** Index of the nearest unit of each sample. */
  predict(x: Matrix): Int32Array {
    checkSamples('CompetitiveLearning.predict', this.backend, x, this.weights.cols);
    const out = new Int32Array(x.rows);
    this.backend.argmaxRows(this.scores(x), out);
    return out;
  }

  /** weights (units × features), samples_seen, horizon. */
  stateSlots(): TensorSlots {
    return {
      weights: tensor.matrix({
        rows: this.options.units,
        get: () => this.weights,
        set: (w) => (this.w = w),
      }),
      ...this.counterSlots(),
    };
  }
}

registerModel(CompetitiveLearning);
