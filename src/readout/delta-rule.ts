import { getBackend } from '../backend/index.ts';
import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError, ShapeError } from '../errors.ts';
import {
  accuracy,
  checkFeatures,
  checkLabels,
  meanCrossEntropy,
  nonNegative,
  oneHotInto,
  positiveInt,
  type Labels,
} from './classifier-inputs.ts';

export interface DeltaRuleOptions {
  /** Number of classes (required: an online learner must know its outputs up front). */
  classes: number;
  /** Learning rate η (default 0.01); change it later with `lr` for schedules. */
  lr?: number;
  /** Learn a bias c alongside V (default true). */
  bias?: boolean;
  backend?: Backend;
}

/**
 * Online delta-rule read-out for the paper's one-epoch "simultaneous" mode (§3.2): every
 * example updates the classifier right away, with only quantities local to the layer:
 *
 *   p = softmax(V h + c),   ΔV = η (t − p) hᵀ,   Δc = η (t − p)
 *
 * with t the one-hot target. This is the delta (Widrow–Hoff) rule with a softmax output,
 * which is also the stochastic gradient of the cross-entropy for one sample: no error is
 * sent back to the Hebbian layer, so that layer stays update-unlocked. V starts at zero.
 */
export class DeltaRuleClassifier {
  readonly classes: number;
  readonly useBias: boolean;
  readonly backend: Backend;
  private eta: number;
  private v: Matrix | null = null;
  private c: Float32Array;
  private seen = 0;
  // Per-sample buffers (1 × classes).
  private readonly p: Matrix;
  private readonly t: Matrix;

  constructor(opts: DeltaRuleOptions) {
    const W = 'DeltaRuleClassifier';
    if (opts === undefined || opts === null) {
      throw new HebbError(`${W}: options are required, e.g. new ${W}({ classes: 10 })`);
    }
    this.classes = positiveInt(W, 'classes', opts.classes);
    this.eta = nonNegative(W, 'lr', opts.lr ?? 0.01);
    this.useBias = opts.bias ?? true;
    this.backend = opts.backend ?? getBackend();
    this.c = new Float32Array(this.classes);
    this.p = Matrix.zeros(1, this.classes);
    this.t = Matrix.zeros(1, this.classes);
  }

  get lr(): number {
    return this.eta;
  }

  set lr(value: number) {
    this.eta = nonNegative('DeltaRuleClassifier', 'lr', value);
  }

  /** Samples learned from so far. */
  get samplesSeen(): number {
    return this.seen;
  }

  /** classes × features (live reference). */
  get weights(): Matrix {
    if (!this.v)
      throw new HebbError('DeltaRuleClassifier.weights: no sample seen yet; call partialFit first');
    return this.v;
  }

  get bias(): Float32Array {
    return this.c;
  }

  /**
   * Learns from the rows of x one at a time, in order, each update applied before the next
   * row is seen (batch 1). A single sample may be a Float32Array. Returns the mean
   * cross-entropy of the predictions made just before each update (an online loss).
   */
  partialFit(x: Matrix | Float32Array, y: Labels | number): number {
    const where = 'DeltaRuleClassifier.partialFit';
    const xm = x instanceof Float32Array ? new Matrix(1, x.length, x) : x;
    const labels = typeof y === 'number' ? [y] : y;
    checkFeatures(where, this.backend, xm, this.v?.cols, 'x');
    checkLabels(where, labels, xm.rows, this.classes);
    if (!this.v) this.v = Matrix.zeros(this.classes, xm.cols);
    const be = this.backend;
    const v = this.v;
    let loss = 0;
    for (let i = 0; i < xm.rows; i++) {
      const h = xm.sliceRows(i, i + 1);
      // p = softmax(V h + c)   (1×D · D×C → 1×C)
      be.gemm(false, true, 1, h, v, 0, this.p);
      if (this.useBias) be.addRowVector(this.p, this.c);
      be.softmaxRows(this.p, 1, this.p);
      loss += meanCrossEntropy(this.p, labels, null, i);
      // e = t − p  (1×C), stored in t
      oneHotInto(labels, null, i, this.t);
      be.binary('sub', this.t, this.p, this.t);
      // V ← V + η eᵀ h   (C×1 · 1×D → C×D, a rank-1 update)
      be.gemm(true, false, this.eta, this.t, h, 1, v);
      if (this.useBias)
        for (let k = 0; k < this.classes; k++) this.c[k] += this.eta * this.t.data[k];
      this.seen++;
    }
    return loss / xm.rows;
  }

  /** Class probabilities softmax(V h + c), samples × classes. */
  predictProba(x: Matrix): Matrix {
    const v = this.weights;
    checkFeatures('DeltaRuleClassifier.predictProba', this.backend, x, v.cols, 'x');
    const z = Matrix.zeros(x.rows, this.classes);
    this.backend.gemm(false, true, 1, x, v, 0, z);
    if (this.useBias) this.backend.addRowVector(z, this.c);
    this.backend.softmaxRows(z, 1, z);
    return z;
  }

  predict(x: Matrix): Int32Array {
    const out = new Int32Array(x.rows);
    this.backend.argmaxRows(this.predictProba(x), out);
    return out;
  }

  score(x: Matrix, y: Labels): number {
    checkLabels('DeltaRuleClassifier.score', y, x.rows, this.classes);
    return accuracy(this.predict(x), y);
  }

  /** Mean cross-entropy of the current classifier on (x, y). */
  crossEntropy(x: Matrix, y: Labels): number {
    checkLabels('DeltaRuleClassifier.crossEntropy', y, x.rows, this.classes);
    return meanCrossEntropy(this.predictProba(x), y, null, 0);
  }

  /** Start from given parameters (classes × features, and a bias of length classes). */
  setParameters(weights: Matrix, bias?: Float32Array): this {
    if (weights.rows !== this.classes) {
      throw new ShapeError(
        `DeltaRuleClassifier.setParameters: weights are ${weights.rows}×${weights.cols} but must have ${this.classes} rows (one per class)`,
      );
    }
    checkFeatures('DeltaRuleClassifier.setParameters', this.backend, weights, undefined, 'weights');
    if (bias !== undefined && bias.length !== this.classes) {
      throw new ShapeError(
        `DeltaRuleClassifier.setParameters: bias has length ${bias.length}, expected ${this.classes}`,
      );
    }
    this.v = weights.clone();
    this.c = bias ? bias.slice() : new Float32Array(this.classes);
    return this;
  }
}
