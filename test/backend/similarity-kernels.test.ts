// Block-sparse similarity-matching kernels (localMatmul/T, localOuter, smEulerStep) against
// a dense reference built from the same blocks, on every backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng, getBackend, type LocalMap } from '../../src/backend/index.ts';
import { loadAddon } from '../../src/backend/native/index.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import {
  assertClose,
  assertSameOnOneAndTwoThreads,
  backendsUnderTest,
} from '../helpers/backends.ts';

// 3 sites × 2 units over 7 inputs: overlapping, non-contiguous and contiguous patches.
const MAP: LocalMap = {
  sites: 3,
  unitsPerSite: 2,
  inputs: 7,
  offsets: Int32Array.from([0, 3, 5, 9]),
  indices: Int32Array.from([0, 2, 5, 1, 2, 3, 4, 5, 6]),
};
const NBLK = 2 * 9;

function dense(blocks: Float32Array): number[][] {
  const d = Array.from({ length: 6 }, () => new Array<number>(7).fill(0));
  for (let s = 0; s < 3; s++) {
    const o0 = MAP.offsets[s];
    const P = MAP.offsets[s + 1] - o0;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < P; j++) d[s * 2 + i][MAP.indices[o0 + j]] += blocks[2 * o0 + i * P + j];
  }
  return d;
}

const rand = (seed: number, n: number) => new Rng(seed, getBackend('ts')).normal(n);

/** A map with `n` units per site over `inputs` inputs, site s seeing the inputs lists[s]. */
function mapOf(lists: number[][], n: number, inputs: number): LocalMap {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length));
  return {
    sites: lists.length,
    unitsPerSite: n,
    inputs,
    offsets,
    indices: Int32Array.from(lists.flat()),
  };
}

