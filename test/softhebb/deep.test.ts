// The authors' deep SoftHebb rule (Journé et al. 2023, hebbconv.py HebbSoftKrotovConv2d): two
// soft-Krotov conv steps with the norm-dependent rate, reflect and zero padding, against a
// float64 PyTorch computation of their formulas (test/fixtures/make_softhebb_deep_fixture.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { ValueError } from '../../src/errors.ts';
import { SoftHebbConv2d } from '../../src/softhebb/index.ts';
import { reflectPad } from '../../src/softhebb/pad.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

interface Fixture {
  shape: [number, number, number];
  units: number;
  kernel: number;
  padding: number;
  inverseTemperature: number;
  lr: number;
  adaptivePower: number;
  batch: number;
  x: number[][];
  reflected: number[][];
  w0: number[][];
  cases: Record<'reflect' | 'zeros', { rates: number[]; weights: number[][] }[]>;
}

const fx = JSON.parse(
  readFileSync(new URL('../fixtures/softhebb-deep.json', import.meta.url), 'utf8'),
) as Fixture;
const rows = (m: number[][]) => new Matrix(m.length, m[0].length, Float32Array.from(m.flat()));

for (const be of backendsUnderTest()) {
  describe(`soft-Krotov conv with the norm-dependent rate on ${be.name}`, () => {
    for (const mode of ['reflect', 'zeros'] as const) {
      // float32 sums of ≤ 108 products of O(1) values: 2e-5 relative, 1e-5 absolute on
      // O(0.1–1) weights; a 10 % change of t, η or the rate's power moves a weight of the
      // first step by 5e-4, 3e-3, 1e-3 (checked), 25× the tolerance or more.
      it(`two steps equal their PyTorch formulas (${mode} padding; rtol 2e-5, atol 1e-5)`, () => {
        const conv = new SoftHebbConv2d({
          units: fx.units,
          inputShape: fx.shape,
          kernelSize: fx.kernel,
          padding: fx.padding,
          paddingMode: mode,
          krotov: true,
          rule: 'normalized',
          adaptivePower: fx.adaptivePower,
          lr: fx.lr,
          inverseTemperature: fx.inverseTemperature,
          bias: false,
          normalizeInput: false,
          batchSize: fx.batch,
          initialWeights: rows(fx.w0),
          backend: be,
        }).initialize();
        const x = rows(fx.x);
        for (const [s, expected] of fx.cases[mode].entries()) {
          const norms = conv.weightNorms();
          const rates = Array.from(
            norms,
            (n) => fx.lr * (Math.abs(n - 1) + 1e-10) ** fx.adaptivePower,
          );
          assertClose(rates, expected.rates, { rtol: 2e-5, what: `step ${s + 1} rates` });
          conv.partialFit(x.sliceRows(s * fx.batch, (s + 1) * fx.batch));
          assertClose(conv.weights.data, expected.weights.flat(), {
            rtol: 2e-5,
            atol: 1e-5,
            what: `weights after step ${s + 1}`,
          });
        }
      });
    }

    it('reflectPad mirrors the border without repeating it, as F.pad(…, "reflect")', () => {
      const x = rows(fx.x.slice(0, 1));
      assertClose(reflectPad(x, fx.shape, fx.padding).data, fx.reflected.flat(), {
        rtol: 0,
        atol: 0,
        what: 'reflected image',
      });
      // by hand: the 3×3 image 1…9 padded by 2; its top row [1, 2, 3] → [3, 2, 1, 2, 3, 2, 1]
      // (padded row 2), and padded row 0 mirrors image row 2 ([7, 8, 9])
      const img = new Matrix(1, 9, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
      const padded = reflectPad(img, [3, 3, 1], 2).data;
      assert.deepEqual(Array.from(padded.subarray(14, 21)), [3, 2, 1, 2, 3, 2, 1]);
      assert.deepEqual(Array.from(padded.subarray(0, 7)), [9, 8, 7, 8, 9, 8, 7]);
    });

    it('refuses reflect padding as wide as the image, naming the fix', () => {
      assert.throws(
        () =>
          new SoftHebbConv2d({
            units: 2,
            inputShape: [3, 3, 1],
            kernelSize: 3,
            padding: 3,
            paddingMode: 'reflect',
          }),
        (e: Error) => e instanceof ValueError && /paddingMode 'zeros'/.test(e.message),
      );
    });

    it("'normal-iid' draws N(0, R²/n) entries: E‖w‖² = R² (within 3 %)", () => {
      const conv = new SoftHebbConv2d({
        units: 400,
        inputShape: [8, 8, 6],
        kernelSize: 3,
        init: 'normal-iid',
        initRadius: 25,
        seed: 3,
        backend: be,
      }).initialize();
      let sq = 0;
      let mean = 0;
      for (const v of conv.weights.data) {
        sq += v * v;
        mean += v;
      }
      // 400 rows of 54 entries: the mean square's relative sd is √(2/21600) ≈ 1 %
      assert.ok(Math.abs(sq / 400 / 625 - 1) < 0.03, `E‖w‖² = ${sq / 400}`);
      assert.ok(Math.abs(mean / conv.weights.data.length) < 0.5, 'entries centred');
    });
  });
}
