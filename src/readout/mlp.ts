import { getBackend } from '../backend/index.ts';
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend, UnaryOp } from '../backend/types.ts';
import { HebbError, ValueError } from '../errors.ts';
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
import type { EpochInfo } from './softmax-classifier.ts';

/** Hidden activation; each has a backend gradient op that takes the activation's output. */
export type MlpActivation = 'relu' | 'tanh' | 'sigmoid';
const GRAD: Record<MlpActivation, UnaryOp> = {
  relu: 'reluGrad',
  tanh: 'tanhGrad',
  sigmoid: 'sigmoidGrad',
};

export interface MlpOptions {
  /** Hidden units K (default 2000, the size of the paper's SoftHebb layer). */
  hidden?: number;
  activation?: MlpActivation;
  /** 'adam' (default) or plain 'sgd' (cheaper per step in the online mode). */
  optimizer?: 'adam' | 'sgd';
  /** Initial learning rate (default 1e-3). */
  lr?: number;
  /** Mini-batch size (default 64); 1 is the online mode of the one-epoch comparison. */
  batchSize?: number;
  /** Halve the learning rate every this many epochs (default 15; 0 = constant). */
  halveEvery?: number;
  epochs?: number;
  weightDecay?: number;
  /** Seeds the initial weights and the sample order (default 0). */
  seed?: number;
  classes?: number;
  backend?: Backend;
}

export interface MlpFitOptions {
  epochs?: number;
  seed?: number;
  batchSize?: number;
  /** Present the samples in a random order each epoch (default true); false keeps row order. */
  shuffle?: boolean;
  onEpoch?: (info: EpochInfo) => void;
  /** Called every `progressEvery` samples with the number seen in this epoch. */
  onProgress?: (seen: number, total: number) => void;
  progressEvery?: number;
}

/** Gradients of the mean cross-entropy, shaped like the parameters. */
export interface MlpGradients {
  loss: number;
  w1: Matrix;
  b1: Float32Array;
  w2: Matrix;
  b2: Float32Array;
}

const PREDICT_CHUNK = 2048;

/**
 * Backprop baseline of the same size as the SoftHebb network: features → K hidden → classes,
 *   Z₁ = X W₁ᵀ + b₁, H = act(Z₁), Z₂ = H W₂ᵀ + b₂, P = softmax(Z₂), loss = mean −log P[y].
 * Init as torch.nn.Linear: every weight and bias ~ U(±1/√fan_in). Adam (default) or SGD.
 */
export class Mlp {
  readonly hidden: number;
  readonly activation: MlpActivation;
  readonly optimizer: 'adam' | 'sgd';
  readonly lr: number;
  readonly batchSize: number;
  readonly halveEvery: number;
  readonly epochs: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly backend: Backend;
  private classesOpt: number | undefined;
  private params: { w1: Matrix; b1: Float32Array; w2: Matrix; b2: Float32Array } | null = null;
  private adam: Adam | null = null;
  private currentLr: number;

  constructor(opts: MlpOptions = {}) {
    const W = 'Mlp';
    this.hidden = positiveInt(W, 'hidden', opts.hidden ?? 2000);
    this.activation = opts.activation ?? 'relu';
    if (!(this.activation in GRAD)) {
      throw new ValueError(
        `${W}: activation must be relu, tanh or sigmoid, got '${String(opts.activation)}'`,
      );
    }
    this.optimizer = opts.optimizer ?? 'adam';
    if (this.optimizer !== 'adam' && this.optimizer !== 'sgd') {
      throw new ValueError(
        `${W}: optimizer must be 'adam' or 'sgd', got '${String(opts.optimizer)}'`,
      );
    }
    this.lr = nonNegative(W, 'lr', opts.lr ?? 1e-3);
    this.currentLr = this.lr;
    this.batchSize = positiveInt(W, 'batchSize', opts.batchSize ?? 64);
    this.halveEvery = nonNegative(W, 'halveEvery', opts.halveEvery ?? 15);
    this.epochs = positiveInt(W, 'epochs', opts.epochs ?? 100);
    this.weightDecay = nonNegative(W, 'weightDecay', opts.weightDecay ?? 0);
    this.seed = nonNegative(W, 'seed', opts.seed ?? 0);
    if (opts.classes !== undefined) positiveInt(W, 'classes', opts.classes);
    this.classesOpt = opts.classes;
    this.backend = opts.backend ?? getBackend();
  }