for (const b of backendsUnderTest()) {
  describe(`similarity kernels (${b.name})`, () => {
    const blocks = rand(1, NBLK);
    const D = dense(blocks);
    it('localMatmul equals the dense product, with alpha and beta', () => {
      const x = new Matrix(4, 7, rand(2, 28));
      const out0 = rand(3, 24);
      const out = new Matrix(4, 6, out0.slice());
      b.localMatmul(MAP, blocks, x, 0.5, 2, out);
      const ref: number[] = [];
      for (let r = 0; r < 4; r++)
        for (let i = 0; i < 6; i++) {
          let s = 0;
          for (let j = 0; j < 7; j++) s += D[i][j] * x.data[r * 7 + j];
          ref.push(0.5 * s + 2 * out0[r * 6 + i]);
        }
      assertClose(out.data, ref, { rtol: 1e-5, atol: 1e-5, what: 'localMatmul' });
    });
    it('localMatmulT equals the dense transpose product (overlaps accumulate)', () => {
      const y = new Matrix(4, 6, rand(4, 24));
      const out = new Matrix(4, 7, new Float32Array(28).fill(Number.NaN));
      b.localMatmulT(MAP, blocks, y, -1.5, 0, out);
      const ref: number[] = [];
      for (let r = 0; r < 4; r++)
        for (let j = 0; j < 7; j++) {
          let s = 0;
          for (let i = 0; i < 6; i++) s += D[i][j] * y.data[r * 6 + i];
          ref.push(-1.5 * s);
        }
      assertClose(out.data, ref, { rtol: 1e-5, atol: 1e-5, what: 'localMatmulT' });
    });
    it('localOuter sums post ⊗ pre over the batch on the synapses present', () => {
      const post = new Matrix(5, 6, rand(5, 30));
      const pre = new Matrix(5, 7, rand(6, 35));
      const out = blocks.slice();
      b.localOuter(MAP, post, pre, 0.25, 1, out);
      for (let s = 0; s < 3; s++) {
        const o0 = MAP.offsets[s];
        const P = MAP.offsets[s + 1] - o0;
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < P; j++) {
            let acc = 0;
            for (let t = 0; t < 5; t++)
              acc += post.data[t * 6 + s * 2 + i] * pre.data[t * 7 + MAP.indices[o0 + j]];
            const k = 2 * o0 + i * P + j;
            assertClose([out[k]], [0.25 * acc + blocks[k]], {
              rtol: 1e-5,
              atol: 1e-5,
              what: `outer[${k}]`,
            });
          }
      }
    });
    it('smEulerStep does one Euler step with the activation and per-row norms', () => {
      const u = new Matrix(3, 4, rand(7, 12));
      const u0 = u.data.slice();
      const drive = new Matrix(3, 4, rand(8, 12));
      const bias = new Matrix(3, 4, rand(9, 12));
      const r = new Matrix(3, 4, rand(10, 12));
      const r0 = r.data.slice();
      const du2 = new Float32Array(3);
      const u2 = new Float32Array(3);
      b.smEulerStep(u, drive, bias, r, 0.2, 'tanh', 0, 0, du2, u2);
      for (let row = 0; row < 3; row++) {
        let sd = 0;
        let su = 0;
        for (let i = row * 4; i < row * 4 + 4; i++) {
          const v = u0[i] + 0.2 * (bias.data[i] + drive.data[i] + r0[i] - u0[i]);
          assertClose([u.data[i]], [v], { rtol: 1e-5, atol: 1e-6, what: 'u' });
          assertClose([r.data[i]], [Math.tanh(v)], { rtol: 1e-5, atol: 1e-6, what: 'r' });
          sd += (v - u0[i]) ** 2;
          su += v * v;
        }
        assertClose([du2[row], u2[row]], [sd, su], { rtol: 1e-4, atol: 1e-6, what: 'norms' });
      }
    });
    it('localMatmul matches the dense product on tiny and BLAS blocks, any batch size', () => {
      // n = 16 and n = 3 (a specialised and a generic small kernel): site 2 and 3 exceed the
      // small-block size at n = 16 (BLAS), the others stay small; B = 7 is not a multiple of the
      // row blocking; contiguous and gathered patches.
      const lists = [
        [0, 1, 2, 3, 4],
        [1, 5, 9, 10, 11, 20, 39],
        Array.from({ length: 20 }, (_, j) => 10 + j),
        Array.from({ length: 30 }, (_, j) => (j * 7) % 40),
        [33],
      ];
      for (const n of [16, 3]) {
        const offsets = new Int32Array(lists.length + 1);
        lists.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length));
        const map: LocalMap = {
          sites: lists.length,
          unitsPerSite: n,
          inputs: 40,
          offsets,
          indices: Int32Array.from(lists.flat()),
        };
        const w = rand(11 + n, n * offsets[lists.length]);
        const N = lists.length * n;
        for (const B of [7, 1]) {
          const x = new Matrix(B, 40, rand(12, B * 40));
          const out0 = rand(13, B * N);
          const out = new Matrix(B, N, out0.slice());
          b.localMatmul(map, w, x, -0.75, 0.5, out);
          const ref: number[] = [];
          for (let r = 0; r < B; r++)
            for (let s = 0; s < lists.length; s++)
              for (let i = 0; i < n; i++) {
                let acc = 0;
                lists[s].forEach(
                  (k, j) =>
                    (acc += w[n * offsets[s] + i * lists[s].length + j] * x.data[r * 40 + k]),
                );
                ref.push(-0.75 * acc + 0.5 * out0[r * N + s * n + i]);
              }
          assertClose(out.data, ref, { rtol: 1e-5, atol: 1e-5, what: `localMatmul n ${n} B ${B}` });
        }
      }
    });
    it('the threaded paths (sites split, batch rows split) equal the dense product', () => {
      // Large enough for the native kernels to split the work over threads: 48 sites of 8
      // units, overlapping gathered patches of 36 inputs out of 300, a batch of 37 rows.
      const sites = 48;
      const n = 8;
      const K = 300;
      const lists = Array.from({ length: sites }, (_, s) =>
        Array.from({ length: 36 }, (_, j) => (s * 5 + j * 3) % K).sort((a, c) => a - c),
      );
      const map = mapOf(lists, n, K);
      const { offsets } = map;
      const w = rand(21, n * offsets[sites]);
      const B = 37;
      const N = sites * n;
      const x = new Matrix(B, K, rand(22, B * K));
      const y = new Matrix(B, N, rand(23, B * N));
      const fwd = Matrix.zeros(B, N);
      b.localMatmul(map, w, x, 1, 0, fwd);
      const back = Matrix.zeros(B, K);
      b.localMatmulT(map, w, y, 1, 0, back);
      const outer = new Float32Array(w.length);
      b.localOuter(map, y, x, 1, 0, outer);
      const refF = new Float64Array(B * N);
      const refB = new Float64Array(B * K);
      const refO = new Float64Array(w.length);
      for (let s = 0; s < sites; s++)
        for (let i = 0; i < n; i++)
          lists[s].forEach((k, j) => {
            const wij = w[n * offsets[s] + i * 36 + j];
            for (let r = 0; r < B; r++) {
              refF[r * N + s * n + i] += wij * x.data[r * K + k];
              refB[r * K + k] += wij * y.data[r * N + s * n + i];
              refO[n * offsets[s] + i * 36 + j] += y.data[r * N + s * n + i] * x.data[r * K + k];
            }
          });
      assertClose(fwd.data, refF, { rtol: 1e-4, atol: 1e-4, what: 'localMatmul' });
      assertClose(back.data, refB, { rtol: 1e-4, atol: 1e-4, what: 'localMatmulT' });
      assertClose(outer, refO, { rtol: 1e-4, atol: 1e-4, what: 'localOuter' });
    });
    it('smEulerStep tanh is within float accuracy of Math.tanh over the whole range', () => {
      const vals = [
        0, 1e-8, -1e-4, 0.1, 0.5, 0.6249, 0.625, -0.6251, 1, -2.5, 4, 9, -9.1, 20, 100, -100,
      ];
      for (let i = 0; i < 200; i++) vals.push(-12 + 0.12 * i);
      const n = vals.length;
      const u = Matrix.zeros(1, n);
      const drive = new Matrix(1, n, Float32Array.from(vals));
      const r = Matrix.zeros(1, n);
      b.smEulerStep(u, drive, null, r, 1, 'tanh', 0, 0, new Float32Array(1), new Float32Array(1));
      assertClose(u.data, drive.data, { rtol: 0, atol: 0, what: 'u' });
      assertClose(
        r.data,
        Array.from(drive.data, (v) => Math.tanh(v)),
        { rtol: 1e-6, atol: 1e-7, what: 'tanh' },
      );
    });
    it('rejects a bad map or mismatched shapes with a clear error', () => {
      const x = new Matrix(2, 6);
      const out = new Matrix(2, 6);
      assert.throws(() => b.localMatmul(MAP, blocks, x, 1, 0, out), ShapeError);
      const bad = { ...MAP, indices: Int32Array.from([0, 2, 9, 1, 2, 3, 4, 5, 6]) };
      assert.throws(
        () => b.localMatmul(bad, blocks, new Matrix(2, 7), 1, 0, out),
        /indices\[2\] = 9/,
      );
      assert.throws(
        () => b.localOuter(MAP, out, new Matrix(2, 7), 1, 0, new Float32Array(5)),
        ShapeError,
      );
      assert.throws(
        () =>
          b.smEulerStep(
            out,
            out,
            null,
            new Matrix(2, 6),
            0.1,
            'tanh',
            0,
            0,
            new Float32Array(2),
            new Float32Array(2),
          ),
        ValueError,
      );
    });
  });
}

