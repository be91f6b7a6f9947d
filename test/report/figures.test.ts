import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decode } from 'fast-png';
import { Matrix } from '../../src/backend/matrix.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import {
  categorical,
  colorFor,
  diverging,
  MISSING,
  parseColor,
  sampleColormap,
  viridis,
  type RGB,
} from '../../src/report/colormap.ts';
import { formatTicks, niceTicks } from '../../src/report/axis.ts';
import { heatmap, lineChart, receptiveFieldGrid } from '../../src/report/figures.ts';
import { hasGlyph } from '../../src/report/font.ts';
import { measureText, Raster, savePng, toPng, type Rect } from '../../src/report/raster.ts';

const BLACK: RGB = [0, 0, 0];
const px = (r: Raster, x: number, y: number) => [...r.getPixel(x, y)];
const inside = (b: Rect, x: number, y: number) =>
  x >= b.x && y >= b.y && x < b.x + b.width && y < b.y + b.height;
/** All pixels differing from the background colour. */
function inked(r: Raster, bg: RGB = [255, 255, 255]): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const [a, b, c] = r.getPixel(x, y);
      if (a !== bg[0] || b !== bg[1] || c !== bg[2]) out.push([x, y]);
    }
  }
  return out;
}

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

describe('heatmap', () => {
  it('paints each cell colorFor(value) and the bar max at the top, min at the bottom', () => {
    const m = Matrix.from([
      [0, 1],
      [2, 3],
    ]);
    const r = heatmap(m, { title: 'T', xlabel: 'x', ylabel: 'y', cellSize: 10 });
    const p = r.regions.plot;
    assert.deepEqual([p.width, p.height], [20, 20]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const want = [...colorFor(m.get(i, j), 0, 3, viridis)];
        for (const [dx, dy] of [
          [0, 0],
          [9, 9],
          [4, 6],
        ]) {
          // prettier-ignore
          assert.deepEqual(px(r, p.x + j * 10 + dx, p.y + i * 10 + dy), want, `cell ${i},${j}`);
        }
      }
    }
    const bar = r.regions.colorbar;
    assert.deepEqual(px(r, bar.x + 5, bar.y), [...colorFor(3, 0, 3, viridis)]);
    assert.deepEqual(px(r, bar.x + 5, bar.y + bar.height - 1), [...colorFor(0, 0, 3, viridis)]);
    // Mid-bar is the middle of the map, within rounding of the row position (±3 per channel).
    const mid = px(r, bar.x + 5, bar.y + Math.round((bar.height - 1) / 2));
    colorFor(1.5, 0, 3).forEach((c, k) => assert.ok(Math.abs(mid[k] - c) <= 3, `mid ${mid}`));
    // Labels exist right of the bar and the whole figure keeps a white margin.
    assert.ok(inked(r).some(([x, y]) => x > bar.x + 30 && y <= bar.y + 10));
    assert.ok(inked(r).every(([x, y]) => x > 2 && y > 2 && x < r.width - 3 && y < r.height - 3));
  });

  it('uses given min/max, greys out NaN, and centres the diverging map on 0', () => {
    const m = Matrix.from([[NaN, -1, 0.5]]);
    const r = heatmap(m, { min: 0, max: 1, cellSize: 4 });
    const { x, y } = r.regions.plot;
    assert.deepEqual(px(r, x + 1, y + 1), [...MISSING]);
    assert.deepEqual(px(r, x + 5, y + 1), [...viridis.anchors[0]]); // −1 clamps to min
    const d = heatmap(Matrix.from([[-1, 0.5]]), { colormap: 'diverging', cellSize: 4 });
    assert.deepEqual(px(d, d.regions.plot.x + 1, d.regions.plot.y + 1), [...diverging.anchors[0]]);
  });

  it('rejects empty, all-NaN and reversed ranges', () => {
    assert.throws(() => heatmap(new Matrix(0, 3)), ShapeError);
    assert.throws(() => heatmap(Matrix.filled(2, 2, NaN)), /must be finite/);
    assert.throws(() => heatmap(Matrix.identity(2), { min: 1, max: 0 }), ValueError);
    assert.throws(() => heatmap(Matrix.identity(2), { colormap: 'jet' as 'viridis' }), /viridis/);
  });
});

