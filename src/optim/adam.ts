import { resolveBackend } from '../backend/registry.ts';
import { Matrix } from '../backend/matrix.ts';
import type { AdamStepParams, Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { backendOption } from '../model/model.ts';
import { boolean, describe, number, validateOptions } from '../model/params.ts';
import {
  collectState,
  restoreState,
  sizeOf,
  tensor,
  type ModelState,
  type TensorSlots,
} from '../model/state.ts';

/**
 * A trainable tensor: a Matrix, or a Float32Array (e.g. a bias vector), updated in place.
 *
 * @inline
 */
export type Param = Matrix | Float32Array;

/** Options of Adam. */
export interface AdamOptions {
  /** Learning rate (default 1e-3); settable later through `adam.lr` for schedules. */
  lr?: number;
  /** Decay of the first moment, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second moment, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to √v̂ (default 1e-8). */
  eps?: number;
  /** L2 penalty λ (default 0), added to the gradient like torch.optim.Adam. */
  weightDecay?: number;
  /** Decouple the decay from the gradient (AdamW): p ← p − lr·λ·p. Default false. */
  decoupledWeightDecay?: boolean;
  /** Where it computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  lr: describe(
    number({ min: 0, default: 1e-3 }),
    'learning rate (settable later through adam.lr, for schedules)',
  ),
  beta1: describe(number({ min: 0, lt: 1, default: 0.9 }), 'decay of the first moment, in [0, 1)'),
  beta2: describe(
    number({ min: 0, lt: 1, default: 0.999 }),
    'decay of the second moment, in [0, 1)',
  ),
  eps: describe(number({ min: 0, default: 1e-8 }), 'ε added to √v̂'),
  weightDecay: describe(
    number({ min: 0, default: 0 }),
    'L2 penalty λ ≥ 0, added to the gradient as torch.optim.Adam does',
  ),
  decoupledWeightDecay: describe(
    boolean({ default: false }),
    'decouple the decay from the gradient (AdamW): p ← p − lr·λ·p',
  ),
  backend: backendOption(),
} satisfies Record<keyof AdamOptions, unknown>;

function asMatrix(p: Param): Matrix {
  return p instanceof Matrix ? p : new Matrix(1, p.length, p);
}

function shapeOf(p: Param): string {
  return p instanceof Matrix ? `${p.rows}×${p.cols}` : `length ${p.length}`;
}

const EMPTY = new Matrix(1, 0);

/**
 * Adam (Kingma & Ba 2015) with bias correction, one fused backend pass per tensor
 * (Backend.adamUpdate). Parameters are addressed by their position in the list given to
 * `step`, so one optimizer serves one model; each slot keeps its own moments and step count
 * (like torch), created on first use from the gradient's size.
 *
 * ```ts
 * adam.step([W, b], [dW, db]);          // apply
 * adam.direction(0, dW, out);           // write Δ without applying it (moments advance)
 * ```
 */
export class Adam {
  /** The options Adam takes, with their checks, defaults and help. */
  static readonly optionTable = SPEC;
  /** Decay of the first moment. */
  readonly beta1: number;
  /** Decay of the second moment. */
  readonly beta2: number;
  /** ε added to √v̂. */
  readonly eps: number;
  /** Weight decay λ. */
  readonly weightDecay: number;
  /** Whether the decay is decoupled (AdamW). */
  readonly decoupledWeightDecay: boolean;
  /** The backend the updates run on. */
  readonly backend: Backend;
  private lrValue: number;
  private slots: ({ m: Matrix; v: Matrix; step: number } | undefined)[] = [];

  constructor(opts: AdamOptions = {}) {
    const o = validateOptions('Adam', SPEC, opts);
    this.lrValue = o.lr;
    this.beta1 = o.beta1;
    this.beta2 = o.beta2;
    this.eps = o.eps;
    this.weightDecay = o.weightDecay;
    this.decoupledWeightDecay = o.decoupledWeightDecay;
    this.backend = resolveBackend(o.backend, 'Adam');
  }

  private static checkLr(lr: number): void {
    if (!(typeof lr === 'number' && Number.isFinite(lr) && lr >= 0)) {
      throw new ValueError(`Adam: lr must be a finite number ≥ 0, got ${String(lr)}`);
    }
  }

  /** The learning rate of the next step. */
  get lr(): number {
    return this.lrValue;
  }

  /** Change the learning rate (schedules); takes effect at the next step. */
  set lr(value: number) {
    Adam.checkLr(value);
    this.lrValue = value;
  }

  /** Steps taken on slot i (0 before its first). */
  stepCount(i = 0): number {
    return this.slots[i]?.step ?? 0;
  }

  private slot(i: number, grad: Matrix): { m: Matrix; v: Matrix; step: number } {
    if (!Number.isInteger(i) || i < 0) {
      throw new ValueError(`Adam: slot index must be a non-negative integer, got ${i}`);
    }
    let s = this.slots[i];
    if (!s) {
      s = { m: Matrix.zeros(grad.rows, grad.cols), v: Matrix.zeros(grad.rows, grad.cols), step: 0 };
      this.slots[i] = s;
    } else if (s.m.size !== grad.size) {
      throw new ShapeError(
        `Adam: parameter ${i} had ${s.m.size} values at its first step but its gradient now has ${grad.size}; ` +
          'pass the parameters in the same order every step, or create a new Adam',
      );
    }
    return s;
  }

  private hyper(step: number): AdamStepParams {
    return {
      lr: this.lrValue,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      decoupled: this.decoupledWeightDecay,
      step,
    };
  }

  /** One Adam step on every parameter: params[i] ← params[i] + Δ(grads[i]). */
  step(params: readonly Param[], grads: readonly Param[]): void {
    if (params.length !== grads.length) {
      throw new ShapeError(
        `Adam.step: ${params.length} parameters but ${grads.length} gradients; pass one gradient per parameter`,
      );
    }
    for (let i = 0; i < params.length; i++) {
      const p = asMatrix(params[i]);
      const g = asMatrix(grads[i]);
      if (p.size !== g.size) {
        throw new ShapeError(
          `Adam.step: parameter ${i} is ${shapeOf(params[i])} but its gradient is ${shapeOf(grads[i])}`,
        );
      }
      const s = this.slot(i, g);
      const gv = g.rows === p.rows ? g : g.reshape(p.rows, p.cols);
      this.backend.adamUpdate(
        p,
        gv,
        s.m.reshape(p.rows, p.cols),
        s.v.reshape(p.rows, p.cols),
        this.hyper(s.step + 1),
      );
      s.step++;
    }
  }

  /**
   * Adam's step for slot i written to `out` (same size as grad) without changing any
   * parameter; the slot's moments and step count advance as in `step`. `param` is read only
   * for weight decay (required when weightDecay > 0).
   */
  direction(i: number, grad: Param, out: Param, param?: Param): void {
    const g = asMatrix(grad);
    const o = asMatrix(out);
    if (o.size !== g.size) {
      throw new ShapeError(
        `Adam.direction: out is ${shapeOf(out)} but the gradient is ${shapeOf(grad)}; they must have the same size`,
      );
    }
    let p: Matrix;
    if (param !== undefined) {
      p = asMatrix(param);
      if (p.size !== g.size) {
        throw new ShapeError(
          `Adam.direction: param is ${shapeOf(param)} but the gradient is ${shapeOf(grad)}`,
        );
      }
    } else if (this.weightDecay > 0) {
      throw new ValueError('Adam.direction: weightDecay > 0 needs the parameter; pass it as param');
    } else {
      p = Matrix.zeros(g.rows, g.cols);
    }
    const s = this.slot(i, g);
    const shape = (x: Matrix): Matrix => (x.rows === g.rows ? x : x.reshape(g.rows, g.cols));
    this.backend.adamUpdate(shape(p), g, shape(s.m), shape(s.v), this.hyper(s.step + 1), shape(o));
    s.step++;
  }

  /**
   * The moments and step counts as named tensors — m.i, v.i (F32) and step.i (F64) for each
   * slot i used so far — for checkpoints; setState continues bit for bit.
   */
  getState(): ModelState {
    return collectState(this.tensors(this.slots));
  }

  /** Restores what getState returned (an empty state: a fresh start). */
  setState(state: ModelState): this {
    const slots: typeof this.slots = [];
    for (const key of Object.keys(state ?? {})) {
      const m = /^step\.(\d+)$/.exec(key);
      if (m) slots[Number(m[1])] = { m: EMPTY, v: EMPTY, step: 0 };
    }
    restoreState('Adam.setState', this.tensors(slots), state);
    this.slots = slots;
    return this;
  }

  /** The tensors of each slot, read from and restored into `slots`. */
  private tensors(slots: typeof this.slots): TensorSlots {
    const out: TensorSlots = {};
    slots.forEach((s, i) => {
      if (!s) return;
      const row = (a: Float32Array) => new Matrix(1, a.length, a);
      out[`m.${i}`] = tensor.vector({ get: () => s.m.data, set: (m) => (s.m = row(m)) });
      out[`v.${i}`] = tensor.vector({
        length: sizeOf(`m.${i}`),
        get: () => s.v.data,
        set: (v) => (s.v = row(v)),
      });
      out[`step.${i}`] = tensor.count({ get: () => s.step, set: (n) => (s.step = n) });
    });
    return out;
  }

  /** Forget all moments (a fresh start with the same settings). */
  reset(): void {
    this.slots = [];
  }
}
