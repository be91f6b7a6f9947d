// Checks of the linear SVM read-out's dual coordinate descent (src/readout/linear-svc.ts).
// Native code indexes every array by these lengths and trusts the labels and state.
import { ShapeError, ValueError } from '../../errors.ts';
import { describeType } from '../matrix.ts';
import type { SvcDualProblem } from '../types.ts';
import type { CheckGroup } from './types.ts';
import { dims, matrix, scalar, type Ctx } from './validators.ts';

function svcProblem(c: Ctx, name: string, p: SvcDualProblem, n: number, d: number): void {
  const k = c.k;
  if (p === null || typeof p !== 'object') {
    throw new ValueError(`${k}: ${name} must be an SvcDualProblem object, got ${describeType(p)}`);
  }
  const typed = (f: string, v: unknown, ctor: { name: string }, len: number, what: string) => {
    if (!(v instanceof (ctor as typeof Float64Array)) || (v as Float64Array).length !== len) {
      throw new ShapeError(
        `${k}: ${name}.${f} must be a ${ctor.name} of length ${len} (${what}), got ${describeType(v)}` +
          ` of length ${(v as { length?: number } | null)?.length}`,
      );
    }
  };
  typed('y', p.y, Int8Array, n, 'one ±1 label per sample');
  typed('alpha', p.alpha, Float64Array, n, 'one dual variable per sample');
  typed('w', p.w, Float64Array, d + 1, 'one weight per feature plus the bias weight');
  typed('active', p.active, Uint8Array, n, '1 for the active samples, 0 for those shrunk');
  typed('state', p.state, Float64Array, 3, '[active count, pgMaxOld, pgMinOld]');
  const active = p.state[0];
  if (!Number.isInteger(active) || active < 0 || active > n) {
    throw new ValueError(
      `${k}: ${name}.state[0] (active count) must be an integer in [0, ${n}], got ${active}`,
    );
  }
  if (Number.isNaN(p.state[1]) || Number.isNaN(p.state[2])) {
    throw new ValueError(
      `${k}: ${name}.state[1..2] (pgMaxOld, pgMinOld) must not be NaN; start with [N, Infinity, -Infinity]`,
    );
  }
  for (const f of ['diagPos', 'diagNeg'] as const) {
    const v = p[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new ValueError(
        `${k}: ${name}.${f} must be a finite number > 0 (0.5 / C), got ${String(v)}`,
      );
    }
  }
  let on = 0;
  for (let i = 0; i < n; i++) {
    if (p.active[i] !== 0) on++;
    const y = p.y[i];
    if (y !== 1 && y !== -1)
      throw new ValueError(`${k}: ${name}.y[${i}] must be +1 or −1, got ${y}`);
    const a = p.alpha[i];
    if (!(a >= 0) || a === Infinity) {
      throw new ValueError(`${k}: ${name}.alpha[${i}] must be finite and ≥ 0, got ${a}`);
    }
  }
  if (on !== active) {
    throw new ValueError(
      `${k}: ${name}.state[0] = ${active} but ${on} samples are marked active; keep them in step`,
    );
  }
  for (let j = 0; j <= d; j++) {
    if (!Number.isFinite(p.w[j])) {
      throw new ValueError(`${k}: ${name}.w[${j}] is ${p.w[j]}; the weights must be finite`);
    }
  }
}

export const linearSvcChecks = {
  svcDualEpoch(c, x, sqNorms, bias, order, problems) {
    const k = c.k;
    matrix(c, 'X', x);
    const n = x.rows;
    if (!(sqNorms instanceof Float64Array) || sqNorms.length !== n) {
      throw new ShapeError(
        `${k}: sqNorms must be a Float64Array of length ${n} (‖x_i‖² per row of X ${dims(x)}), got ${describeType(sqNorms)} of length ${(sqNorms as { length?: number })?.length}`,
      );
    }
    scalar(c, 'bias', bias);
    if (bias < 0) throw new ValueError(`${k}: bias must be ≥ 0 (0: no intercept), got ${bias}`);
    if (!Array.isArray(problems)) {
      throw new ValueError(
        `${k}: problems must be an array of SvcDualProblem, got ${describeType(problems)}`,
      );
    }
    if (!(order instanceof Int32Array)) {
      throw new ValueError(
        `${k}: order must be an Int32Array of sample indices, got ${describeType(order)}`,
      );
    }
    for (let s = 0; s < order.length; s++) {
      if (!(order[s] >= 0 && order[s] < n)) {
        throw new ValueError(`${k}: order[${s}] = ${order[s]} is not a sample index in [0, ${n})`);
      }
    }
    problems.forEach((p, t) => svcProblem(c, `problems[${t}]`, p, n, x.cols));
    // Problems update their arrays in place, one after another per sample: none may share one.
    const seen = new Set<unknown>();
    for (const p of problems) {
      for (const a of [p.alpha, p.w, p.active, p.state]) {
        if (seen.has(a)) {
          throw new ValueError(
            `${k}: two problems share one alpha, w, active or state array; give each problem its own`,
          );
        }
        seen.add(a);
      }
    }
  },
} satisfies CheckGroup;