  /** The parameters (live references): w1 K×D, b1 K, w2 C×K, b2 C. */
  get parameters(): { w1: Matrix; b1: Float32Array; w2: Matrix; b2: Float32Array } {
    if (!this.params) throw new HebbError('Mlp: not fitted yet; call fit or partialFit first');
    return this.params;
  }

  get classes(): number {
    return this.parameters.w2.rows;
  }

  /** Fresh parameters drawn from `seed` (called by fit; call it to inspect the init). */
  initialize(features: number, classes: number, seed = this.seed): this {
    const rng = new Rng(nonNegative('Mlp.initialize', 'seed', seed), this.backend).fork(1);
    const a1 = 1 / Math.sqrt(features);
    const a2 = 1 / Math.sqrt(this.hidden);
    this.params = {
      w1: new Matrix(this.hidden, features, rng.uniform(this.hidden * features, -a1, a1)),
      b1: rng.uniform(this.hidden, -a1, a1),
      w2: new Matrix(classes, this.hidden, rng.uniform(classes * this.hidden, -a2, a2)),
      b2: rng.uniform(classes, -a2, a2),
    };
    this.adam = new Adam({ lr: this.lr, weightDecay: this.weightDecay, backend: this.backend });
    this.currentLr = this.lr;
    return this;
  }

  /** Trains from a fresh seeded initialisation. batchSize 1 with epochs 1 is the online mode. */
  fit(x: Matrix, y: Labels, opts: MlpFitOptions = {}): this {
    const where = 'Mlp.fit';
    checkFeatures(where, this.backend, x);
    const classes = checkLabels(where, y, x.rows, this.classesOpt);
    const epochs = positiveInt(where, 'epochs', opts.epochs ?? this.epochs);
    const batch = positiveInt(where, 'batchSize', opts.batchSize ?? this.batchSize);
    const seed = nonNegative(where, 'seed', opts.seed ?? this.seed);
    this.initialize(x.cols, classes, seed);
    const order = new Rng(seed, this.backend).fork(2);
    const ws = new Workspace(Math.min(batch, x.rows), x.cols, this.hidden, classes);
    const every = opts.progressEvery ?? 1000;
    for (let e = 0; e < epochs; e++) {
      const t0 = performance.now();
      this.setLearningRate(halvingLr(this.lr, e, this.halveEvery));
      let idxAll: Int32Array;
      if (opts.shuffle ?? true) idxAll = order.permutation(x.rows);
      else idxAll = Int32Array.from({ length: x.rows }, (_, i) => i);
      let lossSum = 0;
      let hits = 0;
      for (let s = 0; s < x.rows; s += batch) {
        const idx = idxAll.subarray(s, Math.min(s + batch, x.rows));
        const xb = ws.x.sliceRows(0, idx.length);
        for (let i = 0; i < idx.length; i++) xb.data.set(x.row(idx[i]), i * x.cols);
        const r = this.lossAndGradient(xb, y, idx, ws);
        this.apply(ws);
        lossSum += r.loss * idx.length;
        hits += r.hits;
        if (opts.onProgress && Math.floor((s + idx.length) / every) > Math.floor(s / every)) {
          opts.onProgress(s + idx.length, x.rows);
        }
      }
      opts.onEpoch?.({
        epoch: e + 1,
        loss: lossSum / x.rows,
        accuracy: hits / x.rows,
        lr: this.currentLr,
        seconds: (performance.now() - t0) / 1000,
      });
    }
    return this;
  }

