import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, Matrix } from '../../src/backend/index.ts';
import { loadAddon } from '../../src/backend/native/index.ts';
import {
  assertClose,
  assertSameOnOneAndTwoThreads,
  backendsUnderTest,
} from '../helpers/backends.ts';
import { randMatrix, refGemm } from '../helpers/reference.ts';

// [m, n, k]: odd sizes straddle the TS blocking (64/256) and BLAS micro-kernel edges.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [17, 1, 33],
  [1, 29, 4],
  [65, 67, 257],
  [130, 31, 3],
  [0, 4, 3],
  [4, 0, 3],
  [4, 3, 0],
  // A few rows: the native thin loops (native/thin_gemm.h) for 2–16 rows with k ≥ 8, and a
  // matrix-vector product for one. Column counts leave partial tiles (4 dot products, 24
  // columns) and vectors; k leaves partial vectors and spans several 128-step chunks.
  [2, 37, 29],
  [5, 50, 300],
  [8, 24, 130],
  [16, 61, 9],
  [3, 4, 8],
  [3, 25, 40],
  [1, 33, 300],
  // Many rows into or out of a few columns (a read-out's classes): the thin loops by rows.
  [40, 10, 300],
  [50, 37, 10],
  [33, 25, 3],
];

for (const be of backendsUnderTest()) {
  describe(`gemm on ${be.name}`, () => {
    for (const [m, n, k] of SHAPES) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          it(`${m}×${k} · ${k}×${n}, transA=${ta}, transB=${tb}`, () => {
            const a = ta ? randMatrix(k, m, 1 + m + k) : randMatrix(m, k, 1 + m + k);
            const b = tb ? randMatrix(n, k, 7 + n) : randMatrix(k, n, 7 + n);
            const c = randMatrix(m, n, 99);
            const expected = refGemm(ta, tb, 0.75, a, b, -0.5, c);
            be.gemm(ta, tb, 0.75, a, b, -0.5, c);
            // float32 accumulation over k terms of size ≤ 1: error grows like k·2^-24.
            assertClose(c.data, expected, { atol: 1e-6 * (k + 1), rtol: 1e-5, what: 'C' });
          });
        }
      }
    }

    it('beta = 0 ignores NaN already in C (BLAS semantics)', () => {
      const a = randMatrix(5, 6, 3);
      const b = randMatrix(6, 4, 4);
      const c = Matrix.filled(5, 4, NaN);
      be.gemm(false, false, 1, a, b, 0, c);
      assertClose(c.data, refGemm(false, false, 1, a, b, 0, c), { atol: 1e-5 });
    });

    it('beta = 0 ignores NaN already in C with one row and a few (sgemv, the thin loops)', () => {
      for (const m of [1, 4]) {
        for (const tb of [false, true]) {
          const a = randMatrix(m, 20, 3);
          const b = tb ? randMatrix(30, 20, 4) : randMatrix(20, 30, 4);
          const c = Matrix.filled(m, 30, NaN);
          be.gemm(false, tb, 1, a, b, 0, c);
          assertClose(c.data, refGemm(false, tb, 1, a, b, 0, c), {
            atol: 1e-5,
            what: `C, ${m} row(s), transB=${tb}`,
          });
        }
      }
    });

    it('k = 0 gives beta·C', () => {
      const c = Matrix.filled(2, 3, 2);
      be.gemm(false, false, 1, Matrix.zeros(2, 0), Matrix.zeros(0, 3), 0.5, c);
      assert.deepEqual(Array.from(c.data), [1, 1, 1, 1, 1, 1]);
    });

    it('a tiny hand example: [[1,2],[3,4]]·[[5],[6]] = [[17],[39]]', () => {
      const c = Matrix.zeros(2, 1);
      be.gemm(
        false,
        false,
        1,
        Matrix.from([
          [1, 2],
          [3, 4],
        ]),
        Matrix.from([[5], [6]]),
        0,
        c,
      );
      assert.deepEqual(Array.from(c.data), [17, 39]);
    });

    it('works on row-slice views (byteOffset ≠ 0)', () => {
      const big = randMatrix(10, 8, 5);
      const a = big.sliceRows(3, 7);
      const b = randMatrix(8, 3, 6);
      const c = Matrix.zeros(4, 3);
      be.gemm(false, false, 1, a, b, 0, c);
      assertClose(c.data, refGemm(false, false, 1, a, b, 0, c), { atol: 1e-5 });
    });
  });
}

describe('gemm on native: the thin loops give the same C on 1 and 2 threads', () => {
  const res = loadAddon();
  it(
    '8 rows, and 300 rows into and out of 10 columns, both forms, exactly',
    { skip: !('addon' in res) },
    () => {
      if (!('addon' in res)) return;
      const be = getBackend('native');
      const a = randMatrix(8, 300, 1);
      const bt = randMatrix(500, 300, 2);
      const g = randMatrix(8, 500, 3);
      assertSameOnOneAndTwoThreads(be, () => {
        const u = Matrix.zeros(8, 500);
        be.gemm(false, true, 1, a, bt, 0, u);
        const d = Matrix.zeros(8, 300);
        be.gemm(false, false, 1, g, bt, 0, d);
        // 300 rows into 10 columns and back
        const z = Matrix.zeros(300, 10);
        be.gemm(false, true, 1, bt.sliceRows(0, 300), bt.sliceRows(0, 10), 0, z);
        const e = Matrix.zeros(300, 300);
        be.gemm(false, false, 1, z, bt.sliceRows(0, 10), 0, e);
        return [u.data, d.data, z.data, e.data];
      });
    },
  );
});
