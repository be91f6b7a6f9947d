// The emergence reproductions' figures as Vega-Lite specs (rendered to SVG by the CLI).
import { Matrix } from '../../backend/matrix.ts';
import type { EmergenceResult } from '../../emergence/learner.ts';
import {
  concat,
  errorBarChart,
  heatmap,
  lineChart,
  type ChartSpec,
  type ErrorBarPoint,
  type Series,
} from '../../report/charts.ts';
import { meanStd } from './table.ts';
import { count } from '../../model/wording.ts';

/** Compact label of a small positive number: 0, 5e-5, 0.003 → '3e-3'. */
export function shortNumber(v: number): string {
  if (v === 0) return '0';
  const [m, e] = v.toExponential(0).split('e');
  return `${m}e${Number(e)}`;
}

/**
 * Phase diagram: cells coloured by alignment (blue < 0 < red, symmetric range) and printed with
 * their value, rows σ (largest on top), columns γ, and the line γ = σ² drawn under the
 * numbers where it crosses the grid (cells sit at log-spaced values: positions interpolate
 * in log10). `o.line: false` leaves the line out (gradient noise has no γ = σ² boundary).
 */
export function phaseFigure(
  grid: number[][],
  sigmas: number[],
  decays: number[],
  title: string,
  o: { ylabel?: string; legend?: string; line?: boolean } = {},
): ChartSpec {
  const nr = sigmas.length;
  const nc = decays.length;
  const m = Matrix.zeros(nr, nc);
  // row i of the figure is σ index nr−1−i (largest σ on top)
  for (let i = 0; i < nr; i++)
    for (let j = 0; j < nc; j++) m.data[i * nc + j] = grid[nr - 1 - i][j];
  const cols = decays.map(shortNumber);
  const rows = sigmas.map(shortNumber).reverse();
  const spec = heatmap(m, {
    title,
    ...(o.line === false ? {} : { subtitle: 'dashed line: γ = σ²' }),
    colormap: 'diverging',
    values: true,
    cellSize: 64,
    xlabel: 'weight decay γ',
    ylabel: o.ylabel ?? 'noise σ',
    columnLabels: cols,
    rowLabels: rows,
    legend: o.legend ?? 'cos(g, H)',
  });
  if (o.line === false) return spec;
  const pos = (vals: number[], v: number) => {
    const lv = vals.map(Math.log10);
    const t = Math.log10(v);
    for (let k = 0; k + 1 < lv.length; k++)
      if ((t - lv[k]) * (t - lv[k + 1]) <= 0) return k + (t - lv[k]) / (lv[k + 1] - lv[k]);
    return NaN;
  };
  const line: { cx: number; cy: number }[] = [];
  for (let k = 0; k <= 200 && nr > 1; k++) {
    const sigma =
      10 ** (Math.log10(sigmas[0]) + (k / 200) * Math.log10(sigmas[nr - 1] / sigmas[0]));
    const col = pos(decays, sigma * sigma);
    const row = pos(sigmas, sigma);
    if (Number.isFinite(col) && Number.isFinite(row))
      line.push({ cx: col + 0.5, cy: nr - 1 - row + 0.5 });
  }
  if (line.length < 2) return spec;
  // The line in cell units on its own linear scales spanning the grid, drawn before the text.
  const layers = spec.layer as ChartSpec[];
  const overlay: ChartSpec = {
    data: { values: line },
    mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 2, color: '#111', opacity: 0.7 },
    encoding: {
      x: { field: 'cx', type: 'quantitative', scale: { domain: [0, nc] }, axis: null },
      y: { field: 'cy', type: 'quantitative', scale: { domain: [nr, 0] }, axis: null },
      order: { field: 'cy' },
    },
  };
  const { encoding, ...rest } = spec;
  return {
    ...rest,
    layer: [{ encoding, layer: layers.slice(0, 1) }, overlay, { encoding, layer: layers.slice(1) }],
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

/**
 * Table 1 as a figure: measured alignment mean ± std over seeds per rule and γ (filled), the
 * paper's values (hollow; its ± where it gives one; "collapsed" cells are left out).
 */
export function tableFigure(
  rows: {
    rule: string;
    decays: number[];
    ours: { mean: number; std: number }[];
    paper: (number | null)[];
  }[],
  seeds: number,
): ChartSpec {
  const points: ErrorBarPoint[] = [];
  for (const r of rows)
    r.decays.forEach((d, k) => {
      const x = `γ = ${shortNumber(d)}`;
      points.push({
        x,
        group: r.rule,
        source: `hebb (± std, ${count(seeds, 'seed')})`,
        value: r.ours[k].mean,
        spread: r.ours[k].std,
      });
      const p = r.paper[k];
      if (p !== null) points.push({ x, group: r.rule, source: 'paper', value: p });
    });
  return errorBarChart(points, {
    title: 'cos(g, H) at the end of training vs weight decay',
    subtitle: 'paper cells marked "collapsed" are not drawn',
    ylabel: 'alignment cos(g, H)',
  });
}

/** Trailing moving average over w points (NaN-aware), for readable curves. */
function smooth(v: Float32Array, w: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const win = Array.from(v.subarray(Math.max(0, i - w + 1), i + 1));
    out.push(meanStd(win).mean);
  }
  return out;
}

/** One run per γ: alignment per layer (smoothed) above validation loss, on one x-range. */
export function curvesFigure(title: string, results: EmergenceResult[]): ChartSpec {
  const align: Series[] = [];
  const loss: Series[] = [];
  for (const r of results) {
    const x = Array.from(r.recordedSteps);
    for (let l = 0; l < r.alignment.signal.length; l++)
      align.push({
        name: `layer ${l + 1}, γ=${shortNumber(r.weightDecay)}`,
        x,
        y: smooth(r.alignment.signal[l], 10),
      });
    loss.push({
      name: `γ=${shortNumber(r.weightDecay)}`,
      x: r.validation.map((v) => v.step),
      y: r.validation.map((v) => v.loss),
    });
  }
  // one x-range for both panels, so that a step lines up across them
  const last = Math.max(...results.map((r) => r.recordedSteps.at(-1) ?? 0), 1);
  const xRange: [number, number] = [0, last];
  return concat(
    [
      lineChart(align, {
        title: `${title}: cos(g, H) vs step`,
        xlabel: 'step',
        ylabel: 'alignment',
        xRange,
        height: 280,
      }),
      lineChart(loss, {
        title: `${title}: validation loss`,
        xlabel: 'step',
        ylabel: 'cross-entropy',
        xRange,
        height: 200,
      }),
    ],
    'v',
  );
}

/** Final alignment per layer and final validation loss per γ, a colour per activation. */
export function decayFigure(
  name: string,
  align: ErrorBarPoint[],
  loss: ErrorBarPoint[],
): ChartSpec {
  return concat(
    [
      errorBarChart(align, { title: `${name}: final cos(g, H)`, ylabel: 'alignment', height: 220 }),
      errorBarChart(loss, {
        title: `${name}: final validation loss`,
        ylabel: 'cross-entropy',
        height: 220,
      }),
    ],
    'h',
  );
}
