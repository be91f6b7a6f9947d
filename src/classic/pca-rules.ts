// Oja's rule and Sanger's generalized Hebbian algorithm (docs/math/classic-rules.md): linear
// units y = W(x − μ) whose weights converge to the leading principal axes of the data. One
// mini-batch step is four GEMMs on the backend.
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { ValueError } from '../errors.ts';
import { checkSamples } from '../model/inputs.ts';
import { registerModel } from '../model/model.ts';
import { boolean, describe, integer, validateOptions, type Resolved } from '../model/params.ts';
import { sizeOf, tensor, type TensorSlots } from '../model/state.ts';
import { ClassicRule, trainingSpec, unitRows, type ClassicTrainingOptions } from './base.ts';

/** Options of Oja and Sanger. */
export interface HebbianPcaOptions extends ClassicTrainingOptions {
  /** Number of linear units k (Oja default 1; Sanger default 8). */
  components?: number;
  /** Subtract the mean of the data that starts the model (fit's x, or partialFit's first rows); default true. */
  center?: boolean;
}

function pcaSpec(components: number) {
  return {
    components: describe(integer({ min: 1, default: components }), 'number of linear units k'),
    center: describe(
      boolean({ default: true }),
      "subtract the mean of the data that starts the model (fit's x, or partialFit's first rows)",
    ),
    ...trainingSpec({ lr: { kind: 'linear', from: 0.01 }, batchSize: 16, epochs: 10 }),
  };
}
const OJA_SPEC = pcaSpec(1);
const SANGER_SPEC = pcaSpec(8);
type PcaResolved = Resolved<typeof OJA_SPEC>;

/**
 * The shared body of Oja's and Sanger's rules: ΔW = η (Y ᵀX − T(YᵀY) W) / B over a batch of B
 * centred rows X with Y = X Wᵀ, where T keeps the whole matrix (Oja) or its lower triangle
 * with the diagonal (Sanger).
 */
abstract class HebbianPca extends ClassicRule<PcaResolved> {
  private w: Matrix | null = null;
  private mu: Float32Array | null = null;
  /** True: T is the lower triangle (Sanger); false: the whole YᵀY (Oja). */
  protected abstract readonly triangular: boolean;

  get isFitted(): boolean {
    return this.w !== null;
  }

  protected get inputs(): number | undefined {
    return this.w?.cols;
  }

  /** components × features: each row a learnt axis (a live reference). */
  get weights(): Matrix {
    if (!this.w) throw this.notFitted('weights');
    return this.w;
  }

  /** The mean subtracted before the rule sees a sample (zeros without center). */
  get mean(): Float32Array {
    if (!this.mu) throw this.notFitted('mean');
    return this.mu;
  }

  protected begin(x: Matrix): void {
    const k = this.options.components;
    if (k > x.cols) {
      throw new ValueError(
        `${this.modelName}: ${k} components need at least ${k} features, got ${x.cols}; lower components`,
      );
    }
    const be = this.backend;
    this.w = unitRows(k, x.cols, new Rng(this.options.seed, be).normal(k * x.cols));
    this.mu = new Float32Array(x.cols);
    if (this.options.center) {
      be.sum(x, 0, this.mu);
      for (let j = 0; j < x.cols; j++) this.mu[j] /= x.rows;
    }
  }

  protected learn(xb: Matrix, eta: number): void {
    const be = this.backend;
    const w = this.w!;
    const [B, k] = [xb.rows, w.rows];
    be.addRowVector(xb, this.mu!, -1); // xb is the caller's copy or slice: centre it in place
    const y = Matrix.zeros(B, k);
    be.gemm(false, true, 1, xb, w, 0, y); // Y = X Wᵀ
    const h = Matrix.zeros(k, xb.cols);
    be.gemm(true, false, 1, y, xb, 0, h); // Yᵀ X: the Hebbian term
    const s = Matrix.zeros(k, k);
    be.gemm(true, false, 1, y, y, 0, s); // Yᵀ Y
    if (this.triangular) for (let i = 0; i < k; i++) s.data.fill(0, i * k + i + 1, (i + 1) * k);
    be.gemm(false, false, -1, s, w, 1, h); // − T(YᵀY) W: the decay that normalises and orders
    be.axpy(eta / B, h, w);
  }

  /** The outputs y = W(x − μ), samples × components. */
  transform(x: Matrix): Matrix {
    const w = this.weights;
    checkSamples(`${this.modelName}.transform`, this.backend, x, w.cols);
    const xc = x.clone();
    this.backend.addRowVector(xc, this.mean, -1);
    const out = Matrix.zeros(x.rows, w.rows);
    this.backend.gemm(false, true, 1, xc, w, 0, out);
    return out;
  }

  /** weights (components × features), mean, samples_seen, horizon. */
  stateSlots(): TensorSlots {
    return {
      weights: tensor.matrix({
        rows: this.options.components,
        get: () => this.weights,
        set: (w) => (this.w = w),
      }),
      mean: tensor.vector({
        length: sizeOf('weights', 1),
        get: () => this.mean,
        set: (m) => (this.mu = m),
      }),
      ...this.counterSlots(),
    };
  }
}

/**
 * Oja's rule: Δw = η y (x − y w) for one unit, whose weight vector converges to the data's
 * first principal axis with unit length. With k units it is Oja's subspace rule,
 * ΔW = η (y xᵀ − y yᵀ W): the rows span the top-k principal subspace but are not the axes
 * themselves (use Sanger for those).
 */
export class Oja extends HebbianPca {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'Oja';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = OJA_SPEC;
  protected readonly triangular = false;

  constructor(options: HebbianPcaOptions = {}) {
    super(validateOptions('Oja', OJA_SPEC, options));
  }
}

/**
 * Sanger's generalized Hebbian algorithm: ΔW = η (y xᵀ − LT(y yᵀ) W), LT the lower triangle
 * with the diagonal. Unit i learns Oja's rule on the input less what units 1..i−1 explain, so
 * row i converges to the i-th principal axis (largest variance first), with unit length.
 */
export class Sanger extends HebbianPca {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'Sanger';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SANGER_SPEC;
  protected readonly triangular = true;

  constructor(options: HebbianPcaOptions = {}) {
    super(validateOptions('Sanger', SANGER_SPEC, options));
  }
}

registerModel(Oja);
registerModel(Sanger);
