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
  oneOf,
  required,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import { imageShape, imageSize, type ImageShape } from '../model/image-shape.ts';

/** Options of Standardize. */
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
  /**
   * How the statistics are gathered. 'sums' (default): Σx and Σx² per channel, from float32
   * sums of chunks of rows (fast, the stack's). 'two-pass': per call, the mean, then the summed
   * squared deviations from it, in float64; calls are merged exactly (Chan et al.), so a fit
   * gives the textbook population statistics (the read-outs' per-feature z-score).
   */
  statistics?: 'sums' | 'two-pass';
  /** A channel whose √(variance + eps) is below this is left unscaled (divided by 1). */
  minStd?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  inputShape: describe(
    required(imageShape()),
    '[height, width, channels] of the input (HWC rows); vectors of length D are [1, 1, D]',
  ),
  eps: describe(
    number({ min: 0, default: 1e-5 }),
    "added to each channel's variance before the square root (as batch norm's); 0 needs minStd",
  ),
  center: describe(
    boolean({ default: true }),
    'subtract the mean (off: divide by the standard deviation only, so non-negative inputs stay non-negative)',
  ),
  statistics: describe(
    oneOf(['sums', 'two-pass'] as const),
    "how the statistics are gathered: 'sums' of x and x² (fast; default) or 'two-pass' (mean, then squared deviations, in float64)",
  ),
  minStd: describe(
    number({ gt: 0 }),
    'a channel whose standard deviation is below this is left unscaled (a constant feature maps to x − mean)',
  ),
  backend: backendOption(),
} satisfies Record<keyof StandardizeOptions, unknown>;

/** Rows per pass of the float32 sums (they then stay accurate to ~1e-6). */
const STATS_ROWS = 4096;

/**
 * x ← (x − mean)/scale per channel, in place (the channel is the last axis of each row's
 * values; mean null: no centring). The one place a standardisation is applied.
 */
export function standardizeInPlace(
  backend: Backend,
  x: Matrix,
  mean: Float32Array | null,
  scale: Float32Array,
): void {
  const perChannel = new Matrix((x.rows * x.cols) / scale.length, scale.length, x.data);
  if (mean) backend.addRowVector(perChannel, mean, -1);
  backend.scaleColumns(
    perChannel,
    scale.map((s) => 1 / s),
  );
}

/**
 * Per-channel standardisation, x → (x − μ_c)/√(σ²_c + eps), with the mean and variance of each
 * channel over all samples and positions it has seen: batch norm without the affine part, with
 * the statistics of the whole training set instead of each batch's (so a layer's output does
 * not depend on what it is batched with). Between the layers of a Hebbian stack it gives the next
 * layer inputs of one scale per channel; on features ([1, 1, D], statistics 'two-pass') it is
 * the read-outs' z-score (fitStandardizer).
 */
