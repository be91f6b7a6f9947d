import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import { phaseFigure, tableFigure } from '../../src/reproduce/emergence/figures.ts';
import {
  base64,
  concat,
  errorBarChart,
  heatmap,
  imageFigure,
  lineChart,
} from '../../src/report/charts.ts';
import { renderSvg } from '../../src/report/render.ts';
import { toPng } from '../../src/report/raster.ts';
import { receptiveFieldGrid } from '../../src/report/image-grid.ts';

// The SVG as Vega writes it: text in <text> elements, marks in groups whose class names the
// mark type and role (e.g. "mark-rule role-mark layer_1_marks").
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
const count = (svg: string, re: RegExp) => [...svg.matchAll(re)].length;
type Row = Record<string, unknown>;
const rowsOf = (spec: Record<string, unknown>) => (spec.data as { values: Row[] }).values;

describe('charts (Vega-Lite specs rendered to SVG)', () => {
  it('lineChart: title, axis labels, one legend entry per series, each its own dash', async () => {
    const spec = lineChart(
      [
        { name: 'soft', x: [1, 10, 100], y: [3, 2, 1] },
        { name: 'hard', x: [1, 10, 100], y: [3, 2, 1] }, // on top of 'soft': the dash tells them apart
      ],
      {
        title: 'R1 features',
        xlabel: 'training examples',
        ylabel: 'units with |‖w‖ − 1| < 0.01',
        logX: true,
      },
    );
    const svg = await renderSvg(spec);
    const t = texts(svg);
    for (const want of ['R1 features', 'training examples', 'soft', 'hard'])
      assert.ok(t.includes(want), `'${want}' missing from ${JSON.stringify(t)}`);
    // the label with its special characters survives (the old bitmap font drew boxes for them)
    assert.ok(
      t.some((s) => s.includes('‖w‖')),
      'the y label lost its ‖ characters',
    );
    assert.equal(
      count(svg, /stroke-dasharray="6,3"/g) >= 1,
      true,
      'the second series is not dashed',
    );
    assert.equal(count(svg, /class="mark-line role-mark/g), 2, 'not one line per series');
  });

  it('lineChart: a NaN or a non-positive x on a log axis breaks the line; spread draws a band', async () => {
    const spec = lineChart(
      [{ name: 'a', x: [0, 1, 2, 3], y: [1, NaN, 2, 3], spread: [0.1, 0.1, 0.2, 0.3] }],
      { logX: true },
    );
    const rows = rowsOf(spec);
    assert.deepEqual(
      rows.map((r) => r.y),
      [null, null, 2, 3],
    );
    assert.deepEqual(
      rows.map((r) => r.x),
      [null, 1, 2, 3],
    );
    assert.deepEqual([rows[3].lo, rows[3].hi], [2.7, 3.3]);
    const svg = await renderSvg(spec);
    assert.equal(count(svg, /class="mark-area role-mark/g), 1, 'no ± band');
  });

  it('lineChart: rejects what it cannot draw, naming the fix', () => {
    assert.throws(() => lineChart([]), ShapeError);
    assert.throws(
      () => lineChart([{ name: 'a', x: [1, 2], y: [1] }]),
      /one x \(and spread\) per y/,
    );
    assert.throws(() => lineChart([{ name: 'a', x: [1], y: [NaN] }]), /check the data for NaN/);
    assert.throws(
      () =>
        lineChart([
          { name: 'a', x: [1], y: [1] },
          { name: 'a', x: [1], y: [2] },
        ]),
      /its own name/,
    );
    assert.throws(() => lineChart([{ name: 'a', x: [1], y: [1] }], { yRange: [2, 1] }), ValueError);
  });

  it('heatmap: one cell per entry (row 0 on top), axis titles, a colour bar, NaN left empty', async () => {
    const m = Matrix.from([[1, -0.5], [NaN, 0.25]]); // prettier-ignore
    const spec = heatmap(m, {
      title: 'layer 2',
      xlabel: 'sample',
      ylabel: 'sample',
      colormap: 'diverging',
      values: true,
      legend: 'similarity',
    });
    assert.deepEqual(
      rowsOf(spec).map((r) => [r.row, r.col, r.v]),
      [['0', '0', 1], ['0', '1', -0.5], ['1', '0', null], ['1', '1', 0.25]], // prettier-ignore
    );
    const svg = await renderSvg(spec);
    const t = texts(svg);
    for (const want of ['layer 2', 'sample', 'similarity', '1.00', '−0.50', '0.25'])
      assert.ok(t.includes(want), `'${want}' missing from ${JSON.stringify(t)}`);
    assert.ok(!t.includes('null'), 'a NaN cell printed "null"');
    assert.equal(count(svg, /class="mark-rect role-mark/g), 1);
    assert.ok(/role-legend/.test(svg), 'no colour bar');
    assert.throws(() => heatmap(new Matrix(0, 3)), ShapeError);
    assert.throws(() => heatmap(Matrix.filled(2, 2, NaN)), /NaN/);
    assert.throws(() => heatmap(m, { min: 1, max: 0 }), /below max/);
    assert.throws(() => heatmap(m, { columnLabels: ['a'] }), /one per column/);
  });

  it('errorBarChart: a bar per point with a spread, shapes per source, a legend for both', async () => {
    const spec = errorBarChart(
      [
        { x: 'γ = 0', group: 'sgd', source: 'hebb', value: 0.1, spread: 0.05 },
        { x: 'γ = 0', group: 'dfa', source: 'hebb', value: -0.1, spread: 0.02 },
        { x: 'γ = 0', group: 'sgd', source: 'paper', value: 0.2 },
        { x: 'γ = 5e-4', group: 'sgd', source: 'hebb', value: 0.5, spread: 0.1 },
      ],
      { title: 'Table 1', ylabel: 'cos(g, H)' },
    );
    const svg = await renderSvg(spec);
    const t = texts(svg);
    for (const want of ['Table 1', 'cos(g, H)', 'sgd', 'dfa', 'hebb', 'paper', 'γ = 0', 'γ = 5e-4'])
      assert.ok(t.includes(want), `'${want}' missing from ${JSON.stringify(t)}`);
    // three points have a spread: three error-bar rules (and their ticks)
    const bars = svg.match(/<g class="mark-rule role-mark layer_1_layer_\d_marks"[^]*?<\/g>/);
    assert.ok(bars, 'no error bars');
    assert.equal(count(bars[0], /<line /g), 3);
  });

  it('the emergence table figure carries ± std and leaves collapsed paper cells out', () => {
    const spec = tableFigure(
      [
        {
          rule: 'adam',
          decays: [0, 5e-3],
          ours: [
            { mean: 0.1, std: 0.02 },
            { mean: 0.04, std: 0.01 },
          ],
          paper: [-0.02, null],
        },
      ],
      10,
    );
    const rows = rowsOf(spec);
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.filter((r) => r.source === 'paper').map((r) => r.x),
      ['γ = 0'],
    );
    const ours = rows.find((r) => r.x === 'γ = 0' && r.source !== 'paper')!;
    assert.deepEqual([ours.lo, ours.hi], [0.1 - 0.02, 0.1 + 0.02]);
    assert.match(String(ours.source), /10 seeds/);
  });

  it('the phase map prints every value above its γ = σ² line', async () => {
    const sigmas = [1e-3, 1e-2];
    const decays = [1e-6, 1e-4];
    const spec = phaseFigure(
      [
        [0.5, -0.25],
        [0.125, 0.75],
      ],
      sigmas,
      decays,
      'phase',
    );
    const svg = await renderSvg(spec);
    const t = texts(svg);
    for (const want of [
      '0.50',
      '−0.25',
      '0.13',
      '0.75',
      '1e-3',
      '1e-2',
      '1e-6',
      '1e-4',
      'weight decay γ',
      'noise σ',
    ])
      assert.ok(t.includes(want), `'${want}' missing from ${JSON.stringify(t)}`);
    // the dashed line is drawn before (under) the numbers
    const line = svg.indexOf('stroke-dasharray="6,4"');
    const firstNumber = svg.indexOf('>0.50<');
    assert.ok(
      line > 0 && line < firstNumber,
      'the γ = σ² line is missing or drawn over the numbers',
    );
  });

  it('concat keeps each chart, under one title', async () => {
    const a = lineChart([{ name: 'a', x: [1, 2], y: [1, 2] }], { title: 'top' });
    const b = lineChart([{ name: 'b', x: [1, 2], y: [2, 1] }], { title: 'bottom' });
    const t = texts(await renderSvg(concat([a, b], 'v', 'both')));
    for (const want of ['both', 'top', 'bottom', 'a', 'b']) assert.ok(t.includes(want));
  });

  it('imageFigure embeds the PNG bytes under a title', async () => {
    const grid = receptiveFieldGrid(Matrix.from([[0, 1, 2, 3]]), { height: 2, width: 2 });
    const png = toPng(grid);
    const svg = await renderSvg(imageFigure(png, grid, { title: 'fields' }));
    assert.ok(texts(svg).includes('fields'));
    assert.ok(svg.includes(`data:image/png;base64,${Buffer.from(png).toString('base64')}`));
  });

  it('base64 matches Node for every length mod 3', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      assert.equal(base64(b), Buffer.from(b).toString('base64'));
    }
  });
});
