import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError } from '../errors.ts';
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
import { sizeOf, tensor, type TensorSlots } from '../model/state.ts';
import { Adam } from '../optim/adam.ts';
import {
  checkLabels,
  meanCrossEntropy,
  oneHotInto,
  softmaxOutputError,
  type Labels,
} from './classifier-inputs.ts';
import { GradientClassifier } from './gradient-classifier.ts';
import { dropoutInto } from './dropout.ts';

/** The Rng stream of the dropout masks (apart from the sample order and the init). */
const DROPOUT_STREAM = 7;

/** Options of SoftmaxClassifier. */
export interface SoftmaxClassifierOptions {
  /** Adam's rate: a number (constant) or schedule. Default step:0.001:0.5:15 (the paper's: 1e-3 halved every 15 epochs). */
  lr?: number | Schedule | string;
  /** Mini-batch size (default 64). */
  batchSize?: number;
  /** Epochs of `fit` (default 100, the paper's). */
  epochs?: number;
  /** Adam's L2 penalty (default 0). */
  weightDecay?: number;
  /** Visit the samples in a seeded random order each epoch (default true). */
  shuffle?: boolean;
  /** Seeds the sample order and a 'uniform' init (default 0). */
  seed?: number;
  /**
   * Initial W and b: 'zeros' (default; the loss is convex) or 'uniform', U(±1/√features) for
   * both, as PyTorch's nn.Linear (the authors' classifier).
   */
  init?: 'zeros' | 'uniform';
  /**
   * Probability of zeroing each input feature during training (inverted dropout: the kept ones
   * scaled by 1/(1 − p); none at inference). Default 0; the authors' deep read-out uses 0.5.
   */
  dropout?: number;
  /** Number of classes; default max label + 1 at the first fit. */
  classes?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  lr: describe(
    schedule({ default: { kind: 'step', from: 1e-3, factor: 0.5, every: 15 } }),
    "the rate of Adam: a number (constant) or schedule; the paper's: 1e-3 halved every 15 epochs (step:0.001:0.5:15)",
  ),
  batchSize: describe(integer({ min: 1, default: 64 }), 'mini-batch size'),
  epochs: describe(
    integer({ min: 1, max: MAX_EPOCHS, default: 100 }),
    "epochs of fit (the paper's: 100)",
  ),
  weightDecay: describe(number({ min: 0, default: 0 }), 'L2 penalty of Adam'),
  shuffle: describe(
    boolean({ default: true }),
    'visit the samples in a seeded random order each epoch',
  ),
  seed: describe(seed(), "seed of the sample order (and of a 'uniform' init)"),
  init: describe(
    oneOf(['zeros', 'uniform'] as const, { default: 'zeros' }),
    "initial weights and bias: 'zeros' (the loss is convex) or 'uniform' U(±1/√features), PyTorch's nn.Linear default",
  ),
  dropout: describe(
    number({ min: 0, max: 0.99, default: 0 }),
    'probability of zeroing each input feature in training (inverted dropout, as nn.Dropout)',
  ),
  classes: describe(
    integer({ min: 2 }),
    'number of classes; default max label + 1 at the first fit',
  ),
  backend: backendOption(),
} satisfies Record<keyof SoftmaxClassifierOptions, unknown>;

/**
 * Linear softmax classifier p = softmax(W h + b), W (classes × features), trained on
 * cross-entropy with Adam in mini-batches — the paper's 2-layer read-out (Adam, batch 64,
 * lr 0.001 halved every 15 epochs, 100 epochs) on the frozen layer's output. `fit` starts from
 * zero weights; `partialFit` continues with one pass over the rows given.
 */
