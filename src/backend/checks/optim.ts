// Checks of the fused Adam step (src/optim/adam.ts).
import { ValueError } from '../../errors.ts';
import { describeType, type Matrix } from '../matrix.ts';
import type { CheckGroup } from './types.ts';
import { distinct, finite, matrix, sameShape, scalar } from './validators.ts';

export const optimChecks = {
  adamUpdate(c, param, grad, m, v, h, direction) {
    matrix(c, 'param', param);
    matrix(c, 'grad', grad);
    matrix(c, 'm', m);
    matrix(c, 'v', v);
    sameShape(c, 'grad', grad, 'param', param);
    sameShape(c, 'm', m, 'param', param);
    sameShape(c, 'v', v, 'param', param);
    if (h === null || typeof h !== 'object') {
      throw new ValueError(`${c.k}: h must be an AdamStepParams object, got ${describeType(h)}`);
    }
    for (const f of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) scalar(c, f, h[f]);
    if (h.lr < 0 || h.eps < 0 || h.weightDecay < 0) {
      throw new ValueError(
        `${c.k}: lr, eps and weightDecay must be ≥ 0, got ${h.lr}, ${h.eps}, ${h.weightDecay}`,
      );
    }
    if (!(h.beta1 >= 0 && h.beta1 < 1 && h.beta2 >= 0 && h.beta2 < 1)) {
      throw new ValueError(
        `${c.k}: beta1 and beta2 must lie in [0, 1), got ${h.beta1} and ${h.beta2}`,
      );
    }
    if (!Number.isSafeInteger(h.step) || h.step < 1) {
      throw new ValueError(`${c.k}: step must be an integer ≥ 1 (counted from 1), got ${h.step}`);
    }
    finite(c, 'grad', grad);
    // The step reads and writes all four element by element: no two may share memory.
    const named: [string, Matrix][] = [
      ['param', param],
      ['grad', grad],
      ['m', m],
      ['v', v],
    ];
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        distinct(c, named[i][0], named[i][1], named[j][0], named[j][1]);
      }
    }
    if (direction !== undefined) {
      matrix(c, 'direction', direction);
      sameShape(c, 'direction', direction, 'param', param);
      for (const [name, x] of named) distinct(c, 'direction', direction, name, x);
    }
  },
} satisfies CheckGroup;
