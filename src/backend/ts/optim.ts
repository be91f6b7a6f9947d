import type { Matrix } from '../matrix.ts';
import type { AdamStepParams } from '../types.ts';
import type { KernelGroup } from '../kernels/methods.ts';

/**
 * Scalars of one Adam step that every backend derives the same way, in TypeScript (so that
 * Math.pow is evaluated once, identically), each rounded to float32: the per-element
 * arithmetic is float32 on every backend (native vectorises it; here each operation is
 * rounded with Math.fround, which gives the same bits for + − × ÷ √).
 */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  /** 1 − β₁ and 1 − β₂. */
  c1: number;
  c2: number;
  eps: number;
  /** λ added to the gradient (coupled L2), else 0. */
  l2: number;
  /** lr·λ for decoupled decay, else 0. */
  decay: number;
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  sqrtBc2: number;
}

const f = Math.fround;

export function adamScalars(h: AdamStepParams): AdamScalars {
  return {
    beta1: f(h.beta1),
    beta2: f(h.beta2),
    c1: f(1 - h.beta1),
    c2: f(1 - h.beta2),
    eps: f(h.eps),
    l2: f(h.decoupled ? 0 : h.weightDecay),
    decay: f(h.decoupled ? h.lr * h.weightDecay : 0),
    stepSize: f(h.lr / (1 - Math.pow(h.beta1, h.step))),
    sqrtBc2: f(Math.sqrt(1 - Math.pow(h.beta2, h.step))),
  };
}

/** Portable fused Adam step; see Backend.adamUpdate. Float32 arithmetic, as native. */
export function adamUpdateTs(
  param: Matrix,
  grad: Matrix,
  m: Matrix,
  v: Matrix,
  h: AdamStepParams,
  direction?: Matrix,
): void {
  const { beta1: b1, beta2: b2, c1, c2, eps, l2, decay, stepSize, sqrtBc2 } = adamScalars(h);
  const p = param.data;
  const g = grad.data;
  const md = m.data;
  const vd = v.data;
  const dir = direction?.data;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = p[i];
    const gi = f(g[i] + f(l2 * pi));
    const mi = f(f(b1 * md[i]) + f(c1 * gi));
    const vi = f(f(b2 * vd[i]) + f(f(c2 * gi) * gi));
    md[i] = mi;
    vd[i] = vi;
    const d = f(f(-stepSize * mi) / f(f(f(Math.sqrt(vi)) / sqrtBc2) + eps));
    if (dir) dir[i] = d;
    else p[i] = f(pi - f(decay * pi)) + d;
  }
}

/** The optimiser kernels of the portable backend. */
export const optimKernels = {
  adamUpdate: adamUpdateTs,
} satisfies KernelGroup;