  /** One optimiser step on this batch (initialises on the first call). Returns the batch loss. */
  partialFit(x: Matrix, y: Labels): number {
    const where = 'Mlp.partialFit';
    checkFeatures(where, this.backend, x, this.params?.w1.cols);
    const classes = checkLabels(where, y, x.rows, this.params?.w2.rows ?? this.classesOpt);
    if (!this.params) this.initialize(x.cols, classes);
    const ws = new Workspace(x.rows, x.cols, this.hidden, this.classes);
    const r = this.lossAndGradient(x, y, null, ws);
    this.apply(ws);
    return r.loss;
  }

  setLearningRate(lr: number): void {
    this.currentLr = nonNegative('Mlp.setLearningRate', 'lr', lr);
    if (this.adam) this.adam.lr = lr;
  }

  /** Loss and gradients on (x, y) at the current parameters, which are left unchanged. */
  gradient(x: Matrix, y: Labels): MlpGradients {
    const p = this.parameters;
    checkFeatures('Mlp.gradient', this.backend, x, p.w1.cols);
    checkLabels('Mlp.gradient', y, x.rows, p.w2.rows);
    const ws = new Workspace(x.rows, x.cols, this.hidden, p.w2.rows);
    const { loss } = this.lossAndGradient(x, y, null, ws);
    return { loss, w1: ws.dw1, b1: ws.db1, w2: ws.dw2, b2: ws.db2 };
  }

  /** H = act(X W₁ᵀ + b₁) into h (B×K), P = softmax(H W₂ᵀ + b₂) into p (B×C). */
  private forward(x: Matrix, h: Matrix, p: Matrix): void {
    const be = this.backend;
    const { w1, b1, w2, b2 } = this.parameters;
    be.gemm(false, true, 1, x, w1, 0, h); //         Z₁ = X W₁ᵀ   (B×D · D×K → B×K)
    be.addRowVector(h, b1); //                        Z₁ += b₁
    be.unary(this.activation, h, h); //               H = act(Z₁)
    be.gemm(false, true, 1, h, w2, 0, p); //          Z₂ = H W₂ᵀ   (B×K · K×C → B×C)
    be.addRowVector(p, b2); //                        Z₂ += b₂
    be.softmaxRows(p, 1, p); //                       P = softmax(Z₂)
  }

  /** Forward and backward on one batch (labels y[idx[i]], or y[i]); gradients land in ws. */
  private lossAndGradient(
    xb: Matrix,
    y: Labels,
    idx: ArrayLike<number> | null,
    ws: Workspace,
  ): { loss: number; hits: number } {
    const be = this.backend;
    const { w2 } = this.parameters;
    const B = xb.rows;
    const h = ws.h.sliceRows(0, B);
    const p = ws.p.sliceRows(0, B);
    const t = ws.t.sliceRows(0, B);
    const dh = ws.dh.sliceRows(0, B);
    this.forward(xb, h, p);
    const loss = meanCrossEntropy(p, y, idx, 0);
    const pred = ws.pred.subarray(0, B);
    be.argmaxRows(p, pred);
    let hits = 0;
    for (let i = 0; i < B; i++) if (pred[i] === y[idx ? idx[i] : i]) hits++;
    oneHotInto(y, idx, 0, t);
    be.binary('sub', p, t, p); //                     G₂ = (P − T)/B            (B×C)
    be.scale(1 / B, p);
    be.gemm(true, false, 1, p, h, 0, ws.dw2); //      dW₂ = G₂ᵀ H  (C×B · B×K → C×K)
    be.sum(p, 0, ws.db2); //                          db₂ = Σ_rows G₂          (C)
    be.gemm(false, false, 1, p, w2, 0, dh); //        dH = G₂ W₂   (B×C · C×K → B×K)
    be.unary(GRAD[this.activation], h, h); //         act'(Z₁) from H           (B×K)
    be.binary('mul', dh, h, dh); //                   G₁ = dH ∘ act'(Z₁)        (B×K)
    be.gemm(true, false, 1, dh, xb, 0, ws.dw1); //    dW₁ = G₁ᵀ X  (K×B · B×D → K×D)
    be.sum(dh, 0, ws.db1); //                         db₁ = Σ_rows G₁          (K)
    return { loss, hits };
  }

