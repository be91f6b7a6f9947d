import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { classCounts } from '../../src/data/dataset.ts';
import { encodeIdx } from '../../src/data/idx.ts';
import { FASHION_MNIST_CLASSES, fashionMnist, mnist } from '../../src/data/mnist.ts';
import { HebbError } from '../../src/errors.ts';
import { rmTemp, tempDir } from './helpers.ts';

describe('mnist()', () => {
  it('60000/10000 images of 28×28×1 with the published class counts', () => {
    const { train, test } = mnist();
    assert.equal(train.x.rows, 60000);
    assert.equal(test.x.rows, 10000);
    assert.equal(train.x.cols, 784);
    assert.deepEqual(train.shape, [28, 28, 1]);
    assert.deepEqual(train.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(classCounts(train)[0], 5923);
    assert.equal(classCounts(test)[1], 1135);
    // First labels of each split: 5 0 4 1 9 (train), 7 2 1 0 4 (test).
    assert.deepEqual([...train.y.subarray(0, 5)], [5, 0, 4, 1, 9]);
    assert.deepEqual([...test.y.subarray(0, 5)], [7, 2, 1, 0, 4]);
  });

  it('pixels are float32 in [0, 1]; known pixels of the first training image', () => {
    const { train } = mnist();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.x.data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    assert.equal(lo, 0);
    assert.equal(hi, 1);
    // Row 5 of image 0 holds bytes …, 3, 18, 18, 18, 126, 136, 175, 26, 166, 255 from column 12.
    assert.equal(train.x.get(0, 5 * 28 + 18), Math.fround(175 / 255));
    assert.equal(train.x.get(0, 5 * 28 + 21), 1);
    assert.equal(train.x.get(0, 0), 0);
  });

  it('is parsed once and cached', () => {
    assert.equal(mnist(), mnist());
  });
});

describe('fashionMnist()', () => {
  const dir = tempDir();
  after(() => rmTemp(dir));

  function writeSet(folder: string, gz: boolean): void {
    fs.mkdirSync(folder, { recursive: true });
    const put = (name: string, data: Uint8Array): void =>
      fs.writeFileSync(
        path.join(folder, gz ? `${name}.gz` : name),
        gz ? zlib.gzipSync(data) : data,
      );
    const img = (n: number): Uint8Array => encodeIdx([n, 28, 28], new Uint8Array(n * 784).fill(51));
    put('train-images-idx3-ubyte', img(3));
    put('train-labels-idx1-ubyte', encodeIdx([3], Uint8Array.from([0, 9, 5])));
    put('t10k-images-idx3-ubyte', img(2));
    put('t10k-labels-idx1-ubyte', encodeIdx([2], Uint8Array.from([1, 8])));
  }

  it('reads .gz files from a given folder, with the Zalando class names', () => {
    const folder = path.join(dir, 'gz');
    writeSet(folder, true);
    const { train, test } = fashionMnist({ dir: folder });
    assert.equal(train.x.rows, 3);
    assert.equal(test.x.rows, 2);
    assert.equal(train.classes[9], 'Ankle boot');
    assert.deepEqual(train.classes, FASHION_MNIST_CLASSES);
    assert.equal(train.name, 'fashion-mnist');
    assert.equal(train.x.get(2, 100), Math.fround(0.2));
  });

  it('reads raw files from <root>/fashion-mnist when given the data root', () => {
    const root = path.join(dir, 'root');
    writeSet(path.join(root, 'fashion-mnist'), false);
    assert.deepEqual([...fashionMnist({ dir: root }).test.y], [1, 8]);
  });

  it('missing: the error says where it looked and how to get it', () => {
    const empty = path.join(dir, 'empty');
    assert.throws(
      () => fashionMnist({ dir: empty }),
      (e: Error) =>
        e instanceof HebbError &&
        e.message.includes(empty) &&
        e.message.includes('hebb data fetch fashion-mnist') &&
        e.message.includes('apt-get install dataset-fashion-mnist'),
    );
  });
});
