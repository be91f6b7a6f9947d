import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { bytesToUnit, encodeIdx, parseIdx, readIdx } from '../../src/data/idx.ts';
import { readIdxPair } from '../../src/data/mnist.ts';
import { HebbError } from '../../src/errors.ts';
import { rmTemp, tempDir } from './helpers.ts';

const dir = tempDir();
after(() => rmTemp(dir));

// 2 images of 2×3 and their labels.
const pixels = Uint8Array.from([0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60]);
const images = encodeIdx([2, 2, 3], pixels);
const labels = encodeIdx([2], Uint8Array.from([7, 1]));

function write(name: string, data: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
}

describe('IDX reader', () => {
  it('reads a raw images file: header, dims and bytes', () => {
    assert.deepEqual([...images.subarray(0, 4)], [0, 0, 8, 3]);
    const got = readIdx(write('img', images), { kind: 'images' });
    assert.deepEqual(got.dims, [2, 2, 3]);
    assert.deepEqual([...got.data], [...pixels]);
  });

  it('reads the same file gzip-compressed (detected by magic, not by name)', () => {
    const p = write('img-compressed.bin', zlib.gzipSync(images));
    const got = readIdx(p, { kind: 'images', dims: [2, -1, -1] });
    assert.deepEqual(got.dims, [2, 2, 3]);
    assert.deepEqual([...got.data], [...pixels]);
  });

  it('pairs images with labels into a Dataset with pixels v/255', () => {
    const ds = readIdxPair(write('i2', images), write('l2.gz', zlib.gzipSync(labels)), {
      name: 'tiny',
      classes: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      fix: 'fix it',
    });
    assert.deepEqual(ds.shape, [2, 3, 1]);
    assert.deepEqual([...ds.y], [7, 1]);
    assert.equal(ds.x.rows, 2);
    assert.equal(ds.x.get(0, 5), 1);
    assert.equal(ds.x.get(1, 0), Math.fround(10 / 255));
  });

  it('truncated file: error names the path and both byte counts', () => {
    const p = write('short', images.subarray(0, images.length - 5));
    assert.throws(
      () => readIdx(p, { kind: 'images', fix: 're-download it' }),
      (e: Error) => {
        assert.ok(e instanceof HebbError);
        assert.ok(e.message.includes(p), e.message);
        assert.match(e.message, /expected 28 bytes for 2×2×3 images, file has 23/);
        assert.match(e.message, /re-download it/);
        return true;
      },
    );
  });

  it('the MNIST-sized message reads as documented', () => {
    const head = Buffer.alloc(1000);
    head.set([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]);
    assert.throws(
      () => parseIdx(head, 'x.idx', { kind: 'images' }),
      /expected 47040016 bytes for 60000×28×28 images, file has 1000/,
    );
  });

  it('truncated gzip: a clear error, not a zlib stack', () => {
    const gz = zlib.gzipSync(images);
    const p = write('cut.gz', gz.subarray(0, gz.length - 8));
    assert.throws(
      () => readIdx(p),
      (e: Error) => {
        assert.ok(e instanceof HebbError);
        assert.match(e.message, /damaged gzip file/);
        assert.ok(e.message.includes(p));
        return true;
      },
    );
  });

  it('wrong magic: labels given where images are expected, non-IDX data, other types', () => {
    assert.throws(
      () => readIdx(write('lab', labels), { kind: 'images' }),
      /magic number 0x00000801 but images files have 0x00000803/,
    );
    assert.throws(
      () => readIdx(write('txt', Buffer.from('hello world, not idx'))),
      /bad magic number 0x68656c6c .*not an IDX file/,
    );
    const f32 = Buffer.from(images);
    f32[2] = 0x0d;
    assert.throws(() => readIdx(write('f32', f32)), /element type float32 .* not supported/);
  });

  it('wrong dimensions and missing file', () => {
    assert.throws(
      () => readIdx(write('img3', images), { kind: 'images', dims: [3, 28, 28] }),
      /dimensions 2×2×3, expected 3×28×28/,
    );
    const missing = path.join(dir, 'nope');
    assert.throws(() => readIdx(missing), new RegExp(`${missing} does not exist`));
  });

  it('image and label counts must agree', () => {
    const one = encodeIdx([1], Uint8Array.from([3]));
    assert.throws(
      () =>
        readIdxPair(write('i3', images), write('l3', one), {
          name: 't',
          classes: ['0', '1', '2', '3'],
          fix: 'x',
        }),
      /has 1 label but .* has 2 images/,
    );
  });

  it('bytesToUnit maps 0..255 onto float32(v/255)', () => {
    const out = bytesToUnit(Uint8Array.from([0, 51, 255]));
    assert.deepEqual([...out], [0, Math.fround(0.2), 1]);
  });
});
