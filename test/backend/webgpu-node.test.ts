import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { mnist } from '../../src/data/mnist.ts';
import { ShapeError } from '../../src/errors.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import { fitSoftHebbWebGpu, preActivationWebGpu } from '../../src/softhebb/webgpu.ts';
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
  },
);
