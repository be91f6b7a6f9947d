// The activations similarity matching accepts (those with a regulariser F, docs/math/
// similarity-matching.md: F'(r) = u − r where r = f(u), and output bounds a ≤ r ≤ b), taken
// from the shared vocabulary in src/model/activation.ts.
import type { UnaryOp } from '../backend/types.ts';
import {
  parseActivation,
  unaryOf,
  type Activation,
  type ActivationName,
} from '../model/activation.ts';

/** The activations a similarity-matching layer takes: those with a regulariser F. */
export const SM_ACTIVATIONS: readonly ActivationName[] = [
  'linear',
  'relu',
  'cappedRelu',
  'clip',
  'tanh',
  'shrink',
];

/** An activation resolved for a similarity-matching layer. */
export interface SmActivation {
  /** Which activation. */
  name: ActivationName;
  /** The backend unary op and its parameters computing r = f(u). */
  op: UnaryOp;
  /** The op's first parameter. */
  p: number;
  /** The op's second parameter. */
  q: number;
  /** Regulariser F(r) (Eq. 8), 0 at r = 0; only its sum ‖F(r)‖₁ enters cost and energy. */
  F(r: number): number;
}

/** Resolves and validates an activation (text or object) for a similarity-matching layer. */
export function resolveSmActivation(spec: string | Activation, where = 'activation'): SmActivation {
  const a = parseActivation(spec, SM_ACTIVATIONS, where);
  const { op, p, q } = unaryOf(a)!;
  const base = { name: a.name, op, p, q };
  switch (a.name) {
    case 'cappedRelu':
      return { ...base, F: (r) => a.threshold * r };
    case 'shrink':
      return { ...base, F: (r) => a.threshold * Math.abs(r) };
    case 'tanh':
      // F'(r) = atanh(r) − r  ⇒  F(r) = r·atanh(r) + ½·ln(1 − r²) − r²/2.
      return {
        ...base,
        F: (r) => {
          const v = Math.min(Math.abs(r), 1 - 1e-7);
          return v * Math.atanh(v) + 0.5 * Math.log1p(-v * v) - 0.5 * v * v;
        },
      };
    default:
      // linear, relu, clip: F = 0 inside the bounds.
      return { ...base, F: () => 0 };
  }
}
