// Your own data: Datasets from arrays, and the loaders of .npy (+ labels), .npz, .csv and image
// folders, each read back exactly against the numbers written into a temp folder (files built
// by hand, PNGs by fast-png's encoder, a JPEG by jpeg-js's), and each bad input's one message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { Matrix } from '../../src/backend/matrix.ts';
import {
  classIndices,
  datasetFrom,
  loadCsv,
  loadData,
  loadDataSplit,
  loadImageFolder,
  loadNpy,
  loadNpz,
  parseCsv,
  parseShape,
  resizeBilinear,
  splitDataset,
  unzip,
} from '../../src/data/index.ts';
import { HebbError, ValueError } from '../../src/errors.ts';
import { npyBytes, rmTemp, tempDir } from './helpers.ts';

const tmp = tempDir('hebb-own-');
after(() => rmTemp(tmp));

/** Writes `content` to tmp/name (folders made) and returns the path. */
function put(name: string, content: string | Uint8Array): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const f32 = (a: number[]) => new Uint8Array(Float32Array.from(a).buffer);
const f64 = (a: number[]) => new Uint8Array(Float64Array.from(a).buffer);
const i64 = (a: number[]) => new Uint8Array(BigInt64Array.from(a.map(BigInt)).buffer);
/** Values as float32 numbers (what a Matrix holds). */
const asF32 = (a: number[]) => Array.from(Float32Array.from(a));

/**
 * A zip archive written by hand, as np.savez writes one: each local header with a zip64 extra
 * field (numpy forces zip64), the central directory without. CRCs are left 0 (not checked).
 */