export class Standardize extends UnsupervisedModel<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'Standardize';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  /** 1: greedy training gives it one pass, to gather the statistics. */
  readonly fitPasses = 1;
  /** 'sums': Σx and Σx² per channel. 'two-pass': the mean and Σ(x − mean)² per channel. */
  private first: Float64Array;
  private second: Float64Array;
  /** Samples (rows) seen. */
  samplesSeen = 0;

  constructor(options: StandardizeOptions) {
    const o = validateOptions('Standardize', SPEC, options);
    if (o.eps === 0 && o.minStd === undefined)
      throw new ValueError(
        'Standardize: eps 0 needs minStd (else a constant channel divides by zero); give minStd: 1e-6',
      );
    super(o);
    this.first = new Float64Array(this.channels);
    this.second = new Float64Array(this.channels);
  }

  private get twoPass(): boolean {
    return this.options.statistics === 'two-pass';
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
    return this.twoPass ? Infinity : Math.max(1, Math.floor(STATS_ROWS / this.positions));
  }

  get isFitted(): boolean {
    return this.samplesSeen > 0;
  }

  /** Values per sample, H·W·C of inputShape. */
  get inputSize(): number {
    return imageSize(this.options.inputShape);
  }

  /** Values per sample it writes: as many as it reads. */
  outputSize(): number {
    return this.inputSize;
  }

  /** Forgets the statistics. */
  beginFit(): void {
    this.first.fill(0);
    this.second.fill(0);
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

  /** Values seen per channel. */
  private get count(): number {
    return this.samplesSeen * this.positions;
  }

  /** Per-channel mean. */
  get mean(): Float32Array {
    if (!this.isFitted) throw this.notFitted('mean');
    if (this.twoPass) return Float32Array.from(this.first);
    const n = this.count;
    return Float32Array.from(this.first, (v) => v / n);
  }

  /** Per-channel √(variance + eps) (1 below minStd): what transform divides by. */
  get scale(): Float32Array {
    if (!this.isFitted) throw this.notFitted('scale');
    const n = this.count;
    const { eps, minStd } = this.options;
    return Float32Array.from(this.first, (v, c) => {
      const m = v / n;
      const variance = this.twoPass ? this.second[c] / n : this.second[c] / n - m * m;
      const s = Math.sqrt(Math.max(0, variance) + eps);
      return minStd !== undefined && s < minStd ? 1 : s;
    });
  }

  /** (x − mean)/scale per channel (x/scale without centring), as a new matrix. */
  transform(x: Matrix): Matrix {
    this.check('Standardize.transform', x);
    const out = x.clone();
    standardizeInPlace(this.backend, out, this.options.center ? this.mean : null, this.scale);
    return out;
  }

  /**
   * sum and sum_sq (F64, one per channel) with 'sums'; mean and m2 (Σ(x − mean)², F64) with
   * 'two-pass'; samples_seen.
   */
  stateSlots(): TensorSlots {
    const two = this.twoPass;
    type Mode = 'sums' | 'two-pass';
    const f64 = (mode: Mode, get: () => Float64Array, set: (v: Float64Array) => void) =>
      tensor.float64({
        length: this.channels,
        present: (mode === 'two-pass') === two,
        heldWith: `statistics: '${mode}'`,
        get,
        set,
      });
    const first = (mode: Mode) =>
      f64(
        mode,
        () => this.first,
        (v) => (this.first = v),
      );
    const second = (mode: Mode) =>
      f64(
        mode,
        () => this.second,
        (v) => (this.second = v),
      );
    return {
      sum: first('sums'),
      sum_sq: second('sums'),
      mean: first('two-pass'),
      m2: second('two-pass'),
      samples_seen: tensor.count({
        get: () => this.samplesSeen,
        set: (n) => (this.samplesSeen = n),
      }),
    };
  }

  private accumulate(x: Matrix): void {
    if (this.twoPass) this.mergeTwoPass(x);
    else this.addSums(x);
    this.samplesSeen += x.rows;
  }

  private addSums(x: Matrix): void {
    const C = this.channels;
    const v = new Matrix(x.rows * this.positions, C, x.data);
    const part = new Float32Array(C);
    this.backend.sum(v, 0, part);
    for (let c = 0; c < C; c++) this.first[c] += part[c];
    this.backend.sumSquares(v, 0, part);
    for (let c = 0; c < C; c++) this.second[c] += part[c];
  }

  /**
   * The rows' own mean and Σ(x − mean)² per channel (two passes, float64), merged into those
   * seen before by Chan et al.'s formula. Into empty statistics the merge is exact: a fit
   * gives sum/n and Σ(x − sum/n)² exactly as a two-pass loop over the data does.
   */
  private mergeTwoPass(x: Matrix): void {
    const C = this.channels;
    const n = x.rows * this.positions;
    const d = x.data;
    const mean = new Float64Array(C);
    for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) mean[c] += d[i * C + c];
    for (let c = 0; c < C; c++) mean[c] /= n;
    const m2 = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < C; c++) {
        const dev = d[i * C + c] - mean[c];
        m2[c] += dev * dev;
      }
    }
    const before = this.count;
    const total = before + n;
    for (let c = 0; c < C; c++) {
      const delta = mean[c] - this.first[c];
      this.first[c] += delta * (n / total); // n / total is 1 into empty statistics: exact
      this.second[c] += m2[c] + (delta * delta * before * n) / total;
    }
  }

  private check(where: string, x: Matrix): void {
    checkSamples(where, this.backend, x, this.inputSize);
  }
}

registerModel(Standardize);
