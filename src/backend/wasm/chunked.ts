// Row-wise and element-wise calls on large arrays, split into pieces for the wasm backend. Each
// call copies its arrays into the module's memory, and the first touch of fresh wasm memory is
// slow (normalising 60 000 MNIST rows at once took 2.1 s, 0.07 s once the memory existed): in
// pieces of at most CHUNK floats the scratch area stays small whatever the data set. Only
// kernels whose rows (or elements) are independent are split, so results are the same bits as
// one call; dot and the like, whose sums would regroup, are not.
import { Matrix } from '../matrix.ts';
import type { Backend } from '../types.ts';

/** Floats per piece (16 MB). */
export const CHUNK = 1 << 22;

const rowsOf = (m: Matrix, r0: number, r1: number) =>
  new Matrix(r1 - r0, m.cols, m.data.subarray(r0 * m.cols, r1 * m.cols));

/** Calls f(r0, r1) over row ranges of at most CHUNK floats (all at once when small). */
function byRows(rows: number, cols: number, f: (r0: number, r1: number) => void): void {
  const step = Math.max(1, Math.floor(CHUNK / Math.max(1, cols)));
  if (rows <= step) return f(0, rows);
  for (let r0 = 0; r0 < rows; r0 += step) f(r0, Math.min(rows, r0 + step));
}

/** Calls f(i0, i1) over element ranges of at most CHUNK (whole vectors stay whole). */
function byElements(n: number, f: (i0: number, i1: number) => void): void {
  if (n <= CHUNK) return f(0, n);
  for (let i0 = 0; i0 < n; i0 += CHUNK) f(i0, Math.min(n, i0 + CHUNK));
}

const flat = (m: Matrix, i0: number, i1: number) => new Matrix(1, i1 - i0, m.data.subarray(i0, i1));

/** The kernels `k` with large independent-row calls split (gemm by rows of C when A is not transposed). */
export function chunked(k: Backend): Backend {
  return {
    ...k,
    gemm(ta, tb, alpha, a, b, beta, c) {
      if (ta) return k.gemm(ta, tb, alpha, a, b, beta, c);
      byRows(c.rows, Math.max(c.cols, a.cols), (r0, r1) =>
        k.gemm(ta, tb, alpha, rowsOf(a, r0, r1), b, beta, rowsOf(c, r0, r1)),
      );
    },
    unary: (op, a, out, p, q) =>
      byElements(a.data.length, (i, j) => k.unary(op, flat(a, i, j), flat(out, i, j), p, q)),
    binary: (op, a, b, out) =>
      byElements(a.data.length, (i, j) =>
        k.binary(op, flat(a, i, j), flat(b, i, j), flat(out, i, j)),
      ),
    axpy: (alpha, x, y) =>
      byElements(x.data.length, (i, j) => k.axpy(alpha, flat(x, i, j), flat(y, i, j))),
    scale: (alpha, x) => byElements(x.data.length, (i, j) => k.scale(alpha, flat(x, i, j))),
    addRowVector: (a, v, alpha) =>
      byRows(a.rows, a.cols, (r0, r1) => k.addRowVector(rowsOf(a, r0, r1), v, alpha)),
    scaleColumns: (a, s) =>
      byRows(a.rows, a.cols, (r0, r1) => k.scaleColumns(rowsOf(a, r0, r1), s)),
    scaleRows: (a, s) =>
      byRows(a.rows, a.cols, (r0, r1) => k.scaleRows(rowsOf(a, r0, r1), s.subarray(r0, r1))),
    addColumnVector: (a, v, alpha) =>
      byRows(a.rows, a.cols, (r0, r1) =>
        k.addColumnVector(rowsOf(a, r0, r1), v.subarray(r0, r1), alpha),
      ),
    softmaxRows: (a, t, out) =>
      byRows(a.rows, a.cols, (r0, r1) => k.softmaxRows(rowsOf(a, r0, r1), t, rowsOf(out, r0, r1))),
    rowNorms: (a, out) =>
      byRows(a.rows, a.cols, (r0, r1) => k.rowNorms(rowsOf(a, r0, r1), out.subarray(r0, r1))),
    normalizeRows: (a, out, eps) =>
      byRows(a.rows, a.cols, (r0, r1) =>
        k.normalizeRows(rowsOf(a, r0, r1), rowsOf(out, r0, r1), eps),
      ),
    argmaxRows: (a, out) =>
      byRows(a.rows, a.cols, (r0, r1) => k.argmaxRows(rowsOf(a, r0, r1), out.subarray(r0, r1))),
    countNonFinite(a) {
      let n = 0;
      byElements(a.length, (i, j) => (n += k.countNonFinite(a.subarray(i, j))));
      return n;
    },
    absMax(a) {
      let m = 0;
      byRows(a.rows, a.cols, (r0, r1) => (m = Math.max(m, k.absMax(rowsOf(a, r0, r1)))));
      return m;
    },
  };
}
