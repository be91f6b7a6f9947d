import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { ValueError } from '../errors.ts';
import type { FitEvent, FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel, UnsupervisedModel } from '../model/model.ts';
import {
  boolean,
  describe,
  number,
  required,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import { imageShape, imageSize, type ImageShape } from '../model/image-shape.ts';

export interface StandardizeOptions {
  /** [height, width, channels] of the input (HWC rows); vectors of length D are [1, 1, D]. */
  inputShape: ImageShape;
  /** Added to the variance before the square root. Default 1e-5 (as batch norm's). */
  eps?: number;
  /**
   * Subtract the mean (default true). false divides by the standard deviation only, so
   * non-negative inputs stay non-negative: what a Hebbian layer with positive weights above
   * needs (with centred inputs its pre-activations turn negative and Eq. 8 grows the weights).
   */
  center?: boolean;
  backend?: string | Backend;
}

const SPEC = {
  inputShape: describe(
    required(imageShape()),
    '[height, width, channels] of the input (HWC rows); vectors of length D are [1, 1, D]',
  ),
  eps: describe(
    number({ gt: 0, default: 1e-5 }),
    "added to each channel's variance before the square root (as batch norm's)",
  ),
  center: describe(
    boolean({ default: true }),
    'subtract the mean (off: divide by the standard deviation only, so non-negative inputs stay non-negative)',
  ),
  backend: backendOption(),
} satisfies Record<keyof StandardizeOptions, unknown>;

/** Rows per pass of the statistics (their float32 sums then stay accurate to ~1e-6). */
const STATS_ROWS = 4096;

/**
 * Per-channel standardisation, x → (x − μ_c)/√(σ²_c + eps), with the mean and variance of each
 * channel over all samples and positions it has seen: batch norm without the affine part, with
 * the statistics of the whole training set instead of each batch's (so a layer's output does
 * not depend on what it is batched with). Between the layers of a Hebbian stack it gives the next
 * layer inputs of one scale per channel.
 */
export class Standardize extends UnsupervisedModel<Resolved<typeof SPEC>> {
  static readonly modelName = 'Standardize';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  readonly fitPasses = 1;
  private sum: Float64Array;
  private sumSq: Float64Array;
  /** Samples (rows) seen. */
  samplesSeen = 0;

  constructor(options: StandardizeOptions) {
    super(validateOptions('Standardize', SPEC, options));
    this.sum = new Float64Array(this.channels);
    this.sumSq = new Float64Array(this.channels);
  }

  private get channels(): number {
    return this.options.inputShape[2];
  }

  /** Positions per sample (h·w): each contributes one value per channel. */
  private get positions(): number {
    return this.options.inputShape[0] * this.options.inputShape[1];
  }

  /** Samples per pass of the statistics. */
  private get statsStep(): number {
    return Math.max(1, Math.floor(STATS_ROWS / this.positions));
  }

  get isFitted(): boolean {
    return this.samplesSeen > 0;
  }

  get inputSize(): number {
    return imageSize(this.options.inputShape);
  }

  outputSize(): number {
    return this.inputSize;
  }

  /** Forgets the statistics. */
  beginFit(): void {
    this.sum.fill(0);
    this.sumSq.fill(0);
    this.samplesSeen = 0;
  }

  protected *training(x: Matrix, opts: FitOptions): Generator<FitEvent> {
    if (opts.resume)
      throw new ValueError(
        'Standardize.fit: there is nothing to resume: it learns in one pass; call fit again',
      );
    this.check('Standardize.fit', x);
    this.beginFit();
    const step = this.statsStep;
    for (let s = 0; s < x.rows; s += step) {
      const e = Math.min(x.rows, s + step);
      this.accumulate(x.sliceRows(s, e));
      yield { done: e, total: x.rows, epoch: 1, epochs: 1, epochEnd: e === x.rows };
    }
  }

  /** Adds the rows to the statistics. */
  partialFit(x: Matrix): this {
    this.check('Standardize.partialFit', x);
    const step = this.statsStep;
    for (let s = 0; s < x.rows; s += step)
      this.accumulate(x.sliceRows(s, Math.min(x.rows, s + step)));
    return this;
  }

  /** Per-channel mean. */
  get mean(): Float32Array {
    if (!this.isFitted) throw this.notFitted('mean');
    const n = this.samplesSeen * this.positions;
    return Float32Array.from(this.sum, (v) => v / n);
  }

  /** Per-channel √(variance + eps): what transform divides by. */
  get scale(): Float32Array {
    if (!this.isFitted) throw this.notFitted('scale');
    const n = this.samplesSeen * this.positions;
    return Float32Array.from(this.sum, (v, c) => {
      const m = v / n;
      return Math.sqrt(Math.max(0, this.sumSq[c] / n - m * m) + this.options.eps);
    });
  }

  /** (x − mean)/scale per channel (x/scale without centring), as a new matrix. */
  transform(x: Matrix): Matrix {
    this.check('Standardize.transform', x);
    const mean = this.mean;
    const inv = this.scale.map((s) => 1 / s);
    const out = x.clone();
    const perPosition = new Matrix(out.rows * this.positions, this.channels, out.data);
    if (this.options.center) this.backend.addRowVector(perPosition, mean, -1);
    this.backend.scaleColumns(perPosition, inv);
    return out;
  }

  /** sum and sum_sq (F64, one per channel) and samples_seen. */
  stateSlots(): TensorSlots {
    const C = this.channels;
    return {
      sum: tensor.float64({ length: C, get: () => this.sum, set: (v) => (this.sum = v) }),
      sum_sq: tensor.float64({ length: C, get: () => this.sumSq, set: (v) => (this.sumSq = v) }),
      samples_seen: tensor.count({
        get: () => this.samplesSeen,
        set: (n) => (this.samplesSeen = n),
      }),
    };
  }

  private accumulate(x: Matrix): void {
    const C = this.channels;
    const v = new Matrix(x.rows * this.positions, C, x.data);
    const part = new Float32Array(C);
    this.backend.sum(v, 0, part);
    for (let c = 0; c < C; c++) this.sum[c] += part[c];
    const sq = new Matrix(v.rows, C);
    this.backend.binary('mul', v, v, sq);
    this.backend.sum(sq, 0, part);
    for (let c = 0; c < C; c++) this.sumSq[c] += part[c];
    this.samplesSeen += x.rows;
  }

  private check(where: string, x: Matrix): void {
    checkSamples(where, this.backend, x, this.inputSize);
  }
}

registerModel(Standardize);
