import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError } from '../errors.ts';
import { activation, DIFFERENTIABLE, unaryOf, type Activation } from '../model/activation.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel } from '../model/model.ts';
import {
  MAX_EPOCHS,
  boolean,
  describe,
  integer,
  number,
  oneOf,
  seed,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { schedule, type Schedule } from '../model/schedule.ts';
import { sizeOf, tensor, type StateValues, type TensorSlots } from '../model/state.ts';
import { Adam } from '../optim/adam.ts';
import { checkLabels, softmaxOutputError, type Labels } from './classifier-inputs.ts';
import { GradientClassifier } from './gradient-classifier.ts';

/** Options of MlpClassifier. */
export interface MlpClassifierOptions {
  /** Hidden units K (default 2000, the size of the paper's SoftHebb layer). */
  hidden?: number;
  /**
   * Hidden activation: relu (default), tanh, sigmoid, linear, or softmax:T over the hidden
   * units (the SoftHebb paper's Fig. 7 baseline: a backprop network with a soft-WTA layer).
   */
  activation?: string | Activation;
  /** 'adam' (default) or plain 'sgd' (cheaper per step in the online mode). */
  optimizer?: 'adam' | 'sgd';
  /** Rate: a number (constant) or schedule. Default step:0.001:0.5:15. */
  lr?: number | Schedule | string;
  /** Mini-batch size (default 64); 1 is the online mode of the one-epoch comparison. */
  batchSize?: number;
  /** Epochs of fit (default 100). */
  epochs?: number;
  /** L2 penalty λ (default 0): Adam's, or with sgd a shrink by 1 − η·λ each step. */
  weightDecay?: number;
  /** Visit the samples in a seeded random order each epoch (default true). */
  shuffle?: boolean;
  /** Seeds the initial weights and the sample order (default 0). */
  seed?: number;
  /** Number of classes; default max label + 1 at the first fit. */
  classes?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const HIDDEN_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'softmax'] as const;

const SPEC = {
  hidden: describe(
    integer({ min: 1, default: 2000 }),
    "hidden units K (2000: the size of the paper's SoftHebb layer)",
  ),
  activation: describe(
    activation(HIDDEN_ACTIVATIONS, { default: { name: 'relu' } }),
    'hidden activation: relu, tanh, sigmoid, linear, or softmax:T over the hidden units (a backprop soft-WTA layer)',
  ),
  optimizer: describe(
    oneOf(['adam', 'sgd'] as const, { default: 'adam' }),
    "'adam' or plain 'sgd' (cheaper per step in the online mode)",
  ),
  lr: describe(
    schedule({ default: { kind: 'step', from: 1e-3, factor: 0.5, every: 15 } }),
    'rate: a number (constant) or schedule, e.g. step:0.001:0.5:15 (1e-3 halved every 15 epochs)',
  ),
  batchSize: describe(integer({ min: 1, default: 64 }), 'mini-batch size (1 = online)'),
  epochs: describe(integer({ min: 1, max: MAX_EPOCHS, default: 100 }), 'epochs of fit'),
  weightDecay: describe(
    number({ min: 0, default: 0 }),
    "L2 penalty λ: Adam's, or with sgd a shrink by 1 − η·λ each step",
  ),
  shuffle: describe(
    boolean({ default: true }),
    'visit the samples in a seeded random order each epoch',
  ),
  seed: describe(seed(), 'seed of the initial weights and of the sample order'),
  classes: describe(
    integer({ min: 2 }),
    'number of classes; default max label + 1 at the first fit',
  ),
  backend: backendOption(),
} satisfies Record<keyof MlpClassifierOptions, unknown>;

/** Gradients of the mean cross-entropy, shaped like the parameters. */
export interface MlpGradients {
  /** The mean cross-entropy at the current parameters. */
  loss: number;
  /** ∂ℓ/∂w1, K × D. */
  w1: Matrix;
  /** ∂ℓ/∂b1, length K. */
  b1: Float32Array;
  /** ∂ℓ/∂w2, C × K. */
  w2: Matrix;
  /** ∂ℓ/∂b2, length C. */
  b2: Float32Array;
}

/** @inline */
interface Params {
  /** Hidden weights, K × D. */
  w1: Matrix;
  /** Hidden biases, length K. */
  b1: Float32Array;
  /** Output weights, C × K. */
  w2: Matrix;
  /** Output biases, length C. */
  b2: Float32Array;
}

const PREDICT_CHUNK = 2048;

/**
 * Backprop baseline of the same size as the SoftHebb network: features → K hidden → classes,
 *   Z₁ = X W₁ᵀ + b₁, H = act(Z₁), Z₂ = H W₂ᵀ + b₂, P = softmax(Z₂), loss = mean −log P[y].
 * Init as torch.nn.Linear: every weight and bias ~ U(±1/√fan_in). Adam (default) or SGD.
 */
export class MlpClassifier extends GradientClassifier<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'MlpClassifier';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  private params: Params | null = null;
  private adam: Adam;
  private ws: Workspace | null = null;

  constructor(options: MlpClassifierOptions = {}) {
    super(validateOptions('MlpClassifier', SPEC, options));
    this.adam = this.newAdam();
  }

  get isFitted(): boolean {
    return this.params !== null;
  }

  /** The parameters (live references): w1 K×D, b1 K, w2 C×K, b2 C. */
  get parameters(): Params {
    if (!this.params) throw this.notFitted('parameters');
    return this.params;
  }

  get classes(): number {
    return this.parameters.w2.rows;
  }

  private newAdam(): Adam {
    return new Adam({ weightDecay: this.options.weightDecay, backend: this.backend });
  }

  /** Fresh parameters drawn from the seed (fit calls it; call it to inspect the init). */
  initialize(features: number, classes: number): this {
    this.reset(features, classes);
    this.samplesSeen = 0;
    this.history = [];
    return this;
  }

  /** GradientClassifier's hook (not exported). @internal */
  protected shape() {
    return this.params
      ? { features: this.params.w1.cols, classes: this.params.w2.rows }
      : undefined;
  }

  protected reset(features: number, classes: number): void {
    const K = this.options.hidden;
    const rng = new Rng(this.options.seed, this.backend).fork(1);
    const a1 = 1 / Math.sqrt(features);
    const a2 = 1 / Math.sqrt(K);
    this.params = {
      w1: new Matrix(K, features, rng.uniform(K * features, -a1, a1)),
      b1: rng.uniform(K, -a1, a1),
      w2: new Matrix(classes, K, rng.uniform(classes * K, -a2, a2)),
      b2: rng.uniform(classes, -a2, a2),
    };
    this.adam = this.newAdam();
  }

  /** Buffers for a batch of B, reused while the shape stays. */
  private workspace(B: number, D: number, C: number): Workspace {
    const ws = this.ws;
    if (!ws || ws.h.rows < B || ws.dw1.cols !== D || ws.p.cols !== C)
      this.ws = new Workspace(B, D, this.options.hidden, C);
    return this.ws!;
  }

  /** GradientClassifier's hook (not exported). @internal */
  protected trainBatch(
    xb: Matrix,
    y: Labels,
    rows: ArrayLike<number>,
  ): { loss: number; hits: number } {
    const ws = this.workspace(xb.rows, xb.cols, this.params!.w2.rows);
    if (this.options.optimizer === 'sgd') return this.sgdStep(xb, y, rows, ws);
    const r = this.lossAndGradient(xb, y, rows, ws);
    this.apply(ws);
    return r;
  }

  /**
   * One SGD step with each weight gradient folded into its GEMM, W ← (1 − ηλ) W − η GᵀA: no
   * gradient buffer for W₁ and one pass over it instead of three (the online mode's cost).
   * The same update as lossAndGradient + apply; dH is taken from W₂ before W₂ moves.
   */
  private sgdStep(
    xb: Matrix,
    y: Labels,
    idx: ArrayLike<number>,
    ws: Workspace,
  ): { loss: number; hits: number } {
    const be = this.backend;
    const { w1, b1, w2, b2 } = this.parameters;
    const lr = this.currentLr;
    const keep = 1 - lr * this.options.weightDecay;
    const B = xb.rows;
    const h = ws.h.sliceRows(0, B);
    const p = ws.p.sliceRows(0, B);
    const dh = ws.dh.sliceRows(0, B);
    const { loss, hits } = this.outputGradient(xb, y, idx, ws); // G₂ in p, H in h
    be.gemm(false, false, 1, p, w2, 0, dh); //        dH = G₂ W₂ (old W₂)
    be.sum(p, 0, ws.db2);
    if (keep !== 1) be.scale(keep, w2);
    be.gemm(true, false, -lr, p, h, 1, w2); //         W₂ ← W₂ − η G₂ᵀ H
    this.hiddenGradient(h, dh);
    be.sum(dh, 0, ws.db1);
    if (keep !== 1) be.scale(keep, w1);
    be.gemm(true, false, -lr, dh, xb, 1, w1); //       W₁ ← W₁ − η G₁ᵀ X
    for (const [b, g] of [
      [b1, ws.db1],
      [b2, ws.db2],
    ] as const)
      for (let i = 0; i < b.length; i++) b[i] = keep * b[i] - lr * g[i];
    return { loss, hits };
  }

  /** Loss and gradients on (x, y) at the current parameters, which are left unchanged. */
  gradient(x: Matrix, y: Labels): MlpGradients {
    const p = this.parameters;
    checkSamples('MlpClassifier.gradient', this.backend, x, p.w1.cols);
    checkLabels('MlpClassifier.gradient', y, x.rows, p.w2.rows);
    const ws = new Workspace(x.rows, x.cols, this.options.hidden, p.w2.rows);
    const { loss } = this.lossAndGradient(x, y, null, ws);
    return { loss, w1: ws.dw1, b1: ws.db1, w2: ws.dw2, b2: ws.db2 };
  }

  /** H = act(X W₁ᵀ + b₁) into h (B×K), P = softmax(H W₂ᵀ + b₂) into p (B×C). */
  private forward(x: Matrix, h: Matrix, p: Matrix): void {
    const be = this.backend;
    const { w1, b1, w2, b2 } = this.parameters;
    const a = this.options.activation;
    be.gemm(false, true, 1, x, w1, 0, h); //         Z₁ = X W₁ᵀ   (B×D · D×K → B×K)
    be.addRowVector(h, b1); //                        Z₁ += b₁
    if (a.name === 'softmax')
      be.softmaxRows(h, a.inverseTemperature, h); // H = softmax(T Z₁)
    else {
      const act = unaryOf(a)!;
      be.unary(act.op, h, h, act.p, act.q); //        H = act(Z₁)
    }
    be.gemm(false, true, 1, h, w2, 0, p); //          Z₂ = H W₂ᵀ   (B×K · K×C → B×C)
    be.addRowVector(p, b2); //                        Z₂ += b₂
    be.softmaxRows(p, 1, p); //                       P = softmax(Z₂)
  }

  /**
   * Forward pass and the output layer's error: H in ws.h, G₂ = (P − T)/B in ws.p (first B
   * rows); the loss and hits of the predictions before the step.
   */
  private outputGradient(
    xb: Matrix,
    y: Labels,
    idx: ArrayLike<number> | null,
    ws: Workspace,
  ): { loss: number; hits: number } {
    const B = xb.rows;
    const p = ws.p.sliceRows(0, B);
    this.forward(xb, ws.h.sliceRows(0, B), p);
    // G₂ = (P − T)/B (B×C), in place of P
    return softmaxOutputError(this.backend, p, y, idx, ws.t.sliceRows(0, B), ws.pred);
  }

  /** dH → G₁ = dH ∘ act'(Z₁) in place, from H (the softmax Jacobian for a softmax layer). */
  private hiddenGradient(h: Matrix, dh: Matrix): void {
    const a = this.options.activation;
    const grad = DIFFERENTIABLE[a.name];
    if (a.name === 'softmax') {
      // G₁ = T·H ∘ (dH − Σ_k dH_k H_k), the softmax Jacobian applied row by row
      this.backend.softmaxRowsBackward(h, dh, a.inverseTemperature, dh);
    } else if (grad) {
      this.backend.binary(grad, dh, h, dh); //        G₁ = dH ∘ act'(Z₁), from H (B×K)
    }
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
    const dh = ws.dh.sliceRows(0, B);
    const r = this.outputGradient(xb, y, idx, ws);
    be.gemm(true, false, 1, p, h, 0, ws.dw2); //      dW₂ = G₂ᵀ H  (C×B · B×K → C×K)
    be.sum(p, 0, ws.db2); //                          db₂ = Σ_rows G₂          (C)
    be.gemm(false, false, 1, p, w2, 0, dh); //        dH = G₂ W₂   (B×C · C×K → B×K)
    this.hiddenGradient(h, dh);
    be.gemm(true, false, 1, dh, xb, 0, ws.dw1); //    dW₁ = G₁ᵀ X  (K×B · B×D → K×D)
    be.sum(dh, 0, ws.db1); //                         db₁ = Σ_rows G₁          (K)
    return r;
  }

  private apply(ws: Workspace): void {
    const { w1, b1, w2, b2 } = this.parameters;
    this.adam.lr = this.currentLr;
    this.adam.step([w1, b1, w2, b2], [ws.dw1, ws.db1, ws.dw2, ws.db2]);
  }

  /** Class probabilities, samples × classes (in chunks, so N×K is never held at once). */
  predictProba(x: Matrix): Matrix {
    const { w1, w2 } = this.parameters;
    checkSamples('MlpClassifier.predictProba', this.backend, x, w1.cols);
    const out = Matrix.zeros(x.rows, w2.rows);
    const h = Matrix.zeros(Math.min(PREDICT_CHUNK, x.rows), this.options.hidden);
    for (let s = 0; s < x.rows; s += PREDICT_CHUNK) {
      const e = Math.min(s + PREDICT_CHUNK, x.rows);
      this.forward(x.sliceRows(s, e), h.sliceRows(0, e - s), out.sliceRows(s, e));
    }
    return out;
  }

  /**
   * Gradient of the mean cross-entropy with respect to the input (for PGD attacks):
   * out (B×D) ← G₁ W₁ with G₁ from the backward pass. Returns the loss.
   */
  inputGradient(x: Matrix, y: Labels, out: Matrix): number {
    const p = this.parameters;
    checkSamples('MlpClassifier.inputGradient', this.backend, x, p.w1.cols);
    checkLabels('MlpClassifier.inputGradient', y, x.rows, p.w2.rows);
    if (out.rows !== x.rows || out.cols !== x.cols) {
      throw new HebbError(
        `MlpClassifier.inputGradient: out is ${out.rows}×${out.cols}; it must be ${x.rows}×${x.cols} like x`,
      );
    }
    const ws = new Workspace(x.rows, x.cols, this.options.hidden, p.w2.rows);
    const { loss } = this.lossAndGradient(x, y, null, ws);
    // dX = G₁ W₁   (B×K · K×D → B×D); G₁ is left in ws.dh by the backward pass
    this.backend.gemm(false, false, 1, ws.dh, p.w1, 0, out);
    return loss;
  }

  /** w1, b1, w2, b2 (F32), samples_seen (F64) and the optimizer's moments (optimizer.*). */
  /** w1, b1, w2, b2 are put in place together (afterSetState), as one parameter set. */
  stateSlots(): TensorSlots {
    const K = this.options.hidden;
    const p = () => this.parameters;
    return {
      w1: tensor.matrix({ rows: K, get: () => p().w1 }),
      b1: tensor.vector({ length: K, get: () => p().b1 }),
      w2: tensor.matrix({ rows: this.options.classes, cols: K, get: () => p().w2 }),
      b2: tensor.vector({ length: sizeOf('w2', 0), get: () => p().b2 }),
      samples_seen: tensor.count({
        get: () => this.samplesSeen,
        set: (n) => (this.samplesSeen = n),
      }),
      optimizer: tensor.state({
        get: () => this.adam.getState(),
        set: (s) => (this.adam = this.newAdam().setState(s)),
      }),
    };
  }

  protected override afterSetState(v: StateValues): void {
    this.params = { w1: v.w1, b1: v.b1, w2: v.w2, b2: v.b2 } as Params;
  }
}

registerModel(MlpClassifier);

/** Per-batch buffers reused across steps. */
class Workspace {
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
