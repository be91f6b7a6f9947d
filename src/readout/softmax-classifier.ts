import { getBackend } from '../backend/index.ts';
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError } from '../errors.ts';
import { Adam } from '../optim/adam.ts';
import {
  accuracy,
  checkFeatures,
  checkLabels,
  halvingLr,
  meanCrossEntropy,
  nonNegative,
  oneHotInto,
  positiveInt,
  type Labels,
} from './classifier-inputs.ts';

export interface SoftmaxClassifierOptions {
  /** Initial Adam learning rate (default 1e-3, the paper's). */
  lr?: number;
  /** Mini-batch size (default 64). */
  batchSize?: number;
  /** Halve the learning rate every this many epochs (default 15; 0 = constant). */
  halveEvery?: number;
  /** Epochs of `fit` (default 100, the paper's). */
  epochs?: number;
  /** Adam's L2 penalty (default 0). */
  weightDecay?: number;
  /** Seeds the sample order (default 0). Weights start at zero (the loss is convex). */
  seed?: number;
  /** Number of classes; default max label + 1 at the first fit. */
  classes?: number;
  backend?: Backend;
}

/** What `onEpoch` receives after every epoch of `fit`. */
export interface EpochInfo {
  /** 1-based. */
  epoch: number;
  /** Mean training cross-entropy over the epoch's mini-batches (before each step). */
  loss: number;
  /** Training accuracy over the epoch's mini-batches (before each step). */
  accuracy: number;
  lr: number;
  seconds: number;
}

export interface FitOptions {
  epochs?: number;
  seed?: number;
  onEpoch?: (info: EpochInfo) => void;
}

/**
 * Linear softmax classifier p = softmax(W h + b), W (classes × features), trained on
 * cross-entropy with Adam in mini-batches — the paper's 2-layer read-out (Appendix D:
 * Adam, batch 64, lr 0.001 halved every 15 epochs, 100 epochs) on the frozen layer's output.
 * `fit` starts from zero weights; `partialFit` takes one Adam step on the batch it is given.
 */
export class SoftmaxClassifier {
  readonly lr: number;
  readonly batchSize: number;
  readonly halveEvery: number;
  readonly epochs: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly backend: Backend;
  private classesOpt: number | undefined;
  private w: Matrix | null = null;
  private b: Float32Array | null = null;
  private adam: Adam | null = null;

  constructor(opts: SoftmaxClassifierOptions = {}) {
    const W = 'SoftmaxClassifier';
    this.lr = nonNegative(W, 'lr', opts.lr ?? 1e-3);
    this.batchSize = positiveInt(W, 'batchSize', opts.batchSize ?? 64);
    this.halveEvery = nonNegative(W, 'halveEvery', opts.halveEvery ?? 15);
    this.epochs = positiveInt(W, 'epochs', opts.epochs ?? 100);
    this.weightDecay = nonNegative(W, 'weightDecay', opts.weightDecay ?? 0);
    this.seed = nonNegative(W, 'seed', opts.seed ?? 0);
    if (opts.classes !== undefined) positiveInt(W, 'classes', opts.classes);
    this.classesOpt = opts.classes;
    this.backend = opts.backend ?? getBackend();
  }

  get fitted(): boolean {
    return this.w !== null;
  }

  /** classes × features (a live reference; copy it before changing it). */
  get weights(): Matrix {
    return this.fittedW('weights');
  }

  get bias(): Float32Array {
    this.fittedW('bias');
    return this.b as Float32Array;
  }

  get classes(): number {
    return this.fittedW('classes').rows;
  }

  /** Start from given parameters (e.g. a checkpoint); W is classes × features. */
  setParameters(weights: Matrix, bias: Float32Array): this {
    checkFeatures('SoftmaxClassifier.setParameters', this.backend, weights, undefined, 'weights');
    if (!(bias instanceof Float32Array) || bias.length !== weights.rows) {
      throw new HebbError(
        `SoftmaxClassifier.setParameters: bias must be a Float32Array of length ${weights.rows} (one per class)`,
      );
    }
    this.w = weights.clone();
    this.b = bias.slice();
    this.adam = this.newAdam();
    return this;
  }

  private newAdam(): Adam {
    return new Adam({ lr: this.lr, weightDecay: this.weightDecay, backend: this.backend });
  }

  private fittedW(what: string): Matrix {
    if (!this.w) {
      throw new HebbError(
        `SoftmaxClassifier.${what}: not fitted yet; call fit or partialFit first`,
      );
    }
    return this.w;
  }

