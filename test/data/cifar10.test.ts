import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cifar10, parseCifarBatch, readCifarBatch } from '../../src/data/cifar10.ts';
import { HebbError } from '../../src/errors.ts';
import { cifarByte, cifarRecords, rmTemp, tempDir, tinyCifarFiles } from './helpers.ts';

const dir = tempDir();
after(() => rmTemp(dir));

describe('CIFAR-10 binary reader', () => {
  it('a missing batch file: one line naming it and the fix', () => {
    const missing = path.join(dir, 'no_such_batch.bin');
    assert.throws(
      () => readCifarBatch(missing),
      (e: unknown) =>
        e instanceof HebbError &&
        e.message ===
          `CIFAR-10 batch ${missing} does not exist; run \`hebb data fetch cifar10\` (downloads 170 MB) to get a fresh copy`,
    );
  });

  it('converts channel-major records to HWC rows (hand example)', () => {
    // One record, label 3: R = [10, 11, …], G = 100 everywhere except pixel 33, B = 200.
    const rec = Buffer.alloc(3073);
    rec[0] = 3;
    for (let p = 0; p < 1024; p++) {
      rec[1 + p] = (10 + p) % 256;
      rec[1 + 1024 + p] = 100;
      rec[1 + 2048 + p] = 200;
    }
    rec[1 + 1024 + 33] = 255; // G at (y=1, x=1)
    const { x, y } = parseCifarBatch(rec, 'hand.bin');
    assert.deepEqual([...y], [3]);
    assert.equal(x.cols, 3072);
    // Pixel (y=0, x=0) → columns 0, 1, 2 = R, G, B.
    assert.deepEqual(
      [...x.row(0).subarray(0, 3)],
      [10, 100, 200].map((v) => Math.fround(v / 255)),
    );
    // Pixel (y=1, x=1) is p = 33 → columns 99, 100, 101.
    assert.deepEqual(
      [...x.row(0).subarray(99, 102)],
      [43, 255, 200].map((v) => Math.fround(v / 255)),
    );
    // Last pixel (31, 31), p = 1023 → columns 3069..3071; R byte (10 + 1023) % 256 = 9.
    assert.equal(x.get(0, 3069), Math.fround(9 / 255));
  });

  it('reads a file of any whole number of records', () => {
    const p = path.join(dir, 'few.bin');
    fs.writeFileSync(p, cifarRecords([1, 2, 9]));
    const { x, y } = readCifarBatch(p);
    assert.deepEqual([...y], [1, 2, 9]);
    assert.equal(x.get(2, 5 * 3 + 1), Math.fround(cifarByte(2, 1, 5) / 255));
  });

  it('rejects a length that is not a multiple of 3073, naming the file and sizes', () => {
    const p = path.join(dir, 'cut.bin');
    fs.writeFileSync(p, cifarRecords([1, 2]).subarray(0, 5000));
    assert.throws(
      () => readCifarBatch(p),
      (e: Error) =>
        e instanceof HebbError &&
        e.message.includes(p) &&
        /5000 bytes, not a positive multiple of the 3073-byte record/.test(e.message) &&
        e.message.includes('hebb data fetch cifar10'),
    );
  });

  it('rejects labels ≥ 10', () => {
    const p = path.join(dir, 'bad-label.bin');
    const b = cifarRecords([1, 2]);
    b[3073] = 42;
    fs.writeFileSync(p, b);
    assert.throws(() => readCifarBatch(p), /record 1 has label 42, not below 10/);
  });

  it('cifar10({dir}) joins the five training batches, from the folder or the data root', () => {
    const folder = path.join(dir, 'root', 'cifar-10-batches-bin');
    fs.mkdirSync(folder, { recursive: true });
    for (const f of tinyCifarFiles()) fs.writeFileSync(path.join(folder, f.name), f.data);
    for (const d of [folder, path.join(dir, 'root')]) {
      const { train, test } = cifar10({ dir: d });
      assert.equal(train.x.rows, 10);
      assert.equal(test.x.rows, 3);
      assert.deepEqual(train.shape, [32, 32, 3]);
      assert.deepEqual([...train.y], [2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      assert.deepEqual([...test.y], [9, 0, 4]);
      assert.equal(train.classes[0], 'airplane');
      // Record 7 (batch 4, second record), pixel 40, blue channel.
      assert.equal(train.x.get(7, 40 * 3 + 2), Math.fround(cifarByte(7, 2, 40) / 255));
    }
  });

  it('missing files: the error lists them and says how to fetch', () => {
    assert.throws(
      () => cifar10({ dir: path.join(dir, 'nothing') }),
      /lacks data_batch_1\.bin.*test_batch\.bin; run `hebb data fetch cifar10`/,
    );
  });
});
