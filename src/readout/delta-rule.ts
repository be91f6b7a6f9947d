import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError, ShapeError } from '../errors.ts';
import { epochBatches } from '../model/batches.ts';
import { epochPlan, type FitEvent, type FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel, SupervisedModel } from '../model/model.ts';
import {
  MAX_EPOCHS,
  boolean,
  describe,
  integer,
  required,
  seed,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { rateAt, schedule, type Schedule } from '../model/schedule.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import {
  accuracy,
  checkLabels,
  meanCrossEntropy,
  oneHotInto,
  type Labels,
} from './classifier-inputs.ts';
import { count } from '../model/wording.ts';

/** Options of DeltaRuleClassifier. */
export interface DeltaRuleOptions {
  /** Number of classes (required: an online learner must know its outputs up front). */
  classes: number;
  /** Rate η: a number (default 0.01) or a schedule over the samples of fit. */
  lr?: number | Schedule | string;
  /** Learn a bias c alongside V (default true). */
  bias?: boolean;
  /** Passes over the data in fit (default 1). */
  epochs?: number;
  /** Visit the samples in a seeded random order each epoch of fit (default true). */
  shuffle?: boolean;
  /** Seed of the sample order (default 0). */
  seed?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  classes: describe(
    required(integer({ min: 2 })),
    'number of classes (an online learner must know its outputs up front)',
  ),
  lr: describe(
    schedule({ default: { kind: 'constant', from: 0.01 } }),
    'rate η: a number or a schedule over the samples of fit',
  ),
  bias: describe(boolean({ default: true }), 'learn a bias alongside the weights'),
  epochs: describe(integer({ min: 1, max: MAX_EPOCHS, default: 1 }), 'passes over the data in fit'),
  shuffle: describe(
    boolean({ default: true }),
    'visit the samples in a seeded random order each epoch',
  ),
  seed: describe(seed(), 'seed of the sample order'),
  backend: backendOption(),
} satisfies Record<keyof DeltaRuleOptions, unknown>;

/**
 * Online delta-rule read-out for the paper's one-epoch "simultaneous" mode: every example
 * updates the classifier right away, with only quantities local to the layer:
 *
 *   p = softmax(V h + c),   ΔV = η (t − p) hᵀ,   Δc = η (t − p)
 *
 * with t the one-hot target. This is the delta (Widrow–Hoff) rule with a softmax output,
 * which is also the stochastic gradient of the cross-entropy for one sample: no error is
 * sent back to the Hebbian layer, so that layer stays update-unlocked. V starts at zero.
 */
