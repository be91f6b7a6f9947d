import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
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
