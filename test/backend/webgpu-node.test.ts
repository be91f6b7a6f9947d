import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { im2colTs } from '../../src/backend/ts/conv.ts';
import { normalizeRowsTs } from '../../src/backend/ts/reduce.ts';
import { smEulerStepTs } from '../../src/backend/ts/similarity.ts';
import { convOutputSize, type ConvGeometry } from '../../src/backend/types.ts';
import { HebbError } from '../../src/errors.ts';
import { mnist } from '../../src/data/mnist.ts';
import { ShapeError } from '../../src/errors.ts';
import { SoftHebbConv2d } from '../../src/softhebb/conv.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import { reflectPad } from '../../src/softhebb/pad.ts';
import {
  fitSoftHebbConv2dWebGpu,
  fitSoftHebbWebGpu,
  preActivationWebGpu,
} from '../../src/softhebb/webgpu.ts';
import { openNodeWebGpu } from '../helpers/node-webgpu.ts';
import { randMatrix } from '../helpers/reference.ts';

// hebb/webgpu's WGSL kernels in Node through the npm `webgpu` package (Dawn): on this machine's
// adapter, or on SwiftShader (a CPU Vulkan driver) where there is no GPU — correctness only.
// Skips, saying why, without the package or an adapter.
const opened = await openNodeWebGpu();
const skip = 'skip' in opened ? opened.skip : false;
const gpu = 'gpu' in opened ? opened.gpu : null!;
const U = 2 ** -24; // float32 unit roundoff

