// Checks of the element-wise kernels.
import { ValueError } from '../../errors.ts';
import { BINARY_OPS, UNARY_OPS } from '../types.ts';
import type { CheckGroup } from './types.ts';
import { dims, knownOp, matrix, relabel, sameShape, scalar, vector } from './validators.ts';

export const elementwiseChecks = {
  unary(c, op, a, out, p = 0, q = 0) {
    knownOp(c, op, UNARY_OPS);
    const u = relabel(c, `unary(${op})`);
    matrix(u, 'a', a);
    matrix(u, 'out', out);
    sameShape(u, 'a', a, 'out', out);
    scalar(u, 'p', p);
    scalar(u, 'q', q);
    if (op === 'clip' && p > q)
      throw new ValueError(`${u.k}: lower bound p = ${p} exceeds upper bound q = ${q}`);
    if ((op === 'shrink' || op === 'cappedRelu') && p < 0) {
      throw new ValueError(`${u.k}: threshold p must be ≥ 0, got ${p}`);
    }
    if (op === 'cappedRelu' && q < 0) throw new ValueError(`${u.k}: cap q must be ≥ 0, got ${q}`);
    return [op, a, out, p, q];
  },
  binary(c, op, a, b, out) {
    knownOp(c, op, BINARY_OPS);
    const u = relabel(c, `binary(${op})`);
    matrix(u, 'a', a);
    matrix(u, 'b', b);
    matrix(u, 'out', out);
    sameShape(u, 'a', a, 'b', b);
    sameShape(u, 'a', a, 'out', out);
  },
  axpy(c, alpha, x, y) {
    matrix(c, 'x', x);
    matrix(c, 'y', y);
    scalar(c, 'alpha', alpha);
    sameShape(c, 'x', x, 'y', y);
  },
  signStepClip(c, g, alpha, lo, hi, a) {
    matrix(c, 'g', g);
    matrix(c, 'lo', lo);
    matrix(c, 'hi', hi);
    matrix(c, 'a', a);
    scalar(c, 'alpha', alpha);
    sameShape(c, 'g', g, 'a', a);
    sameShape(c, 'lo', lo, 'a', a);
    sameShape(c, 'hi', hi, 'a', a);
  },
  dropout(c, x, u, p, out) {
    matrix(c, 'x', x);
    matrix(c, 'u', u);
    matrix(c, 'out', out);
    sameShape(c, 'x', x, 'u', u);
    sameShape(c, 'x', x, 'out', out);
    scalar(c, 'p', p);
    if (!(p >= 0 && p < 1)) throw new ValueError(`${c.k}: p must be in [0, 1), got ${p}`);
  },
  scale(c, alpha, x) {
    matrix(c, 'x', x);
    scalar(c, 'alpha', alpha);
  },
  addRowVector(c, a, v, alpha = 1) {
    matrix(c, 'a', a);
    vector(c, 'v', v, Float32Array, a.cols, `one value per column of the ${dims(a)} matrix`);
    scalar(c, 'alpha', alpha);
    return [a, v, alpha];
  },
  addColumnVector(c, a, v, alpha = 1) {
    matrix(c, 'a', a);
    vector(c, 'v', v, Float32Array, a.rows, 'one value per row of a');
    scalar(c, 'alpha', alpha);
    return [a, v, alpha];
  },
  scaleRows(c, a, s) {
    matrix(c, 'a', a);
    vector(c, 's', s, Float32Array, a.rows, `one value per row of the ${dims(a)} matrix`);
  },
  scaleColumns(c, a, s) {
    matrix(c, 'a', a);
    vector(c, 's', s, Float32Array, a.cols, `one value per column of the ${dims(a)} matrix`);
  },
} satisfies CheckGroup;
