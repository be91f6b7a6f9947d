import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import { ValueError } from '../errors.ts';

/**
 * What a SoftHebb layer passes to the next layer (paper Appendix D): the posterior softmax
 * with some base, RePU max(a,0)^p, ReLU, sigmoid, tanh, "triangle" max(a − mean_k a, 0)^p
 * (Journé et al. 2023), the hard winner as a one-hot vector, or the linear pre-activation.
 * `a` is u + b (the bias is 0 when the layer has none).
 */
export type Activation =
  | { kind: 'softmax'; base: number }
  | { kind: 'repu'; power: number }
  | { kind: 'triangle'; power: number }
  | { kind: 'relu' | 'sigmoid' | 'tanh' | 'linear' | 'onehot' };

const SIMPLE = ['relu', 'sigmoid', 'tanh', 'linear', 'onehot'] as const;

/** Parses 'softmax:200', 'repu:4.5', 'triangle:1', 'relu', 'sigmoid', 'tanh', 'linear', 'onehot'. */
export function parseActivation(text: string): Activation {
  const [kind, arg] = text.split(':');
  const v = Number(arg);
  const need = (what: string) => {
    if (arg === undefined || !Number.isFinite(v) || v <= 0)
      throw new ValueError(
        `activation '${text}': ${kind} needs a positive ${what}, e.g. ${kind}:${kind === 'softmax' ? 200 : 4.5}`,
      );
  };
  if (kind === 'softmax') {
    need('base');
    if (v <= 1) throw new ValueError(`activation '${text}': the softmax base must be > 1`);
    return { kind, base: v };
  }
  if (kind === 'repu' || kind === 'triangle') {
    need('power');
    return { kind, power: v };
  }
  if ((SIMPLE as readonly string[]).includes(kind) && arg === undefined) {
    return { kind: kind as (typeof SIMPLE)[number] };
  }
  throw new ValueError(
    `unknown activation '${text}'; use softmax:BASE, repu:P, triangle:P, relu, sigmoid, tanh, linear or onehot`,
  );
}

export function formatActivation(a: Activation): string {
  if (a.kind === 'softmax') return `softmax:${a.base}`;
  if (a.kind === 'repu' || a.kind === 'triangle') return `${a.kind}:${a.power}`;
  return a.kind;
}

/** out ← act(a) row by row; out may be a. */
export function applyActivation(be: Backend, act: Activation, a: Matrix, out: Matrix): void {
  switch (act.kind) {
    case 'softmax':
      be.softmaxRows(a, Math.log(act.base), out);
      return;
    case 'repu':
      be.unary('repu', a, out, act.power);
      return;
    case 'triangle': {
      const mean = new Float32Array(a.rows);
      be.sum(a, 1, mean);
      if (out !== a) be.unary('copy', a, out);
      be.addColumnVector(out, mean, -1 / Math.max(1, a.cols));
      be.unary('repu', out, out, act.power);
      return;
    }
    case 'onehot': {
      const arg = new Int32Array(a.rows);
      be.argmaxRows(a, arg);
      out.data.fill(0);
      for (let i = 0; i < a.rows; i++) if (a.cols > 0) out.data[i * a.cols + arg[i]] = 1;
      return;
    }
    case 'linear':
      if (out !== a) be.unary('copy', a, out);
      return;
    default:
      be.unary(act.kind, a, out);
  }
}

/** A fresh matrix with act applied. */
export function activate(be: Backend, act: Activation, a: Matrix): Matrix {
  const out = new Matrix(a.rows, a.cols);
  applyActivation(be, act, a, out);
  return out;
}