export class DeltaRuleClassifier extends SupervisedModel<Resolved<typeof SPEC>, Labels> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'DeltaRuleClassifier';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  private v: Matrix | null = null;
  private c: Float32Array;
  /** Samples learnt from so far (drives the rate schedule). */
  samplesSeen = 0;
  /** Mean cross-entropy of the predictions made just before each update, over the last call. */
  loss = NaN;
  private horizon = 0;
  // Per-sample buffers (1 × classes).
  private readonly p: Matrix;
  private readonly t: Matrix;

  constructor(options: DeltaRuleOptions) {
    if (options === undefined || options === null) {
      throw new HebbError(
        'DeltaRuleClassifier: options are required, e.g. new DeltaRuleClassifier({ classes: 10 })',
      );
    }
    super(validateOptions('DeltaRuleClassifier', SPEC, options));
    const C = this.options.classes;
    this.c = new Float32Array(C);
    this.p = Matrix.zeros(1, C);
    this.t = Matrix.zeros(1, C);
  }

  get isFitted(): boolean {
    return this.v !== null;
  }

  /** Number of classes (the classes option). */
  get classes(): number {
    return this.options.classes;
  }

  /** classes × features (live reference). */
  get weights(): Matrix {
    if (!this.v) throw this.notFitted('weights');
    return this.v;
  }

  /** The bias c, one per class (live reference; zeros without the bias option). */
  get bias(): Float32Array {
    return this.c;
  }

  /** From zero weights, `epochs` passes one sample at a time (or resumes). */
  protected *training(x: Matrix, y: Labels, opts: FitOptions): Generator<FitEvent> {
    const where = 'DeltaRuleClassifier.fit';
    const o = this.options;
    const resume = opts.resume && this.v !== null;
    checkSamples(where, this.backend, x, resume ? this.v!.cols : undefined);
    checkLabels(where, y, x.rows, o.classes);
    if (!resume) this.reset(x.cols);
    const N = x.rows;
    this.horizon = o.epochs * N;
    const { first, total } = epochPlan(N, o.epochs, this.samplesSeen, resume);
    // Progress every 256 samples: the step itself is one sample.
    const batches = epochBatches({
      n: N,
      epochs: o.epochs,
      first,
      batchSize: 256,
      seed: o.seed,
      shuffle: o.shuffle,
      backend: this.backend,
    });
    let done = 0;
    const h = Matrix.zeros(1, x.cols);
    for (const b of batches) {
      let loss = 0;
      for (const i of b.rows) {
        h.data.set(x.row(i));
        loss += this.learnOne(h, y[i]);
      }
      this.loss = loss / b.rows.length;
      done += b.rows.length;
      yield { done, total, epoch: b.epoch + 1, epochs: o.epochs, epochEnd: b.epochEnd };
    }
  }

  private reset(features: number): void {
    this.v = Matrix.zeros(this.options.classes, features);
    this.c = new Float32Array(this.options.classes);
    this.samplesSeen = 0;
  }

  /**
   * Learns from the rows of x one at a time, in order, each update applied before the next
   * row is seen (batch 1). Returns this; the mean online loss is in `loss`.
   */
  partialFit(x: Matrix, y: Labels): this {
    const where = 'DeltaRuleClassifier.partialFit';
    checkSamples(where, this.backend, x, this.v?.cols);
    checkLabels(where, y, x.rows, this.options.classes);
    if (!this.v) this.reset(x.cols);
    let loss = 0;
    for (let i = 0; i < x.rows; i++) loss += this.learnOne(x.sliceRows(i, i + 1), y[i]);
    this.loss = loss / x.rows;
    return this;
  }

  /** One delta-rule step on a 1 × D sample; returns the loss of the prediction before it. */
  private learnOne(h: Matrix, label: number): number {
    const be = this.backend;
    const v = this.v!;
    const eta = rateAt(this.options.lr, { samples: this.samplesSeen, total: this.horizon });
    // p = softmax(V h + c)   (1×D · D×C → 1×C)
    be.gemm(false, true, 1, h, v, 0, this.p);
    if (this.options.bias) be.addRowVector(this.p, this.c);
    be.softmaxRows(this.p, 1, this.p);
    const loss = meanCrossEntropy(this.p, [label], null, 0);
    // e = t − p  (1×C), stored in t
    oneHotInto([label], null, 0, this.t);
    be.binary('sub', this.t, this.p, this.t);
    // V ← V + η eᵀ h   (C×1 · 1×D → C×D, a rank-1 update)
    be.gemm(true, false, eta, this.t, h, 1, v);
    if (this.options.bias)
      for (let k = 0; k < this.c.length; k++) this.c[k] += eta * this.t.data[k];
    this.samplesSeen++;
    return loss;
  }

  /** Class probabilities softmax(V h + c), samples × classes. */
  predictProba(x: Matrix): Matrix {
    const v = this.weights;
    checkSamples('DeltaRuleClassifier.predictProba', this.backend, x, v.cols);
    const z = Matrix.zeros(x.rows, this.options.classes);
    this.backend.gemm(false, true, 1, x, v, 0, z);
    if (this.options.bias) this.backend.addRowVector(z, this.c);
    this.backend.softmaxRows(z, 1, z);
    return z;
  }

  /** The most probable class of each sample. */
  predict(x: Matrix): Int32Array {
    const out = new Int32Array(x.rows);
    this.backend.argmaxRows(this.predictProba(x), out);
    return out;
  }

  /** Accuracy on (x, y), in [0, 1]. */
  score(x: Matrix, y: Labels): number {
    checkLabels('DeltaRuleClassifier.score', y, x.rows, this.options.classes);
    return accuracy(this.predict(x), y);
  }

  /** Mean cross-entropy of the current classifier on (x, y). */
  crossEntropy(x: Matrix, y: Labels): number {
    checkLabels('DeltaRuleClassifier.crossEntropy', y, x.rows, this.options.classes);
    return meanCrossEntropy(this.predictProba(x), y, null, 0);
  }

  /** Start from given parameters (classes × features, and a bias of length classes). */
  setParameters(weights: Matrix, bias?: Float32Array): this {
    const C = this.options.classes;
    if (weights.rows !== C) {
      throw new ShapeError(
        `DeltaRuleClassifier.setParameters: weights are ${weights.rows}×${weights.cols} but must have ${count(C, 'row')} (one per class)`,
      );
    }
    checkSamples('DeltaRuleClassifier.setParameters', this.backend, weights, undefined, 'weights');
    if (bias !== undefined && bias.length !== C) {
      throw new ShapeError(
        `DeltaRuleClassifier.setParameters: bias has length ${bias.length}, expected ${C}`,
      );
    }
    this.v = weights.clone();
    this.c = bias ? bias.slice() : new Float32Array(C);
    return this;
  }

  /** weights, bias (F32) and samples_seen (F64). */
  stateSlots(): TensorSlots {
    const C = this.options.classes;
    return {
      weights: tensor.matrix({ rows: C, get: () => this.weights, set: (v) => (this.v = v) }),
      bias: tensor.vector({ length: C, get: () => this.c, set: (c) => (this.c = c) }),
      samples_seen: tensor.count({
        get: () => this.samplesSeen,
        set: (n) => (this.samplesSeen = n),
      }),
    };
  }
}

registerModel(DeltaRuleClassifier);