export class SoftmaxClassifier extends GradientClassifier<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'SoftmaxClassifier';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  private w: Matrix | null = null;
  private b: Float32Array | null = null;
  private adam: Adam;
  private ws: Workspace | null = null;
  /** The dropout masks' stream (made at the first batch that drops). */
  private dropRng: Rng | null = null;

  constructor(options: SoftmaxClassifierOptions = {}) {
    super(validateOptions('SoftmaxClassifier', SPEC, options));
    this.adam = this.newAdam();
  }

  get isFitted(): boolean {
    return this.w !== null;
  }

  /** classes × features (a live reference; copy it before changing it). */
  get weights(): Matrix {
    return this.fittedW('weights');
  }

  /** The bias b, one per class (a live reference). */
  get bias(): Float32Array {
    this.fittedW('bias');
    return this.b as Float32Array;
  }

  get classes(): number {
    return this.fittedW('classes').rows;
  }

  /** Start from given parameters (e.g. someone else's); W is classes × features. */
  setParameters(weights: Matrix, bias: Float32Array): this {
    checkSamples('SoftmaxClassifier.setParameters', this.backend, weights, undefined, 'weights');
    if (!(bias instanceof Float32Array) || bias.length !== weights.rows) {
      throw new HebbError(
        `SoftmaxClassifier.setParameters: bias must be a Float32Array of length ${weights.rows} (one per class)`,
      );
    }
    this.w = weights.clone();
    this.b = bias.slice();
    this.adam = this.newAdam();
    this.samplesSeen = 0;
    return this;
  }

  private newAdam(): Adam {
    return new Adam({ weightDecay: this.options.weightDecay, backend: this.backend });
  }

  private fittedW(what: string): Matrix {
    if (!this.w) throw this.notFitted(what);
    return this.w;
  }

  /** GradientClassifier's hook (not exported). @internal */
  protected shape() {
    return this.w ? { features: this.w.cols, classes: this.w.rows } : undefined;
  }

  /** Zero (or PyTorch-like uniform) weights and a fresh optimiser. */
  protected reset(features: number, classes: number): void {
    this.w = Matrix.zeros(classes, features);
    this.b = new Float32Array(classes);
    this.dropRng = null;
    if (this.options.init === 'uniform') {
      const a = 1 / Math.sqrt(features);
      const rng = new Rng(this.options.seed, this.backend).fork(1);
      rng.uniform(this.w.data, -a, a);
      rng.uniform(this.b, -a, a);
    }
    this.adam = this.newAdam();
  }

  /** Buffers for a batch of B, reused while the shape stays. */
  private workspace(B: number, D: number, C: number): Workspace {
    const ws = this.ws;
    if (!ws || ws.p.rows < B || ws.dw.cols !== D || ws.p.cols !== C)
      this.ws = new Workspace(B, D, C);
    return this.ws!;
  }

  /** GradientClassifier's hook (not exported). @internal */
  protected trainBatch(
    xb: Matrix,
    y: Labels,
    rows: ArrayLike<number>,
  ): { loss: number; hits: number } {
    const ws = this.workspace(xb.rows, xb.cols, this.w!.rows);
    const p = this.options.dropout;
    if (p > 0) {
      // A fresh mask per batch, into a buffer: xb may be a view of the caller's rows.
      this.dropRng ??= new Rng(this.options.seed, this.backend).fork(DROPOUT_STREAM);
      xb = dropoutInto(xb, p, this.dropRng, ws.dropped(xb.rows));
    }
    const r = this.lossAndGradient(xb, y, rows, ws);
    this.adam.lr = this.currentLr;
    this.adam.step([this.w as Matrix, this.b as Float32Array], [ws.dw, ws.db]);
    return r;
  }

  /**
   * Loss and gradients of the mean cross-entropy on (x, y) at the current parameters, without
   * changing them (tests compare them with finite differences).
   */
  gradient(
    x: Matrix,
    y: Labels,
  ): {
    /** The mean cross-entropy. */
    loss: number;
    /** ∂ℓ/∂W, classes × features. */
    weights: Matrix;
    /** ∂ℓ/∂b, one per class. */
    bias: Float32Array;
  } {
    const w = this.fittedW('gradient');
    checkSamples('SoftmaxClassifier.gradient', this.backend, x, w.cols);
    checkLabels('SoftmaxClassifier.gradient', y, x.rows, w.rows);
    const ws = new Workspace(x.rows, x.cols, w.rows);
    const { loss } = this.lossAndGradient(x, y, null, ws);
    return { loss, weights: ws.dw, bias: ws.db };
  }

  /** Forward and backward on one batch (labels y[idx[i]], or y[i]); gradients land in ws. */
  private lossAndGradient(
    xb: Matrix,
    y: Labels,
    idx: ArrayLike<number> | null,
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
    // backward: G = (P − T)/B (B×C);  dW = Gᵀ X (C×B · B×D → C×D);  db = Σ_rows G (C)
    const { loss, hits } = softmaxOutputError(be, p, y, idx, t, ws.pred);
    be.gemm(true, false, 1, p, xb, 0, ws.dw);
    be.sum(p, 0, ws.db);
    return { loss, hits };
  }

  /** Logits W h + b (samples × classes). */
  decisionFunction(x: Matrix): Matrix {
    const w = this.fittedW('decisionFunction');
    checkSamples('SoftmaxClassifier.decisionFunction', this.backend, x, w.cols);
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

  /** weights, bias (F32), samples_seen (F64) and the optimizer's moments (optimizer.*). */
  stateSlots(): TensorSlots {
    return {
      weights: tensor.matrix({
        rows: this.options.classes,
        get: () => this.weights,
        set: (w) => (this.w = w),
      }),
      bias: tensor.vector({
        length: sizeOf('weights', 0),
        get: () => this.bias,
        set: (b) => (this.b = b),
      }),
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
}

registerModel(SoftmaxClassifier);

/** Per-batch buffers reused across steps. */
class Workspace {
  readonly p: Matrix;
  readonly t: Matrix;
  readonly dw: Matrix;
  readonly db: Float32Array;
  readonly pred: Int32Array;
  private drop: Matrix | null = null;
  /** A buffer for B rows of dropped-out features. */
  dropped(B: number): Matrix {
    if (!this.drop || this.drop.rows < B) this.drop = Matrix.zeros(B, this.dw.cols);
    return this.drop.sliceRows(0, B);
  }
  constructor(batch: number, features: number, classes: number) {
    this.p = Matrix.zeros(batch, classes);
    this.t = Matrix.zeros(batch, classes);
    this.dw = Matrix.zeros(classes, features);
    this.db = new Float32Array(classes);
    this.pred = new Int32Array(batch);
  }
}
