import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decode } from 'fast-png';
import { Matrix } from '../../src/backend/matrix.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import {
  colorFor,
  diverging,
  MISSING,
  sampleColormap,
  viridis,
  type RGB,
} from '../../src/report/colormap.ts';
import { receptiveFieldGrid } from '../../src/report/image-grid.ts';
import { Raster, toPng } from '../../src/report/raster.ts';
import { savePng } from '../../src/report/render.ts';

const px = (r: Raster, x: number, y: number) => [...r.getPixel(x, y)];
describe('receptiveFieldGrid', () => {
  it('stretches each 2×2 tile to 0..255 and fills the rest with the border colour', () => {
    const w = Matrix.from([
      [0, 1, 2, 3],
      [5, -5, 0, 5],
    ]);
    const border: RGB = [10, 20, 30];
    const r = receptiveFieldGrid(w, { height: 2, width: 2, scale: 1, padding: 1, border });
    // Two columns of (2 px tile + 1 px border) plus the outer border: 7×4.
    assert.deepEqual([r.width, r.height], [7, 4]);
    const expect = new Map<string, number>([
      ['1,1', 0],
      ['2,1', 85],
      ['1,2', 170],
      ['2,2', 255], // prettier-ignore
      ['4,1', 255],
      ['5,1', 0],
      ['4,2', 128],
      ['5,2', 255],
    ]);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 7; x++) {
        const g = expect.get(`${x},${y}`);
        assert.deepEqual(px(r, x, y), g === undefined ? [...border] : [g, g, g], `pixel ${x},${y}`);
      }
    }
  });

  it('enlarges by scale and defaults to tiles of at least 28 px', () => {
    const w = Matrix.from([[0, 1, 2, 3]]);
    const r = receptiveFieldGrid(w, { height: 2, width: 2, scale: 3, padding: 2 });
    assert.deepEqual([r.width, r.height], [2 + 6 + 2, 10]);
    assert.deepEqual(px(r, 2, 2), [0, 0, 0]);
    assert.deepEqual(px(r, 4, 4), [0, 0, 0]);
    assert.deepEqual(px(r, 7, 7), [255, 255, 255]);
    const auto = receptiveFieldGrid(new Matrix(100, 784).clone(), { height: 28, width: 28 });
    const tile = (auto.width - 2) / 10 - 2;
    assert.ok(Number.isInteger(tile) && tile >= 28, `tile is ${tile} px`);
  });

  it('signed mode maps −max|w|, 0, +max|w| to the diverging map ends and centre', () => {
    const w = Matrix.from([[-2, 0, 1, 2]]);
    const r = receptiveFieldGrid(w, { height: 1, width: 4, scale: 1, padding: 0, signed: true });
    assert.deepEqual(px(r, 0, 0), [...diverging.anchors[0]]);
    assert.deepEqual(px(r, 1, 0), [...colorFor(0, -1, 1, diverging)]);
    assert.deepEqual(px(r, 2, 0), [...colorFor(1, -2, 2, diverging)]);
    assert.deepEqual(px(r, 3, 0), [...diverging.anchors[diverging.anchors.length - 1]]);
  });

  it('colour tiles share one min..max over all channels (HWC order)', () => {
    // One pixel red (1, 0, 0), one grey (0.5, 0.5, 0.5).
    const w = Matrix.from([[1, 0, 0, 0.5, 0.5, 0.5]]);
    const r = receptiveFieldGrid(w, { height: 1, width: 2, channels: 3, scale: 1, padding: 0 });
    assert.deepEqual(px(r, 0, 0), [255, 0, 0]);
    assert.deepEqual(px(r, 1, 0), [128, 128, 128]);
  });

  it('keeps maxTiles, lays out columns, and marks NaN weights magenta', () => {
    const w = Matrix.from([[1, NaN], [0, 1], [2, 3], [4, 5]]); // prettier-ignore
    const r = receptiveFieldGrid(w, { height: 1, width: 2, maxTiles: 3, columns: 3, scale: 1 });
    assert.deepEqual([r.width, r.height], [3 * 4 + 2, 5]);
    assert.deepEqual(px(r, 3, 2), [255, 0, 255]);
  });

  it('leaves pixels outside a field in the border colour, not the colour of 0', () => {
    const w = Matrix.from([
      [0, 1],
      [-1, 0],
    ]);
    const present = Matrix.from([
      [0, 1],
      [1, 1],
    ]);
    const border: RGB = [10, 20, 30];
    const r = receptiveFieldGrid(w, {
      height: 1,
      width: 2,
      scale: 1,
      padding: 1,
      border,
      signed: true,
      present,
    });
    assert.deepEqual(px(r, 1, 1), border); // tile 0, pixel 0: absent
    assert.deepEqual(px(r, 2, 1), colorFor(1, -1, 1, diverging));
    assert.deepEqual(px(r, 5, 1), colorFor(0, -1, 1, diverging)); // tile 1, pixel 1: present 0
    assert.throws(
      () => receptiveFieldGrid(w, { height: 1, width: 2, present: new Matrix(1, 2) }),
      /present is 1×2/,
    );
  });

  it('sharedRange puts all tiles on one scale: a small tile stays pale', () => {
    const w = Matrix.from([
      [0.1, -0.1],
      [1, -1],
    ]);
    const own = receptiveFieldGrid(w, { height: 1, width: 2, scale: 1, signed: true });
    const shared = receptiveFieldGrid(w, {
      height: 1,
      width: 2,
      scale: 1,
      signed: true,
      sharedRange: true,
    });
    assert.deepEqual(px(own, 2, 2), colorFor(1, -1, 1, diverging)); // own range: saturated
    // 99.5th percentile of |w| over both tiles is 1: 0.1 is a tenth of the way to red
    assert.deepEqual(px(shared, 2, 2), colorFor(0.1, -1, 1, diverging));
    assert.deepEqual(px(shared, 6, 2), colorFor(1, -1, 1, diverging));
  });

  it('rejects shapes and data it cannot draw, saying what to fix', () => {
    const w = new Matrix(3, 10);
    assert.throws(
      () => receptiveFieldGrid(w, { height: 28, width: 28 }),
      (e: Error) =>
        e instanceof ShapeError && /10 columns/.test(e.message) && /784/.test(e.message),
    );
    assert.throws(() => receptiveFieldGrid(w, { height: 5, width: 1, channels: 2 }), ValueError);
    assert.throws(() => receptiveFieldGrid(new Matrix(0, 4), { height: 2, width: 2 }), ShapeError);
    const nan = Matrix.filled(2, 4, NaN);
    assert.throws(() => receptiveFieldGrid(nan, { height: 2, width: 2 }), /diverged/);
  });
});

