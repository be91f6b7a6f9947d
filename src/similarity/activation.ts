// SmActivation functions of similarity-matching networks, each paired with the regulariser F
// of SPEC §2 Eq. 8 (F'(r) = u − r where r = f(u)) and the output bounds a ≤ r ≤ b.
import type { UnaryOp } from '../backend/types.ts';
import { ValueError } from '../errors.ts';

export type SmActivationName = 'linear' | 'relu' | 'cappedRelu' | 'clip' | 'tanh' | 'shrink';
export const SM_ACTIVATION_NAMES: readonly SmActivationName[] = [
  'linear',
  'relu',
  'cappedRelu',
  'clip',
  'tanh',
  'shrink',
];

/** An activation by name; `lambda` is the threshold (cappedRelu, shrink), `cap` the ceiling (cappedRelu). */
export type SmActivationSpec =
  SmActivationName | { name: SmActivationName; lambda?: number; cap?: number };

export interface SmActivation {
  name: SmActivationName;
  /** The backend unary op and its parameters computing r = f(u). */
  op: UnaryOp;
  p: number;
  q: number;
  lambda: number;
  cap: number;
  /** Regulariser F(r) (Eq. 8), 0 at r = 0; only its sum ‖F(r)‖₁ enters cost and energy. */
  F(r: number): number;
}

/** Resolves and validates an activation spec. */
export function resolveSmActivation(spec: SmActivationSpec, where = 'activation'): SmActivation {
  const s = typeof spec === 'string' ? { name: spec } : spec;
  if (s === null || typeof s !== 'object' || !SM_ACTIVATION_NAMES.includes(s.name)) {
    throw new ValueError(
      `${where}: unknown activation ${JSON.stringify(spec)}; use one of ${SM_ACTIVATION_NAMES.join(', ')}`,
    );
  }
  const lambda = s.lambda ?? 0;
  const cap = s.cap ?? 1;
  if (!Number.isFinite(lambda) || lambda < 0) {
    throw new ValueError(`${where}: lambda must be a finite number ≥ 0, got ${lambda}`);
  }
  if (!(cap > 0) || !Number.isFinite(cap)) {
    throw new ValueError(`${where}: cap must be a finite number > 0, got ${cap}`);
  }
  const base = { name: s.name, lambda, cap };
  switch (s.name) {
    case 'linear':
      return { ...base, op: 'copy', p: 0, q: 0, F: () => 0 };
    case 'relu':
      return { ...base, op: 'relu', p: 0, q: 0, F: () => 0 };
    case 'clip':
      return { ...base, op: 'clip', p: 0, q: 1, F: () => 0 };
    case 'cappedRelu':
      return { ...base, op: 'cappedRelu', p: lambda, q: cap, F: (r) => lambda * r };
    case 'shrink':
      return { ...base, op: 'shrink', p: lambda, q: 0, F: (r) => lambda * Math.abs(r) };
    case 'tanh':
      // F'(r) = atanh(r) − r  ⇒  F(r) = r·atanh(r) + ½·ln(1 − r²) − r²/2.
      return {
        ...base,
        op: 'tanh',
        p: 0,
        q: 0,
        F: (r) => {
          const a = Math.min(Math.abs(r), 1 - 1e-7);
          return a * Math.atanh(a) + 0.5 * Math.log1p(-a * a) - 0.5 * a * a;
        },
      };
  }
}