describe('lineChart', () => {
  const rowOf = (r: Raster, lo: number, hi: number, v: number) => {
    const p = r.regions.plot;
    return Math.round(p.y + (1 - (v - lo) / (hi - lo)) * (p.height - 1));
  };

  it('draws a horizontal series as a full row of its colour at the expected y', () => {
    const r = lineChart([{ name: 'flat', x: [0, 1, 2], y: [1, 1, 1] }], {
      yRange: [0, 2],
      width: 400,
      height: 300,
    });
    const p = r.regions.plot;
    const y = rowOf(r, 0, 2, 1);
    const blue = [...categorical[0]];
    for (let x = p.x; x < p.x + p.width; x++) {
      if (inside(r.regions.legend, x, y)) continue;
      assert.deepEqual(px(r, x, y), blue, `x=${x}`);
    }
    assert.notDeepEqual(px(r, p.x + 50, y - 3), blue); // 2 px wide, not more
    assert.notDeepEqual(px(r, p.x + 50, y + 3), blue);
  });

  it('breaks the line at NaN and draws a lone point as a dot', () => {
    const r = lineChart([{ name: 's', x: [0, 1, 2, 3, 4], y: [1, NaN, 1, 1, 1] }], {
      yRange: [0, 2],
    });
    const p = r.regions.plot;
    const y = rowOf(r, 0, 2, 1);
    const at = (v: number) => Math.round(p.x + (v / 4) * (p.width - 1));
    const blue = [...categorical[0]];
    assert.notDeepEqual(px(r, at(1), y), blue); // the gap around the NaN
    assert.deepEqual(px(r, at(2.5), y), blue);
    assert.deepEqual(px(r, at(0), y), blue); // the lone first point is a dot
    assert.notDeepEqual(px(r, at(0) + 4, y), blue);
  });

  it('clips values far outside a fixed yRange instead of losing the line', () => {
    const r = lineChart([{ name: 's', x: [0, 1, 2], y: [0.2, 1e30, 0.5] }], { yRange: [0, 1] });
    const p = r.regions.plot;
    const blue = [...categorical[0]];
    // Nearly vertical: up from (0, 0.2) to the top, and down from the top to (2, 0.5).
    assert.deepEqual(px(r, p.x, rowOf(r, 0, 1, 0.6)), blue);
    const x2 = Math.round(p.x + p.width - 1);
    assert.deepEqual(px(r, x2, rowOf(r, 0, 1, 0.8)), blue);
    assert.notDeepEqual(px(r, x2, rowOf(r, 0, 1, 0.3)), blue);
  });

  it('gives each series its own palette colour, shown in the legend', () => {
    const s = [0, 1, 2].map((k) => ({ name: `s${k}`, x: [1, 2, 3], y: [k, k + 1, k + 2] }));
    const r = lineChart(s);
    const legend = r.regions.legend;
    for (let k = 0; k < 3; k++) {
      const c = categorical[k];
      const hits = inked(r).filter(([x, y]) => inside(legend, x, y));
      assert.ok(
        hits.some(([x, y]) => px(r, x, y).every((v, i) => v === c[i])),
        `series ${k}`,
      );
    }
    assert.equal(new Set(categorical.map(String)).size, categorical.length);
  });

  it('maps log axes in log10: y = x is the plot diagonal', () => {
    const r = lineChart([{ name: 'y=x', x: [1, 10, 100], y: [1, 10, 100], color: '#ff0000' }], {
      logX: true,
      logY: true,
      yRange: [1, 100],
      lineWidth: 4,
    });
    const p = r.regions.plot;
    const cx = Math.round(p.x + (p.width - 1) / 2);
    const cy = Math.round(p.y + (p.height - 1) / 2);
    assert.deepEqual(px(r, cx, cy), [255, 0, 0]);
  });

  it('rejects missing or unusable data', () => {
    assert.throws(() => lineChart([]), ShapeError);
    assert.throws(() => lineChart([{ name: 'a', x: [1, 2], y: [1] }]), /2 x and 1 y/);
    assert.throws(() => lineChart([{ name: 'a', x: [], y: [] }]), ShapeError);
    assert.throws(() => lineChart([{ name: 'a', x: [1, 2], y: [NaN, NaN] }]), /finite/);
    assert.throws(() => lineChart([{ name: 'a', x: [1], y: [-1] }], { logY: true }), /log/);
    assert.throws(() => lineChart([{ name: 'a', x: [1], y: [1] }], { yRange: [2, 1] }), ValueError);
    assert.throws(() => lineChart([{ name: 'a', x: [1], y: [1] }], { width: 50 }), /larger/);
  });
});