  private init(features: number, classes: number): void {
    this.w = Matrix.zeros(classes, features);
    this.b = new Float32Array(classes);
    this.adam = this.newAdam();
  }

  /** Trains from zero weights for `epochs` epochs over (x, y). Returns this. */
  fit(x: Matrix, y: Labels, opts: FitOptions = {}): this {
    const where = 'SoftmaxClassifier.fit';
    checkFeatures(where, this.backend, x);
    const classes = checkLabels(where, y, x.rows, this.classesOpt);
    const epochs = positiveInt(where, 'epochs', opts.epochs ?? this.epochs);
    const rng = new Rng(nonNegative(where, 'seed', opts.seed ?? this.seed), this.backend);
    this.init(x.cols, classes);
    const ws = new Workspace(Math.min(this.batchSize, x.rows), x.cols, classes);
    const adam = this.adam as Adam;
    for (let e = 0; e < epochs; e++) {
      const t0 = performance.now();
      adam.lr = halvingLr(this.lr, e, this.halveEvery);
      const order = rng.permutation(x.rows);
      let lossSum = 0;
      let hits = 0;
      for (let s = 0; s < x.rows; s += this.batchSize) {
        const idx = order.subarray(s, Math.min(s + this.batchSize, x.rows));
        const xb = ws.x.sliceRows(0, idx.length);
        for (let i = 0; i < idx.length; i++) xb.data.set(x.row(idx[i]), i * x.cols);
        const r = this.step(xb, y, idx, 0, ws);
        lossSum += r.loss * idx.length;
        hits += r.hits;
      }
      opts.onEpoch?.({
        epoch: e + 1,
        loss: lossSum / x.rows,
        accuracy: hits / x.rows,
        lr: adam.lr,
        seconds: (performance.now() - t0) / 1000,
      });
    }
    return this;
  }

  /**
   * One Adam step on the mean cross-entropy of this batch (initialises zero weights on the
   * first call). Returns the batch loss before the step. The learning rate stays at `lr`
   * unless changed with `setLearningRate`.
   */
  partialFit(x: Matrix, y: Labels): number {
    const where = 'SoftmaxClassifier.partialFit';
    checkFeatures(where, this.backend, x, this.w?.cols);
    const classes = checkLabels(where, y, x.rows, this.w?.rows ?? this.classesOpt);
    if (!this.w) this.init(x.cols, classes);
    const ws = new Workspace(x.rows, x.cols, this.classes);
    return this.step(x, y, null, 0, ws).loss;
  }

  /** Sets the Adam learning rate used by later partialFit calls. */
  setLearningRate(lr: number): void {
    nonNegative('SoftmaxClassifier.setLearningRate', 'lr', lr);
    if (!this.adam) this.adam = this.newAdam();
    this.adam.lr = lr;
  }

  /**
   * Loss and gradients of the mean cross-entropy on (x, y) at the current parameters, without
   * changing them (used by tests against finite differences, and by callers that optimise
   * the parameters themselves).
   */
  gradient(x: Matrix, y: Labels): { loss: number; weights: Matrix; bias: Float32Array } {
    const w = this.fittedW('gradient');
    checkFeatures('SoftmaxClassifier.gradient', this.backend, x, w.cols);
    checkLabels('SoftmaxClassifier.gradient', y, x.rows, w.rows);
    const ws = new Workspace(x.rows, x.cols, w.rows);
    const { loss } = this.lossAndGradient(x, y, null, 0, ws);
    return { loss, weights: ws.dw, bias: ws.db };
  }

  /** Forward + backward + Adam on one batch whose labels are y[idx[i]] (or y[start + i]). */
  private step(
    xb: Matrix,
    y: Labels,
    idx: ArrayLike<number> | null,
    start: number,
    ws: Workspace,
  ): { loss: number; hits: number } {
    const r = this.lossAndGradient(xb, y, idx, start, ws);
    (this.adam as Adam).step([this.w as Matrix, this.b as Float32Array], [ws.dw, ws.db]);
    return r;
  }