describe('colour maps', () => {
  it('colorFor hits the anchors at the ends, clamps, and marks NaN', () => {
    assert.deepEqual(colorFor(0, 0, 1), viridis.anchors[0]);
    assert.deepEqual(colorFor(1, 0, 1), viridis.anchors[viridis.anchors.length - 1]);
    assert.deepEqual(colorFor(-5, 0, 1), viridis.anchors[0]);
    assert.deepEqual(colorFor(NaN, 0, 1), MISSING);
    assert.deepEqual(colorFor(0, -1, 1, 'diverging'), diverging.anchors[4]);
    assert.deepEqual(colorFor(3, 3, 3), sampleColormap(viridis, 0.5));
    assert.throws(() => colorFor(0, 1, 0), ValueError);
  });

  it('viridis rises in lightness; the diverging arms match in lightness', () => {
    const lum = ([r, g, b]: RGB) => {
      const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      const y = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      return y > 0.008856 ? 116 * Math.cbrt(y) - 16 : 903.3 * y; // CIE L*
    };
    let prev = -1;
    for (let t = 0; t <= 1; t += 0.01) {
      const l = lum(sampleColormap(viridis, t));
      assert.ok(l > prev - 0.5, `viridis L* falls at t=${t}`);
      prev = l;
    }
    for (let t = 0; t <= 0.5; t += 0.05) {
      const a = lum(sampleColormap(diverging, t));
      const b = lum(sampleColormap(diverging, 1 - t));
      assert.ok(Math.abs(a - b) < 6, `L* ${a.toFixed(1)} vs ${b.toFixed(1)} at ±${t}`);
    }
  });
});

describe('PNG output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-fig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes RGB that decodes to the same size and pixels', () => {
    const r = receptiveFieldGrid(Matrix.from([[0, 1], [2, 3]]), { height: 1, width: 2, scale: 3 }); // prettier-ignore
    const bytes = toPng(r);
    assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    const png = decode(bytes);
    assert.deepEqual([png.width, png.height, png.channels, png.depth], [r.width, r.height, 3, 8]);
    assert.deepEqual(Buffer.from(png.data), Buffer.from(r.data));
  });

  it('savePng writes the file atomically into a new directory, leaving no temp files', () => {
    const r = new Raster(3, 2, [1, 2, 3]);
    const path = join(dir, 'sub', 'a.png');
    savePng(path, r);
    savePng(path, r); // replacing works too
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['a.png']);
    assert.deepEqual([...decode(readFileSync(path)).data.subarray(0, 3)], [1, 2, 3]);
  });
});
