// Checks of the reductions: per row (softmax, norms, argmax and their backward passes) and over
// a whole matrix.
import { ShapeError, ValueError } from '../../errors.ts';
import type { Matrix } from '../matrix.ts';
import type { CheckGroup } from './types.ts';
import {
  dims,
  finite,
  matrix,
  positive,
  sameShape,
  scalar,
  vector,
  type Ctx,
} from './validators.ts';

/** A reduction over axis 0 (one value per column) or 1 (one per row) into out. */
function sumOverAxis(c: Ctx, a: Matrix, axis: 0 | 1, out: Float32Array): void {
  matrix(c, 'a', a);
  if (axis !== 0 && axis !== 1)
    throw new ValueError(
      `${c.k}: axis must be 0 (over rows) or 1 (over columns), got ${String(axis)}`,
    );
  const len = axis === 0 ? a.cols : a.rows;
  const why = axis === 0 ? 'one sum per column' : 'one sum per row';
  vector(c, 'out', out, Float32Array, len, why);
}

export const reduceChecks = {
  softmaxRows(c, a, t, out) {
    matrix(c, 'a', a);
    matrix(c, 'out', out);
    sameShape(c, 'a', a, 'out', out);
    scalar(c, 'inverseTemperature', t);
    finite(c, 'a', a);
    if (a.rows > 0 && a.cols === 0)
      throw new ShapeError(`${c.k}: a is ${dims(a)}; a softmax needs at least one column`);
  },
  softmaxRowsBackward(c, h, g, t, out) {
    matrix(c, 'h', h);
    matrix(c, 'g', g);
    matrix(c, 'out', out);
    sameShape(c, 'h', h, 'g', g);
    sameShape(c, 'h', h, 'out', out);
    scalar(c, 'inverseTemperature', t);
    finite(c, 'g', g);
  },
  rowNorms(c, a, out) {
    matrix(c, 'a', a);
    vector(c, 'out', out, Float32Array, a.rows, 'one norm per row');
  },
  normalizeRows(c, a, out, eps = 1e-12) {
    matrix(c, 'a', a);
    matrix(c, 'out', out);
    sameShape(c, 'a', a, 'out', out);
    positive(c, 'eps', eps);
    finite(c, 'a', a);
    return [a, out, eps];
  },
  normalizeRowsBackward(c, a, g, out, eps = 1e-12) {
    matrix(c, 'a', a);
    matrix(c, 'g', g);
    matrix(c, 'out', out);
    sameShape(c, 'a', a, 'g', g);
    sameShape(c, 'a', a, 'out', out);
    positive(c, 'eps', eps);
    finite(c, 'g', g);
    return [a, g, out, eps];
  },
  argmaxRows(c, a, out) {
    matrix(c, 'a', a);
    vector(c, 'out', out, Int32Array, a.rows, 'one index per row');
    if (a.rows > 0 && a.cols === 0)
      throw new ShapeError(`${c.k}: a is ${dims(a)}; argmax needs at least one column`);
    finite(c, 'a', a);
  },
  sum: sumOverAxis,
  sumSquares: sumOverAxis,
  dot(c, a, b) {
    matrix(c, 'a', a);
    matrix(c, 'b', b);
    sameShape(c, 'a', a, 'b', b);
  },
  countNonFinite(c, a) {
    vector(c, 'a', a, Float32Array);
  },
  absMax(c, a) {
    matrix(c, 'a', a);
  },
} satisfies CheckGroup;
