// Checks of GEMM: the operands' shapes under their transposes, and an output apart from both.
import { ShapeError } from '../../errors.ts';
import type { CheckGroup } from './types.ts';
import { dims, distinct, matrix, scalar } from './validators.ts';

export const gemmChecks = {
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
        `${c.k}: inner dimensions differ: op(A) is ${am}×${ak} (A ${dims(a)}, transA=${transA}) but op(B) is ${bk}×${bn} (B ${dims(b)}, transB=${transB}); op(A).cols must equal op(B).rows`,
      );
    }
    if (C.rows !== am || C.cols !== bn) {
      throw new ShapeError(
        `${c.k}: C is ${dims(C)} but op(A)·op(B) is ${am}×${bn}; allocate C as Matrix.zeros(${am}, ${bn})`,
      );
    }
    distinct(c, 'C', C, 'A', a);
    distinct(c, 'C', C, 'B', b);
    // Truthy flags from JavaScript callers become the booleans the kernels take.
    return [!!transA, !!transB, alpha, a, b, beta, C];
  },
  gemmSparseA(c, alpha, a, b, beta, C) {
    gemmChecks.gemm(c, false, false, alpha, a, b, beta, C);
  },
} satisfies CheckGroup;
