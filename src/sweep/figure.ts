// The sweep report's figure: one metric's mean ± std over seeds against a grid option, one
// line per combination of the other options — or, when no option is numeric, points with ± bars
// per category (a line between categories would suggest values between them).
import { errorBarChart, lineChart, type ChartSpec, type Series } from '../report/charts.ts';
import { formatValue, type SweepSpec } from './spec.ts';
import type { SummaryRow } from './summary.ts';

export function sweepFigure(
  spec: SweepSpec,
  rows: SummaryRow[],
  metric?: string,
): ChartSpec | null {
  const keys = Object.keys(spec.grid);
  if (!metric || keys.length === 0) return null;
  // x: the first option whose values are all numbers (a curve over γ, σ, …), else the first.
  const xKey = keys.find((k) => spec.grid[k].every((v) => typeof v === 'number')) ?? keys[0];
  const rest = keys.filter((k) => k !== xKey);
  const values = spec.grid[xKey];
  // Numbers on a log axis when all are positive and span more than a decade.
  const numeric = values.every((v) => typeof v === 'number');
  const nums = values as number[];
  const logX = numeric && nums.every((v) => v > 0) && Math.max(...nums) / Math.min(...nums) > 10;
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const name = rest.map((k) => `${k}=${formatValue(r.setting[k])}`).join(', ') || metric;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name)!.push(r);
  }
  const series: Series[] = [...groups].map(([name, rs]) => ({
    name,
    x: rs.map((r) => r.setting[xKey] as number),
    y: rs.map((r) => r.cells[metric]?.mean ?? NaN),
    spread: rs.map((r) => r.cells[metric]?.std ?? NaN),
  }));
  if (series.every((s) => Array.from(s.y).every((y) => !Number.isFinite(y)))) return null;
  if (!numeric)
    return errorBarChart(
      [...groups].flatMap(([group, rs]) =>
        rs.map((r) => ({
          x: formatValue(r.setting[xKey]),
          group,
          source: 'mean ± std over seeds',
          value: r.cells[metric]?.mean ?? NaN,
          spread: r.cells[metric]?.std ?? NaN,
        })),
      ),
      { title: `hebb ${spec.command}: ${metric}`, xlabel: xKey, ylabel: metric },
    );
  return lineChart(series, {
    title: `hebb ${spec.command}: ${metric}`,
    subtitle: 'mean over seeds; band: ± std',
    xlabel: xKey,
    ylabel: metric,
    logX,
  });
}
