// Average pooling that counts padding (PyTorch's AvgPool2d default, count_include_pad): against
// a float64 sum over each window divided by size², and by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { Pool2d } from '../../src/stack/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

/** Σ over the window's pixels inside the image / size² (padding counts as zeros). */
function refAvgCountingPadding(x: Matrix, [H, W, C]: number[], k: number, s: number, p: number) {
  const oh = Math.floor((H + 2 * p - k) / s) + 1;
  const ow = Math.floor((W + 2 * p - k) / s) + 1;
  const out: number[] = [];
  for (let b = 0; b < x.rows; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const y = oy * s - p + ky;
              const xx = ox * s - p + kx;
              if (y >= 0 && y < H && xx >= 0 && xx < W) sum += x.get(b, (y * W + xx) * C + c);
            }
          out.push(sum / (k * k));
        }
  return out;
}

for (const be of backendsUnderTest()) {
  describe(`Pool2d countPadding on ${be.name}`, () => {
    it('avg 4/2/1 and 3/2/1 equal Σ window / size² (float64, rtol 1e-6)', () => {
      for (const [k, s, p] of [
        [4, 2, 1],
        [3, 2, 1],
      ]) {
        const shape = [7, 6, 3];
        const x = randMatrix(2, 7 * 6 * 3, 9);
        const pool = new Pool2d({
          inputShape: [7, 6, 3],
          size: k,
          stride: s,
          padding: p,
          kind: 'avg',
          countPadding: true,
          backend: be,
        });
        assertClose(pool.transform(x).data, refAvgCountingPadding(x, shape, k, s, p), {
          rtol: 1e-6,
          atol: 1e-7,
        });
      }
    });

    it('by hand: a 2×2 image of ones, window 2, stride 2, padding 1 → ¼ each (1 without)', () => {
      const x = new Matrix(1, 4, Float32Array.from([1, 1, 1, 1]));
      const make = (countPadding: boolean) =>
        new Pool2d({
          inputShape: [2, 2, 1],
          size: 2,
          stride: 2,
          padding: 1,
          kind: 'avg',
          countPadding,
          backend: be,
        });
      assert.deepEqual(Array.from(make(true).transform(x).data), [0.25, 0.25, 0.25, 0.25]);
      assert.deepEqual(Array.from(make(false).transform(x).data), [1, 1, 1, 1]);
    });
  });
}
