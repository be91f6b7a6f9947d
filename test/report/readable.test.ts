// Figures a reader can read (issue 34): the PGD curve over ε ×255 from the clean point on, and
// charts with many series whose colours (and shapes) tell every series apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorBarChart, lineChart, type ChartSpec } from '../../src/report/charts.ts';
import { pgdChart } from '../../src/reproduce/softhebb/robustness-report.ts';
import type { ModelCurves } from '../../src/reproduce/softhebb/robustness-options.ts';

type Layer = { mark: unknown; encoding: Record<string, Record<string, unknown>> };
const layers = (s: ChartSpec) => s.layer as Layer[];
const rows = (s: ChartSpec) => (s.data as { values: Record<string, unknown>[] }).values;

/** The colour range every series of a chart gets: one entry per series, all different. */
function assertDistinct(range: unknown, n: number, what: string) {
  assert.ok(Array.isArray(range), `${what}: no explicit range`);
  const used = (range as unknown[]).slice(0, n).map((c) => JSON.stringify(c));
  assert.equal(used.length, n, `${what}: ${used.length} entries for ${n} series`);
  assert.equal(new Set(used).size, n, `${what}: repeated in ${used.join(' ')}`);
}

describe('readable figures', () => {
  const eps = [4, 8, 16, 32, 64, 128, 255].map((e) => e / 255);
  const model = (name: string, k: number): ModelCurves =>
    ({
      name,
      clean: 0.98,
      cleanAttacked: 0.97 - k / 100,
      noise: [],
      pgd: eps.map((level, i) => ({ level, accuracy: 0.9 - i / 10 - k / 100 })),
    }) as unknown as ModelCurves;

  it('the L∞ PGD chart reads ε ×255 (0, 4, 8 … 255) on a symlog axis, clean point drawn', () => {
    const spec = pgdChart([model('SoftHebb', 0), model('MLP', 1)], {
      norm: 'linf',
      dataset: 'mnist',
    });
    const x = layers(spec)[0].encoding.x;
    assert.match(String(x.title), /ε ×255/);
    assert.doesNotMatch(String(x.title), /log2/);
    assert.equal((x.scale as { type: string }).type, 'symlog');
    assert.deepEqual((x.axis as { values: number[] }).values, [0, 4, 8, 16, 32, 64, 128, 255]);
    const soft = rows(spec).filter((r) => r.series === 'SoftHebb');
    assert.deepEqual(
      soft.map((r) => r.x),
      [0, 4, 8, 16, 32, 64, 128, 255],
    );
    assert.equal(soft[0].y, 97);
    // L2: radii as they are, the clean point at 0
    const l2 = pgdChart([model('SoftHebb', 0)], { norm: 'l2', dataset: 'mnist' });
    assert.equal(rows(l2)[0].x, 0);
  });

  it('9 series: 9 different colours, and dashes and marker shapes as a second cue', () => {
    const series = Array.from({ length: 9 }, (_, k) => ({
      name: `model ${k}`,
      x: [1, 2, 3],
      y: [k, k + 1, k + 2],
    }));
    const spec = lineChart(series);
    const enc = layers(spec).flatMap((l) => Object.entries(l.encoding));
    const color = enc.find(([k]) => k === 'color')![1];
    assertDistinct((color.scale as { range: unknown }).range, 9, 'colours');
    const shape = enc.find(([k]) => k === 'shape');
    assert.ok(shape, 'no marker shapes');
    assertDistinct((shape[1].scale as { range: unknown }).range, 9, 'shapes');

    const bars = errorBarChart(
      series.map((s, k) => ({ x: 'γ = 0', group: s.name, source: 'hebb', value: k })),
    );
    const barColor = layers(bars).find((l) => l.encoding?.color)!.encoding.color;
    assertDistinct((barColor.scale as { range: unknown }).range, 9, 'error bar colours');
  });
});
