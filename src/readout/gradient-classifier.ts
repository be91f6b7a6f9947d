// What the classifiers trained by mini-batch gradient steps share: the epoch loop (a seeded
// order per epoch, the rate schedule per epoch, per-epoch history), partialFit, and resume.
import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { epochBatches } from '../model/batches.ts';
import { epochPlan, type FitEvent, type FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { SupervisedModel } from '../model/model.ts';
import { rateAt, type Schedule } from '../model/schedule.ts';
import {
  accuracy,
  checkLabels,
  meanCrossEntropy,
  type EpochRecord,
  type Labels,
} from './classifier-inputs.ts';

export interface GradientClassifierOptions {
  readonly lr: Schedule;
  readonly batchSize: number;
  readonly epochs: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly classes: number | undefined;
  readonly backend?: string | Backend;
}

export abstract class GradientClassifier<
  O extends GradientClassifierOptions,
> extends SupervisedModel<O, Labels> {
  /** Samples learnt from since fit started (drives the rate schedule). */
  samplesSeen = 0;
  /** Per epoch of the last fit: mean training loss and accuracy (before each step), rate, time. */
  history: EpochRecord[] = [];
  /** Mean training cross-entropy of the last epoch or partialFit call. */
  loss = NaN;
  /** The rate of the epoch (or partialFit call) in progress. */
  currentLr: number;
  /** Samples per epoch of the last fit (0 before any), for the 'step' schedule. */
  private perEpoch = 0;

  protected constructor(options: O) {
    super(options);
    this.currentLr = options.lr.from;
  }

  /**
   * Features per sample and classes of the fitted parameters; undefined before any.
   * A hook of this base class, which the package does not export.
   *
   * @internal
   */
  protected abstract shape(): { features: number; classes: number } | undefined;
  /** Fresh parameters (and optimiser state) for features → classes. */
  protected abstract reset(features: number, classes: number): void;
  /** Class probabilities (samples × classes). */
  abstract predictProba(x: Matrix): Matrix;
  /** The number of classes of the fitted model. */
  abstract get classes(): number;

  /** The most probable class of each sample. */
  predict(x: Matrix): Int32Array {
    const out = new Int32Array(x.rows);
    this.backend.argmaxRows(this.predictProba(x), out);
    return out;
  }

  /** Accuracy on (x, y). */
  score(x: Matrix, y: Labels): number {
    checkLabels(`${this.modelName}.score`, y, x.rows, this.classes);
    return accuracy(this.predict(x), y);
  }

  /**
   * Mean cross-entropy of this (fixed) classifier on (x, y) — also the measurement of the
   * post-hoc cross-entropy method: fit the classifier once on the trained layer, then replay
   * the layer's training and call this on its output at each point.
   */
  crossEntropy(x: Matrix, y: Labels): number {
    checkLabels(`${this.modelName}.crossEntropy`, y, x.rows, this.classes);
    return meanCrossEntropy(this.predictProba(x), y, null, 0);
  }

  /**
   * Forward, backward and one update on a batch whose labels are y[rows[i]], at currentLr.
   * A hook of this base class, which the package does not export.
   *
   * @internal
   */
  protected abstract trainBatch(
    xb: Matrix,
    y: Labels,
    rows: ArrayLike<number>,
  ): { loss: number; hits: number };

  private setRate(total: number): void {
    this.currentLr = rateAt(this.options.lr, {
      samples: this.samplesSeen,
      total,
      perEpoch: this.perEpoch || undefined,
    });
  }

  private begin(features: number, classes: number): void {
    this.reset(features, classes);
    this.samplesSeen = 0;
    this.history = [];
  }

  protected *training(x: Matrix, y: Labels, opts: FitOptions): Generator<FitEvent> {
    const where = `${this.modelName}.fit`;
    const o = this.options;
    const fitted = opts.resume ? this.shape() : undefined;
    checkSamples(where, this.backend, x, fitted?.features);
    const classes = checkLabels(where, y, x.rows, fitted?.classes ?? o.classes);
    if (!fitted) this.begin(x.cols, classes);
    const N = x.rows;
    this.perEpoch = N;
    const { first, total } = epochPlan(N, o.epochs, this.samplesSeen, opts.resume);
    const xb = new Matrix(Math.min(o.batchSize, N), x.cols);
    let [done, lossSum, hits, t0] = [0, 0, 0, performance.now()];
    const batches = epochBatches({
      n: N,
      epochs: o.epochs,
      first,
      batchSize: o.batchSize,
      seed: o.seed,
      shuffle: o.shuffle,
      backend: this.backend,
    });
    for (const b of batches) {
      if (b.epochStart) {
        this.setRate(o.epochs * N);
        [lossSum, hits, t0] = [0, 0, performance.now()];
      }
      const batch = b.rows.length === xb.rows ? xb : xb.sliceRows(0, b.rows.length);
      for (let i = 0; i < b.rows.length; i++) batch.data.set(x.row(b.rows[i]), i * x.cols);
      const r = this.trainBatch(batch, y, b.rows);
      this.samplesSeen += b.rows.length;
      lossSum += r.loss * b.rows.length;
      hits += r.hits;
      done += b.rows.length;
      if (b.epochEnd) {
        this.loss = lossSum / N;
        this.history.push({
          epoch: b.epoch + 1,
          loss: this.loss,
          accuracy: hits / N,
          lr: this.currentLr,
          seconds: (performance.now() - t0) / 1000,
        });
      }
      yield { done, total, epoch: b.epoch + 1, epochs: o.epochs, epochEnd: b.epochEnd };
    }
  }

  /**
   * One pass over the rows of (x, y) in order, in batches of batchSize, continuing from the
   * current state (fresh parameters on first use), at the schedule's current rate. Returns
   * this; the pass's mean loss is in `loss`.
   */
  partialFit(x: Matrix, y: Labels): this {
    const where = `${this.modelName}.partialFit`;
    const fitted = this.shape();
    checkSamples(where, this.backend, x, fitted?.features);
    const classes = checkLabels(where, y, x.rows, fitted?.classes ?? this.options.classes);
    if (!fitted) this.begin(x.cols, classes);
    this.setRate(0);
    const B = this.options.batchSize;
    let lossSum = 0;
    for (let s = 0; s < x.rows; s += B) {
      const e = Math.min(x.rows, s + B);
      const rows = Int32Array.from({ length: e - s }, (_, i) => s + i);
      lossSum += this.trainBatch(x.sliceRows(s, e), y, rows).loss * (e - s);
      this.samplesSeen += e - s;
    }
    this.loss = lossSum / x.rows;
    return this;
  }
}
