import type { Matrix } from '../matrix.ts';
import type { KernelGroup } from '../kernels/methods.ts';

// Block sizes chosen so a packed B panel (KC×NC floats = 256 KiB) stays in L2 and a
// packed A block row plus one C row stay in L1.
const MC = 64;
const KC = 256;
const NC = 256;

/**
 * C ← alpha·op(A)·op(B) + beta·C on plain typed arrays. Both operands are packed into
 * contiguous row-major blocks so that transposes cost one copy per block, and the inner
 * loop is a unit-stride saxpy over a C row (i-k-j order), four k at a time.
 */
export function gemmTs(
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  beta: number,
  c: Matrix,
): void {
  const m = c.rows;
  const n = c.cols;
  const k = transA ? a.rows : a.cols;
  const cd = c.data;
  if (beta === 0) cd.fill(0);
  else if (beta !== 1) for (let i = 0; i < cd.length; i++) cd[i] *= beta;
  if (alpha === 0 || k === 0 || m === 0 || n === 0) return;

  const ad = a.data;
  const bd = b.data;
  const lda = a.cols;
  const ldb = b.cols;
  const packA = new Float32Array(MC * KC);
  const packB = new Float32Array(KC * NC);

  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      // packB[p, j] = op(B)[p0+p, j0+j]
      for (let p = 0; p < kc; p++) {
        const dst = p * nc;
        if (!transB) {
          const src = (p0 + p) * ldb + j0;
          for (let j = 0; j < nc; j++) packB[dst + j] = bd[src + j];
        } else {
          for (let j = 0; j < nc; j++) packB[dst + j] = bd[(j0 + j) * ldb + p0 + p];
        }
      }
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        // packA[i, p] = alpha·op(A)[i0+i, p0+p]
        for (let i = 0; i < mc; i++) {
          const dst = i * kc;
          if (!transA) {
            const src = (i0 + i) * lda + p0;
            for (let p = 0; p < kc; p++) packA[dst + p] = alpha * ad[src + p];
          } else {
            for (let p = 0; p < kc; p++) packA[dst + p] = alpha * ad[(p0 + p) * lda + i0 + i];
          }
        }
        for (let i = 0; i < mc; i++) {
          const crow = (i0 + i) * n + j0;
          const arow = i * kc;
          let p = 0;
          for (; p + 3 < kc; p += 4) {
            const a0 = packA[arow + p];
            const a1 = packA[arow + p + 1];
            const a2 = packA[arow + p + 2];
            const a3 = packA[arow + p + 3];
            const b0 = p * nc;
            const b1 = b0 + nc;
            const b2 = b1 + nc;
            const b3 = b2 + nc;
            for (let j = 0; j < nc; j++) {
              cd[crow + j] +=
                a0 * packB[b0 + j] + a1 * packB[b1 + j] + a2 * packB[b2 + j] + a3 * packB[b3 + j];
            }
          }
          for (; p < kc; p++) {
            const av = packA[arow + p];
            const b0 = p * nc;
            for (let j = 0; j < nc; j++) cd[crow + j] += av * packB[b0 + j];
          }
        }
      }
    }
  }
}

/**
 * C ← alpha·A·B + beta·C skipping A's zero entries: row i of C adds alpha·A[i,p]·B[p,:] for
 * each nonzero A[i,p], p ascending, as the native loops do.
 */
export function gemmSparseATs(alpha: number, a: Matrix, b: Matrix, beta: number, c: Matrix): void {
  const m = c.rows;
  const n = c.cols;
  const k = a.cols;
  const cd = c.data;
  const ad = a.data;
  const bd = b.data;
  if (beta === 0) cd.fill(0);
  else if (beta !== 1) for (let i = 0; i < cd.length; i++) cd[i] *= beta;
  for (let i = 0; i < m; i++) {
    const crow = i * n;
    for (let p = 0; p < k; p++) {
      const v = ad[i * k + p];
      if (v === 0) continue;
      const av = Math.fround(alpha * v);
      const brow = p * n;
      for (let j = 0; j < n; j++) cd[crow + j] += av * bd[brow + j];
    }
  }
}

/** GEMM of the portable backend. */
export const gemmKernels = {
  gemm: gemmTs,
  gemmSparseA: gemmSparseATs,
} satisfies KernelGroup;