describe(
  `hebb/webgpu in Node (webgpu package${gpu ? `, ${gpu.info.description}` : ''})`,
  { skip },
  () => {
    after(() => gpu?.destroy());

    it('gemm: every transpose, shapes off the 64×64 block and 16-deep tile, with the epilogue, against float64', async () => {
      // 1×1×1; under one block; across blocks with ragged edges in M, N and K
      const shapes = [
        [1, 1, 1],
        [37, 53, 29],
        [65, 17, 130],
        [130, 200, 67],
      ];
      for (const [M, K, N] of shapes)
        for (const [ta, tb] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ]) {
          const a = ta ? randMatrix(K, M, 1) : randMatrix(M, K, 1);
          const b = tb ? randMatrix(N, K, 2) : randMatrix(K, N, 2);
          const c = randMatrix(M, N, 3);
          const rs = randMatrix(1, M, 4).data;
          const cs = randMatrix(1, M, 5).data;
          const C = gpu.upload(c);
          gpu.gemm(ta, tb, 1.5, gpu.upload(a), gpu.upload(b), 0.5, C, {
            rowScale: gpu.constant(rs),
            keep: gpu.constant(cs),
          });
          const out = (await gpu.download(C)).data;
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) {
              let s = 0;
              let mag = 0;
              for (let p = 0; p < K; p++) {
                const v =
                  (ta ? a.data[p * M + i] : a.data[i * K + p]) *
                  (tb ? b.data[j * K + p] : b.data[p * N + j]);
                s += v;
                mag += Math.abs(v);
              }
              const kept = 0.5 * cs[i] * c.data[i * N + j];
              const want = 1.5 * rs[i] * s + kept;
              // the float32 bound of a K-term sum (γ_K Σ|a·b|), plus the epilogue's few roundings
              const tol = (K + 4) * U * (Math.abs(1.5 * rs[i]) * mag + Math.abs(kept)) + 1e-30;
              const got = out[i * N + j];
              assert.ok(
                Math.abs(got - want) <= tol,
                `${M}×${K}×${N} ta=${ta} tb=${tb} C[${i},${j}]: ${got} vs ${want}`,
              );
            }
        }
    });

    it('gemm with beta 0 never reads C (a NaN there does not leak); a shape mismatch is refused', async () => {
      const [M, K, N] = [70, 33, 66];
      const a = randMatrix(M, K, 7);
      const b = randMatrix(K, N, 8);
      const C = gpu.upload(new Matrix(M, N, new Float32Array(M * N).fill(NaN)));
      gpu.gemm(false, false, 1, gpu.upload(a), gpu.upload(b), 0, C);
      const out = (await gpu.download(C)).data;
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = 0; p < K; p++) s += a.data[i * K + p] * b.data[p * N + j];
          assert.ok(Math.abs(out[i * N + j] - s) <= (K + 1) * U * K, `C[${i},${j}]`);
        }
      assert.throws(
        () => gpu.gemm(false, false, 1, gpu.upload(a), gpu.upload(a), 0, C),
        (e: Error) =>
          e instanceof ShapeError &&
          /op\(A\) 70×33 · op\(B\) 70×33 does not give C 70×66/.test(e.message),
      );
    });

    it('downloads may overlap: each returns the matrix as the kernels enqueued before it left it, and a refused kernel rejects once', async () => {
      const a = randMatrix(5, 7, 31);
      const b = randMatrix(7, 6, 32);
      const C = gpu.upload(new Matrix(5, 6, new Float32Array(30).fill(2)));
      const before = gpu.download(C);
      gpu.gemm(false, false, 1, gpu.upload(a), gpu.upload(b), 0, C);
      const [old, now, again] = await Promise.all([before, gpu.download(C), gpu.download(C)]);
      assert.ok(
        old.data.every((v) => v === 2),
        'the first download sees C before the GEMM',
      );
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 6; j++) {
          let s = 0;
          for (let p = 0; p < 7; p++) s += a.data[i * 7 + p] * b.data[p * 6 + j];
          assert.ok(Math.abs(now.data[i * 6 + j] - s) <= 8 * U * 7 * 4, `C[${i},${j}]`);
        }
      assert.deepEqual(again.data, now.data);
      // C both read (as A) and written in one dispatch: the device refuses the aliased binding
      gpu.gemm(false, false, 1, C, gpu.upload(randMatrix(6, 6, 33)), 0, C);
      const results = await Promise.allSettled([gpu.download(C), gpu.download(C)]);
      assert.equal(results[0].status, 'rejected');
      assert.match(String((results[0] as PromiseRejectedResult).reason), /WebGPU refused a kernel/);
      assert.equal(results[1].status, 'fulfilled');
    });

    it('the similarity-matching Euler step, every activation, with and without a bias, equals the ts kernel', async () => {
      // 150 columns: the 64-thread row loop runs a ragged third lap
      const [rows, cols, dt] = [5, 150, 0.3];
      const ops = [
        ['copy', 0, 0],
        ['relu', 0, 0],
        ['clip', -0.5, 0.8],
        ['tanh', 0, 0],
        ['shrink', 0.3, 0],
        ['cappedRelu', 0.2, 1],
      ] as const;
      for (const [op, p, q] of ops)
        for (const withBias of [false, true]) {
          const u = randMatrix(rows, cols, 11, -2, 2);
          const drive = randMatrix(rows, cols, 12, -2, 2);
          const bias = withBias ? randMatrix(rows, cols, 13, -1, 1) : null;
          const r = randMatrix(rows, cols, 14, -1, 1);
          const [U, R] = [gpu.upload(u), gpu.upload(r)];
          const du2 = gpu.zeros(1, rows);
          const u2 = gpu.zeros(1, rows);
          gpu.smEulerStep(
            U,
            gpu.upload(drive),
            bias && gpu.upload(bias),
            R,
            dt,
            op,
            p,
            q,
            du2.buffer,
            u2.buffer,
          );
          const [gu, gr, gd, gs] = await Promise.all([
            gpu.download(U),
            gpu.download(R),
            gpu.download(du2),
            gpu.download(u2),
          ]);
          const want = { du2: new Float32Array(rows), u2: new Float32Array(rows) };
          smEulerStepTs(u, drive, bias, r, dt, op, p, q, want.du2, want.u2);
          const at = `${op}${withBias ? ' with bias' : ''}`;
          for (let i = 0; i < u.data.length; i++) {
            // float32 rounding, with or without a fused multiply-add in u + dt·(t − u)
            assert.ok(
              Math.abs(gu.data[i] - u.data[i]) <= 1e-6 * (1 + Math.abs(u.data[i])),
              `${at}: u[${i}]`,
            );
            assert.ok(
              Math.abs(gr.data[i] - r.data[i]) <= 2e-6,
              `${at}: r[${i}] ${gr.data[i]} vs ${r.data[i]}`,
            );
          }
          for (let b = 0; b < rows; b++) {
            // float32 sums of 150 squares in a tree against a float64 sum
            assert.ok(Math.abs(gd.data[b] - want.du2[b]) <= 1e-5 * want.du2[b], `${at}: du2[${b}]`);
            assert.ok(Math.abs(gs.data[b] - want.u2[b]) <= 1e-5 * want.u2[b], `${at}: u2[${b}]`);
          }
        }
      const m = gpu.zeros(2, 3);
      assert.throws(
        () => gpu.smEulerStep(m, m, null, m, 0.1, 'sigmoid', 0, 0, m.buffer, m.buffer),
        (e: Error) =>
          e instanceof HebbError && /op 'sigmoid' is not one of copy, relu, clip/.test(e.message),
      );
      assert.throws(
        () => gpu.smEulerStep(m, gpu.zeros(3, 2), null, m, 0.1, 'relu', 0, 0, m.buffer, m.buffer),
        (e: Error) =>
          e instanceof ShapeError && /drive is 3×2, u 2×3; they must match/.test(e.message),
      );
    });

    it('im2col: zero padding, stride, dilation, several channels equal the ts kernel; reflect padding equals reflectPad then im2col; normalised rows equal normalizeRows', async () => {
      const images = randMatrix(3, 9 * 7 * 3, 21, -1, 1);
      // 9×7×3 images, 3×2 kernels: stride 2 with one pixel of padding; dilation 2 unpadded
      const geometries: ConvGeometry[] = [
        { inH: 9, inW: 7, channels: 3, kernelH: 3, kernelW: 2, stride: 2, pad: 1 },
        { inH: 9, inW: 7, channels: 3, kernelH: 3, kernelW: 2, stride: 1, pad: 0, dilation: 2 },
        { inH: 9, inW: 7, channels: 3, kernelH: 3, kernelW: 3, stride: 1, pad: 2 },
      ];
      const X = gpu.upload(images);
      for (const g of geometries)
        for (const reflect of g.pad > 0 ? [false, true] : [false]) {
          const { outH, outW } = convOutputSize(g);
          const n = g.kernelH * g.kernelW * g.channels;
          // two of the three images: the rest of out stays as it was (zeros)
          const want = new Matrix(3 * outH * outW, n);
          const two = images.sliceRows(0, 2);
          if (reflect) {
            const padded = reflectPad(two, [g.inH, g.inW, g.channels], g.pad);
            const unpadded = { ...g, inH: g.inH + 2 * g.pad, inW: g.inW + 2 * g.pad, pad: 0 };
            im2colTs(padded, unpadded, want.sliceRows(0, 2 * outH * outW));
          } else im2colTs(two, g, want.sliceRows(0, 2 * outH * outW));
          const out = gpu.zeros(want.rows, n);
          gpu.im2col(X, g, out, { images: 2, reflect });
          const got = (await gpu.download(out)).data;
          // a copy: bit for bit
          assert.deepEqual(got, want.data, `${JSON.stringify(g)} reflect ${reflect}`);
          const unit = gpu.zeros(want.rows, n);
          gpu.im2col(X, g, unit, { images: 2, reflect, normalize: true });
          const normed = (await gpu.download(unit)).data;
          const ref = new Matrix(want.rows, n);
          normalizeRowsTs(want, ref);
          for (let i = 0; i < normed.length; i++)
            // a tree sum of ≤ 27 squares against a sequential one, then a square root
            assert.ok(Math.abs(normed[i] - ref.data[i]) <= 4e-7, `normalised [${i}]`);
        }
      assert.throws(
        () => gpu.im2col(X, geometries[0], gpu.zeros(10, 18)),
        (e: Error) => e instanceof ShapeError && /need 60×18/.test(e.message),
      );
    });

    const x = mnist().train.x.sliceRows(0, 500).clone();

    it('one SoftHebb step (softmax at inverse temperature 200, per-unit rates, update) equals the ts backend', async () => {
      const o = { units: 50, epochs: 1, batchSize: 400, seed: 3 };
      const layer = await fitSoftHebbWebGpu(new SoftHebb(o), x.sliceRows(0, 400), { gpu });
      const cpu = new SoftHebb({ ...o, backend: 'ts' }).fit(x.sliceRows(0, 400));
      let worst = 0;
      for (let i = 0; i < cpu.weights.data.length; i++)
        worst = Math.max(worst, Math.abs(layer.weights.data[i] - cpu.weights.data[i]));
      // weights ~0.05; one step of float32 sums over 400 samples and 784 inputs
      assert.ok(worst < 5e-6, `largest difference ${worst}`);
      const u = await preActivationWebGpu(layer, x.sliceRows(0, 50), { gpu, chunk: 20 });
      const want = cpu.preActivation(x.sliceRows(0, 50)).data;
      for (let i = 0; i < u.data.length; i++)
        assert.ok(Math.abs(u.data[i] - want[i]) < 1e-5, `u[${i}]`);
    });

    it('two epochs of 5 batches follow the ts backend (same order, schedule, initial weights)', async () => {
      const o = { units: 50, epochs: 2, batchSize: 100, seed: 3 };
      const layer = await fitSoftHebbWebGpu(new SoftHebb(o), x, { gpu });
      const cpu = new SoftHebb({ ...o, backend: 'ts' }).fit(x);
      // the posteriors at inverse temperature 200 amplify rounding each step (docs/api.md)
      let worst = 0;
      for (let i = 0; i < cpu.weights.data.length; i++)
        worst = Math.max(worst, Math.abs(layer.weights.data[i] - cpu.weights.data[i]));
      assert.ok(worst < 2e-3, `largest weight difference ${worst}`);
      assert.equal(layer.getState().samples_seen.data[0], 1000);
    });

    it('SoftHebbConv2d: two epochs on the device follow conv.fit on the ts backend (zero padding; reflect padding with stride 2 and normalised patches)', async () => {
      const images = x.sliceRows(0, 20);
      const settings = [
        { kernelSize: 5, padding: 0 },
        { kernelSize: 3, padding: 2, paddingMode: 'reflect', stride: 2, normalizeInput: true },
      ] as const;
      for (const geometry of settings) {
        const o = {
          units: 8,
          inputShape: [28, 28, 1] as [number, number, number],
          epochs: 2,
          batchSize: 10,
          seed: 5,
          ...geometry,
        };
        const conv = await fitSoftHebbConv2dWebGpu(new SoftHebbConv2d(o), images, { gpu });
        const cpu = new SoftHebbConv2d({ ...o, backend: 'ts' }).fit(images);
        let worst = 0;
        for (let i = 0; i < cpu.weights.data.length; i++)
          worst = Math.max(worst, Math.abs(conv.weights.data[i] - cpu.weights.data[i]));
        // 4 steps, each summing over up to 5760 patches in another order (measured: 1e-5 and
        // 6e-7 for the two settings, on SwiftShader); kernels ~0.2; a rate 10 % off moves them ~1e-3
        assert.ok(worst < 1e-4, `${JSON.stringify(geometry)}: largest kernel difference ${worst}`);
        assert.equal(conv.samplesSeen, 40);
        assert.equal(conv.horizon, 40);
      }
    });

    it('SoftHebbConv2d: the deep network’s soft-Krotov rule and images of the wrong size are refused, saying what to do', async () => {
      const conv = new SoftHebbConv2d({
        units: 4,
        inputShape: [28, 28, 1],
        kernelSize: 3,
        krotov: true,
        rule: 'normalized',
      });
      await assert.rejects(
        fitSoftHebbConv2dWebGpu(conv, x.sliceRows(0, 10), { gpu }),
        (e: Error) =>
          e instanceof HebbError &&
          /fitSoftHebbConv2dWebGpu: the WebGPU path runs the batched soft-WTA rule only, not rule: 'normalized', krotov; use layer.fit on a CPU backend/.test(
            e.message,
          ),
      );
      const plain = new SoftHebbConv2d({ units: 4, inputShape: [28, 28, 1], kernelSize: 3 });
      await assert.rejects(
        fitSoftHebbConv2dWebGpu(plain, new Matrix(2, 10), { gpu }),
        (e: Error) =>
          e instanceof ShapeError &&
          /x is 2×10 but the layer reads 28×28×1 images \(784 values per row, HWC order\)/.test(
            e.message,
          ),
      );
    });
  },
);
