// sumSquares on every backend: the same bits as squaring into a matrix (binary 'mul') and
// summing it, on shapes that reach the native kernel's column blocks and parallel loops; close
// to a float64 reference; and its argument checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

for (const be of backendsUnderTest()) {
  describe(`sumSquares on ${be.name}`, () => {
    for (const [rows, cols] of [
      [3, 5],
      [1, 0],
      [200, 300],
      [40, 1500],
    ]) {
      it(`equals binary('mul') then sum, bit for bit (${rows}×${cols})`, () => {
        const a = randMatrix(rows, cols, rows + cols, -3, 3);
        const sq = new Matrix(rows, cols);
        be.binary('mul', a, a, sq);
        for (const axis of [0, 1] as const) {
          const n = axis === 0 ? cols : rows;
          const want = new Float32Array(n);
          be.sum(sq, axis, want);
          const got = new Float32Array(n).fill(NaN);
          be.sumSquares(a, axis, got);
          assert.deepEqual(got, want, `axis ${axis}`);
        }
      });
    }

    it('is Σ a² (float64 reference)', () => {
      const a = randMatrix(7, 9, 4);
      const out = new Float32Array(9);
      be.sumSquares(a, 0, out);
      const ref = Array.from({ length: 9 }, (_, j) => {
        let s = 0;
        for (let i = 0; i < 7; i++) s += a.data[i * 9 + j] ** 2;
        return s;
      });
      assertClose(out, ref, { rtol: 1e-6 });
    });

    it('checks the axis and the output length', () => {
      const a = Matrix.zeros(2, 3);
      assert.throws(() => be.sumSquares(a, 2 as 0, new Float32Array(3)), /sumSquares: axis must/);
      assert.throws(() => be.sumSquares(a, 1, new Float32Array(3)), /out has length 3 but must/);
    });
  });
}
