// Convolutional SoftHebb: the forward pass against a naive convolution, the update against the
// rule written out patch by patch, and the layer against a dense layer trained on its patches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import { fromSafetensors, toSafetensors } from '../../src/model/model.ts';
import { SoftHebb, SoftHebbConv2d } from '../../src/softhebb/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix, refConv } from '../helpers/reference.ts';

/** Patches of one HWC image by hand, rows (oy, ox), columns (ky, kx, c); zeros outside. */
function naivePatches(
  img: Float32Array,
  [H, W, C]: number[],
  k: number,
  stride: number,
  pad: number,
  dil: number,
): number[][] {
  const out: number[][] = [];
  for (let oy = 0; oy + 0 <= H + 2 * pad - dil * (k - 1) - 1; oy += stride)
    for (let ox = 0; ox <= W + 2 * pad - dil * (k - 1) - 1; ox += stride) {
      const p: number[] = [];
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++)
          for (let c = 0; c < C; c++) {
            const y = oy - pad + ky * dil;
            const x = ox - pad + kx * dil;
            p.push(y < 0 || y >= H || x < 0 || x >= W ? 0 : img[(y * W + x) * C + c]);
          }
      out.push(p);
    }
  return out;
}

for (const be of backendsUnderTest()) {
  describe(`SoftHebbConv2d on ${be.name}`, () => {
    const shape: [number, number, number] = [7, 6, 2];

    it('preActivation equals a naive convolution with the kernels (stride, padding, dilation)', () => {
      for (const [stride, padding, dilation] of [
        [1, 0, 1],
        [2, 1, 1],
        [1, 2, 2],
      ]) {
        const conv = new SoftHebbConv2d({
          units: 5,
          inputShape: shape,
          kernelSize: 3,
          stride,
          padding,
          dilation,
          normalizeInput: false,
          backend: be,
        }).initialize();
        const x = randMatrix(3, 7 * 6 * 2, 1);
        const g = {
          inH: 7,
          inW: 6,
          channels: 2,
          kernelH: 3,
          kernelW: 3,
          stride,
          pad: padding,
          dilation,
        };
        const want = refConv(x, conv.weights, g);
        const got = conv.preActivation(x);
        const [oh, ow, k] = conv.outputShape;
        assert.equal(got.cols, oh * ow * k);
        assertClose(got.data, want, { atol: 1e-5, rtol: 1e-5 });
      }
    });

    it('one step is Eq. 8 summed over every patch of the batch (by hand, Euler)', () => {
      const eta = 0.01;
      const t = 4;
      const conv = new SoftHebbConv2d({
        units: 4,
        inputShape: shape,
        kernelSize: 3,
        stride: 2,
        padding: 1,
        normalizeInput: false,
        integrator: 'euler',
        lr: eta,
        inverseTemperature: t,
        batchSize: 2,
        backend: be,
      }).initialize();
      const w0 = Array.from({ length: 4 }, (_, k) => Array.from(conv.weights.row(k)));
      const x = randMatrix(2, 7 * 6 * 2, 2, 0, 1);
      const want = w0.map((r) => r.slice());
      for (let b = 0; b < 2; b++) {
        for (const p of naivePatches(x.row(b), shape, 3, 2, 1, 1)) {
          const u = w0.map((w) => w.reduce((s, v, i) => s + v * p[i], 0));
          const m = Math.max(...u);
          const e = u.map((v) => Math.exp(t * (v - m)));
          const z = e.reduce((a, v) => a + v, 0);
          for (let k = 0; k < 4; k++) {
            const y = e[k] / z;
            for (let i = 0; i < p.length; i++) want[k][i] += eta * y * (p[i] - u[k] * w0[k][i]);
          }
        }
      }
      conv.partialFit(x);
      assertClose(conv.weights.data, want.flat(), { atol: 2e-5, rtol: 1e-4 });
      assert.equal(conv.samplesSeen, 2);
    });

    it('equals a dense SoftHebb trained on the same patches, bit for bit', () => {
      const x = randMatrix(12, 7 * 6 * 2, 3, 0, 1);
      const init = randMatrix(6, 18, 4, 0, 1);
      // Normalised patches, the dense layer's default, so that its input step is checked too.
      const common = {
        units: 6,
        initialWeights: init,
        seed: 5,
        normalizeInput: true,
        backend: be,
      } as const;
      const conv = new SoftHebbConv2d({
        ...common,
        inputShape: shape,
        kernelSize: 3,
        batchSize: 4,
      });
      conv.initialize().horizon = 12;
      conv.partialFit(x);
      const L = conv.positions;
      const dense = new SoftHebb({ ...common, batchSize: 4 * L });
      dense.initialize(18);
      dense.horizon = 12 * L;
      const patches = new Matrix(12 * L, 18);
      be.im2col(
        x,
        { inH: 7, inW: 6, channels: 2, kernelH: 3, kernelW: 3, stride: 1, pad: 0 },
        patches,
      );
      dense.partialFit(patches);
      assertClose(conv.weights.data, dense.weights.data, { atol: 0, rtol: 0, what: 'weights' });
      assertClose(conv.transform(x).data, dense.transform(patches).data, { atol: 0, rtol: 0 });
    });

    it('fit from a checkpoint resumes bit for bit', () => {
      const x = randMatrix(40, 7 * 6 * 2, 6, 0, 1);
      const opts = {
        units: 4,
        inputShape: shape,
        kernelSize: 3,
        epochs: 3,
        batchSize: 5,
        seed: 2,
        backend: be,
      } as const;
      const full = new SoftHebbConv2d(opts).fit(x);
      const init = new SoftHebbConv2d(opts).initialize();
      assert.notDeepEqual(Array.from(full.weights.data), Array.from(init.weights.data));
      const part = new SoftHebbConv2d(opts);
      let saved: Uint8Array | null = null;
      part.fit(x, { onEpoch: (e) => (e === 1 ? (saved = toSafetensors(part)) : undefined) });
      const resumed = fromSafetensors<SoftHebbConv2d>(saved!, { backend: be });
      assert.equal(resumed.samplesSeen, 40);
      resumed.fit(x, { resume: true });
      assertClose(resumed.weights.data, full.weights.data, { atol: 0, rtol: 0 });
    });

    it('rejects bad shapes with the fix', () => {
      assert.throws(
        () => new SoftHebbConv2d({ units: 2, inputShape: [4, 4, 1], kernelSize: 5, backend: be }),
        (e: Error) => e instanceof ShapeError && /does not fit a 4×4 image/.test(e.message),
      );
      assert.throws(
        () => new SoftHebbConv2d({ units: 2, inputShape: [28, 28] as never, kernelSize: 5 }),
        (e: Error) => e instanceof ValueError && /\[height, width, channels\]/.test(e.message),
      );
      const conv = new SoftHebbConv2d({
        units: 2,
        inputShape: [6, 6, 1],
        kernelSize: 3,
        backend: be,
      });
      assert.throws(
        () => conv.fit(Matrix.zeros(3, 35)),
        (e: Error) => e instanceof ShapeError && /6×6×1 images \(36 values per row/.test(e.message),
      );
      const nan = Matrix.zeros(2, 36);
      nan.data[3] = NaN;
      assert.throws(() => conv.fit(nan), /NaN/);
      assert.throws(() => conv.transform(Matrix.zeros(1, 36)), /not fitted/);
    });
  });
}
