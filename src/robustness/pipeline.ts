// A classifier as a chain of differentiable stages: the same forward pass the models run at
// inference, and the gradient of the cross-entropy with respect to the input (what attacks
// need). Every stage computes on the backend.
import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import { ShapeError, ValueError } from '../errors.ts';
import {
  applyActivation,
  DIFFERENTIABLE,
  formatActivation,
  type Activation,
} from '../model/activation.ts';
import { count } from '../model/wording.ts';

/**
 * Reusable outputs: `take(slot, rows, cols)` gives a rows × cols view of a buffer kept for that
 * slot, grown when needed and never zero-filled (every kernel writing into it overwrites all of
 * it). An attack calls a network hundreds of times on shrinking batches; fresh zeroed matrices
 * of B × units each time cost a memory pass per allocation.
 */
class Scratch {
  private bufs = new Map<string, Float32Array>();
  take(slot: string, rows: number, cols: number): Matrix {
    const n = rows * cols;
    let b = this.bufs.get(slot);
    if (!b || b.length < n) {
      b = new Float32Array(n);
      this.bufs.set(slot, b);
    }
    return new Matrix(rows, cols, b.subarray(0, n));
  }
}

/** One differentiable step of a Pipeline: forward, and backward through it. */
export interface Stage {
  /** What it is, e.g. 'normalize' or 'linear'. */
  readonly name: string;
  /** out = f(x); keeps what backward needs. */
  forward(x: Matrix): Matrix;
  /**
   * dL/dx from dL/dout, for the inputs of the last forward. `sparse`: g is mostly exact zeros
   * (the next stage's `sparseGradient`), which a linear stage's GEMM can skip.
   */
  backward(g: Matrix, sparse?: boolean): Matrix;
  /** Whether backward's result is mostly exact zeros (a ReLU's, wherever its input was ≤ 0). */
  readonly sparseGradient?: boolean;
}

/** x ↦ x / max(‖x‖, eps) per row (SoftHebb's input normalisation). */
export function normalizeStage(be: Backend, eps = 1e-12): Stage {
  const ws = new Scratch();
  // The input itself (not a copy): callers keep it unchanged until backward has run.
  let input: Matrix | null = null;
  return {
    name: 'normalize',
    forward(x) {
      input = x;
      const xhat = ws.take('xhat', x.rows, x.cols);
      be.normalizeRows(x, xhat, eps);
      return xhat;
    },
    // d(x/‖x‖) = (g − x̂ (x̂·g)) / ‖x‖, one fused pass
    backward(g) {
      const out = ws.take('dx', g.rows, g.cols);
      be.normalizeRowsBackward(input!, g, out, eps);
      return out;
    },
  };
}

/** x ↦ x Wᵀ + b with W (out × in). */
export function linearStage(be: Backend, w: Matrix, b?: Float32Array | null): Stage {
  const ws = new Scratch();
  if (b && b.length !== w.rows) {
    throw new ShapeError(`linearStage: bias has ${b.length} entries for ${w.rows} outputs`);
  }
  return {
    name: `linear ${w.cols}→${w.rows}`,
    forward(x) {
      if (x.cols !== w.cols) {
        throw new ShapeError(`linearStage: inputs have ${x.cols} columns, the weights ${w.cols}`);
      }
      const out = ws.take('y', x.rows, w.rows);
      be.gemm(false, true, 1, x, w, 0, out);
      if (b) be.addRowVector(out, b);
      return out;
    },
    backward(g, sparse) {
      const out = ws.take('dx', g.rows, w.cols);
      if (sparse) be.gemmSparseA(1, g, w, 0, out);
      else be.gemm(false, false, 1, g, w, 0, out);
      return out;
    },
  };
}

/**
 * An activation of the shared vocabulary with its derivative. 'onehot' (hard WTA) has none —
 * its gradient is zero almost everywhere, and an attack on it would measure nothing: run a
 * hard-WTA layer with softmax at inference, as the paper does.
 */