describe('ticks', () => {
  it('picks 4–6 ticks at 1, 2 (2.5) or 5 × 10^k for any range it may round out', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let k = 0; k < 300; k++) {
      const lo = (rnd() - 0.5) * 10 ** (rnd() * 8 - 4);
      const hi = lo + 10 ** (rnd() * 8 - 4);
      for (const extend of [false, true]) {
        const t = niceTicks(lo, hi, 5, extend);
        const [fewest, most] = extend ? [4, 6] : [3, 7]; // fixed limits may not allow 4–6
        assert.ok(t.ticks.length >= fewest && t.ticks.length <= most, `${lo}..${hi}: ${t.ticks}`);
        assert.ok(t.ticks[0] >= t.lo - 1e-9 * t.step && t.ticks.at(-1)! <= t.hi + 1e-9 * t.step);
        const m = t.step / 10 ** Math.floor(Math.log10(t.step) + 1e-9);
        assert.ok(
          [1, 2, 2.5, 5].some((v) => Math.abs(m - v) < 1e-9),
          `step ${t.step}`,
        );
        if (extend) assert.ok(t.lo <= lo && t.hi >= hi);
      }
    }
    assert.deepEqual(niceTicks(0.03, 0.97, 5, true).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('formats labels with shared decimals, a true minus, and 1e−k for tiny values', () => {
    assert.deepEqual(formatTicks([0, 0.2, 0.4], 0.2), ['0.0', '0.2', '0.4']);
    assert.deepEqual(formatTicks([-10, 0, 10], 10), ['−10', '0', '10']);
    assert.deepEqual(formatTicks([1e-5, 1e-4, 1e-3], 'each'), ['1e−5', '1e−4', '1e−3']);
    assert.deepEqual(formatTicks([0.01, 1, 100], 'each'), ['0.01', '1', '100']);
    assert.deepEqual(formatTicks([2e5, 4e5], 2e5), ['2e5', '4e5']);
    assert.deepEqual(formatTicks([1e-4, 2e-4], 1e-4), ['1e−4', '2e−4']);
    assert.deepEqual(formatTicks([0.986, 0.493, 0.0008], 0.4926), ['0.986', '0.493', '0.001']);
    assert.deepEqual(formatTicks([8e5, 1e6], 2e5), ['8e5', '1e6']);
  });
});

describe('raster, font and colour maps', () => {
  it('draws text only inside its measured box, horizontal and vertical', () => {
    const r = new Raster(80, 80);
    const box = r.text('Ag(9)', 10, 20, BLACK, { scale: 2 });
    const size = measureText('Ag(9)', { scale: 2 });
    assert.deepEqual(box, { x: 10, y: 20, width: size.width, height: size.height });
    const ink = inked(r);
    assert.ok(ink.length > 40);
    assert.ok(ink.every(([x, y]) => inside(box, x, y)));
    // 'A' at scale 2: top row '.###.' → columns 2..7 inked, 0..1 not.
    assert.deepEqual(px(r, 12, 20), [0, 0, 0]);
    assert.deepEqual(px(r, 10, 20), [255, 255, 255]);
    const v = new Raster(40, 80);
    const vb = v.text('Hebb', 20, 40, BLACK, { vertical: true, align: 'center', valign: 'middle' });
    assert.deepEqual([vb.width, vb.height], [9, measureText('Hebb').width]);
    assert.ok(inked(v).every(([x, y]) => inside(vb, x, y)));
    assert.equal(measureText('Hebb', { bold: true }).width, measureText('Hebb').width + 1);
  });

  it('has glyphs for printable ASCII and the symbols of learning rules', () => {
    for (let c = 32; c < 127; c++) assert.ok(hasGlyph(String.fromCharCode(c)), `char ${c}`);
    for (const ch of 'σγηαβθτλμΔ−×±≤≥') assert.ok(hasGlyph(ch), ch);
    const r = new Raster(20, 20);
    r.text('€', 0, 0, BLACK); // unknown: a visible box, not nothing
    assert.ok(inked(r).length > 10);
  });

  it('draws lines, dashes, clipped rectangles and antialiased polylines', () => {
    const r = new Raster(10, 10);
    r.line(0, 0, 9, 3, BLACK);
    assert.deepEqual(px(r, 0, 0), [0, 0, 0]);
    assert.deepEqual(px(r, 9, 3), [0, 0, 0]);
    assert.equal(inked(r).length, 10); // one pixel per column
    const d = new Raster(12, 1);
    d.dashedLine(0, 0, 11, 0, BLACK, 3, 2);
    assert.equal(
      inked(d)
        .map(([x]) => x)
        .join(),
      '0,1,2,5,6,7,10,11',
    );
    const c = new Raster(5, 5);
    c.rect(-3, 3, 100, 100, BLACK); // clipped, no throw
    assert.equal(inked(c).length, 10);
    const p = new Raster(20, 9);
    p.polyline([2, 17], [4, 4], BLACK, 2);
    assert.deepEqual(px(p, 10, 4), [0, 0, 0]);
    const edge = px(p, 10, 3)[0];
    assert.ok(edge > 100 && edge < 160, `half-covered edge ${edge}`);
    assert.deepEqual(px(p, 10, 1), [255, 255, 255]);
  });

  it('colorFor hits the anchors at the ends, clamps, and marks NaN', () => {
    assert.deepEqual(colorFor(0, 0, 1), viridis.anchors[0]);
    assert.deepEqual(colorFor(1, 0, 1), viridis.anchors[viridis.anchors.length - 1]);
    assert.deepEqual(colorFor(-5, 0, 1), viridis.anchors[0]);
    assert.deepEqual(colorFor(NaN, 0, 1), MISSING);
    assert.deepEqual(colorFor(0, -1, 1, 'diverging'), diverging.anchors[4]);
    assert.deepEqual(colorFor(3, 3, 3), sampleColormap(viridis, 0.5));
    assert.throws(() => colorFor(0, 1, 0), ValueError);
    assert.deepEqual(parseColor('#0072b2'), [0, 114, 178]);
    assert.throws(() => parseColor('blue'), /#rrggbb/);
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
    const r = heatmap(Matrix.from([[0, 1], [2, 3]]), { cellSize: 3 }); // prettier-ignore
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
