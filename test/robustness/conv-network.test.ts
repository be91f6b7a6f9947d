// Input gradients through a convolutional stack (SoftHebbConv2d → Pool2d → Standardize →
// SoftHebbConv2d → Pool2d → read-out) against float64 finite differences of an independent
// float64 forward pass written here with plain loops; the pipeline's logits against the stack's
// own transform; on every backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Rng, getBackend } from '../../src/backend/index.ts';
import { SoftmaxClassifier } from '../../src/readout/softmax-classifier.ts';
import { poolStage } from '../../src/robustness/conv-stages.ts';
import { stackNetwork } from '../../src/robustness/networks.ts';
import type { Pipeline } from '../../src/robustness/pipeline.ts';
import { SoftHebbConv2d } from '../../src/softhebb/conv.ts';
import { Pool2d } from '../../src/stack/pool.ts';
import { Sequential } from '../../src/stack/sequential.ts';
import { Standardize } from '../../src/stack/standardize.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

const ts = getBackend('ts');

/** HWC image as [y][x][c]. */
type Img = number[][][];
const toImg = (v: ArrayLike<number>, h: number, w: number, c: number): Img =>
  Array.from({ length: h }, (_, y) =>
    Array.from({ length: w }, (_, x) =>
      Array.from({ length: c }, (_, k) => v[(y * w + x) * c + k]),
    ),
  );

/** Convolution of one image as SoftHebbConv2d computes it: [unit-norm patches,] W·p + b, triangle:power. */
function conv64(
  img: Img,
  w: number[][],
  b: number[],
  {
    k,
    pad,
    power,
    normalize,
    reflect = false,
  }: { k: number; pad: number; power: number; normalize: boolean; reflect?: boolean },
): Img {
  const H = img.length;
  const W = img[0].length;
  const C = img[0][0].length;
  const out: Img = [];
  for (let oy = 0; oy < H + 2 * pad - k + 1; oy++) {
    out.push([]);
    for (let ox = 0; ox < W + 2 * pad - k + 1; ox++) {
      const p: number[] = [];
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++)
          for (let c = 0; c < C; c++) {
            const y = oy - pad + ky;
            const x = ox - pad + kx;
            if (reflect) p.push(img[mirror(y, H)][mirror(x, W)][c]);
            else p.push(y >= 0 && y < H && x >= 0 && x < W ? img[y][x][c] : 0);
          }
      const n = normalize ? Math.sqrt(p.reduce((s, v) => s + v * v, 0)) : 1;
      const u = w.map((row, i) => row.reduce((s, v, j) => s + (v * p[j]) / n, b[i]));
      const m = u.reduce((s, v) => s + v, 0) / u.length;
      out[oy].push(u.map((v) => Math.max(v - m, 0) ** power));
    }
  }
  return out;
}

/** −1 → 1, n → n − 2: the edge pixel is not repeated (PyTorch's 'reflect'). */
const mirror = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);

/** Pooling over size×size windows at stride s with padding pad, in-image pixels only. */
function pool64(img: Img, size: number, s: number, pad: number, kind: 'max' | 'avg'): Img {
  const H = img.length;
  const W = img[0].length;
  const C = img[0][0].length;
  const oh = Math.floor((H + 2 * pad - size) / s) + 1;
  const ow = Math.floor((W + 2 * pad - size) / s) + 1;
  return Array.from({ length: oh }, (_, oy) =>
    Array.from({ length: ow }, (_, ox) =>
      Array.from({ length: C }, (_, c) => {
        const v: number[] = [];
        for (let ky = 0; ky < size; ky++)
          for (let kx = 0; kx < size; kx++) {
            const y = oy * s - pad + ky;
            const x = ox * s - pad + kx;
            if (y >= 0 && y < H && x >= 0 && x < W) v.push(img[y][x][c]);
          }
        return kind === 'max' ? Math.max(...v) : v.reduce((a, t) => a + t, 0) / v.length;
      }),
    ),
  );
}

const rows = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => Array.from(m.row(i)));

