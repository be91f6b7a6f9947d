// The STL-10 binary reader against files written in its format: per image 3 planes of 96 × 96
// bytes, each column-major (the official reader's reshape(-1, 3, 96, 96).transpose(0, 3, 2, 1)),
// labels one byte 1–10.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseStl10Images, parseStl10Labels, stl10 } from '../../src/data/stl10.ts';
import { HebbError } from '../../src/errors.ts';
import { rmTemp, tempDir } from './helpers.ts';

const dir = tempDir();
after(() => rmTemp(dir));

/** The byte the files hold for image i, channel c, row y, column x (any fixed function). */
const byte = (i: number, c: number, y: number, x: number) => (i * 7 + c * 50 + y * 3 + x * 5) % 256;

/** n images in the file layout: for each, channel-major planes, each plane column by column. */
function imagesFile(n: number): Buffer {
  const b = Buffer.alloc(n * 3 * 96 * 96);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++)
      for (let x = 0; x < 96; x++) for (let y = 0; y < 96; y++) b[k++] = byte(i, c, y, x);
  return b;
}

describe('STL-10 binary reader', () => {
  it('turns column-major planes into HWC rows in [0, 1] (every pixel of 2 images)', () => {
    const x = parseStl10Images(imagesFile(2), 'hand.bin');
    assert.equal(x.rows, 2);
    assert.equal(x.cols, 96 * 96 * 3);
    for (let i = 0; i < 2; i++)
      for (let y = 0; y < 96; y++)
        for (let xx = 0; xx < 96; xx++)
          for (let c = 0; c < 3; c++)
            if (x.get(i, (y * 96 + xx) * 3 + c) !== Math.fround(byte(i, c, y, xx) / 255))
              assert.fail(`image ${i} pixel (${y}, ${xx}) channel ${c}`);
    // by hand: byte 1 of the file is row 1, column 0 of the red plane
    const one = Buffer.alloc(3 * 96 * 96);
    one[1] = 255;
    const h = parseStl10Images(one, 'one.bin');
    assert.equal(h.get(0, 96 * 3), 1);
    assert.equal(
      h.data.reduce((s, v) => s + v, 0),
      1,
    );
  });

  it('maps labels 1–10 to 0–9 and refuses 0 or 11, naming the file', () => {
    assert.deepEqual([...parseStl10Labels(Uint8Array.from([1, 10, 5]), 'y.bin')], [0, 9, 4]);
    for (const bad of [0, 11])
      assert.throws(
        () => parseStl10Labels(Uint8Array.from([3, bad]), 'y.bin'),
        (e: Error) => e instanceof HebbError && /y\.bin: entry 1 is \d+, not 1–10/.test(e.message),
      );
  });

  it('loads a folder of the four files (train 3, test 2) and finds stl10_binary/ below a root', () => {
    const folder = path.join(dir, 'stl10_binary');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'train_X.bin'), imagesFile(3));
    fs.writeFileSync(path.join(folder, 'train_y.bin'), Buffer.from([2, 1, 10]));
    fs.writeFileSync(path.join(folder, 'test_X.bin'), imagesFile(2));
    fs.writeFileSync(path.join(folder, 'test_y.bin'), Buffer.from([4, 4]));
    const s = stl10({ dir });
    assert.deepEqual(s.train.shape, [96, 96, 3]);
    assert.deepEqual([...s.train.y], [1, 0, 9]);
    assert.deepEqual([...s.test.y], [3, 3]);
    assert.equal(s.train.classes[2], 'car');
    assert.equal(s.test.x.get(1, 5 * 3 + 2), Math.fround(byte(1, 2, 0, 5) / 255));
  });

  it('refuses a truncated file and a missing folder with the fix', () => {
    assert.throws(
      () => parseStl10Images(Buffer.alloc(1000), 'cut.bin'),
      /cut\.bin has 1000 bytes, not a positive multiple of 27648/,
    );
    assert.throws(
      () => stl10({ dir: path.join(dir, 'nowhere') }),
      /STL-10 not found: .*nowhere lacks train_X\.bin.*download stl10_binary\.tar\.gz/,
    );
  });
});
