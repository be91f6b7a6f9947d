// report.md and the summary lines of `hebb reproduce sm-mnist`: test error per NPS (and
// feature tolerance) as mean ± std over seeds, every run, the paper's Table 1, the figures.
import { PAPER_TABLE1, type MnistRow } from './mnist.ts';
import { duration } from './duration.ts';
import { count } from '../../model/wording.ts';

export interface MnistSummary {
  nps: number;
  featureTol: number;
  /** How many feature tolerances the rows have (the summary names the tolerance when > 1). */
  tols: number;
  seeds: number;
  /** Test error in %, as text: the mean ± the sample std over seeds, or the one value. */
  error: string;
  paper: number | null;
  /** Mean run time per seed. */
  seconds: number;
}

/** Rows grouped by (NPS, feature tolerance): error as mean ± std over seeds. */
export function summarise(rows: MnistRow[]): MnistSummary[] {
  const groups = new Map<string, MnistRow[]>();
  for (const r of rows) {
    const k = `${r.nps}|${r.featureTol}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const tols = new Set(rows.map((r) => r.featureTol)).size;
  return [...groups.values()].map((g) => {
    const e = g.map((r) => r.errorPct);
    const mean = e.reduce((a, b) => a + b, 0) / e.length;
    const sd = Math.sqrt(e.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(e.length - 1, 1));
    return {
      nps: g[0].nps,
      featureTol: g[0].featureTol,
      tols,
      seeds: g.length,
      error: g.length > 1 ? `${mean.toFixed(2)} ± ${sd.toFixed(2)}` : mean.toFixed(2),
      paper: g[0].paperPct,
      seconds: g.reduce((a, r) => a + r.totalSeconds, 0) / g.length,
    };
  });
}

/** One line per summary row (the command's output). */
export function summaryLines(rows: MnistRow[]): string[] {
  return summarise(rows).map(
    (x) =>
      `NPS ${x.nps}${x.tols > 1 ? `, feature tol ${x.featureTol}` : ''}: test error ${x.error} % (paper ${x.paper ?? '–'} %), ${duration(x.seconds)}${x.seeds > 1 ? ` per seed (${count(x.seeds, 'seed')})` : ''}`,
  );
}

/** A finished point's row as a log line. */
export function rowLine(row: MnistRow): string {
  return (
    `NPS ${row.nps}, seed ${row.seed}, feature tol ${row.featureTol}: test error ${row.errorPct.toFixed(2)}% (paper ${row.paperPct ?? '–'}%), run time ${duration(row.totalSeconds)} ` +
    `(train ${duration(row.trainSeconds)}, features ${duration(row.featureSeconds)}, SVM ${duration(row.svcSeconds)})`
  );
}

/** What the report states about the training. */
export interface MnistSetting {
  epochs: number;
  batchSize: number;
  /** Training and test images (of the first seed). */
  nTrain: number;
  nTest: number;
}

export function mnistReport(f: MnistSetting, rows: MnistRow[], backend: string): string {
  const summary = summarise(rows);
  return [
    '# Structured similarity matching on MNIST (Sec. 6.3, Table 1)',
    '',
    'One locally connected layer (28×28 input, stride 2 → 14×14 sites, radius 4, tanh, laterals',
    `within a site), per-image mean subtraction, ${count(f.epochs, 'epoch')} over ${f.nTrain} training images`,
    `in a seeded order, updates summed over mini-batches of ${f.batchSize} (dynamics per batch at fixed`,
    "weights), the authors' rate schedule and Euler solver; LinearSVC (C = 1, squared hinge,",
    `one-vs-rest) on the fixed points; error on ${f.nTest} test images. Backend: ${backend}.`,
    '',
    '| NPS | feature tol | seeds | test error (mean ± std) | paper | mean run time |',
    '|---|---|---|---|---|---|',
    ...summary.map(
      (r) =>
        `| ${r.nps} | ${r.featureTol} | ${r.seeds} | ${r.error}% | ${r.paper ?? '–'}% | ${duration(r.seconds)} |`,
    ),
    '',
    'Every run:',
    '',
    '| NPS | seed | feature tol | neurons | synapses | test error | SVM train acc. | Euler steps/batch | train | features | SVM |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.nps} | ${r.seed} | ${r.featureTol} | ${r.neurons} | ${r.synapses} | ${r.errorPct.toFixed(2)}% | ` +
        `${r.trainAccPct.toFixed(2)}% | ${r.meanSteps.toFixed(0)} | ${duration(r.trainSeconds)} | ${duration(r.featureSeconds)} | ${duration(r.svcSeconds)} |`,
    ),
    '',
    `Paper (Table 1): ${Object.entries(PAPER_TABLE1)
      .map(([k, v]) => `NPS ${k}: ${v}%`)
      .join(', ')}.`,
    '',
    '## Figures (first seed)',
    '',
    'Per NPS: the first neuron of every site, drawn in its window and tiled in the site grid,',
    'then all neurons of the centre site (red positive, blue negative, one colour scale per',
    'figure; grey pixels are not synapses of the site). The PNGs beside them hold the pixels alone.',
    '',
    ...[...new Set(rows.map((r) => r.nps))].flatMap((n) => [
      `![NPS ${n}: neuron 0 per site](figures/rf-nps${n}-unit0-per-site.svg)`,
      `![NPS ${n}: centre site](figures/rf-nps${n}-centre-site-units.svg)`,
      '',
    ]),
  ].join('\n');
}
