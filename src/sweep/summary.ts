// A sweep's results as one table: per setting, each metric's mean ± std over the seeds.
// Pure: takes the points' results, returns rows and their Markdown / CSV / JSON forms.
import { formatValue, type OptionValue, type SweepPoint } from './spec.ts';

export interface PointResult {
  point: SweepPoint;
  /** The run's --json result; undefined while the point is not complete. */
  result?: unknown;
  seconds?: number;
}

export interface SummaryCell {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one seed. */
  std: number;
  n: number;
}

export interface SummaryRow {
  setting: Record<string, OptionValue>;
  /** Seeds complete out of seeds asked for. */
  complete: number;
  total: number;
  cells: Record<string, SummaryCell | null>;
}

/** Every finite number in a JSON value, by dotted path ("alignment.signal.1"); booleans as 0/1. */
export function numericLeaves(v: unknown, prefix = '', out = new Map<string, number>()) {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) out.set(prefix, v);
  } else if (typeof v === 'boolean') out.set(prefix, v ? 1 : 0);
  else if (Array.isArray(v))
    v.forEach((x, i) => numericLeaves(x, prefix ? `${prefix}.${i}` : `${i}`, out));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) numericLeaves(x, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** The metric columns: the ones asked for, or every number the results share in first-seen order. */
export function metricColumns(results: PointResult[], asked?: string[]): string[] {
  if (asked) return asked;
  const seen = new Map<string, number>();
  const done = results.filter((r) => r.result !== undefined);
  for (const r of done)
    for (const k of numericLeaves(r.result).keys()) seen.set(k, (seen.get(k) ?? 0) + 1);
  return [...seen].filter(([, n]) => n === done.length).map(([k]) => k);
}

function stats(xs: number[]): SummaryCell | null {
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) : 0;
  return { mean, std: Math.sqrt(v), n: xs.length };
}

/** One row per setting, in the grid's order. */
export function summarize(results: PointResult[], columns: string[]): SummaryRow[] {
  const rows = new Map<string, { setting: Record<string, OptionValue>; rs: PointResult[] }>();
  for (const r of results) {
    const key = JSON.stringify(r.point.setting);
    if (!rows.has(key)) rows.set(key, { setting: r.point.setting, rs: [] });
    rows.get(key)!.rs.push(r);
  }
  return [...rows.values()].map(({ setting, rs }) => {
    const done = rs.filter((r) => r.result !== undefined);
    const leaves = done.map((r) => numericLeaves(r.result));
    const cells: Record<string, SummaryCell | null> = {};
    for (const c of columns)
      cells[c] = stats(leaves.map((l) => l.get(c)).filter((x): x is number => x !== undefined));
    return { setting, complete: done.length, total: rs.length, cells };
  });
}

const num = (x: number) =>
  Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4);

export function summaryMarkdown(rows: SummaryRow[], columns: string[]): string {
  const keys = rows.length ? Object.keys(rows[0].setting) : [];
  const head = [...keys, 'seeds', ...columns];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = columns.map((c) => {
      const s = r.cells[c];
      return s ? (s.n > 1 ? `${num(s.mean)} ± ${num(s.std)}` : num(s.mean)) : '–';
    });
    lines.push(
      `| ${[...keys.map((k) => formatValue(r.setting[k])), `${r.complete}/${r.total}`, ...cells].join(' | ')} |`,
    );
  }
  return lines.join('\n') + '\n';
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function summaryCsv(rows: SummaryRow[], columns: string[]): string {
  const keys = rows.length ? Object.keys(rows[0].setting) : [];
  const head = [
    ...keys,
    'complete',
    'total',
    ...columns.flatMap((c) => [`${c}.mean`, `${c}.std`, `${c}.n`]),
  ];
  const lines = [head.map(csvField).join(',')];
  for (const r of rows) {
    lines.push(
      [
        ...keys.map((k) => formatValue(r.setting[k])),
        String(r.complete),
        String(r.total),
        ...columns.flatMap((c) => {
          const s = r.cells[c];
          return s ? [String(s.mean), String(s.std), String(s.n)] : ['', '', '0'];
        }),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
