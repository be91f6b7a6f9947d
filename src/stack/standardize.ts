import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { FitEvent, FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel, UnsupervisedModel } from '../model/model.ts';
import { boolean, number, required, validateOptions, type Resolved } from '../model/params.ts';
import { readCount, scalar, type ModelState } from '../model/state.ts';
import { imageShape, imageSize, type ImageShape } from '../softhebb/conv-options.ts';

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
  inputShape: required(imageShape()),
  eps: number({ gt: 0, default: 1e-5 }),
  center: boolean({ default: true }),
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

  /** sum and sum_sq (F64, per channel) and samples_seen. */
  getState(): ModelState {
    return {
      sum: { dtype: 'F64', shape: [this.channels], data: this.sum.slice() },
      sum_sq: { dtype: 'F64', shape: [this.channels], data: this.sumSq.slice() },
      samples_seen: scalar(this.samplesSeen),
    };
  }

  setState(s: ModelState): this {
    const where = 'Standardize.setState';
    const read = (key: string): Float64Array => {
      const t = s?.[key];
      if (!t)
        throw new ValueError(
          `${where}: the state has no tensor '${key}' (it has ${Object.keys(s ?? {}).join(', ') || 'none'}); was it saved by a Standardize?`,
        );
      if (t.dtype !== 'F64' || t.shape.length !== 1 || t.shape[0] !== this.channels)
        throw new ShapeError(
          `${where}: tensor '${key}' must be F64 of length ${this.channels} (one per channel); was it saved by a Standardize of the same inputShape?`,
        );
      return Float64Array.from(t.data as Float64Array);
    };
    const sum = read('sum');
    const sumSq = read('sum_sq');
    this.samplesSeen = readCount(s, 'samples_seen', where);
    this.sum = sum;
    this.sumSq = sumSq;
    return this;
  }

  private accumulate(x: Matrix): void {
    const C = this.channels;
    const v = new Matrix(x.rows * this.positions, C, x.data);
    const part = new Float32Array(C);
    this.backend.sum(v, 0, part);
    for (let c = 0; c < C; c++) this.sum[c] += part[c];
    this.backend.sumSquares(v, 0, part);
    for (let c = 0; c < C; c++) this.sumSq[c] += part[c];
    this.samplesSeen += x.rows;
  }

  private check(where: string, x: Matrix): void {
    checkSamples(where, this.backend, x, this.inputSize);
  }
}

registerModel(Standardize);
