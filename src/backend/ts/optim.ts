import type { Matrix } from '../matrix.ts';
import type { AdamStepParams } from '../types.ts';

/**
 * Scalars of one Adam step that every backend derives the same way, in TypeScript (so that
 * Math.pow is evaluated once, identically, and native code only does + − × ÷ √).
 */
export interface AdamScalars {
  /** λ added to the gradient (coupled L2), else 0. */
  l2: number;
  /** lr·λ for decoupled decay, else 0. */
  decay: number;
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  sqrtBc2: number;
}

export function adamScalars(h: AdamStepParams): AdamScalars {
  return {
    l2: h.decoupled ? 0 : h.weightDecay,
    decay: h.decoupled ? h.lr * h.weightDecay : 0,
    stepSize: h.lr / (1 - Math.pow(h.beta1, h.step)),
    sqrtBc2: Math.sqrt(1 - Math.pow(h.beta2, h.step)),
  };
}

/** Portable fused Adam step; see Backend.adamUpdate. Float64 per element, float32 storage. */
export function adamUpdateTs(
  param: Matrix,
  grad: Matrix,
  m: Matrix,
  v: Matrix,
  h: AdamStepParams,
  direction?: Matrix,
): void {
  const { l2, decay, stepSize, sqrtBc2 } = adamScalars(h);
  const b1 = h.beta1;
  const b2 = h.beta2;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const eps = h.eps;
  const p = param.data;
  const g = grad.data;
  const md = m.data;
  const vd = v.data;
  const dir = direction?.data;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i] + l2 * p[i];
    const mi = Math.fround(b1 * md[i] + c1 * gi);
    const vi = Math.fround(b2 * vd[i] + c2 * gi * gi);
    md[i] = mi;
    vd[i] = vi;
    const d = (-stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
    if (dir) dir[i] = d;
    else p[i] = p[i] - decay * p[i] + d;
  }
}