function zip(files: Record<string, Uint8Array>, deflate: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const body = deflate ? new Uint8Array(deflateRawSync(data)) : data;
    const nameBytes = new TextEncoder().encode(name);
    const local = new DataView(new ArrayBuffer(30 + nameBytes.length + 20));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(8, deflate ? 8 : 0, true);
    local.setUint32(18, 0xffffffff, true);
    local.setUint32(22, 0xffffffff, true);
    local.setUint16(26, nameBytes.length, true);
    local.setUint16(28, 20, true);
    new Uint8Array(local.buffer).set(nameBytes, 30);
    local.setUint16(30 + nameBytes.length, 1, true);
    local.setUint16(32 + nameBytes.length, 16, true);
    local.setBigUint64(34 + nameBytes.length, BigInt(data.length), true);
    local.setBigUint64(42 + nameBytes.length, BigInt(body.length), true);
    const entry = new DataView(new ArrayBuffer(46 + nameBytes.length));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint16(10, deflate ? 8 : 0, true);
    entry.setUint32(20, body.length, true);
    entry.setUint32(24, data.length, true);
    entry.setUint16(28, nameBytes.length, true);
    entry.setUint32(42, offset, true);
    new Uint8Array(entry.buffer).set(nameBytes, 46);
    parts.push(new Uint8Array(local.buffer), body);
    central.push(new Uint8Array(entry.buffer));
    offset += local.byteLength + body.length;
  }
  const size = central.reduce((s, c) => s + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, central.length, true);
  end.setUint16(10, central.length, true);
  end.setUint32(12, size, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('datasetFrom: a Dataset from arrays and labels', () => {
  it('takes nested arrays or a Matrix, and labels as number[] or Int32Array', () => {
    const ds = datasetFrom(
      [
        [0.5, 1],
        [2, -3],
        [4, 5.25],
      ],
      [2, 0, 2],
      { name: 'toy' },
    );
    assert.deepEqual(Array.from(ds.x.data), [0.5, 1, 2, -3, 4, 5.25]);
    assert.deepEqual(Array.from(ds.y), [2, 0, 2]);
    assert.deepEqual(ds.classes, ['0', '1', '2']);
    assert.deepEqual(ds.shape, [1, 2, 1]);
    const m = new Matrix(2, 4, Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const img = datasetFrom(m, Int32Array.of(1, 0), { shape: [2, 2, 1], classes: ['a', 'b'] });
    assert.equal(img.x, m, 'a Matrix is used as it is');
    assert.deepEqual(img.classes, ['a', 'b']);
    assert.deepEqual(img.shape, [2, 2, 1]);
  });

  it('names the first bad value, label or shape', () => {
    const bad = (f: () => unknown, re: RegExp) => assert.throws(f, re);
    bad(
      () =>
        datasetFrom(
          [
            [1, 2, 3],
            [4, 5, NaN],
          ],
          [0, 1],
        ),
      /data: x\[1, 2\] is NaN \(as float32\); every value must be finite — fill or drop sample 1/,
    );
    bad(() => datasetFrom([[1e39]], [0]), /x\[0, 0\] is Infinity \(as float32\)/);
    bad(() => datasetFrom([[1, 2], [3]], [0, 1]), /row 1 has 1 values, row 0 has 2/);
    bad(() => datasetFrom([[1], [2]], [0, 1.5]), /label y\[1\] is 1.5; labels must be integer/);
    bad(() => datasetFrom([[1], [2]], [0, 256]), /label y\[1\] is 256/);
    bad(() => datasetFrom([[1], [2]], [0]), /2 samples but 1 label; give exactly one label/);
    bad(
      () => datasetFrom([[1], [2]], [0, 2], { classes: ['a', 'b'] }),
      /label 2 needs 3 class names, but 2 are given/,
    );
  });

  it('numbers numeric labels as they are and class names in sorted order', () => {
    assert.deepEqual(classIndices(['3', '0', '3']), {
      y: Uint8Array.of(3, 0, 3),
      classes: ['0', '1', '2', '3'],
    });
    assert.deepEqual(classIndices(['dog', 'cat', 'dog']), {
      y: Uint8Array.of(1, 0, 1),
      classes: ['cat', 'dog'],
    });
    assert.throws(
      () => classIndices(['1', '-1'], 'y.csv', (i) => `line ${i + 1}`),
      /y.csv: line 2 is -1; numeric labels must be integer class indices 0..255/,
    );
  });

  it('splits by a seeded shuffle: round(N·f) test rows, every row once, labels with their rows', () => {
    const n = 10;
    const ds = datasetFrom(
      Array.from({ length: n }, (_, i) => [i]),
      Array.from({ length: n }, (_, i) => i % 2),
    );
    const s = splitDataset(ds, 0.3, 0);
    assert.equal(s.test.x.rows, 3);
    assert.equal(s.train.x.rows, 7);
    const rows = [...s.train.x.data, ...s.test.x.data].sort((a, b) => a - b);
    assert.deepEqual(rows, asF32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 'every row exactly once');
    const train = Array.from(s.train.x.data);
    assert.notDeepEqual(
      train,
      [...train].sort((a, b) => a - b),
      'in the shuffled order',
    );
    for (const part of [s.train, s.test]) {
      const v = Array.from(part.x.data);
      assert.deepEqual(
        Array.from(part.y),
        v.map((i) => i % 2),
      );
    }
    assert.deepEqual(splitDataset(ds, 0.3, 0).test.x.data, s.test.x.data, 'same seed, same split');
    assert.throws(() => splitDataset(ds, 0.99), /cannot be split 0.99 for testing/);
  });

  it('reads shapes as HxWxC or HxW', () => {
    assert.deepEqual(parseShape('8x8x1', 'shape'), [8, 8, 1]);
    assert.deepEqual(parseShape('28×28', 'shape'), [28, 28, 1]);
    assert.deepEqual(parseShape('32x24', 'size', 2), [32, 24]);
    assert.throws(() => parseShape('8x0x1', '--shape'), /--shape must be like '28x28x1'/);
    assert.throws(() => parseShape('8x8x1', '--size', 2), /--size must be like '28x28'/);
  });
});

describe('CSV', () => {
  const csv = ['a,b,label', '0.5,1,3', '2,-3.25,0', '', '4,"5",3', ''].join('\n');

  it('reads the numbers and the label column exactly; classes 0..max', () => {
    const ds = loadCsv(put('t.csv', csv));
    assert.deepEqual(Array.from(ds.x.data), [0.5, 1, 2, -3.25, 4, 5]);
    assert.deepEqual(Array.from(ds.y), [3, 0, 3]);
    assert.deepEqual(ds.classes, ['0', '1', '2', '3']);
    assert.deepEqual(ds.shape, [1, 2, 1]);
    assert.equal(ds.name, 't.csv');
  });

  it('takes the last column without a label column, --label-column by name, class names', () => {
    const last = loadCsv(put('last.csv', 'x,y,kind\r\n1,2,cat\r\n3,4,dog\r\n5,6,cat\r\n'));
    assert.deepEqual(Array.from(last.y), [0, 1, 0]);
    assert.deepEqual(last.classes, ['cat', 'dog']);
    const named = loadCsv(put('named.csv', 'k,p0,p1,p2,p3\n1,1,2,3,4\n0,5,6,7,8\n'), {
      labelColumn: 'k',
      shape: '2x2x1',
    });
    assert.deepEqual(Array.from(named.x.data), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(Array.from(named.y), [1, 0]);
    assert.deepEqual(named.shape, [2, 2, 1]);
  });

  it('names the line and column of every bad cell, and the fix', () => {
    const err = (text: string, re: RegExp, o = {}) =>
      assert.throws(
        () => loadCsv(put('bad.csv', text), o),
        (e: Error) => {
          assert.ok(e instanceof HebbError, e.name);
          assert.match(e.message, re);
          assert.ok(e.message.startsWith(path.join(tmp, 'bad.csv')), e.message);
          return true;
        },
      );
    err(
      'a,b,label\n1,2,0\n1,2\n',
      /line 3 has 2 values but the header has 3 columns; give every row one value per column/,
    );
    err('a,b,label\n1,2,0\n1,2,0,7\n', /line 3 has 4 values but the header has 3 columns/);
    err(
      'a,b,label\n1,x2,0\n',
      /line 2, column 'b' 'x2' is not a number; every column but the label column 'label' must hold finite numbers/,
    );
    err('a,b,label\n1,NaN,0\n', /line 2, column 'b' is NaN, not a finite number/);
    err('a,b,label\n1,-inf,0\n', /line 2, column 'b' is -inf, not a finite number/);
    err('a,b,label\n1,,0\n', /line 2, column 'b' is empty/);
    err('a,b,label\n1,2,\n', /line 2 has no label in column 'label'/);
    err('a,b,label\n1,2,0.5\n', /column 'label': line 2 is 0.5; numeric labels must be integer/);
    err('1,2,3\n4,5,6\n', /line 1 is all numbers, not a header; add a first row of column names/);
    err('a;b;label\n1;2;0\n', /the header has one column \('a;b;label' looks separated by ';'\)/);
    err('a,b,lable\n1,2,0\n', /no column 'label' for the labels; did you mean 'lable'\?/, {
      labelColumn: 'label',
    });
    err('a,b,label\n', /a header but no data rows/);
    err('a,b,label\n1,"2,0\n', /line 2 has an unclosed quote/);
    err('a,b,label\n1,1e39,0\n', /line 2, column 'b' 1e39 is beyond float32's range/);
  });

  it('parses CSV text without files', () => {
    const t = parseCsv('p,q,label\n1,2,a\n', { source: 'mem' });
    assert.deepEqual(t.columns, ['p', 'q']);
    assert.deepEqual(t.labels, ['a']);
    assert.deepEqual(t.lines, [2]);
  });
});

describe('.npy and .npz', () => {
  const xs = [0.5, -1, 2.25, 3, 4, 5, 6, 7.5, 8, 9, 10, 11];

  it('reads a .npy of samples with labels from a .npy, a .csv or a .txt', () => {
    const x = put('x.npy', npyBytes('<f8', [3, 4], f64(xs)));
    for (const labels of [
      put('y.npy', npyBytes('<i8', [3], i64([2, 0, 1]))),
      put('y.csv', 'label\n2\n0\n1\n'),
      put('y.txt', '2\n0\n1'),
      put('y2.csv', 'id,label\n7,2\n8,0\n9,1\n'),
    ]) {
      const ds = loadNpy(x, { labels });
      assert.deepEqual(Array.from(ds.x.data), asF32(xs), labels);
      assert.deepEqual(Array.from(ds.y), [2, 0, 1], labels);
      assert.deepEqual(ds.classes, ['0', '1', '2']);
      assert.deepEqual(ds.shape, [1, 4, 1]);
    }
    const img = loadNpy(put('x3.npy', npyBytes('<f4', [3, 2, 2], f32(xs))), {
      labels: put('y3.txt', '0\n1\n0\n'),
    });
    assert.deepEqual(img.shape, [2, 2, 1], 'N × H × W is grey images');
    const shaped = loadNpy(x, { labels: put('y4.txt', '0\n1\n0\n'), shape: '2x2x1' });
    assert.deepEqual(shaped.shape, [2, 2, 1]);
  });

  it('reads a .npz stored or deflated, with x/y or X/y', () => {
    const x = npyBytes('<f4', [3, 4], f32(xs));
    const y = npyBytes('|u1', [3], Uint8Array.of(1, 1, 0));
    for (const [name, deflate, keys] of [
      ['s.npz', false, ['x', 'y']],
      ['d.npz', true, ['X', 'y']],
    ] as const) {
      const file = put(name, zip({ [`${keys[0]}.npy`]: x, [`${keys[1]}.npy`]: y }, deflate));
      const ds = loadNpz(file);
      assert.deepEqual(Array.from(ds.x.data), asF32(xs), name);
      assert.deepEqual(Array.from(ds.y), [1, 1, 0], name);
      assert.equal(unzip(fs.readFileSync(file)).get(`${keys[0]}.npy`)!.length, x.length);
    }
  });

  it("reads NumPy's own np.savez_compressed file", (t) => {
    const py = '/usr/bin/python3';
    const file = path.join(tmp, 'np.npz');
    const r = fs.existsSync(py)
      ? spawnSync(py, [
          '-c',
          `import numpy as np; np.savez_compressed('${file}', x=np.arange(12, dtype=np.float64).reshape(3, 4) / 8, y=np.array([0, 2, 1]))`,
        ])
      : null;
    if (r?.status !== 0) return t.skip('no NumPy at /usr/bin/python3');
    const ds = loadData(file);
    assert.deepEqual(
      Array.from(ds.x.data),
      Array.from({ length: 12 }, (_, i) => i / 8),
    );
    assert.deepEqual(Array.from(ds.y), [0, 2, 1]);
  });

  it('names each problem: no labels, counts, dtype, missing arrays, label values', () => {
    const x = put('e.npy', npyBytes('<f4', [3, 4], f32(xs)));
    assert.throws(
      () => loadNpy(x),
      /e.npy holds no labels; give a labels file \(--labels y.npy, or a .csv with one integer per sample\), or save both in one .npz/,
    );
    assert.throws(
      () => loadNpy(x, { labels: put('two.txt', '0\n1\n') }),
      /two.txt has 2 labels but .*e.npy has 3 samples; give one label per sample/,
    );
    assert.throws(
      () => loadNpy(x, { labels: put('frac.npy', npyBytes('<f8', [3], f64([0, 1.5, 1]))) }),
      /frac.npy: label 1 is 1.5; numeric labels must be integer class indices/,
    );
    assert.throws(
      () => loadNpy(put('c.npy', npyBytes('<c8', [3, 1], new Uint8Array(24))), { labels: x }),
      /c.npy: dtype '<c8' is not a number type \(float, int, uint or bool\); save the array as numbers/,
    );
    assert.throws(
      () => loadNpy(x, { labels: put('y.txt', '2\n0\n1'), shape: '3x1x1' }),
      /shape 3×1×1 is 3 values per sample but the samples have 4/,
    );
    const nan = put('nan.npy', npyBytes('<f4', [2, 2], f32([1, 2, 3, NaN])));
    assert.throws(
      () => loadNpy(nan, { labels: put('y2.txt', '0\n1\n') }),
      (e: Error) =>
        e instanceof HebbError &&
        e.message.startsWith(`${nan}: x[1, 1] is NaN (as float32); every value must be finite`),
    );
    const y = npyBytes('|u1', [3], Uint8Array.of(0, 1, 0));
    assert.throws(
      () => loadNpz(put('noy.npz', zip({ 'x.npy': npyBytes('<f4', [3, 4], f32(xs)) }, false))),
      /noy.npz: no array 'y' \(or 'Y'\) \(it has: x\); save the samples as x and the labels as y: np.savez\(f, x=x, y=y\)/,
    );
    assert.throws(
      () => loadNpz(put('nox.npz', zip({ 'arr_0.npy': y, 'y.npy': y }, true))),
      /no array 'x' \(or 'X'\) \(it has: arr_0, y\)/,
    );
    assert.throws(() => loadNpz(put('junk.npz', 'not a zip')), /no end-of-central-directory/);
  });
});

/** A PNG of width × height with `channels` 8-bit (or 16-bit) samples per pixel. */
const png = (w: number, h: number, channels: number, data: number[], depth: 8 | 16 = 8) =>
  encodePng({
    width: w,
    height: h,
    channels,
    depth,
    data: depth === 16 ? Uint16Array.from(data) : Uint8Array.from(data),
  });

describe('image folders', () => {
  it('reads grey PNGs, 16-bit PNGs and a grey JPEG: one class per folder, values / 255 (/ 65535)', () => {
    const dir = path.join(tmp, 'grey');
    put('grey/cat/a.png', png(2, 2, 1, [0, 51, 102, 255]));
    put('grey/cat/b.png', png(2, 2, 1, [0, 65535, 13107, 0], 16));
    put('grey/cat/notes.txt', 'skipped: not an image');
    const grey = Buffer.alloc(16);
    for (let p = 0; p < 4; p++) grey.set([200, 200, 200, 255], 4 * p);
    put('grey/dog/c.jpg', jpeg.encode({ width: 2, height: 2, data: grey }, 100).data);
    const ds = loadImageFolder(dir);
    assert.deepEqual(ds.classes, ['cat', 'dog']);
    assert.deepEqual(Array.from(ds.y), [0, 0, 1]);
    assert.deepEqual(ds.shape, [2, 2, 1]);
    assert.equal(ds.name, 'grey');
    assert.deepEqual(
      Array.from(ds.x.data),
      asF32([0, 0.2, 0.4, 1, 0, 1, 0.2, 0, 200 / 255, 200 / 255, 200 / 255, 200 / 255]),
    );
  });

  it('keeps colour as RGB (grey images copied to 3 channels, alpha dropped), or makes it grey', () => {
    put('rgb/a/red.png', png(1, 2, 4, [255, 0, 0, 255, 0, 0, 255, 128]));
    put('rgb/b/g.png', png(1, 2, 1, [51, 0]));
    const ds = loadImageFolder(path.join(tmp, 'rgb'));
    assert.deepEqual(ds.shape, [2, 1, 3]);
    assert.deepEqual(Array.from(ds.x.data), asF32([1, 0, 0, 0, 0, 1, 0.2, 0.2, 0.2, 0, 0, 0]));
    const g = loadImageFolder(path.join(tmp, 'rgb'), { grey: true });
    assert.deepEqual(g.shape, [2, 1, 1]);
    assert.deepEqual(Array.from(g.x.data), asF32([0.299, 0.114, 0.2, 0]));
  });

  it('resizes bilinearly at pixel centres (hand-computed 2×2 → 4×4 and 3×1)', () => {
    const img = { width: 2, height: 2, channels: 1 as const, data: Float32Array.of(0, 1, 2, 3) };
    // output i reads input (i + 0.5)/2 − 0.5: −0.25, 0.25, 0.75, 1.25, clamped to [0, 1]
    const w = [0, 0.25, 0.75, 1];
    const expect = w.flatMap((r) => w.map((c) => 2 * r + c));
    assert.deepEqual(Array.from(resizeBilinear(img, 4, 4).data), asF32(expect));
    // 3 rows from 2: (i + 0.5)·2/3 − 0.5 = −1/6, 0.5, 7/6 → rows 0, ½, 1; 1 column from 2: 0.5
    assert.deepEqual(Array.from(resizeBilinear(img, 3, 1).data), asF32([0.5, 1.5, 2.5]));
    put('sized/a/big.png', png(4, 4, 1, Array(16).fill(255)));
    put('sized/b/small.png', png(2, 2, 1, [0, 51, 102, 153]));
    const ds = loadImageFolder(path.join(tmp, 'sized'), { size: '2x2' });
    assert.deepEqual(Array.from(ds.x.data), asF32([1, 1, 1, 1, 0, 0.2, 0.4, 0.6]));
  });

  it('names the problem: mixed sizes, an empty folder, a class without images, loose images, GIFs', () => {
    put('mixed/a/1.png', png(2, 2, 1, [0, 0, 0, 0]));
    put('mixed/b/2.png', png(3, 2, 1, [0, 0, 0, 0, 0, 0]));
    assert.throws(
      () => loadImageFolder(path.join(tmp, 'mixed')),
      /mixed\/b\/2.png is 2×3 \(height×width\) but .*mixed\/a\/1.png is 2×2; pass --size 2x2 \(size option\) to resize every image to one size/,
    );
    fs.mkdirSync(path.join(tmp, 'empty'));
    assert.throws(
      () => loadImageFolder(path.join(tmp, 'empty')),
      /empty: no class folders; put each class's images in a sub-folder of its own/,
    );
    put('loose/1.png', png(2, 2, 1, [0, 0, 0, 0]));
    assert.throws(
      () => loadImageFolder(path.join(tmp, 'loose')),
      /no class folders \(the images lie in it directly\)/,
    );
    put('hollow/a/1.png', png(2, 2, 1, [0, 0, 0, 0]));
    put('hollow/b/readme.txt', 'no images');
    assert.throws(
      () => loadImageFolder(path.join(tmp, 'hollow')),
      /hollow\/b: class folder 'b' holds no PNG or JPEG images; add its images or remove the folder/,
    );
    put('gif/a/1.gif', 'GIF89a');
    assert.throws(
      () => loadImageFolder(path.join(tmp, 'gif')),
      /1.gif: hebb reads PNG and JPEG images only; convert it/,
    );
    put('fake/a/1.png', 'not a png');
    assert.throws(() => loadImageFolder(path.join(tmp, 'fake')), /1.png: neither a PNG nor a JPEG/);
  });
});

describe('loadData and loadDataSplit', () => {
  it('picks the loader by extension or folder, and refuses the rest', () => {
    assert.throws(() => loadData(path.join(tmp, 'nope.csv')), /nope.csv: no such file or folder/);
    assert.throws(
      () => loadData(put('t.tsv', 'a\tb\n')),
      /t.tsv: hebb reads .npy, .npz and .csv files and folders of images, not .tsv/,
    );
    assert.throws(
      () => loadData(put('opt.csv', 'a,label\n1,0\n'), { labels: 'y.npy' }),
      (e: Error) => e instanceof ValueError && /the labels option does not apply/.test(e.message),
    );
  });

  it('holds out --test-fraction by a seeded shuffle, or reads a test set with its classes', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i % 3 === 0 ? 'b' : 'a'}`);
    const file = put('s.csv', ['v,label', ...rows].join('\n'));
    const s = loadDataSplit(file);
    assert.equal(s.test.x.rows, 4, '0.2 of 20');
    assert.equal(loadDataSplit(file, { testFraction: 0.5 }).test.x.rows, 10);
    const test = put('test.csv', 'v,label\n100,c\n101,b\n');
    const t = loadDataSplit(file, { testData: test });
    assert.equal(t.train.x.rows, 20);
    assert.deepEqual(
      t.test.classes,
      ['a', 'b', 'c'],
      "the test set's names after the training set's",
    );
    assert.deepEqual(Array.from(t.test.y), [2, 1]);
    assert.throws(
      () => loadDataSplit(file, { testData: test, testFraction: 0.3 }),
      /a test set \(--test-data\) and a test fraction \(--test-fraction\) contradict each other/,
    );
    assert.throws(
      () => loadDataSplit(file, { testData: put('wide.csv', 'v,w,label\n1,2,a\n') }),
      /wide.csv: samples of 1×2×1 but .*s.csv has 1×1×1; the test set needs the training set's shape/,
    );
  });
});
