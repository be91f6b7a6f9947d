// Checks of the dense linear-algebra and element-wise kernels.
import { ShapeError, ValueError } from '../../errors.ts';
import { BINARY_OPS, UNARY_OPS } from '../types.ts';
import type { CheckGroup } from './types.ts';
import {
  dims,
  distinct,
  knownOp,
  matrix,
  relabel,
  sameShape,
  scalar,
  vector,
} from './validators.ts';

export const coreChecks = {
  info() {},
  gemm(c, transA, transB, alpha, a, b, beta, C) {
    matrix(c, 'A', a);
    matrix(c, 'B', b);
    matrix(c, 'C', C);
    scalar(c, 'alpha', alpha);
    scalar(c, 'beta', beta);
    const [am, ak] = transA ? [a.cols, a.rows] : [a.rows, a.cols];
    const [bk, bn] = transB ? [b.cols, b.rows] : [b.rows, b.cols];
    if (ak !== bk) {
      throw new ShapeError(
        `gemm: inner dimensions differ: op(A) is ${am}×${ak} (A ${dims(a)}, transA=${transA}) but op(B) is ${bk}×${bn} (B ${dims(b)}, transB=${transB}); op(A).cols must equal op(B).rows`,
      );
    }
    if (C.rows !== am || C.cols !== bn) {
      throw new ShapeError(
        `gemm: C is ${dims(C)} but op(A)·op(B) is ${am}×${bn}; allocate C as Matrix.zeros(${am}, ${bn})`,
      );
    }
    distinct(c, 'C', C, 'A', a);
    distinct(c, 'C', C, 'B', b);
    // Truthy flags from JavaScript callers become the booleans the kernels take.
    return [!!transA, !!transB, alpha, a, b, beta, C];
  },
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
