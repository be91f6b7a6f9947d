import { describe, it } from 'node:test';
import { getBackend, Matrix, UNARY_OPS } from '../../src/backend/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

// Native vs portable on the same inputs, large enough to take the OpenMP paths.
const ts = getBackend('ts');
for (const be of backendsUnderTest().filter((b) => b.name !== 'ts')) {
  describe(`${be.name} agrees with ts`, () => {
    it('gemm 300×500·500×200 (all transposes) within 1e-4 relative to the output scale', () => {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = ta ? randMatrix(500, 300, 1) : randMatrix(300, 500, 1);
        const b = tb ? randMatrix(200, 500, 2) : randMatrix(500, 200, 2);
        const c1 = randMatrix(300, 200, 3);
        const c2 = c1.clone();
        be.gemm(ta, tb, 1.5, a, b, 0.5, c1);
        ts.gemm(ta, tb, 1.5, a, b, 0.5, c2);
        // entries are sums of 500 products of size ≤ 1: |C| ~ 20; float32 orderings differ by ~1e-5·|C|
        assertClose(c1.data, c2.data, { atol: 2e-4, rtol: 1e-5, what: `C (${ta},${tb})` });
      }
    });

    it('hard-WTA update (2000×784, batch 100) gives the same bits on both', () => {
      const w1 = randMatrix(2000, 784, 21);
      const w2 = w1.clone();
      const x = randMatrix(100, 784, 22);
      const u = randMatrix(100, 2000, 23);
      const win = Int32Array.from({ length: 100 }, (_, b) => (b * 37) % 60);
      const eta = Float32Array.from({ length: 2000 }, (_, k) => 1e-3 * (k % 5));
      be.softHebbHardUpdate(w1, x, win, u, eta);
      ts.softHebbHardUpdate(w2, x, win, u, eta);
      assertClose(w1.data, w2.data, { rtol: 0, atol: 0, what: 'W' });
    });

    it('every unary op on 200k values within 1 float32 ulp-ish (rtol 3e-7)', () => {
      const a = randMatrix(400, 500, 4, -4, 4);
      const pos = randMatrix(400, 500, 5, 0.01, 4);
      for (const op of UNARY_OPS) {
        const x = op === 'sqrt' || op === 'log' ? pos : a;
        const o1 = Matrix.zeros(400, 500);
        const o2 = Matrix.zeros(400, 500);
        const [p, q] = op === 'clip' ? [-0.5, 0.5] : [2.5, 0.7];
        be.unary(op, x, o1, p, q);
        ts.unary(op, x, o2, p, q);
        assertClose(o1.data, o2.data, { rtol: 3e-7, atol: 1e-30, what: op });
      }
    });

    it('softmax, norms, sums, argmax, conv and the fused update on large inputs', () => {
      const a = randMatrix(500, 700, 6);
      const s1 = Matrix.zeros(500, 700);
      const s2 = Matrix.zeros(500, 700);
      be.softmaxRows(a, 12, s1);
      ts.softmaxRows(a, 12, s2);
      assertClose(s1.data, s2.data, { rtol: 1e-6, atol: 1e-12, what: 'softmax' });
      const n1 = new Float32Array(500);
      const n2 = new Float32Array(500);
      be.rowNorms(a, n1);
      ts.rowNorms(a, n2);
      assertClose(n1, n2, { rtol: 1e-6, what: 'norms' });
      const c1 = new Float32Array(700);
      const c2 = new Float32Array(700);
      be.sum(a, 0, c1);
      ts.sum(a, 0, c2);
      assertClose(c1, c2, { rtol: 1e-6, atol: 1e-6, what: 'column sums' });
      const i1 = new Int32Array(500);
      const i2 = new Int32Array(500);
      be.argmaxRows(a, i1);
      ts.argmaxRows(a, i2);
      assertClose(i1, i2, { atol: 0, rtol: 0, what: 'argmax' });

      const g = { inH: 28, inW: 28, channels: 3, kernelH: 5, kernelW: 5, stride: 1, pad: 2 };
      const imgs = randMatrix(8, 28 * 28 * 3, 7);
      const p1 = Matrix.zeros(8 * 784, 75);
      const p2 = Matrix.zeros(8 * 784, 75);
      be.im2col(imgs, g, p1);
      ts.im2col(imgs, g, p2);
      assertClose(p1.data, p2.data, { atol: 0, rtol: 0, what: 'im2col' });
      const back1 = Matrix.zeros(8, imgs.cols);
      const back2 = Matrix.zeros(8, imgs.cols);
      be.col2im(p1, g, back1);
      ts.col2im(p2, g, back2);
      assertClose(back1.data, back2.data, { rtol: 1e-6, atol: 1e-6, what: 'col2im' });
      const dil = { ...g, dilation: 2, stride: 2 };
      const q1 = Matrix.zeros(8 * 12 * 12, 75);
      const q2 = Matrix.zeros(8 * 12 * 12, 75);
      be.im2col(imgs, dil, q1);
      ts.im2col(imgs, dil, q2);
      assertClose(q1.data, q2.data, { atol: 0, rtol: 0, what: 'dilated im2col' });
      const pg = { inH: 28, inW: 28, channels: 3, kernelH: 4, kernelW: 4, stride: 2, pad: 1 };
      for (const kind of ['max', 'avg'] as const) {
        const o1 = Matrix.zeros(8, 14 * 14 * 3);
        const o2 = Matrix.zeros(8, 14 * 14 * 3);
        be.pool2d(imgs, pg, kind, o1);
        ts.pool2d(imgs, pg, kind, o2);
        assertClose(o1.data, o2.data, { atol: 0, rtol: 0, what: `${kind} pool` });
      }

      for (const B of [1, 100]) {
        const w1 = randMatrix(300, 784, 8);
        const w2 = w1.clone();
        const x = randMatrix(B, 784, 9, 0, 1);
        const u = Matrix.zeros(B, 300);
        ts.gemm(false, true, 1, x, w1, 0, u);
        const y = Matrix.zeros(B, 300);
        ts.softmaxRows(u, 5, y);
        be.softHebbUpdate(w1, x, y, u, 0.01);
        ts.softHebbUpdate(w2, x, y, u, 0.01);
        assertClose(w1.data, w2.data, { rtol: 1e-5, atol: 1e-5, what: `softHebbUpdate B=${B}` });
      }
    });
  });
}
