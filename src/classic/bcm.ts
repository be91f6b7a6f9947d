// The Bienenstock–Cooper–Munro rule with a sliding threshold (docs/math/classic-rules.md):
// linear units y = W x, Δw = η x y (y − θ), θ a running mean of y² with time constant τ.
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { checkSamples } from '../model/inputs.ts';
import { registerModel } from '../model/model.ts';
import { describe, integer, number, validateOptions, type Resolved } from '../model/params.ts';
import { sizeOf, tensor, type TensorSlots } from '../model/state.ts';
import { ClassicRule, trainingSpec, unitRows, type ClassicTrainingOptions } from './base.ts';

/** Options of BCM. */
export interface BCMOptions extends ClassicTrainingOptions {
  /** Number of independent units, each with its own threshold (default 1). */
  units?: number;
  /** Time constant τ of the threshold, in samples: θ relaxes to E[y²] as e^(−t/τ) (default 100). */
  tau?: number;
  /** Length of each unit's initial weight vector (default 0.1). */
  initRadius?: number;
}

const SPEC = {
  units: describe(
    integer({ min: 1, default: 1 }),
    'number of independent units, each with its own threshold',
  ),
  tau: describe(
    number({ gt: 0, default: 100 }),
    'time constant τ of the threshold θ ≈ E[y²], in samples',
  ),
  initRadius: describe(number({ gt: 0, default: 0.1 }), "length of each unit's initial weights"),
  ...trainingSpec({ lr: { kind: 'constant', from: 0.005 }, batchSize: 1, epochs: 10 }),
};

/**
 * BCM: each unit y = w·x learns Δw = η x y (y − θ) with the sliding threshold θ following
 * y² as an exponential running mean of time constant τ samples. Activity above θ potentiates,
 * below it depresses, and θ rises with the unit's own activity: the stable fixed points are
 * selective (docs/math/classic-rules.md: on patterns of probabilities πᵢ a unit ends answering
 * one pattern i with y = 1/πᵢ and the others with 0, and θ = 1/πᵢ).
 */
export class BCM extends ClassicRule<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'BCM';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  private w: Matrix | null = null;
  private th: Float32Array;

  constructor(options: BCMOptions = {}) {
    super(validateOptions('BCM', SPEC, options));
    this.th = new Float32Array(this.options.units);
  }

  get isFitted(): boolean {
    return this.w !== null;
  }

  protected get inputs(): number | undefined {
    return this.w?.cols;
  }

  /** units × features (a live reference). */
  get weights(): Matrix {
    if (!this.w) throw this.notFitted('weights');
    return this.w;
  }

  /** Each unit's sliding threshold θ (a live reference). */
  get threshold(): Float32Array {
    return this.th;
  }

  protected begin(x: Matrix): void {
    const K = this.options.units;
    this.w = unitRows(K, x.cols, new Rng(this.options.seed, this.backend).normal(K * x.cols));
    this.backend.scale(this.options.initRadius, this.w);
    this.th = new Float32Array(K);
  }

  /**
   * ΔW = (η/B) Φᵀ X with Φ = Y ∘ (Y − θ) at the batch's start; then θ takes each sample's y²
   * in turn, θ ← θ + (1 − e^(−1/τ)) (y² − θ).
   */
  protected learn(xb: Matrix, eta: number): void {
    const be = this.backend;
    const w = this.w!;
    const [B, K] = [xb.rows, w.rows];
    const y = Matrix.zeros(B, K);
    be.gemm(false, true, 1, xb, w, 0, y);
    const phi = Matrix.zeros(B, K);
    for (let i = 0; i < B * K; i++) phi.data[i] = y.data[i] * (y.data[i] - this.th[i % K]);
    be.gemm(true, false, eta / B, phi, xb, 1, w);
    const a = -Math.expm1(-1 / this.options.tau);
    for (let i = 0; i < B; i++)
      for (let k = 0; k < K; k++) {
        const v = y.data[i * K + k];
        this.th[k] += a * (v * v - this.th[k]);
      }
  }

  /** The outputs y = W x, samples × units. */
  transform(x: Matrix): Matrix {
    const w = this.weights;
    checkSamples('BCM.transform', this.backend, x, w.cols);
    const out = Matrix.zeros(x.rows, w.rows);
    this.backend.gemm(false, true, 1, x, w, 0, out);
    return out;
  }

  /** weights (units × features), threshold (per unit), samples_seen, horizon. */
  stateSlots(): TensorSlots {
    return {
      weights: tensor.matrix({
        rows: this.options.units,
        get: () => this.weights,
        set: (w) => (this.w = w),
      }),
      threshold: tensor.vector({
        length: sizeOf('weights', 0),
        get: () => this.th,
        set: (t) => (this.th = t),
      }),
      ...this.counterSlots(),
    };
  }
}

registerModel(BCM);
