// `hebb reproduce emergence-table`: the paper's table — the 2nd layer's final cos(g, H) of
// each rule × weight decay, mean ± std over seeds, beside the published values.
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.ts';
import { saveChart } from '../../report/render.ts';
import type { SweepPoint } from '../../sweep/spec.ts';
import {
  stationaryEpochs,
  TABLE_DECAYS,
  TABLE_RULES,
  TABLE_SETUP,
} from '../../emergence/paper-setup.ts';
import { ARCHITECTURES, type Architecture } from '../../emergence/network.ts';
import { ANY_NETWORK_RULES, RULES } from '../../emergence/rules.ts';
import {
  describe,
  integer,
  MAX_EPOCHS,
  number,
  pick,
  withDefault,
  type ParamSpec,
} from '../../model/params.ts';
import type { ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { regressionCells } from './cells.ts';
import { shortNumber, tableFigure } from './figures.ts';
import { LEARNER_SPEC, namesFrom, THREADS_OPTION, useThreads } from './options.ts';
import { f2, f3, setupLines } from './report-text.ts';
import { PAPER_TABLE, PAPER_TRANSFORMER_TABLE, type CellSummary } from './table.ts';
import { count } from '../../model/wording.ts';

/** The options of `reproduce emergence-table`. */
export const TABLE_OPTIONS = {
  seeds: describe(integer({ min: 1, default: 10 }), 'seeds per cell'),
  epochs: describe(
    withDefault(LEARNER_SPEC.epochs, TABLE_SETUP.epochs),
    'epochs per run (the transformer cells: at least, see --decay-times)',
  ),
  rules: describe(namesFrom(RULES, 'rule', TABLE_RULES), 'comma-separated rules'),
  architectures: describe(
    namesFrom(ARCHITECTURES, 'architecture', ARCHITECTURES),
    'rows: mlp, transformer (its rows: sgd and adam) or both',
  ),
  decayTimes: describe(
    number({ min: 0, default: TABLE_SETUP.transformer.decayTimes }),
    'transformer rows: train a cell until Σ η_t γ ≥ k weight-decay time constants (stationarity), never fewer than --epochs; 0: --epochs for every cell',
    '<k>',
  ),
  maxEpochs: describe(
    integer({ min: 1, max: MAX_EPOCHS, default: TABLE_SETUP.transformer.maxEpochs }),
    'transformer rows: a cell that cannot reach --decay-times within this many epochs trains --epochs',
  ),
  ...pick(LEARNER_SPEC, 'adamDecay'),
  threads: THREADS_OPTION,
} satisfies ParamSpec;

/** The learner's defaults the table deliberately replaces. */
export const TABLE_DIFFERS = {
  epochs: "the paper's table trains 30 epochs (TABLE_SETUP in src/emergence/paper-setup.ts)",
};

export type TableOptions = OptionsOf<typeof TABLE_OPTIONS>;

export interface TableResult {
  report: string;
  cells: CellSummary[];
  seconds: number;
}

/** Runs the table's cells and writes report.md, figures/table.svg and a metrics row. */
export async function reproduceTable(
  ctx: ExperimentContext,
  o: TableOptions,
): Promise<TableResult> {
  const dir = ctx.run.dir;
  const t0 = performance.now();
  const archs = o.architectures;
  const options = {
    epochs: o.epochs,
    ...(o.adamDecay === 'decoupled' ? { 'adam-decay': 'decoupled' } : {}),
  };
  const describe = (p: SweepPoint) =>
    `${p.setting.architecture === 'transformer' ? 'transformer ' : ''}${String(p.setting.rule)} γ=${shortNumber(Number(p.setting['weight-decay']))}`;
  const cells: CellSummary[] = [];
  if (archs.includes('mlp'))
    cells.push(
      ...(await regressionCells(
        ctx,
        o,
        options,
        { rule: o.rules, 'weight-decay': TABLE_DECAYS },
        o.seeds,
        describe,
      )),
    );
  const trRules = o.rules.filter((r) => ANY_NETWORK_RULES.includes(r));
  // each transformer cell trains as long as its γ and rate need to become stationary
  for (const rule of archs.includes('transformer') ? trRules : [])
    for (const decay of TABLE_DECAYS)
      cells.push(
        ...(await regressionCells(
          ctx,
          o,
          { ...options, epochs: stationaryEpochs(rule, decay, o) },
          { architecture: ['transformer'], rule: [rule], 'weight-decay': [decay] },
          o.seeds,
          describe,
        )),
      );
  const seconds = (performance.now() - t0) / 1000;
  const rowsOf = (arch: Architecture) => {
    const paper = arch === 'mlp' ? PAPER_TABLE : PAPER_TRANSFORMER_TABLE;
    const rules = [...new Set(cells.filter((c) => c.architecture === arch).map((c) => c.rule))];
    return rules.flatMap((rule) => {
      const label = arch === 'mlp' ? rule : `transformer ${rule}`;
      const mine = cells.filter((c) => c.architecture === arch && c.rule === rule);
      const row = { label, cells: mine, paper: paper[rule] ?? TABLE_DECAYS.map(() => NaN) };
      // Adam's raw gradient beside its step: the reading of the paper's row that matches it
      const raw =
        rule === 'adam'
          ? [
              {
                ...row,
                label: `${label} (raw gradient)`,
                cells: mine.map((c) => ({ ...c, ...c.gradient })),
              },
            ]
          : [];
      return [row, ...raw];
    });
  };
  const rows = [...rowsOf('mlp'), ...rowsOf('transformer')];
  await saveChart(
    ctx.run.figurePath('table.svg'),
    tableFigure(
      rows.map((r) => ({ rule: r.label, decays: TABLE_DECAYS, ours: r.cells, paper: r.paper })),
      o.seeds,
    ),
  );
  const head = `| rule | ${TABLE_DECAYS.map((d) => `γ = ${shortNumber(d)}`).join(' | ')} |`;
  const sep = `|---|${TABLE_DECAYS.map(() => '---').join('|')}|`;
  const paperText = (p: number | null) => (p === null ? 'collapsed' : f2(p));
  const line = (r: (typeof rows)[number]) =>
    `| ${r.label} | ${r.cells
      .map((c, k) => {
        const flag = c.collapsedSeeds > 0 ? ` (collapsed ${c.collapsedSeeds}/${o.seeds})` : '';
        // the transformer's cells train to stationarity where they can: how far each got
        const times =
          c.architecture === 'transformer' && c.decay > 0 ? ` · Σηγ ${f2(c.decayTimes)}` : '';
        return `${f2(c.mean)} ± ${f3(c.std)}${flag} · paper ${paperText(r.paper[k])}${times}`;
      })
      .join(' | ')} |`;
  const sg = (v: number | null) =>
    v === null ? 'c' : Math.abs(v) < 0.02 ? '0' : v > 0 ? '+' : '−';
  const mlpCells = cells.filter((c) => c.architecture === 'mlp');
  const detail = mlpCells.map(
    (c) =>
      `| ${c.rule} | ${shortNumber(c.decay)} | ${c.layers.map((l) => f3(l.signal)).join(' / ')} | ` +
      `${c.layers.map((l) => f3(l.update)).join(' / ')} | ${c.layers.map((l) => f3(l.post)).join(' / ')} | ` +
      `${c.layers.map((l) => f3(l.ratio)).join(' / ')} | ${c.layers.map((l) => f3(l.gradient)).join(' / ')} | ` +
      `${c.valLoss.toExponential(2)} | ${c.seconds.toFixed(1)} |`,
  );
  const trCells = cells.filter((c) => c.architecture === 'transformer');
  const md = [
    "# Emergent Hebbian dynamics — the paper's alignment table",
    '',
    `Measured cos(g, H) of the 2nd layer at the end of training, mean ± std over ${count(o.seeds, 'seed')},`,
    'beside the paper\'s regression values; adam\'s "raw gradient" rows are cos(−∇ℓ, H), its gradient',
    'before preconditioning (docs/math/emergence.md). Total run time ' +
      `${seconds.toFixed(0)} s on backend ${ctx.backend.name}.`,
    '',
    head,
    sep,
    ...rows.map(line),
    '',
    'Signs (ours / paper; 0 where |value| < 0.02):',
    '',
    ...rows.map(
      (r) =>
        `- ${r.label}: ${r.cells.map((c) => sg(c.mean)).join(' ')} / ${r.paper.map(sg).join(' ')}`,
    ),
    '',
    '![alignment vs weight decay, ± std over seeds](figures/table.svg)',
    '',
    ...(mlpCells.length > 0
      ? [
          '## MLP, per layer (layer 1 / layer 2), mean over seeds',
          '',
          'cos(ΔW, H) uses the full update with decay; H⁺ = f(h_b) h_aᵀ is the post-activation variant',
          '(equal to H for the linear output layer). The stationarity ratio is ⟨E g, E H⟩ / (γ E Σ_b‖h_b‖²)',
          'over the final window; ≈ 1 at stationarity (undefined at γ = 0). cos(−∇ℓ,H) is the raw backprop',
          "gradient's alignment: for sgd the signal itself, for adam the gradient before its",
          `preconditioning (adam's signal g is its step; weight decay ${o.adamDecay}); n/a for dfa and random.`,
          '',
          '| rule | γ | cos(g,H) | cos(ΔW,H) | cos(g,H⁺) | stationarity ratio | cos(−∇ℓ,H) | val loss | seconds |',
          '|---|---|---|---|---|---|---|---|---|',
          ...detail,
          '',
        ]
      : []),
    ...(trCells.length > 0 ? transformerDetail(trCells) : []),
    ...setupLines(),
    'A cell is marked collapsed when a seed ended with a layer norm below 1e-3 of its initial norm.',
    '',
  ];
  const report = join(dir, 'report.md');
  writeFileAtomic(report, md.join('\n'));
  ctx.run.appendMetrics({ seconds, seeds: o.seeds, epochs: o.epochs, cells });
  return { report, cells, seconds };
}

/**
 * The transformer cells per weight matrix: cos(g, H), for adam its raw gradient's too, the
 * window's cos(E g, E H) and the stationarity ratio; with each cell's steps and Σ η_t γ.
 */
function transformerDetail(cells: CellSummary[]): string[] {
  const names = cells[0].matrices.map((m) => m.replace('block ', 'b'));
  const row = (c: CellSummary, what: string, v: (l: CellSummary['layers'][number]) => number) =>
    `| ${c.rule} | ${shortNumber(c.decay)} | ${c.steps} | ${f2(c.decayTimes)} | ${what} | ${c.layers.map((l) => f2(v(l))).join(' | ')} | ${c.valLoss.toExponential(2)} |`;
  return [
    '## Transformer, per weight matrix, mean over seeds',
    '',
    'cos(g, H) of every weight matrix (b1 = block 1); for adam also cos(−∇ℓ, H), its raw gradient',
    'before preconditioning; cos(E g, E H), the mean signal of the final window against its mean',
    'Hebbian term (without the per-step noise); the stationarity ratio ⟨E g, E H⟩ / (γ E Σ_b‖h_b‖²)',
    "over that window (≈ 1 at stationarity; undefined at γ = 0). The table's value is the mean of",
    "block 2's six cos(g, H). Σηγ = Σ_t η_t γ over the steps: the weight-decay time constants run.",
    '',
    `| rule | γ | steps | Σηγ | | ${names.join(' | ')} | val loss |`,
    `|---|---|---|---|---|${names.map(() => '---').join('|')}|---|`,
    ...cells.flatMap((c) => [
      row(c, 'cos(g,H)', (l) => l.signal),
      ...(c.rule === 'adam' ? [row(c, 'cos(−∇ℓ,H)', (l) => l.gradient)] : []),
      row(c, 'cos(Eg,EH)', (l) => l.window),
      ...(c.decay > 0 ? [row(c, 'ratio', (l) => l.ratio)] : []),
    ]),
    '',
  ];
}

/** `hebb reproduce emergence-table`. */
export const emergenceTable = defineExperiment({
  command: 'reproduce emergence-table',
  needs: ['charts'],
  description:
    "the paper's table: alignment of sgd/adam/dfa/random × γ ∈ {0, 5e-5, 5e-4, 5e-3}, mean ± std over seeds",
  options: TABLE_OPTIONS,
  out: 'runs/emergence-table',
  points: true,
  models: [{ name: 'EmergenceLearner', spec: LEARNER_SPEC, differs: TABLE_DIFFERS }],
  examples: [
    'hebb reproduce emergence-table',
    'hebb reproduce emergence-table --seeds 2 --rules sgd,dfa',
    'hebb reproduce emergence-table --workers 2             # a pool of 2 processes',
    'hebb reproduce emergence-table --queue redis://HOST:6379   # hebb worker on any machine',
  ],
  prepare: (o, be) => useThreads(be, o),
  run: (ctx, _p, o) => reproduceTable(ctx, o),
  report: (r) => [`report: ${r.report} (${r.seconds.toFixed(0)} s)`],
  json: (r) => r,
});