for (const be of backendsUnderTest()) {
  describe(`attacks through a convolutional stack (${be.name})`, () => {
    const [H, W, C] = [7, 7, 2];
    const N = 24;
    const data = new Matrix(N, H * W * C, new Rng(1, ts).uniform(N * H * W * C, 0, 1));
    const conv1 = new SoftHebbConv2d({
      units: 5,
      inputShape: [H, W, C],
      kernelSize: 3,
      padding: 1,
      activation: 'triangle:2',
      normalizeInput: true,
      epochs: 1,
      batchSize: 4,
      seed: 3,
      backend: be,
    });
    const pool1 = new Pool2d({
      inputShape: conv1.outputShape,
      size: 3,
      stride: 2,
      padding: 1,
      backend: be,
    });
    const std = new Standardize({ inputShape: pool1.outputShape, center: false, backend: be });
    const conv2 = new SoftHebbConv2d({
      units: 4,
      inputShape: pool1.outputShape,
      kernelSize: 2,
      activation: 'triangle:1.5',
      epochs: 1,
      batchSize: 4,
      seed: 4,
      backend: be,
    });
    const pool2 = new Pool2d({
      inputShape: conv2.outputShape,
      size: 2,
      stride: 1,
      kind: 'avg',
      backend: be,
    });
    const stack = new Sequential({
      layers: [conv1, pool1, std, conv2, pool2],
      batchSize: 8,
      seed: 5,
      backend: be,
    });
    stack.fit(data);
    const F = stack.outputSize(H * W * C);
    const K = 3;
    const w2 = new Matrix(K, F, new Rng(6, ts).normal(K * F, 0, 0.5));
    const b2 = new Rng(7, ts).normal(K, 0, 0.1);
    // The read-out's standardiser from the features' own statistics, as fitted read-outs have.
    const all = stack.transform(data);
    const mean = new Float32Array(F);
    const sd = new Float32Array(F);
    for (let j = 0; j < F; j++) {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < N; i++) {
        const v = all.data[i * F + j];
        s1 += v;
        s2 += v * v;
      }
      mean[j] = s1 / N;
      sd[j] = Math.sqrt(Math.max(s2 / N - (s1 / N) ** 2, 0)) + 1e-6;
    }
    const clf = new SoftmaxClassifier({ backend: be }).setParameters(w2, b2);
    const net = stackNetwork(stack, { classifier: clf, stats: { mean, std: sd } }, H * W * C);
    const x = data.sliceRows(0, 4);
    const y = [0, 1, 2, 1];

    /** The whole network in float64 for one image. */
    const loss64 = (v: number[], label: number): number => {
      let img = toImg(v, H, W, C);
      img = conv64(img, rows(conv1.weights), Array.from(conv1.bias ?? new Float32Array(5)), {
        k: 3,
        pad: 1,
        power: 2,
        normalize: true,
      });
      img = pool64(img, 3, 2, 1, 'max');
      const scale = std.scale;
      img = img.map((r) => r.map((p) => p.map((t, c) => t / scale[c])));
      img = conv64(img, rows(conv2.weights), Array.from(conv2.bias ?? new Float32Array(4)), {
        k: 2,
        pad: 0,
        power: 1.5,
        normalize: false,
      });
      img = pool64(img, 2, 1, 0, 'avg');
      const f = img.flat(2).map((t, i) => (t - mean[i]) / sd[i]);
      const z = rows(w2).map((r, i) => r.reduce((s, w, j) => s + w * f[j], b2[i]));
      const m = Math.max(...z);
      return m + Math.log(z.reduce((s, t) => s + Math.exp(t - m), 0)) - z[label];
    };

    it("the pipeline's logits are the read-out of the stack's own transform", () => {
      const feats = stack.transform(x);
      const z = net.logits(x);
      for (let t = 0; t < x.rows; t++)
        for (let k = 0; k < K; k++) {
          let want = b2[k];
          for (let j = 0; j < F; j++)
            want += w2.data[k * F + j] * ((feats.data[t * F + j] - mean[j]) / sd[j]);
          assert.ok(
            Math.abs(z.data[t * K + k] - want) < 1e-4 * (1 + Math.abs(want)),
            `logit ${t},${k}`,
          );
        }
    });

    it('input gradient of the cross-entropy = float64 finite differences (2e-3 of the largest)', () =>
      assertFiniteDifferences(net, loss64, x, y));

    it('reflect padding: the padded pixels send their gradient to the pixels they mirror', () => {
      const conv = new SoftHebbConv2d({
        units: 4,
        inputShape: [H, W, C],
        kernelSize: 3,
        padding: 2,
        paddingMode: 'reflect',
        activation: 'triangle:2',
        normalizeInput: true,
        epochs: 1,
        batchSize: 4,
        seed: 8,
        backend: be,
      });
      const one = new Sequential({ layers: [conv], batchSize: 8, seed: 5, backend: be });
      one.fit(data);
      const F1 = one.outputSize(H * W * C);
      const w = new Matrix(K, F1, new Rng(10, ts).normal(K * F1, 0, 0.5));
      const c = new SoftmaxClassifier({ backend: be }).setParameters(w, new Float32Array(K));
      const reflected = stackNetwork(one, { classifier: c, stats: null }, H * W * C);
      const ref = (v: number[], label: number) => {
        const img = conv64(toImg(v, H, W, C), rows(conv.weights), [0, 0, 0, 0], {
          k: 3,
          pad: 2,
          power: 2,
          normalize: true,
          reflect: true,
        });
        const f = img.flat(2);
        const z = rows(w).map((r) => r.reduce((s, t, j) => s + t * f[j], 0));
        const m = Math.max(...z);
        return m + Math.log(z.reduce((s, t) => s + Math.exp(t - m), 0)) - z[label];
      };
      assertFiniteDifferences(reflected, ref, x, y);
    });

    it('pool backward: max to the largest pixel (the first on ties), avg over the pixels inside or the whole padded window (hand examples)', () => {
      // 1 image 2×3, 1 channel; windows 2×2 at stride 1: [[1,5],[5,2]] and [[5,3],[2,0]]
      const stage = poolStage(
        be,
        { inH: 2, inW: 3, channels: 1, kernelH: 2, kernelW: 2, stride: 1, pad: 0 },
        'max',
      );
      const out = stage.forward(Matrix.from([[1, 5, 3, 5, 2, 0]]));
      assert.deepEqual(Array.from(out.data), [5, 5]);
      const g = stage.backward(Matrix.from([[10, 100]]));
      assert.deepEqual(Array.from(g.data), [0, 110, 0, 0, 0, 0]);
      const avg = poolStage(
        be,
        { inH: 2, inW: 3, channels: 1, kernelH: 2, kernelW: 2, stride: 1, pad: 0 },
        'avg',
      );
      avg.forward(Matrix.from([[1, 5, 3, 5, 2, 0]]));
      assert.deepEqual(Array.from(avg.backward(Matrix.from([[4, 8]])).data), [1, 3, 2, 1, 3, 2]);
      // 2×2 image, 2×2 windows at stride 2 with 1 pixel of padding: each window holds one pixel.
      const geom = { inH: 2, inW: 2, channels: 1, kernelH: 2, kernelW: 2, stride: 2, pad: 1 };
      const counted = poolStage(be, geom, 'avg', { countPadding: true });
      assert.deepEqual(
        Array.from(counted.forward(Matrix.from([[1, 2, 3, 4]])).data),
        [0.25, 0.5, 0.75, 1],
      );
      assert.deepEqual(
        Array.from(counted.backward(Matrix.from([[1, 1, 1, 1]])).data),
        [0.25, 0.25, 0.25, 0.25],
      );
      const inside = poolStage(be, geom, 'avg');
      assert.deepEqual(Array.from(inside.forward(Matrix.from([[1, 2, 3, 4]])).data), [1, 2, 3, 4]);
      assert.deepEqual(Array.from(inside.backward(Matrix.from([[1, 1, 1, 1]])).data), [1, 1, 1, 1]);
    });

    it('a hard-WTA conv layer without an activation is refused, naming the fix', () => {
      const hard = new SoftHebbConv2d({
        units: 3,
        inputShape: [H, W, C],
        kernelSize: 3,
        wta: 'hard',
        epochs: 1,
        backend: be,
      });
      const s = new Sequential({ layers: [hard], batchSize: 8, backend: be });
      s.fit(data.sliceRows(0, 4));
      const c = new SoftmaxClassifier({ backend: be }).setParameters(
        Matrix.zeros(2, s.outputSize(H * W * C)),
        new Float32Array(2),
      );
      assert.throws(
        () => stackNetwork(s, { classifier: c, stats: null }, H * W * C),
        /hard-WTA layer with softmax/,
      );
    });
  });
}

/** dL/dx of every value of every sample against central differences of the float64 loss. */
function assertFiniteDifferences(
  net: Pipeline,
  loss64: (v: number[], label: number) => number,
  x: Matrix,
  y: number[],
): void {
  const { grad, loss } = net.lossGradient(x, y);
  const h = 1e-6;
  for (let t = 0; t < x.rows; t++) {
    const xt = Array.from(x.row(t));
    assert.ok(Math.abs(loss[t] - loss64(xt, y[t])) < 1e-4 * (1 + loss[t]), `loss ${t}`);
    let scale = 0;
    const fd = xt.map((_, j) => {
      const p = xt.slice();
      const m = xt.slice();
      p[j] += h;
      m[j] -= h;
      const d = (loss64(p, y[t]) - loss64(m, y[t])) / (2 * h);
      scale = Math.max(scale, Math.abs(d));
      return d;
    });
    assert.ok(scale > 1e-3, 'the loss depends on the pixels');
    fd.forEach((d, j) => {
      const got = grad.data[t * xt.length + j];
      assert.ok(Math.abs(got - d) <= 2e-3 * scale + 1e-6, `image ${t} value ${j}: ${got} vs ${d}`);
    });
  }
}