  private apply(ws: Workspace): void {
    const { w1, b1, w2, b2 } = this.parameters;
    const params = [w1, b1, w2, b2];
    const grads = [ws.dw1, ws.db1, ws.dw2, ws.db2];
    if (this.optimizer === 'adam') {
      (this.adam as Adam).step(params, grads);
      return;
    }
    const be = this.backend;
    const asM = (v: Matrix | Float32Array): Matrix =>
      v instanceof Matrix ? v : new Matrix(1, v.length, v);
    for (let i = 0; i < 4; i++) {
      const p = asM(params[i]);
      const g = asM(grads[i]);
      if (this.weightDecay > 0) be.axpy(this.weightDecay, p, g); // g ← g + λ p
      be.axpy(-this.currentLr, g, p); //                            p ← p − lr g
    }
  }

  /** Class probabilities, samples × classes (in chunks, so N×K is never held at once). */
  predictProba(x: Matrix): Matrix {
    const { w1, w2 } = this.parameters;
    checkFeatures('Mlp.predictProba', this.backend, x, w1.cols);
    const out = Matrix.zeros(x.rows, w2.rows);
    const h = Matrix.zeros(Math.min(PREDICT_CHUNK, x.rows), this.hidden);
    for (let s = 0; s < x.rows; s += PREDICT_CHUNK) {
      const e = Math.min(s + PREDICT_CHUNK, x.rows);
      this.forward(x.sliceRows(s, e), h.sliceRows(0, e - s), out.sliceRows(s, e));
    }
    return out;
  }

  predict(x: Matrix): Int32Array {
    const out = new Int32Array(x.rows);
    this.backend.argmaxRows(this.predictProba(x), out);
    return out;
  }

  score(x: Matrix, y: Labels): number {
    checkLabels('Mlp.score', y, x.rows, this.classes);
    return accuracy(this.predict(x), y);
  }

  crossEntropy(x: Matrix, y: Labels): number {
    checkLabels('Mlp.crossEntropy', y, x.rows, this.classes);
    return meanCrossEntropy(this.predictProba(x), y, null, 0);
  }

  /**
   * Gradient of the mean cross-entropy with respect to the input (for PGD attacks):
   * out (B×D) ← G₁ W₁ with G₁ from the backward pass. Returns the loss.
   */
  inputGradient(x: Matrix, y: Labels, out: Matrix): number {
    const p = this.parameters;
    checkFeatures('Mlp.inputGradient', this.backend, x, p.w1.cols);
    checkLabels('Mlp.inputGradient', y, x.rows, p.w2.rows);
    if (out.rows !== x.rows || out.cols !== x.cols) {
      throw new HebbError(
        `Mlp.inputGradient: out is ${out.rows}×${out.cols}; it must be ${x.rows}×${x.cols} like x`,
      );
    }
    const ws = new Workspace(x.rows, x.cols, this.hidden, p.w2.rows);
    const { loss } = this.lossAndGradient(x, y, null, ws);
    // dX = G₁ W₁   (B×K · K×D → B×D); G₁ is left in ws.dh by the backward pass
    this.backend.gemm(false, false, 1, ws.dh, p.w1, 0, out);
    return loss;
  }
}

/** Per-batch buffers reused across steps. */
class Workspace {
  readonly x: Matrix;
  readonly h: Matrix;
  readonly dh: Matrix;
  readonly p: Matrix;
  readonly t: Matrix;
  readonly pred: Int32Array;
  readonly dw1: Matrix;
  readonly db1: Float32Array;
  readonly dw2: Matrix;
  readonly db2: Float32Array;
  constructor(batch: number, features: number, hidden: number, classes: number) {
    this.x = Matrix.zeros(batch, features);
    this.h = Matrix.zeros(batch, hidden);
    this.dh = Matrix.zeros(batch, hidden);
    this.p = Matrix.zeros(batch, classes);
    this.t = Matrix.zeros(batch, classes);
    this.pred = new Int32Array(batch);
    this.dw1 = Matrix.zeros(hidden, features);
    this.db1 = new Float32Array(hidden);
    this.dw2 = Matrix.zeros(classes, hidden);
    this.db2 = new Float32Array(classes);
  }
}