export function activationStage(be: Backend, act: Activation): Stage {
  const ws = new Scratch();
  let u: Matrix | null = null;
  let h: Matrix | null = null;
  const name = formatActivation(act);
  if (!['linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'repu', 'triangle'].includes(act.name)) {
    throw new ValueError(
      `activationStage: '${name}' has no useful gradient; use linear, relu, tanh, sigmoid, softmax:T, repu:P or triangle:P` +
        (act.name === 'onehot' ? ' (run a hard-WTA layer with softmax at inference)' : ''),
    );
  }
  if ((act.name === 'repu' || act.name === 'triangle') && act.power < 1) {
    throw new ValueError(
      `activationStage: '${name}' has an infinite slope at 0 (power < 1); use a power ≥ 1`,
    );
  }
  /** p·max(a, 0)^(p−1) on a > 0, else 0 (repu is already 0 there, p − 1 = 0 included). */
  const powerSlope = (a: Matrix, p: number): Matrix => {
    const d = ws.take('slope', a.rows, a.cols);
    be.unary('repu', a, d, p - 1);
    be.scale(p, d);
    return d;
  };
  return {
    name,
    // Zero wherever u ≤ 0: in a trained MNIST MLP's hidden layer, about two thirds of entries.
    sparseGradient: act.name === 'relu' || act.name === 'repu',
    forward(x) {
      u = x;
      h = ws.take('h', x.rows, x.cols);
      applyActivation(be, act, x, h);
      return h;
    },
    backward(g) {
      const out = ws.take('du', g.rows, g.cols);
      switch (act.name) {
        case 'linear':
          be.unary('copy', g, out);
          return out;
        case 'relu':
        case 'tanh':
        case 'sigmoid':
          be.binary(DIFFERENTIABLE[act.name]!, g, h!, out);
          return out;
        case 'softmax':
          // t·h∘(g − Σ_k g_k h_k), one fused pass
          be.softmaxRowsBackward(h!, g, act.inverseTemperature, out);
          return out;
        case 'repu': {
          const d = powerSlope(u!, act.power);
          be.binary('mul', d, g, out);
          return out;
        }
        case 'triangle': {
          // h = max(a, 0)^p with a = u − mean(u): q = g∘p·a^(p−1), dL/du = q − mean(q)
          const a = ws.take('a', u!.rows, u!.cols);
          const m = new Float32Array(u!.rows);
          be.sum(u!, 1, m);
          be.unary('copy', u!, a);
          be.addColumnVector(a, m, -1 / u!.cols);
          const d = powerSlope(a, act.power);
          be.binary('mul', d, g, out);
          be.sum(out, 1, m);
          be.addColumnVector(out, m, -1 / out.cols);
          return out;
        }
        default:
          throw new ValueError(`activationStage: no derivative for '${name}'`);
      }
    },
  };
}

/** Per-feature (x − mean) / std, as a read-out's standardiser applies it. */
export function standardizeStage(be: Backend, mean: Float32Array, std: Float32Array): Stage {
  if (mean.length !== std.length) {
    throw new ShapeError('standardizeStage: mean and std must have the same length');
  }
  const inv = new Matrix(
    1,
    std.length,
    std.map((s) => 1 / s),
  );
  const negMean = mean.map((m) => -m);
  const scaleCols = (x: Matrix) => {
    const s = Matrix.zeros(x.rows, x.cols);
    be.addRowVector(s, inv.data);
    be.binary('mul', x, s, s);
    return s;
  };
  return {
    name: 'standardize',
    forward(x) {
      if (x.cols !== mean.length) {
        throw new ShapeError(`standardizeStage: ${x.cols} features, statistics for ${mean.length}`);
      }
      const c = new Matrix(x.rows, x.cols);
      be.unary('copy', x, c);
      be.addRowVector(c, negMean);
      return scaleCols(c);
    },
    backward: scaleCols,
  };
}

/** Pipeline.lossGradient's result. */
export interface LossGradient {
  /** Cross-entropy of each sample. */
  loss: Float32Array;
  /** dL_t/dx_t for every sample t (B × inputs). */
  grad: Matrix;
  /** The logits, B × classes. */
  logits: Matrix;
}

/** A classifier: stages from the input to the logits. */
export class Pipeline {
  constructor(
    /** The backend every stage computes on. */
    readonly backend: Backend,
    /** The stages, input first, logits last. */
    readonly stages: Stage[],
    /** Input features per sample. */
    readonly inputs: number,
  ) {
    if (stages.length === 0) throw new ValueError('Pipeline: needs at least one stage');
  }

  /** The logits (a fresh matrix). */
  logits(x: Matrix): Matrix {
    return this.forward(x).clone();
  }

  /** The stages' own output (reused by the next call). */
  private forward(x: Matrix): Matrix {
    if (x.cols !== this.inputs) {
      throw new ShapeError(
        `Pipeline: inputs have ${x.cols} columns, the network takes ${this.inputs}`,
      );
    }
    let h = x;
    for (const s of this.stages) h = s.forward(h);
    return h;
  }

  /** The class of each sample: the largest logit. */
  predict(x: Matrix): Int32Array {
    const z = this.forward(x);
    const out = new Int32Array(x.rows);
    this.backend.argmaxRows(z, out);
    return out;
  }

  /**
   * Cross-entropy of softmax(logits) against labels y, and its gradient per input. With
   * `copy: false` the gradient is the first stage's own buffer, valid until the next call
   * (for loops that use it at once, as attacks do).
   */
  lossGradient(x: Matrix, y: ArrayLike<number>, { copy = true } = {}): LossGradient {
    if (y.length !== x.rows) {
      throw new ShapeError(`Pipeline: ${count(y.length, 'label')} for ${count(x.rows, 'sample')}`);
    }
    const be = this.backend;
    const z = this.forward(x).clone();
    const p = new Matrix(z.rows, z.cols);
    be.softmaxRows(z, 1, p);
    const loss = new Float32Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      const k = y[i];
      if (!(Number.isInteger(k) && k >= 0 && k < z.cols)) {
        throw new ValueError(`Pipeline: label ${k} of sample ${i} is not a class 0..${z.cols - 1}`);
      }
      loss[i] = -Math.log(Math.max(p.data[i * z.cols + k], 1e-30));
      p.data[i * z.cols + k] -= 1; // softmax − one-hot
    }
    let g = p;
    for (let s = this.stages.length - 1; s >= 0; s--)
      g = this.stages[s].backward(g, this.stages[s + 1]?.sparseGradient);
    return { loss, grad: copy ? g.clone() : g, logits: z };
  }
}
