import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import zlib from 'node:zlib';
import jpeg from 'jpeg-js';
import { fetchDataset } from '../../src/data/fetch.ts';
import { faceImage, lfw, lfwSubset } from '../../src/data/lfw.ts';
import { createTar } from '../../src/data/tar.ts';
import { HebbError } from '../../src/errors.ts';
import { fileHandler, rmTemp, startServer, tempDir, type TestServer } from './helpers.ts';

/** A 250×250 JPEG of a flat grey level g with a bright centre square (where the face would be). */
function picture(g: number): Buffer {
  const w = 250;
  const data = Buffer.alloc(w * w * 4);
  for (let y = 0; y < w; y++)
    for (let x = 0; x < w; x++) {
      const v = Math.abs(y - 125) < 30 && Math.abs(x - 125) < 30 ? 250 : g;
      data.set([v, v, v, 255], (y * w + x) * 4);
    }
  return Buffer.from(jpeg.encode({ data, width: w, height: w }, 95).data);
}

// Two people, three and two pictures: the layout of the official lfw.tgz.
const files = [
  ['Ada_Lovelace/Ada_Lovelace_0001.jpg', 20],
  ['Ada_Lovelace/Ada_Lovelace_0002.jpg', 60],
  ['Ada_Lovelace/Ada_Lovelace_0003.jpg', 100],
  ['Alan_Turing/Alan_Turing_0001.jpg', 140],
  ['Alan_Turing/Alan_Turing_0002.jpg', 180],
] as const;
const tgz = zlib.gzipSync(
  createTar(files.map(([name, g]) => ({ name: `lfw/${name}`, data: picture(g) }))),
);
const sha256 = crypto.createHash('sha256').update(tgz).digest('hex');

let dir: string;
let server: TestServer | undefined;
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmTemp(dir);
});

describe('LFW', () => {
  it('faceImage: luma of the central crop, box-averaged to side × side, in [0, 1]', () => {
    // 8×8 RGB: left half red 255, right half blue 255; crop = max(side, ⌊8·128/250⌋) = 4.
    const rgb = new Uint8Array(8 * 8 * 3);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) rgb.set(x < 4 ? [255, 0, 0] : [0, 0, 255], (y * 8 + x) * 3);
    const img = faceImage(rgb, 8, 8, 2);
    // crop rows/cols 2..5; output column 0 averages cols 2–3 (red), column 1 cols 4–5 (blue)
    assert.deepEqual(
      Array.from(img, (v) => +v.toFixed(6)),
      [0.299, 0.114, 0.299, 0.114],
    );
    assert.throws(() => faceImage(rgb, 8, 7), /for a 8×7 RGB image/);
  });

  it(
    'fetch checks the SHA-256, extracts <Name>/*.jpg; the loader decodes to 64×64 grey and caches',
    { timeout: 30_000 },
    async () => {
      server = await startServer(fileHandler(tgz));
      const res = await fetchDataset('lfw', {
        dir,
        url: `${server.base}/lfw.tgz`,
        checksums: { 'lfw.tgz': sha256 },
        retries: 0,
      });
      assert.equal(res.path, path.join(dir, 'lfw'));
      assert.ok(fs.existsSync(path.join(dir, 'lfw', 'Alan_Turing', 'Alan_Turing_0002.jpg')));
      const s = lfw({ dir });
      assert.equal(s.train.x.rows + s.test.x.rows, 5);
      assert.deepEqual(s.train.shape, [64, 64, 1]);
      // Sorted order; the crop keeps the bright centre square, so the middle pixel is ≈ 250/255
      // and the corners carry the picture's grey level.
      const first = s.train.x.row(0);
      assert.ok(Math.abs(first[32 * 64 + 32] - 250 / 255) < 0.03, String(first[32 * 64 + 32]));
      assert.ok(Math.abs(first[0] - 20 / 255) < 0.03, String(first[0]));
      assert.ok(fs.existsSync(path.join(dir, 'lfw-64.safetensors')), 'decoded once, cached');
      assert.deepEqual(lfw({ dir }).train.x.data, s.train.x.data);
      const bad = await startServer(fileHandler(tgz));
      await assert.rejects(
        fetchDataset('lfw', {
          dir: path.join(dir, 'other'),
          url: `${bad.base}/lfw.tgz`,
          retries: 0,
        }),
        (e: Error) =>
          e instanceof HebbError && /checksum mismatch .* expected sha256 055f7d9c/.test(e.message),
      );
      await bad.close();
    },
  );

  it('a missing set is a clear error with the fix', () => {
    assert.throws(() => lfw({ dir }), /LFW not found .*run `hebb data fetch lfw`/);
    assert.throws(() => lfwSubset({ dir }), /lfw-subset not found .*python3-skimage/);
  });
});
