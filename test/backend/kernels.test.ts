import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, UNARY_OPS, type UnaryOp } from '../../src/backend/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix, refConv, refGemm, refPool, refSoftHebb } from '../helpers/reference.ts';

// Independent scalar definitions of each op (p = 1.5, q = 0.8 where read).
const P = 1.5;
const Q = 0.8;
const SCALAR: Record<UnaryOp, (x: number) => number> = {
  copy: (x) => x,
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  square: (x) => x * x,
  sqrt: (x) => Math.sqrt(Math.abs(x)),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(Math.abs(x)),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => Math.max(x, 0),
  repu: (x) => Math.max(x, 0) ** P,
  clip: (x) => Math.min(Math.max(x, -Q), Q),
  shrink: (x) => Math.sign(x) * Math.max(Math.abs(x) - P, 0),
  cappedRelu: (x) => Math.min(Math.max(x - P, 0), Q),
  pow: (x) => Math.sign(x) * Math.abs(x) ** P,
  affine: (x) => P * x + Q,
  sign: (x) => Math.sign(x),
  tanhGrad: (y) => 1 - y * y,
  sigmoidGrad: (y) => y * (1 - y),
  reluGrad: (y) => (y > 0 ? 1 : 0),
};

for (const be of backendsUnderTest()) {
  describe(`element-wise kernels on ${be.name}`, () => {
    for (const op of UNARY_OPS) {
      it(`unary ${op}`, () => {
        let a = randMatrix(7, 13, 11, -3, 3);
        if (op === 'sqrt' || op === 'log') {
          a = randMatrix(7, 13, 11, 0.01, 3);
        }
        const out = Matrix.zeros(7, 13);
        be.unary(op, a, out, op === 'clip' ? -Q : P, Q);
        assertClose(out.data, Array.from(a.data, SCALAR[op]), { rtol: 2e-7, atol: 1e-7, what: op });
      });
    }

    it('unary repu and pow: p 0.7, 1, 4.5 over e^−20 … e^12 and at 0, ∞ and overflow, within 2 float ulps of the exact power', () => {
      const n = 4000;
      const a = new Matrix(1, n);
      for (let i = 0; i < n; i++) a.data[i] = Math.exp(-20 + (32 * i) / n) * (i % 2 ? 1 : -1);
      a.data.set([0, Infinity, 3e38, 1], 0);
      const out = new Matrix(1, n);
      for (const p of [0.7, 1, 4.5])
        for (const op of ['repu', 'pow'] as const) {
          be.unary(op, a, out, p);
          for (let i = 0; i < n; i++) {
            const v = a.data[i];
            const m = Math.abs(v) ** p;
            const want = Math.fround(op === 'repu' ? (v > 0 ? m : 0) : v < 0 ? -m : m);
            const got = out.data[i];
            const at = `${op} ${p} of ${v}: ${got} vs ${want}`;
            if (!Number.isFinite(want) || Math.abs(want) < 2 ** -126) {
              // ∞ stays ∞; results below float's normal range may flush to 0
              assert.ok(
                got === want || (Math.abs(want) < 2 ** -126 && Math.abs(got) < 2 ** -126),
                at,
              );
            } else assert.ok(Math.abs(got - want) <= 2 * 2 ** -23 * Math.abs(want), at);
          }
        }
    });

    it('unary and binary over 70 001 elements (split between threads natively) equal the same ops over slices of 1000', () => {
      // Slices below the kernels' parallel threshold run on one thread: every element of the
      // split run, the ragged tail included, must be written once and to the same float.
      const n = 70001;
      const a = randMatrix(1, n, 5, -3, 3);
      const b = randMatrix(1, n, 6, -3, 3);
      const slice = (m: Matrix, s: number, e: number) =>
        new Matrix(1, e - s, m.data.subarray(s, e));
      const check = (
        what: string,
        whole: (out: Matrix) => void,
        part: (s: number, e: number, out: Matrix) => void,
      ) => {
        const got = Matrix.filled(1, n, Number.NaN);
        whole(got);
        const want = new Matrix(1, n);
        for (let s = 0; s < n; s += 1000)
          part(s, Math.min(n, s + 1000), slice(want, s, Math.min(n, s + 1000)));
        assert.deepEqual(got.data, want.data, what);
      };
      for (const [op, p] of [
        ['tanh', 0],
        ['repu', 1.4],
        ['relu', 0],
        ['affine', 2],
        ['reluGrad', 0],
      ] as const)
        check(
          `unary ${op}`,
          (out) => be.unary(op, a, out, p, 0.5),
          (s, e, out) => be.unary(op, slice(a, s, e), out, p, 0.5),
        );
      for (const op of ['mul', 'mulReluGrad', 'max'] as const)
        check(
          `binary ${op}`,
          (out) => be.binary(op, a, b, out),
          (s, e, out) => be.binary(op, slice(a, s, e), slice(b, s, e), out),
        );
    });

    it('unary in place (out = a)', () => {
      const a = Matrix.from([[-1, 2, -3]]);
      be.unary('relu', a, a);
      assert.deepEqual(Array.from(a.data), [0, 2, 0]);
    });

    it('binary ops are exact', () => {
      const a = Matrix.from([[1, -2, 3.5, 0]]);
      const b = Matrix.from([[2, 4, -1, 5]]);
      const out = Matrix.zeros(1, 4);
      const cases = {
        add: [3, 2, 2.5, 5],
        sub: [-1, -6, 4.5, -5],
        mul: [2, -8, -3.5, 0],
        div: [0.5, -0.5, -3.5, 0],
        max: [2, 4, 3.5, 5],
        min: [1, -2, -1, 0],
        // backward through an activation whose output is b: a·f'
        mulReluGrad: [1, -2, 0, 0],
        mulTanhGrad: [-3, 30, 0, -0],
        mulSigmoidGrad: [-2, 24, -7, -0],
      } as const;
      for (const [op, want] of Object.entries(cases)) {
        be.binary(op as keyof typeof cases, a, b, out);
        assert.deepEqual(Array.from(out.data), want, op);
      }
    });

    it('axpy, scale, addRowVector, scaleRows, scaleColumns', () => {
      const y = Matrix.from([
        [1, 2],
        [3, 4],
      ]);
      be.axpy(
        2,
        Matrix.from([
          [1, 1],
          [0, -1],
        ]),
        y,
      );
      assert.deepEqual(Array.from(y.data), [3, 4, 3, 2]);
      be.scale(0.5, y);
      assert.deepEqual(Array.from(y.data), [1.5, 2, 1.5, 1]);
      be.addRowVector(y, new Float32Array([1, -1]), 2);
      assert.deepEqual(Array.from(y.data), [3.5, 0, 3.5, -1]);
      be.scaleRows(y, new Float32Array([2, -1]));
      assert.deepEqual(Array.from(y.data), [7, 0, -3.5, 1]);
      be.scaleColumns(y, new Float32Array([2, -1]));
      assert.deepEqual(Array.from(y.data), [14, -0, -7, -1]);
    });

    it('signStepClip is min(max(a + α·sign(g), lo), hi), by hand', () => {
      // sign(g) = +, −, 0, +, −, +; the first and fourth are clipped above, the fifth below
      const a = Matrix.from([[0.9, 0.5, 0.25, 0.75, 0.125, 0]]);
      const g = Matrix.from([[3, -0.001, 0, 1e-30, -7, 2]]);
      const lo = Matrix.from([[0, 0, 0, 0.5, 0.25, 0]]);
      const hi = Matrix.from([[1, 1, 1, 0.875, 1, 1]]);
      be.signStepClip(g, 0.25, lo, hi, a);
      assert.deepEqual(Array.from(a.data), [1, 0.25, 0.25, 0.875, 0.25, 0.25]);
    });

    it('signStepClip equals a float32 step then the box, three steps in a row', () => {
      const [a, g] = [randMatrix(9, 31, 21, 0, 1), randMatrix(9, 31, 22, -1, 1)];
      const lo = Matrix.from([Array.from(a.data, (v) => Math.max(v - 0.1, 0))]);
      const hi = Matrix.from([Array.from(a.data, (v) => Math.min(v + 0.1, 1))]);
      const step = Math.fround(0.03);
      const want = Array.from(a.data, (v, i) => {
        for (let k = 0; k < 3; k++) {
          v = Math.fround(v + step * Math.sign(g.data[i]));
          v = Math.min(Math.max(v, lo.data[i]), hi.data[i]);
        }
        return v;
      });
      const flat = (m: Matrix) => new Matrix(1, m.data.length, m.data);
      for (let k = 0; k < 3; k++) be.signStepClip(flat(g), 0.03, lo, hi, flat(a));
      assert.deepEqual(Array.from(a.data), want);
    });

    it('dropout is 0 where u < p, else fround(x/(1 − p)), by hand and with out = x or u', () => {
      // u equal to p keeps its entry (strictly below drops); 1/(1 − 0.3) is not a float
      const x = Matrix.from([[1, -2, 0.1, 3, 5, -7]]);
      const u = Matrix.from([[0.29, 0.3, 0.31, 0, 0.99, 0.2999999]]);
      const want = Array.from(x.data, (v, i) => (u.data[i] < 0.3 ? 0 : Math.fround(v * (1 / 0.7))));
      assert.deepEqual(want.slice(0, 3), [0, Math.fround(-2 / 0.7), Math.fround(0.1 / 0.7)]);
      const out = Matrix.zeros(1, 6);
      be.dropout(x, u, 0.3, out);
      assert.deepEqual(Array.from(out.data), want);
      const intoU = u.clone();
      be.dropout(x, intoU, 0.3, intoU);
      assert.deepEqual(Array.from(intoU.data), want);
      const intoX = x.clone();
      be.dropout(intoX, u, 0.3, intoX);
      assert.deepEqual(Array.from(intoX.data), want);
    });

    it('dropout over 100 000 entries (threads): the same as the scalar rule, p = 0.5', () => {
      const [x, u] = [randMatrix(100, 1000, 31), randMatrix(100, 1000, 32, 0, 1)];
      const out = Matrix.zeros(100, 1000);
      be.dropout(x, u, 0.5, out);
      const want = Array.from(x.data, (v, i) => (u.data[i] < 0.5 ? 0 : Math.fround(v * 2)));
      assert.deepEqual(Array.from(out.data), want);
      assert.throws(() => be.dropout(x, u, 1, out), /p must be in \[0, 1\), got 1/);
    });
  });

  describe(`reductions on ${be.name}`, () => {
    it('softmaxRows matches exp(t·a)/Σ at t = 2', () => {
      const a = randMatrix(5, 9, 3);
      const out = Matrix.zeros(5, 9);
      be.softmaxRows(a, 2, out);
      const want: number[] = [];
      for (let i = 0; i < 5; i++) {
        const e = Array.from(a.row(i), (v) => Math.exp(2 * v));
        const s = e.reduce((p, v) => p + v, 0);
        want.push(...e.map((v) => v / s));
      }
      assertClose(out.data, want, { rtol: 1e-6, atol: 1e-7 });
    });

    it('softmaxRows is finite and one-hot at inverse temperature 1e6', () => {
      const a = Matrix.from([
        [0.3, 0.31, -5],
        [100, -100, 99.99],
      ]);
      const out = Matrix.zeros(2, 3);
      be.softmaxRows(a, 1e6, out);
      assert.equal(be.countNonFinite(out.data), 0);
      assert.deepEqual(Array.from(out.data), [0, 1, 0, 1, 0, 0]);
    });

    it('softmaxRows computes e^v within 2e-7 of Math.exp for v in [−87, 0] (rows [0, v], y₁/y₀)', () => {
      // The range a max-subtracted exponent t·(z − max) takes before it flushes to 0 (native:
      // a float polynomial after a double range reduction, measured max 1.2e-7 including
      // y₁'s own rounding). wasm sets posteriors below 2^-64 to 0 (native/reduce.cc), so its
      // range stops at −44.
      const lo = be.name === 'wasm' ? -44 : -87;
      const N = 20000;
      const a = Matrix.zeros(N, 2);
      for (let i = 0; i < N; i++) a.data[2 * i + 1] = (lo * i) / (N - 1);
      const y = Matrix.zeros(N, 2);
      be.softmaxRows(a, 1, y);
      let worst = 0;
      for (let i = 0; i < N; i++) {
        const ratio = y.data[2 * i + 1] / y.data[2 * i];
        worst = Math.max(worst, Math.abs(ratio / Math.exp(a.data[2 * i + 1]) - 1));
      }
      assert.ok(worst <= 2e-7, `max relative error ${worst}`);
    });

    it('softmaxRows: blocks far below the max are exact zeros, an entry at t·(z − max) = −80 is not', () => {
      // 32 units at t = 200, blocks of 8: block 0 holds the max, block 1 one entry at −80 and
      // block 3 one at −60 (the rest of each at −200), block 2 lies wholly below −88.5 (the
      // native kernel writes it as zeros without its exp).
      const t = 200;
      const z = new Array(32).fill(-1);
      z[3] = 0;
      z[13] = -80 / t;
      z[28] = -60 / t;
      const a = Matrix.from([z]);
      const y = Matrix.zeros(1, 32);
      be.softmaxRows(a, t, y);
      const e = Array.from(a.data, (v) => Math.exp(t * v));
      const s = e.reduce((p, v) => p + v, 0);
      // In float32 e^-200 is 0 (every backend's posteriors are float32).
      const want = e.map((v) => (be.name === 'wasm' && v / s < 2 ** -64 ? 0 : Math.fround(v / s)));
      assertClose(y.data, want, { rtol: 1e-6, atol: 0, what: 'posteriors' });
      // (wasm flushes both: they are below 2^-64)
      if (be.name !== 'wasm')
        assert.ok(y.data[13] > 0 && y.data[28] > 0, 'the −80 and −60 entries are kept');
      // softmax(t·z) = softmax((−t)·(−z)): the same posteriors through the t < 0 branch.
      const yNeg = Matrix.zeros(1, 32);
      be.softmaxRows(Matrix.from([z.map((v) => -v)]), -t, yNeg);
      assert.deepEqual(Array.from(yNeg.data), Array.from(y.data));
    });

    it('softmaxRows at t = 0 is uniform, and works in place', () => {
      const a = randMatrix(2, 4, 8);
      be.softmaxRows(a, 0, a);
      assertClose(a.data, new Array(8).fill(0.25), { atol: 1e-7 });
    });

    it('softmaxRows of a row of equal entries (a blank patch) is uniform at any t', () => {
      const a = Matrix.from([new Array(5).fill(0), new Array(5).fill(-3.5)]);
      const y = Matrix.zeros(2, 5);
      be.softmaxRows(a, 200, y);
      assert.deepEqual(Array.from(y.data), new Array(10).fill(Math.fround(0.2)));
    });

    it('softmaxRowsBackward is the softmax Jacobian times g (float64 Jacobian), also in place', () => {
      // 300 columns × 200 rows: big enough for the native kernel to split rows over threads.
      const [R, C, t] = [200, 300, 1.7];
      const u = randMatrix(R, C, 11);
      const g = randMatrix(R, C, 12);
      const h = Matrix.zeros(R, C);
      be.softmaxRows(u, t, h);
      const out = Matrix.zeros(R, C);
      be.softmaxRowsBackward(h, g, t, out);
      const want: number[] = [];
      for (let i = 0; i < R; i++) {
        const hi = Array.from(h.row(i));
        const gi = Array.from(g.row(i));
        // (J g)_j = Σ_k ∂h_k/∂u_j g_k with ∂h_k/∂u_j = t h_k (δ_kj − h_j)
        for (let j = 0; j < C; j++) {
          let s = 0;
          for (let k = 0; k < C; k++) s += t * hi[k] * ((k === j ? 1 : 0) - hi[j]) * gi[k];
          want.push(s);
        }
      }
      assertClose(out.data, want, { rtol: 1e-4, atol: 1e-7, what: 'softmaxRowsBackward' });
      be.softmaxRowsBackward(h, g, t, g);
      assert.deepEqual(g.data, out.data, 'out may be g');
    });

    it('normalizeRowsBackward is the Jacobian of x/‖x‖ times g (float64), also in place', () => {
      // 300 columns × 200 rows: big enough for the native kernel to split rows over threads.
      const [R, C] = [200, 300];
      const a = randMatrix(R, C, 21);
      const g = randMatrix(R, C, 22);
      const out = Matrix.zeros(R, C);
      be.normalizeRowsBackward(a, g, out);
      const want: number[] = [];
      for (let i = 0; i < R; i++) {
        const x = Array.from(a.row(i));
        const gi = Array.from(g.row(i));
        const n = Math.hypot(...x);
        // ∂(x_k/n)/∂x_j = δ_kj/n − x_k x_j/n³; out_j = Σ_k that · g_k
        const xg = x.reduce((s, v, k) => s + v * gi[k], 0);
        for (let j = 0; j < C; j++) want.push(gi[j] / n - (x[j] * xg) / n ** 3);
      }
      assertClose(out.data, want, { rtol: 1e-4, atol: 1e-6, what: 'normalizeRowsBackward' });
      be.normalizeRowsBackward(a, g, g);
      assert.deepEqual(g.data, out.data, 'out may be g');
    });

    it('rowNorms, normalizeRows (a zero row stays zero)', () => {
      const a = Matrix.from([
        [3, 4],
        [0, 0],
        [-1, 0],
      ]);
      const n = new Float32Array(3);
      be.rowNorms(a, n);
      assert.deepEqual(Array.from(n), [5, 0, 1]);
      const out = Matrix.zeros(3, 2);
      be.normalizeRows(a, out);
      assertClose(out.data, [0.6, 0.8, 0, 0, -1, 0], { atol: 1e-7 });
    });

    it('argmaxRows picks the first maximum', () => {
      const out = new Int32Array(3);
      be.argmaxRows(
        Matrix.from([
          [1, 3, 3],
          [-1, -2, -3],
          [0, 0, 5],
        ]),
        out,
      );
      assert.deepEqual(Array.from(out), [1, 0, 2]);
    });

    it('sum over each axis and dot', () => {
      const a = randMatrix(37, 300, 21);
      const cols = new Float32Array(300);
      const rows = new Float32Array(37);
      be.sum(a, 0, cols);
      be.sum(a, 1, rows);
      const wc = new Array(300).fill(0);
      const wr = new Array(37).fill(0);
      for (let i = 0; i < 37; i++)
        for (let j = 0; j < 300; j++) {
          wc[j] += a.get(i, j);
          wr[i] += a.get(i, j);
        }
      assertClose(cols, wc, { atol: 1e-5 });
      assertClose(rows, wr, { atol: 1e-5 });
      let d = 0;
      for (const v of a.data) d += v * v;
      assertClose([be.dot(a, a)], [d], { rtol: 1e-12 });
    });

    it('countNonFinite', () => {
      assert.equal(be.countNonFinite(new Float32Array([1, NaN, Infinity, -Infinity, 0])), 3);
      assert.equal(be.countNonFinite(new Float32Array(0)), 0);
    });
  });

  describe(`im2col / col2im on ${be.name}`, () => {
    const geoms = [
      { inH: 5, inW: 6, channels: 2, kernelH: 3, kernelW: 3, stride: 1, pad: 1 },
      { inH: 7, inW: 7, channels: 3, kernelH: 5, kernelW: 3, stride: 2, pad: 0 },
      { inH: 4, inW: 4, channels: 1, kernelH: 2, kernelW: 2, stride: 2, pad: 1 },
      { inH: 1, inW: 1, channels: 1, kernelH: 1, kernelW: 1, stride: 1, pad: 0 },
      { inH: 9, inW: 8, channels: 2, kernelH: 3, kernelW: 2, stride: 1, pad: 1, dilation: 2 },
    ];
    for (const g of geoms) {
      const d = g.dilation ?? 1;
      const label = `${g.inH}×${g.inW}×${g.channels}, k ${g.kernelH}×${g.kernelW}, s ${g.stride}, p ${g.pad}, d ${d}`;
      // By hand: a dilated kernel spans d·(k − 1) + 1 pixels.
      const outH = Math.floor((g.inH + 2 * g.pad - d * (g.kernelH - 1) - 1) / g.stride) + 1;
      const outW = Math.floor((g.inW + 2 * g.pad - d * (g.kernelW - 1) - 1) / g.stride) + 1;
      const P = g.kernelH * g.kernelW * g.channels;
      it(`im2col + GEMM equals direct convolution (${label})`, () => {
        const images = randMatrix(3, g.inH * g.inW * g.channels, 5);
        const filters = randMatrix(4, P, 6);
        const cols = Matrix.filled(3 * outH * outW, P, NaN);
        be.im2col(images, g, cols);
        const y = Matrix.zeros(cols.rows, 4);
        be.gemm(false, true, 1, cols, filters, 0, y);
        assertClose(y.data, refConv(images, filters, g), { atol: 1e-5 });
      });
      it(`col2im is the adjoint of im2col (${label})`, () => {
        const x = randMatrix(2, g.inH * g.inW * g.channels, 8);
        const c = randMatrix(2 * outH * outW, P, 9);
        const ax = Matrix.zeros(c.rows, P);
        be.im2col(x, g, ax);
        const atc = Matrix.filled(2, x.cols, NaN);
        be.col2im(c, g, atc);
        assertClose([be.dot(ax, c)], [be.dot(x, atc)], { rtol: 1e-6, atol: 1e-6 });
      });
    }
  });

  describe(`pool2d on ${be.name}`, () => {
    for (const g of [
      { inH: 6, inW: 6, channels: 3, kernelH: 2, kernelW: 2, stride: 2, pad: 0 },
      { inH: 7, inW: 5, channels: 2, kernelH: 3, kernelW: 3, stride: 2, pad: 1 },
      { inH: 24, inW: 24, channels: 4, kernelH: 4, kernelW: 4, stride: 2, pad: 1 },
    ]) {
      for (const kind of ['max', 'avg'] as const) {
        it(`${kind} pooling equals the direct loop (${g.inH}×${g.inW}, window ${g.kernelH}, stride ${g.stride}, pad ${g.pad})`, () => {
          const x = randMatrix(3, g.inH * g.inW * g.channels, 11);
          const outH = Math.floor((g.inH + 2 * g.pad - g.kernelH) / g.stride) + 1;
          const outW = Math.floor((g.inW + 2 * g.pad - g.kernelW) / g.stride) + 1;
          const out = Matrix.filled(3, outH * outW * g.channels, NaN);
          be.pool2d(x, g, kind, out);
          assertClose(out.data, refPool(x, g, kind), { atol: 1e-6, rtol: 1e-6 });
        });
      }
    }
    it('a 2×2 max and mean by hand', () => {
      const x = new Matrix(1, 4, Float32Array.of(1, -2, 5, 3));
      const g = { inH: 2, inW: 2, channels: 1, kernelH: 2, kernelW: 2, stride: 2, pad: 0 };
      const out = Matrix.zeros(1, 1);
      be.pool2d(x, g, 'max', out);
      assert.equal(out.data[0], 5);
      be.pool2d(x, g, 'avg', out);
      assert.equal(out.data[0], 1.75);
    });
  });

  describe(`fused SoftHebb update on ${be.name}`, () => {
    for (const [B, K, n] of [
      [1, 5, 7],
      [8, 13, 29],
      [64, 40, 100],
      [3, 1, 1],
    ]) {
      it(`equals the per-sample rule summed over a batch (B=${B}, K=${K}, n=${n})`, () => {
        const w = randMatrix(K, n, 1);
        const x = randMatrix(B, n, 2);
        const u = Matrix.zeros(B, K);
        be.gemm(false, true, 1, x, w, 0, u);
        const y = Matrix.zeros(B, K);
        be.softmaxRows(u, 3, y);
        const want = refSoftHebb(w, x, y, u, 0.05);
        be.softHebbUpdate(w, x, y, u, 0.05);
        assertClose(w.data, want, { atol: 2e-6, rtol: 1e-5 });
      });
    }

    it('per-unit rates', () => {
      const w = randMatrix(6, 10, 3);
      const x = randMatrix(4, 10, 4);
      const y = randMatrix(4, 6, 5, 0, 1);
      const u = randMatrix(4, 6, 6);
      const eta = Float32Array.from([0, 0.1, 0.2, 0.01, 1, 0.5]);
      const want = refSoftHebb(w, x, y, u, eta);
      be.softHebbUpdate(w, x, y, u, eta);
      assertClose(w.data, want, { atol: 2e-6, rtol: 1e-5 });
      // A zero rate leaves that unit's weights bit-identical.
      assert.deepEqual(Array.from(w.row(0)), Array.from(randMatrix(6, 10, 3).row(0)));
    });

    it('is W + η(YᵀX − diag(Σ Y∘U)W) as a GEMM identity', () => {
      const w = randMatrix(9, 12, 7);
      const x = randMatrix(5, 12, 8);
      const y = randMatrix(5, 9, 9, 0, 1);
      const u = randMatrix(5, 9, 10);
      const yx = refGemm(true, false, 1, y, x, 0, Matrix.zeros(9, 12));
      const want = new Float64Array(w.size);
      for (let k = 0; k < 9; k++) {
        let c = 0;
        for (let b = 0; b < 5; b++) c += y.get(b, k) * u.get(b, k);
        for (let i = 0; i < 12; i++)
          want[k * 12 + i] = w.get(k, i) + 0.1 * (yx[k * 12 + i] - c * w.get(k, i));
      }
      be.softHebbUpdate(w, x, y, u, 0.1);
      assertClose(w.data, want, { atol: 2e-6, rtol: 1e-5 });
    });

    for (const rates of ['scalar', 'per unit'] as const) {
      it(`hard-WTA update equals the dense update with one-hot Y (${rates} rate)`, () => {
        const [B, K, n] = [50, 12, 30];
        const w = randMatrix(K, n, 11);
        const x = randMatrix(B, n, 12);
        const u = randMatrix(B, K, 13);
        // Winners skewed so that some units win many rows and some none.
        const win = Int32Array.from({ length: B }, (_, b) => (b * b) % 7);
        const y = Matrix.zeros(B, K);
        win.forEach((k, b) => y.set(b, k, 1));
        const eta =
          rates === 'scalar' ? 0.05 : Float32Array.from({ length: K }, (_, k) => 0.01 * k);
        const want = refSoftHebb(w, x, y, u, eta);
        be.softHebbHardUpdate(w, x, win, u, eta);
        assertClose(w.data, want, { atol: 2e-6, rtol: 1e-5 });
        // Units that won nothing keep their weights bit for bit.
        assert.deepEqual(Array.from(w.row(11)), Array.from(randMatrix(K, n, 11).row(11)));
      });
    }

    for (const exact of [true, false])
      for (const withBias of [false, true])
        it(`soft step = softmax posteriors + ${exact ? 'exact per-unit' : 'scalar'} rates + the update${withBias ? ', with a prior' : ''} (float64 reference)`, () => {
          // B·K above the kernels' threading threshold, so the per-thread partial sums of c are tested.
          const [B, K, n, t] = [160, 40, 30, 5];
          const w = randMatrix(K, n, 21);
          const x = randMatrix(B, n, 22);
          const u = randMatrix(B, K, 23);
          const bias = withBias
            ? Float32Array.from({ length: K }, (_, k) => 0.1 * (k % 5) - 0.2)
            : null;
          // η c_k ≈ 1–10 here, where the exact rate (1 − e^(−ηc))/c differs from η by far.
          const eta = 0.5;
          const y = new Matrix(B, K);
          const yRef = new Matrix(B, K);
          const c = new Float64Array(K);
          for (let b = 0; b < B; b++) {
            const z = Array.from({ length: K }, (_, k) => t * (u.get(b, k) + (bias ? bias[k] : 0)));
            const m = Math.max(...z);
            const e = z.map((v) => Math.exp(v - m));
            const s = e.reduce((a, v) => a + v, 0);
            for (let k = 0; k < K; k++) {
              yRef.set(b, k, e[k] / s);
              c[k] += (e[k] / s) * u.get(b, k);
            }
          }
          const rate = Float32Array.from(c, (ck) => (exact ? (1 - Math.exp(-eta * ck)) / ck : eta));
          const want = refSoftHebb(w, x, yRef, u, rate);
          be.softHebbSoftStep(w, x, u, bias, { inverseTemperature: t, eta, exact }, y);
          assertClose(y.data, yRef.data, { atol: 1e-6, rtol: 1e-5, what: 'posteriors' });
          assertClose(w.data, want, { atol: 5e-6, rtol: 1e-5, what: 'weights' });
        });

    // The forward step: B ≥ 4n (blocks of patches natively: 1300 rows are 6 blocks, the last
    // ragged), B < 4n (the forward GEMM, then the soft step) and B < 4n with many units (the
    // threads split the units natively: 520 = 16 × 32 + 8, a ragged last share).
    for (const [B, K, n] of [
      [1300, 12, 9],
      [60, 40, 30],
      [64, 520, 200],
    ])
      for (const exact of [true, false])
        it(`forward step, B ${B} × n ${n}, K ${K}: U = X Wᵀ, then the ${exact ? 'exact' : 'scalar'}-rate soft step (float64 reference)`, () => {
          const t = 5;
          const w = randMatrix(K, n, 24, -0.5, 0.5);
          const x = randMatrix(B, n, 25, 0, 1);
          const bias = Float32Array.from({ length: K }, (_, k) => 0.05 * (k % 3));
          // Float64 U, posteriors, c and rates from W and X alone.
          const u = new Matrix(B, K);
          const yRef = new Matrix(B, K);
          const c = new Float64Array(K);
          for (let b = 0; b < B; b++) {
            const ub = Array.from({ length: K }, (_, k) => {
              let s = 0;
              for (let i = 0; i < n; i++) s += x.get(b, i) * w.get(k, i);
              return s;
            });
            const z = ub.map((v, k) => t * (v + bias[k]));
            const m = Math.max(...z);
            const e = z.map((v) => Math.exp(v - m));
            const s = e.reduce((a, v) => a + v, 0);
            for (let k = 0; k < K; k++) {
              u.set(b, k, ub[k]);
              yRef.set(b, k, e[k] / s);
              c[k] += (e[k] / s) * ub[k];
            }
          }
          const eta = 2 / B;
          const rate = Float32Array.from(c, (ck) => (exact ? (1 - Math.exp(-eta * ck)) / ck : eta));
          const want = refSoftHebb(w, x, yRef, u, rate);
          const y = new Matrix(B, K);
          const opts = { inverseTemperature: t, eta, exact };
          const w2 = w.clone();
          be.softHebbForwardStep(w, x, bias, opts, y);
          assertClose(y.data, yRef.data, { atol: 1e-6, rtol: 1e-4, what: 'posteriors' });
          assertClose(w.data, want, { atol: 2e-6, rtol: 1e-5, what: 'weights' });
          // Without y: the same weights.
          be.softHebbForwardStep(w2, x, bias, opts, null);
          assertClose(w2.data, w.data, { atol: 1e-7, rtol: 1e-6, what: 'weights, y = null' });
        });

    it('forward step with a row scale equals the forward GEMM and the soft step with it (B ≥ 4n and B < 4n)', () => {
      for (const [B, K, n] of [
        [1300, 12, 9],
        [60, 40, 30],
        [64, 520, 200],
      ]) {
        const v = randMatrix(K, n, 26, -0.5, 0.5);
        const x = randMatrix(B, n, 27, 0, 1);
        const s = Float32Array.from({ length: K }, (_, k) => 0.6 + (k % 4) / 5);
        const [v2, s2] = [v.clone(), s.slice()];
        const opts = { inverseTemperature: 5, eta: 2 / B, exact: true };
        be.softHebbForwardStep(v, x, null, { ...opts, scale: s }, null);
        const u = new Matrix(B, K);
        be.gemm(false, true, 1, x, v2, 0, u);
        be.softHebbSoftStep(v2, x, u, null, { ...opts, scale: s2 }, new Matrix(B, K));
        assertClose(s, s2, { atol: 0, rtol: 1e-6, what: `row scale, B ${B}` });
        assertClose(v.data, v2.data, { atol: 1e-6, rtol: 1e-5, what: `weights, B ${B}` });
      }
    });

    /** diag(s)·v as one matrix. */
    const scaledRows = (v: Matrix, s: Float32Array) => {
      const m = v.clone();
      be.scaleRows(m, s);
      return m;
    };
    const allOnes = (s: Float32Array) => s.every((v) => v === 1);

    /**
     * The same soft steps on the same unit-norm batches, once on W = diag(s0)·V0 itself and once
     * on V with the row scale s (from s0). B·K is above the threading threshold.
     */
    function stepTwins(o: {
      exact: boolean;
      bias?: boolean;
      eta: number;
      steps: number;
      v0: Matrix;
      s0: Float32Array;
      B?: number;
      positiveX?: boolean;
    }) {
      const [K, n, B, t] = [o.v0.rows, o.v0.cols, o.B ?? 80, 5];
      const v = o.v0.clone();
      const w = scaledRows(v, o.s0);
      const s = o.s0.slice();
      const bias = o.bias ? Float32Array.from({ length: K }, (_, k) => 0.1 * (k % 5) - 0.2) : null;
      const [u, y, uv, yv, x] = [K, K, K, K, n].map((c) => new Matrix(B, c));
      for (let i = 0; i < o.steps; i++) {
        be.normalizeRows(randMatrix(B, n, 40 + i, o.positiveX ? 0 : -1, 1), x);
        be.gemm(false, true, 1, x, w, 0, u);
        be.gemm(false, true, 1, x, v, 0, uv);
        const step = { inverseTemperature: t, eta: o.eta, exact: o.exact };
        be.softHebbSoftStep(w, x, u, bias, step, y);
        be.softHebbSoftStep(v, x, uv, bias, { ...step, scale: s }, yv);
        assertClose(yv.data, y.data, { atol: 1e-6, rtol: 1e-4, what: `posteriors, step ${i}` });
      }
      return { w, v, s };
    }

    for (const exact of [true, false])
      for (const bias of [false, true])
        it(`soft step with a row scale: diag(s)·W equals the explicit step after 6 steps (rel. 1e-5), ${exact ? 'exact' : 'scalar'} rate${bias ? ', with a prior' : ''}`, () => {
          const [K, n] = [64, 100];
          const s0 = Float32Array.from({ length: K }, (_, k) => 0.5 + (k % 7) / 4);
          // 1 − η c_k ≈ 0.6–1 per step: s shrinks by up to ~3× over the steps and stays in range.
          const { w, v, s } = stepTwins({
            exact,
            bias,
            eta: 0.5,
            steps: 6,
            v0: randMatrix(K, n, 31, -0.3, 0.3),
            s0,
          });
          assert.ok(!allOnes(s) && s.some((v, k) => Math.abs(v / s0[k] - 1) > 0.1), 'scale kept');
          assertClose(scaledRows(v, s).data, w.data, { atol: 1e-6, rtol: 1e-5, what: 'weights' });
        });

    /** Sign-fixed rows: u of that row keeps the sign for non-negative x. */
    const withRowSign = (v: Matrix, row: number, sign: number, size = 1) => {
      for (let j = 0; j < v.cols; j++) v.set(row, j, sign * size * Math.abs(v.get(row, j)));
      return v;
    };
    const folds: [string, () => ReturnType<typeof stepTwins>][] = [
      [
        'a factor 1 − η c ≤ 0 (scalar rate overshooting)',
        () =>
          stepTwins({
            exact: false,
            eta: 40,
            steps: 1,
            v0: randMatrix(64, 100, 31),
            s0: new Float32Array(64).fill(0.5),
          }),
      ],
      [
        'scale leaving [1e-3, 1e3] downwards',
        () =>
          stepTwins({
            exact: true,
            eta: 0.2,
            steps: 1,
            v0: withRowSign(randMatrix(64, 100, 31), 3, 1, 1000),
            s0: Float32Array.from({ length: 64 }, (_, k) => (k === 3 ? 1e-3 : 1)),
            positiveX: true,
          }),
      ],
      [
        'scale leaving [1e-3, 1e3] upwards',
        () =>
          stepTwins({
            exact: true,
            eta: 0.2,
            steps: 1,
            v0: withRowSign(randMatrix(64, 100, 31), 5, -1, 1e-3),
            s0: Float32Array.from({ length: 64 }, (_, k) => (k === 5 ? 1e3 : 1)),
            positiveX: true,
          }),
      ],
      [
        'a scalar rate with B ≥ n',
        () =>
          stepTwins({
            exact: false,
            eta: 0.2,
            steps: 2,
            B: 120,
            v0: randMatrix(64, 100, 31),
            s0: new Float32Array(64).fill(2),
          }),
      ],
    ];
    for (const [why, run] of folds)
      it(`soft step folds the row scale into W on ${why} (rel. 1e-5)`, () => {
        const { w, v, s } = run();
        assert.ok(allOnes(s), 'scale reset to ones');
        assertClose(v.data, w.data, { atol: 1e-6, rtol: 1e-5, what: 'weights' });
      });

    it('soft step refuses a row scale that is not finite and positive, or of the wrong length', () => {
      const [w, x, u, y] = [
        randMatrix(4, 3, 1),
        randMatrix(2, 3, 2),
        randMatrix(2, 4, 3),
        new Matrix(2, 4),
      ];
      const step = (scale: Float32Array) =>
        be.softHebbSoftStep(
          w,
          x,
          u,
          null,
          { inverseTemperature: 1, eta: 0.1, exact: true, scale },
          y,
        );
      assert.throws(
        () => step(Float32Array.from([1, 0, 1, 1])),
        /softHebbSoftStep: scale\[1\] = 0/,
      );
      assert.throws(() => step(Float32Array.from([1, 1, NaN, 1])), /scale\[2\] = NaN/);
      assert.throws(() => step(new Float32Array(3).fill(1)), /scale has length 3 but must have 4/);
    });

    it('hard-WTA update rejects a winner that is not a unit', () => {
      const w = randMatrix(4, 3, 1);
      const x = randMatrix(2, 3, 2);
      const u = randMatrix(2, 4, 3);
      assert.throws(
        () => be.softHebbHardUpdate(w, x, Int32Array.from([0, 4]), u, 0.1),
        /softHebbHardUpdate: winners\[1\] = 4 is not a unit index; units are 0\.\.3/,
      );
      assert.throws(
        () => be.softHebbHardUpdate(w, x, Int32Array.from([0]), u, 0.1),
        /softHebbHardUpdate: winners has length 1 but must have 2/,
      );
    });
  });
}
