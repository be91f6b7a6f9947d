// The supervised top layer of Krotov & Hopfield (PNAS 2019, Eq. 1 and the loss after it):
// c = tanh(β S h) on the hidden layer h, trained on Σ_α |c_α − t_α|^m with targets t = ±1
// (docs/math/krotov-hopfield.md). Adam in mini-batches, as the paper's top layer.
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel } from '../model/model.ts';
import {
  MAX_EPOCHS,
  boolean,
  describe,
  integer,
  number,
  seed,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { schedule, type Schedule } from '../model/schedule.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import { Adam } from '../optim/adam.ts';
import { checkLabels, type Labels } from '../readout/classifier-inputs.ts';
import { GradientClassifier } from '../readout/gradient-classifier.ts';

/** Options of PowerLossClassifier. */
export interface PowerLossClassifierOptions {
  /** β, the gain inside tanh (default 0.01). */
  beta?: number;
  /** m, the power of the loss |c − t|^m (default 6, the paper's MNIST). */
  m?: number;
  /** Adam's rate: a number or schedule (default linear:0.001, annealed to 0 over the fit). */
  lr?: number | Schedule | string;
  /** Mini-batch size (default 100). */
  batchSize?: number;
  /** Epochs of `fit` (default 100). */
  epochs?: number;
  /** Visit the samples in a seeded random order each epoch (default true). */
  shuffle?: boolean;
  /** Seeds the initial weights and the sample order (default 0). */
  seed?: number;
  /** Number of classes; default max label + 1 at the first fit. */
  classes?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

/** PowerLossClassifier.gradient's result. */
export interface PowerLossGradient {
  /** The mean power loss on the samples. */
  loss: number;
  /** ∂ℓ/∂S, classes × features. */
  weights: Matrix;
}

/** PowerLossClassifier's options: checks, defaults and help (the model's optionTable). */
export const POWER_LOSS_SPEC = {
  beta: describe(number({ gt: 0, default: 0.01 }), 'β, the gain inside tanh(β S h)'),
  m: describe(number({ min: 1, default: 6 }), "m, the loss's power |c − t|^m (the paper: 6)"),
  lr: describe(
    schedule({ default: { kind: 'linear', from: 1e-3 } }),
    'the rate of Adam: a number or schedule (default linear:0.001, to 0 over the fit)',
  ),
  batchSize: describe(integer({ min: 1, default: 100 }), 'mini-batch size'),
  epochs: describe(integer({ min: 1, max: MAX_EPOCHS, default: 100 }), 'epochs of fit'),
  shuffle: describe(
    boolean({ default: true }),
    'visit the samples in a seeded random order each epoch',
  ),
  seed: describe(seed(), 'seed of the initial weights and the sample order'),
  classes: describe(
    integer({ min: 2 }),
    'number of classes; default max label + 1 at the first fit',
  ),
  backend: backendOption(),
} satisfies Record<keyof PowerLossClassifierOptions, unknown>;

/**
 * Krotov & Hopfield's top layer: outputs c = tanh(β S h), S (classes × features), no bias,
 * trained with Adam on the mean over samples of Σ_α |c_α − t_α|^m, t_α = +1 for the label and −1
 * for the others. Give it the hidden layer already passed through its activation (the paper's
 * ReLU^n: `layer.transform(x, { activation: 'repu:4.5' })`). predict is the largest c.
 */
export class PowerLossClassifier extends GradientClassifier<Resolved<typeof POWER_LOSS_SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'PowerLossClassifier';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = POWER_LOSS_SPEC;
  private s: Matrix | null = null;
  private adam: Adam;

  constructor(options: PowerLossClassifierOptions = {}) {
    super(validateOptions('PowerLossClassifier', POWER_LOSS_SPEC, options));
    this.adam = this.newAdam();
  }

  get isFitted(): boolean {
    return this.s !== null;
  }

  /** S, classes × features (a live reference). */
  get weights(): Matrix {
    if (!this.s) throw this.notFitted('weights');
    return this.s;
  }

  get classes(): number {
    return this.weights.rows;
  }

  private newAdam(): Adam {
    return new Adam({ backend: this.backend });
  }

  /** GradientClassifier's hook (not exported). @internal */
  protected shape() {
    return this.s ? { features: this.s.cols, classes: this.s.rows } : undefined;
  }

  /** S ~ U(±1/√features), PyTorch's nn.Linear default; a fresh optimiser. */
  protected reset(features: number, classes: number): void {
    this.s = new Matrix(classes, features);
    const a = 1 / Math.sqrt(features);
    new Rng(this.options.seed, this.backend).fork(1).uniform(this.s.data, -a, a);
    this.adam = this.newAdam();
  }

  /** GradientClassifier's hook (not exported). @internal */
  protected trainBatch(
    xb: Matrix,
    y: Labels,
    rows: ArrayLike<number>,
  ): { loss: number; hits: number } {
    const g = new Matrix(this.s!.rows, this.s!.cols);
    const r = this.lossAndGradient(xb, y, rows, g);
    this.adam.lr = this.currentLr;
    this.adam.step([this.s!], [g]);
    return r;
  }

  /**
   * The mean loss on (x, y) and its gradient ∂ℓ/∂S (classes × features) at the current S,
   * without changing it (tests compare it with finite differences).
   */
  gradient(x: Matrix, y: Labels): PowerLossGradient {
    const s = this.weights;
    checkSamples('PowerLossClassifier.gradient', this.backend, x, s.cols);
    checkLabels('PowerLossClassifier.gradient', y, x.rows, s.rows);
    const g = new Matrix(s.rows, s.cols);
    const { loss } = this.lossAndGradient(x, y, null, g);
    return { loss, weights: g };
  }

  /** Forward and backward on a batch (labels y[idx[i]], or y[i]); ∂ℓ/∂S lands in g. */
  private lossAndGradient(
    xb: Matrix,
    y: Labels,
    idx: ArrayLike<number> | null,
    g: Matrix,
  ): { loss: number; hits: number } {
    const { beta, m } = this.options;
    const B = xb.rows;
    const C = this.s!.rows;
    const c = this.outputs(xb);
    let [loss, hits] = [0, 0];
    for (let i = 0; i < B; i++) {
      const label = y[idx ? idx[i] : i];
      let best = 0;
      for (let a = 1; a < C; a++) if (c.data[i * C + a] > c.data[i * C + best]) best = a;
      for (let a = 0; a < C; a++) {
        const at = i * C + a;
        const ca = c.data[at];
        const d = ca - (a === label ? 1 : -1);
        const ad = Math.abs(d);
        loss += ad ** m;
        // ∂/∂z of |c − t|^m with c = tanh(β z), averaged over the batch.
        c.data[at] = (m * ad ** (m - 1) * Math.sign(d) * beta * (1 - ca * ca)) / B;
      }
      if (best === label) hits++;
    }
    // ∂ℓ/∂S = Gᵀ H  (C×B · B×F)
    this.backend.gemm(true, false, 1, c, xb, 0, g);
    return { loss: loss / B, hits };
  }

  /** The outputs c = tanh(β S h), samples × classes. */
  outputs(x: Matrix): Matrix {
    const s = this.weights;
    checkSamples('PowerLossClassifier.outputs', this.backend, x, s.cols);
    const c = new Matrix(x.rows, s.rows);
    this.backend.gemm(false, true, this.options.beta, x, s, 0, c);
    this.backend.unary('tanh', c, c);
    return c;
  }

  /**
   * Class scores (c + 1)/2 scaled to sum to 1 per sample: an ordering for predict, not
   * calibrated probabilities (the loss is not a likelihood).
   */
  predictProba(x: Matrix): Matrix {
    const c = this.outputs(x);
    const C = c.cols;
    for (let i = 0; i < c.rows; i++) {
      let sum = 0;
      for (let a = 0; a < C; a++) sum += c.data[i * C + a] = (c.data[i * C + a] + 1) / 2;
      for (let a = 0; a < C; a++) c.data[i * C + a] = sum > 0 ? c.data[i * C + a] / sum : 1 / C;
    }
    return c;
  }

  /** Mean over samples of Σ_α |c_α − t_α|^m (the training loss) on (x, y). */
  powerLoss(x: Matrix, y: Labels): number {
    checkLabels('PowerLossClassifier.powerLoss', y, x.rows, this.classes);
    const c = this.outputs(x);
    let loss = 0;
    for (let i = 0; i < c.rows; i++)
      for (let a = 0; a < c.cols; a++)
        loss += Math.abs(c.data[i * c.cols + a] - (a === y[i] ? 1 : -1)) ** this.options.m;
    return loss / c.rows;
  }

  /** weights (F32 classes × features), samples_seen (F64) and the optimizer's moments. */
  stateSlots(): TensorSlots {
    return {
      weights: tensor.matrix({
        rows: this.options.classes,
        get: () => this.weights,
        set: (s) => (this.s = s),
      }),
      samples_seen: tensor.count({
        get: () => this.samplesSeen,
        set: (n) => (this.samplesSeen = n),
      }),
      optimizer: tensor.state({
        get: () => this.adam.getState(),
        set: (st) => (this.adam = this.newAdam().setState(st)),
      }),
    };
  }
}

registerModel(PowerLossClassifier);
