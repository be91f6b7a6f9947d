import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import {
  applyStandardizer,
  fitStandardizer,
  l2Normalize,
  scaleToUnit,
  standardizePixels,
  subtractSampleMean,
} from '../../src/data/preprocess.ts';
import { assertClose } from '../helpers/backends.ts';

function ds(rows: number[][]): Dataset {
  const x = Matrix.from(rows);
  return { x, y: new Uint8Array(x.rows), shape: [1, x.cols, 1], classes: ['0'], name: 't' };
}

// float32 arithmetic: compare with rtol 1e-6 / atol 1e-6 against float64 hand values.
const TOL = { rtol: 1e-6, atol: 1e-6 };

describe('preprocessing', () => {
  it('scaleToUnit divides by 255 and leaves the input alone', () => {
    const a = ds([[0, 51, 255]]);
    const b = scaleToUnit(a);
    assertClose(b.x.data, [0, 0.2, 1], TOL);
    assert.deepEqual([...a.x.data], [0, 51, 255]);
  });

  it('l2Normalize: [3, 4] → [0.6, 0.8]; zero rows stay zero', () => {
    const out = l2Normalize(
      ds([
        [3, 4],
        [0, 0],
        [1, 1],
      ]),
    );
    assertClose(out.x.data, [0.6, 0.8, 0, 0, Math.SQRT1_2, Math.SQRT1_2], TOL);
  });

  it('subtractSampleMean removes each row mean', () => {
    const out = subtractSampleMean(
      ds([
        [1, 2, 3, 6],
        [5, 5, 5, 5],
      ]),
    );
    assertClose(out.x.data, [-2, -1, 0, 3, 0, 0, 0, 0], TOL);
  });

  it('inPlace overwrites and returns the same Dataset', () => {
    const a = ds([[1, 3]]);
    const b = subtractSampleMean(a, { inPlace: true });
    assert.equal(b, a);
    assert.deepEqual([...a.x.data], [-1, 1]);
  });

  it('fitStandardizer: population mean/std per pixel; constant pixels get std 1', () => {
    // Column 0: 1, 2, 3, 4 → mean 2.5, std √1.25. Column 1 constant 7.
    const train = ds([
      [1, 7],
      [2, 7],
      [3, 7],
      [4, 7],
    ]);
    const st = fitStandardizer(train);
    assertClose(st.mean, [2.5, 7], TOL);
    assertClose(st.std, [Math.sqrt(1.25), 1], TOL);
    const out = applyStandardizer(ds([[5, 9]]), st);
    assertClose(out.x.data, [2.5 / Math.sqrt(1.25), 2], TOL);
  });

  it('standardizePixels fits on train only and returns the stats', () => {
    const train = ds([
      [0, 10],
      [2, 30],
    ]);
    const test = ds([[1, 0]]);
    const r = standardizePixels({ train, test });
    assertClose(r.stats.mean, [1, 20], TOL);
    assertClose(r.stats.std, [1, 10], TOL);
    assertClose(r.train.x.data, [-1, -1, 1, 1], TOL);
    assertClose(r.test.x.data, [0, -2], TOL);
    assert.deepEqual([...train.x.data], [0, 10, 2, 30], 'input untouched');
  });

  it('shape mismatch between stats and data is a ShapeError', () => {
    const st = fitStandardizer(ds([[1, 2]]));
    assert.throws(() => applyStandardizer(ds([[1, 2, 3]]), st), /stats have 2 features/);
  });
});