  /** Forward and backward on one batch; gradients land in ws.dw, ws.db. */
  private lossAndGradient(
    xb: Matrix,
    y: Labels,
    idx: ArrayLike<number> | null,
    start: number,
    ws: Workspace,
  ): { loss: number; hits: number } {
    const be = this.backend;
    const w = this.w as Matrix;
    const b = this.b as Float32Array;
    const B = xb.rows;
    const p = ws.p.sliceRows(0, B);
    const t = ws.t.sliceRows(0, B);
    // forward: Z = X Wᵀ + b  (B×D · D×C → B×C);  P = softmax(Z)
    be.gemm(false, true, 1, xb, w, 0, p);
    be.addRowVector(p, b);
    be.softmaxRows(p, 1, p);
    const loss = meanCrossEntropy(p, y, idx, start);
    be.argmaxRows(p, ws.pred.subarray(0, B));
    let hits = 0;
    for (let i = 0; i < B; i++) if (ws.pred[i] === y[idx ? idx[i] : start + i]) hits++;
    // backward: G = (P − T)/B (B×C);  dW = Gᵀ X (C×B · B×D → C×D);  db = Σ_rows G (C)
    oneHotInto(y, idx, start, t);
    be.binary('sub', p, t, p);
    be.scale(1 / B, p);
    be.gemm(true, false, 1, p, xb, 0, ws.dw);
    be.sum(p, 0, ws.db);
    return { loss, hits };
  }

  /** Logits W h + b (samples × classes). */
  decisionFunction(x: Matrix): Matrix {
    const w = this.fittedW('decisionFunction');
    checkFeatures('SoftmaxClassifier.decisionFunction', this.backend, x, w.cols);
    const z = Matrix.zeros(x.rows, w.rows);
    this.backend.gemm(false, true, 1, x, w, 0, z);
    this.backend.addRowVector(z, this.b as Float32Array);
    return z;
  }

  /** Class probabilities softmax(W h + b) (samples × classes). */
  predictProba(x: Matrix): Matrix {
    const z = this.decisionFunction(x);
    this.backend.softmaxRows(z, 1, z);
    return z;
  }

  predict(x: Matrix): Int32Array {
    const z = this.decisionFunction(x);
    const out = new Int32Array(x.rows);
    this.backend.argmaxRows(z, out);
    return out;
  }

  /** Accuracy on (x, y). */
  score(x: Matrix, y: Labels): number {
    checkLabels('SoftmaxClassifier.score', y, x.rows, this.classes);
    return accuracy(this.predict(x), y);
  }

  /**
   * Mean cross-entropy of this (fixed) classifier on (x, y) — the measurement of the
   * post-hoc cross-entropy method (SPEC §1, paper Appendix C): fit the classifier once on the
   * trained layer, then replay the layer's training and call this on its output at each point.
   */
  crossEntropy(x: Matrix, y: Labels): number {
    checkLabels('SoftmaxClassifier.crossEntropy', y, x.rows, this.classes);
    return meanCrossEntropy(this.predictProba(x), y, null, 0);
  }

  /**
   * Gradient of the mean cross-entropy with respect to the input features (for attacks that
   * back-propagate through the read-out): out (samples × features) ← (P − T) W / B.
   * Returns the loss.
   */
  inputGradient(x: Matrix, y: Labels, out: Matrix): number {
    const w = this.fittedW('inputGradient');
    checkLabels('SoftmaxClassifier.inputGradient', y, x.rows, w.rows);
    if (out.rows !== x.rows || out.cols !== x.cols) {
      throw new HebbError(
        `SoftmaxClassifier.inputGradient: out is ${out.rows}×${out.cols}; it must be ${x.rows}×${x.cols} like x`,
      );
    }
    const p = this.predictProba(x);
    const loss = meanCrossEntropy(p, y, null, 0);
    const t = Matrix.zeros(x.rows, w.rows);
    oneHotInto(y, null, 0, t);
    this.backend.binary('sub', p, t, p);
    // dX = G W  (B×C · C×D → B×D), G = (P − T)/B
    this.backend.gemm(false, false, 1 / x.rows, p, w, 0, out);
    return loss;
  }
}

/** Per-batch buffers reused across steps. */
class Workspace {
  readonly x: Matrix;
  readonly p: Matrix;
  readonly t: Matrix;
  readonly dw: Matrix;
  readonly db: Float32Array;
  readonly pred: Int32Array;
  constructor(batch: number, features: number, classes: number) {
    this.x = Matrix.zeros(batch, features);
    this.p = Matrix.zeros(batch, classes);
    this.t = Matrix.zeros(batch, classes);
    this.dw = Matrix.zeros(classes, features);
    this.db = new Float32Array(classes);
    this.pred = new Int32Array(batch);
  }
}