describe('similarity kernels: the thread count does not change a result', () => {
  const res = loadAddon();
  it('native, 1 vs 2 threads, bit for bit', { skip: !('addon' in res) }, () => {
    if (!('addon' in res)) return;
    const b = getBackend('native');
    // 100 sites of 8 units with overlapping gathered patches: big enough to be split.
    const sites = 100;
    const n = 8;
    const K = 400;
    const lists = Array.from({ length: sites }, (_, s) =>
      Array.from({ length: 40 }, (_, j) => (s * 4 + j * 7) % K).sort((a, c) => a - c),
    );
    const map = mapOf(lists, n, K);
    const { offsets } = map;
    const w = rand(31, n * offsets[sites]);
    const B = 100;
    const N = sites * n;
    const x = new Matrix(B, K, rand(32, B * K));
    const y = new Matrix(B, N, rand(33, B * N));
    assertSameOnOneAndTwoThreads(b, () => {
      const f = Matrix.zeros(B, N);
      b.localMatmul(map, w, x, 1, 0, f);
      const t = Matrix.zeros(B, K);
      b.localMatmulT(map, w, y, 1, 0, t);
      const o = new Float32Array(w.length);
      b.localOuter(map, y, x, 1, 0, o);
      const u = Matrix.zeros(B, N);
      const r = Matrix.zeros(B, N);
      b.smEulerStep(u, f, y, r, 0.2, 'tanh', 0, 0, new Float32Array(B), new Float32Array(B));
      return [f.data, t.data, o, u.data, r.data];
    });
  });
});
