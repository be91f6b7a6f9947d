import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import {
  classCounts,
  shuffle,
  subset,
  take,
  validateDataset,
  type Dataset,
} from '../../src/data/dataset.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';

/** 20 samples of 2×1×1: row i = [i, −i], label i mod 3. */
function toy(n = 20): Dataset {
  const x = new Matrix(n, 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x.set(i, 0, i);
    x.set(i, 1, -i);
    y[i] = i % 3;
  }
  return { x, y, shape: [2, 1, 1], classes: ['a', 'b', 'c'], name: 'toy' };
}

describe('Dataset helpers', () => {
  it('subset: same seed → same rows; other seed → other rows; rows stay paired with labels', () => {
    const ds = toy();
    const a = subset(ds, 8, 42);
    const b = subset(ds, 8, 42);
    const c = subset(ds, 8, 43);
    assert.deepEqual(a.x.data, b.x.data);
    assert.deepEqual(a.y, b.y);
    assert.notDeepEqual(a.x.data, c.x.data);
    assert.equal(a.x.rows, 8);
    const ids = Array.from({ length: 8 }, (_, k) => a.x.get(k, 0));
    assert.equal(new Set(ids).size, 8, 'no repeats');
    for (let k = 0; k < 8; k++) {
      assert.equal(a.x.get(k, 1), -ids[k]);
      assert.equal(a.y[k], ids[k] % 3);
    }
  });

  it('subset(n) is the first n rows of shuffle with the same seed', () => {
    const ds = toy();
    const s = shuffle(ds, 7);
    const sub = subset(ds, 5, 7);
    assert.deepEqual(sub.x.data, s.x.data.subarray(0, 10));
  });

  it('shuffle is a permutation and does not touch its input', () => {
    const ds = toy();
    const before = ds.x.data.slice();
    const s = shuffle(ds, 1);
    assert.deepEqual(ds.x.data, before);
    assert.deepEqual(
      Array.from(s.x.data.filter((_, i) => i % 2 === 0)).sort((p, q) => p - q),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.deepEqual(classCounts(s), classCounts(ds));
  });

  it('take copies the first n rows', () => {
    const ds = toy();
    const t = take(ds, 3);
    assert.deepEqual(t.x.toArray(), [
      [0, -0],
      [1, -1],
      [2, -2],
    ]);
    t.x.data[0] = 99;
    assert.equal(ds.x.data[0], 0);
  });

  it('classCounts', () => {
    assert.deepEqual(classCounts(toy()), [7, 7, 6]);
  });

  it('bad n and inconsistent data sets are clear errors', () => {
    const ds = toy();
    assert.throws(() => subset(ds, 21, 0), ValueError);
    assert.throws(() => take(ds, -1), /integer in 0\.\.20/);
    assert.throws(() => validateDataset({ ...ds, y: ds.y.subarray(1) }), ShapeError);
    assert.throws(
      () => validateDataset({ ...ds, shape: [3, 1, 1] }),
      /shape 3×1×1 = 3 values per sample but x has 2 columns/,
    );
    const bad = { ...ds, y: ds.y.slice() };
    bad.y[4] = 3;
    assert.throws(() => validateDataset(bad), /label 3 at row 4/);
  });
});
