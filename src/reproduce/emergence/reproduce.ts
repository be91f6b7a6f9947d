import { join } from 'node:path';
import type { ExperimentContext } from '../context.ts';
import { loadDataset } from '../../data/index.ts';
import { HebbError } from '../../errors.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import {
  concat,
  errorBarChart,
  lineChart,
  type ChartSpec,
  type ErrorBarPoint,
  type Series,
} from '../../report/charts.ts';
import { saveChart } from '../../report/render.ts';
import { runPoints, type PointExecFlags } from '../points.ts';
import type { SweepPoint } from '../../sweep/spec.ts';
import type { Task } from '../../emergence/tasks.ts';
import {
  meanStd,
  PAPER_TABLE,
  PAPER_TRANSFORMER_TABLE,
  regressionRun,
  summarise,
  type CellSummary,
  type RunSummary,
} from './table.ts';
import { TABLE_DECAYS, TABLE_SETUP, tableOptions, tableTask } from '../../emergence/paper-setup.ts';
import { phaseFigure, shortNumber, tableFigure } from './figures.ts';
import { EmergenceLearner, type EmergenceResult } from '../../emergence/learner.ts';
import type { Architecture, HiddenActivation } from '../../emergence/network.ts';
import { ANY_NETWORK_RULES, type RuleName } from '../../emergence/rules.ts';
import { classificationTask } from '../../emergence/tasks.ts';

export const RANDOM_RULE_DOC = `The "random" rule (src/emergence/rules.ts, RandomNetworkRule): a fixed random network R
with the student's architecture (weights N(0, 1/fan-in), drawn once, never updated) maps each
input to a random target R(x); the error e = 2(ŷ − R(x))/(B·D) (the MSE gradient towards R) reaches the output layer directly
(g = −eᵀ h_a) and each hidden layer through a fixed random feedback matrix B_l, as in DFA
(g_l = −((e B_lᵀ) ⊙ f'(z_l))ᵀ h_a). The task's targets and the student's gradient play no
part: the rule learns an arbitrary random function by arbitrary random credit assignment.`;

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

function setupLines(): string[] {
  const s = TABLE_SETUP;
  return [
    '## Setup',
    '',
    `- Task: student–teacher regression, x ~ N(0, I_${s.task.dim}), y = T(x) with T a fixed random`,
    `  bias-free MLP ${s.task.dim} → ${s.task.teacherWidth} → ${s.task.dim} (${s.task.teacherActivation}, weights N(0, 1/fan-in), data seed 0);`,
    `  ${s.task.train} training / ${s.task.val} validation samples. Realisable: the student can fit it.`,
    `- Student: ${s.task.dim} → ${s.hidden.join(' → ')} → ${s.task.dim}, ${s.activation} hidden layer, linear output, no biases,`,
    '  loss ℓ = (1/(B·D)) Σ (ŷ − y)² (mean over samples and outputs, as torch.nn.MSELoss).',
    `- Training: batch ${s.batch}, ${s.epochs} epochs (${Math.floor(s.task.train / s.batch) * s.epochs} steps), ΔW = η (g − γW);`,
    `  η = ${s.lr.sgd} for sgd, dfa and random, ${s.lr.adam} for adam. Adam meets weight decay as torch.optim.Adam does`,
    '  (coupled L2: step = η·adam(∂ℓ/∂W + γW), adam(·) = −m̂/(√v̂+ε)); written as ΔW = η (g − γW) its signal is',
    '  g = adam(∂ℓ/∂W + γW) + γW, so its stationarity ratio is not the SGD identity and is shown for completeness only.',
    `- Alignment: cos(g, H), H = Σ_b h_b h_aᵀ (h_b pre-activation), every step; "final" = mean over`,
    `  the last ${s.finalFraction * 100} % of steps. A table cell is the 2nd layer's final value (as the paper's table),`,
    "  mean ± std over seeds: the MLP's 2nd weight layer (its output layer), the transformer's 2nd block",
    '  (the mean over its q, k, v, o, up and down matrices).',
    `- Transformer rows: ${s.transformer.blocks} pre-norm blocks (gain-free RMS norm), ${s.transformer.heads} heads, width ${s.transformer.width}, MLP blocks`,
    `  ${s.transformer.width} → ${4 * s.transformer.width} → ${s.transformer.width} with ${s.transformer.activation}; each input is ${s.transformer.tokens} tokens of ${s.task.dim / s.transformer.tokens} features, embedded`,
    '  by one matrix plus a fixed sinusoidal position code; the normed tokens, concatenated, go through one',
    `  read-out matrix. No biases or gains: every parameter is a weight matrix with its own H. η = ${s.transformer.lr.sgd} (sgd),`,
    `  ${s.transformer.lr.adam} (adam); batch, epochs and task as above.`,
    '',
    RANDOM_RULE_DOC,
    '',
  ];
}

export interface TableOptions extends PointExecFlags {
  /** How adam meets weight decay (the other rules ignore it). */
  adamDecay?: 'coupled' | 'decoupled';
  seeds: number;
  epochs: number;
  rules: RuleName[];
  /** The MLP rows, the transformer rows (sgd and adam among `rules`), or both (default). */
  architectures?: Architecture[];
}

/** Seeds 1 … n, as the table has always used. */
const seedList = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Runs `hebb emergence run` at every (setting, seed) point — here, on a pool or on a queue
 * (runPoints) — and groups the runs into cells, one per setting, in the grid's order.
 */
async function regressionCells(
  ctx: ExperimentContext,
  exec: PointExecFlags,
  options: Record<string, string | number>,
  grid: Record<string, (string | number)[]>,
  seeds: number,
  describe: (p: SweepPoint) => string,
): Promise<CellSummary[]> {
  let task: Task | undefined;
  const runs = await runPoints<RunSummary>(
    ctx,
    {
      spec: { command: 'emergence run', options, grid, seeds: seedList(seeds), threads: 1 },
      inline: (p) => {
        const v = { ...options, ...p.setting };
        task ??= tableTask(ctx.backend);
        return regressionRun(
          task,
          tableOptions(
            v.rule as RuleName,
            Number(v['weight-decay']),
            Number(v['weight-noise'] ?? 0),
            {
              ...(v.architecture === 'transformer' ? { architecture: 'transformer' as const } : {}),
              epochs: Number(v.epochs),
              seed: p.seed,
              backend: ctx.backend,
              ...(v['adam-decay'] ? { adamDecay: v['adam-decay'] as 'coupled' | 'decoupled' } : {}),
            },
          ),
        );
      },
      onResult: (p, r) =>
        ctx.log(`${describe(p)} seed ${p.seed}: ${f2(r.secondLayer)} (${r.seconds.toFixed(1)} s)`),
    },
    exec,
  );
  const cells: CellSummary[] = [];
  for (let i = 0; i < runs.length; i += seeds) cells.push(summarise(runs.slice(i, i + seeds)));
  return cells;
}

export async function reproduceTable(
  ctx: ExperimentContext,
  o: TableOptions,
): Promise<{ report: string; cells: CellSummary[]; seconds: number }> {
  const dir = ctx.run.dir;
  const t0 = performance.now();
  const archs = o.architectures ?? ['mlp', 'transformer'];
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
  if (archs.includes('transformer') && trRules.length > 0)
    cells.push(
      ...(await regressionCells(
        ctx,
        o,
        options,
        { architecture: ['transformer'], rule: trRules, 'weight-decay': TABLE_DECAYS },
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
        return `${f2(c.mean)} ± ${f3(c.std)}${flag} · paper ${paperText(r.paper[k])}`;
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
    `Measured cos(g, H) of the 2nd layer at the end of training, mean ± std over ${o.seeds} seeds,`,
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
          `preconditioning (adam's signal g is its step; weight decay ${o.adamDecay ?? 'coupled'}); n/a for dfa and random.`,
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

/** The transformer cells per weight matrix: cos(g, H), and for adam its raw gradient's too. */
function transformerDetail(cells: CellSummary[]): string[] {
  const names = cells[0].matrices.map((m) => m.replace('block ', 'b'));
  const row = (c: CellSummary, what: string, v: (l: CellSummary['layers'][number]) => number) =>
    `| ${c.rule} | ${shortNumber(c.decay)} | ${what} | ${c.layers.map((l) => f2(v(l))).join(' | ')} | ${c.valLoss.toExponential(2)} |`;
  return [
    '## Transformer, per weight matrix, mean over seeds',
    '',
    'cos(g, H) of every weight matrix (b1 = block 1); for adam also cos(−∇ℓ, H), its raw gradient',
    "before preconditioning. The table's value is the mean of block 2's six matrices.",
    '',
    `| rule | γ | signal | ${names.join(' | ')} | val loss |`,
    `|---|---|---|${names.map(() => '---').join('|')}|---|`,
    ...cells.flatMap((c) => [
      row(c, 'cos(g,H)', (l) => l.signal),
      ...(c.rule === 'adam' ? [row(c, 'cos(−∇ℓ,H)', (l) => l.gradient)] : []),
    ]),
    '',
  ];
}

export interface PhaseOptions extends PointExecFlags {
  seeds: number;
  epochs: number;
  rule: RuleName;
  sigmas: number[];
  decays: number[];
}

export async function reproducePhase(
  ctx: ExperimentContext,
  o: PhaseOptions,
): Promise<{ report: string; grid: number[][]; seconds: number }> {
  const dir = ctx.run.dir;
  const t0 = performance.now();
  const cells = await regressionCells(
    ctx,
    o,
    { epochs: o.epochs, rule: o.rule },
    { 'weight-noise': o.sigmas, 'weight-decay': o.decays },
    o.seeds,
    (p) =>
      `σ=${shortNumber(Number(p.setting['weight-noise']))} γ=${shortNumber(Number(p.setting['weight-decay']))}`,
  );
  const grid = o.sigmas.map((_, i) =>
    cells.slice(i * o.decays.length, (i + 1) * o.decays.length).map((c) => c.mean),
  );
  const seconds = (performance.now() - t0) / 1000;
  const title = `${o.rule}: cos(g, H) over noise σ × decay γ`;
  await saveChart(ctx.run.figurePath('phase.svg'), phaseFigure(grid, o.sigmas, o.decays, title));
  const signs = o.sigmas.map(
    (s, i) =>
      `| ${shortNumber(s)} | ${grid[i].map((v) => `${f2(v)} ${v > 0 ? '+' : v < 0 ? '−' : '0'}`).join(' | ')} |`,
  );
  const md = [
    '# Emergent Hebbian dynamics — phase diagram over weight noise and weight decay',
    '',
    `Rule ${o.rule}; parameter noise w = v + ε, ε ~ N(0, σ²) fresh each step, weight decay γ;`,
    `cell = final cos(g, H) of the 2nd layer, mean over ${o.seeds} seeds, ${o.epochs} epochs. Run time ${seconds.toFixed(0)} s.`,
    'The paper: positive (Hebbian) at low noise / high decay, negative (anti-Hebbian) at high',
    'noise / low decay, ≈ 0 along γ ∝ σ² (the line γ = σ² is drawn).',
    '',
    `| σ \\ γ | ${o.decays.map(shortNumber).join(' | ')} |`,
    `|---|${o.decays.map(() => '---').join('|')}|`,
    ...signs,
    '',
    '![phase diagram](figures/phase.svg)',
    '',
    ...setupLines(),
  ];
  const report = join(dir, 'report.md');
  writeFileAtomic(report, md.join('\n'));
  ctx.run.appendMetrics({ seconds, sigmas: o.sigmas, decays: o.decays, grid, cells });
  return { report, grid, seconds };
}

export interface CurvesOptions {
  datasets: string[];
  /** Hidden activations, one run per (activation, γ); default ['tanh']. */
  activations?: HiddenActivation[];
  decays: number[];
  epochs: number;
  trainSamples: number;
  valSamples: number;
  seed: number;
  dataDir?: string;
}

export async function reproduceCurves(
  ctx: ExperimentContext,
  o: CurvesOptions,
): Promise<{ report: string; seconds: number; skipped: string[] }> {
  const dir = ctx.run.dir;
  const t0 = performance.now();
  const md = [
    '# Emergent Hebbian dynamics — alignment over training, 2-layer MLP classifier',
    '',
    `input → 128 (${(o.activations ?? ['tanh']).join(' / ')}) → 10 (bias-free), softmax cross-entropy, SGD with η = 0.01, batch 256, ${o.epochs} epochs on a`,
    `${o.trainSamples}-image training subset (validation: ${o.valSamples} test images), seed ${o.seed}; γ ∈ {${o.decays.map(shortNumber).join(', ')}}.`,
    'Alignment cos(g, H) is recorded every 5 steps and smoothed over 10 records in the figure.',
    '',
  ];
  const skipped: string[] = [];
  const all: Record<string, EmergenceResult[]> = {};
  for (const name of o.datasets) {
    let split;
    try {
      split = loadDataset(name, { dir: o.dataDir });
    } catch (e) {
      skipped.push(name);
      md.push(
        `- ${name}: not available here (${(e as Error).message.split('\n')[0]}); skipped.`,
        '',
      );
      ctx.log(`${name}: skipped (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    const task = classificationTask(name, split, {
      train: o.trainSamples,
      val: o.valSamples,
      seed: o.seed,
    });
    // per (activation, γ): the final alignment of each layer, and the final validation loss
    const align: ErrorBarPoint[] = [];
    const loss: ErrorBarPoint[] = [];
    for (const act of o.activations ?? ['tanh']) {
      const results: EmergenceResult[] = [];
      for (const decay of o.decays) {
        // Whole traces are not kept as parts: an interrupted run of this command starts over.
        await new Promise<void>((r) => setImmediate(r));
        ctx.signal.throwIfAborted();
        const r = new EmergenceLearner({
          rule: 'sgd',
          weightDecay: decay,
          lr: 0.01,
          hidden: [128],
          activation: act,
          batchSize: 256,
          epochs: o.epochs,
          seed: o.seed,
          metricsEvery: 5,
          valEvery: Math.max(1, Math.floor(o.trainSamples / 256 / 4)),
          backend: ctx.backend,
        }).fit(task.train.x, task.train.y, { validation: task.val }).result!;
        ctx.log(
          `${name} ${act} γ=${shortNumber(decay)}: final ${r.final.signal.map(f2).join(' / ')}, val acc ${f3(r.validation.at(-1)!.accuracy ?? NaN)}`,
        );
        results.push(r);
        const x = `γ = ${shortNumber(decay)}`;
        align.push(
          { x, group: act, source: 'layer 1', value: r.final.signal[0] },
          { x, group: act, source: 'layer 2', value: r.final.signal[1] },
        );
        loss.push({ x, group: act, source: 'validation loss', value: r.validation.at(-1)!.loss });
      }
      all[`${name} ${act}`] = results;
      const fig = `curves-${name}-${act}.svg`;
      await saveChart(ctx.run.figurePath(fig), curvesFigure(`${name}, ${act}`, results));
      md.push(`## ${name}, ${act} hidden units`, '', `![${name} ${act}](figures/${fig})`, '');
      md.push(
        '| γ | final cos(g,H) layer 1 / 2 | cos(ΔW,H) | cos(g,H⁺) | val loss | val accuracy |',
        '|---|---|---|---|---|---|',
      );
      for (const r of results) {
        const v = r.validation.at(-1)!;
        md.push(
          `| ${shortNumber(r.weightDecay)} | ${r.final.signal.map(f3).join(' / ')} | ${r.final.update.map(f3).join(' / ')} | ` +
            `${r.final.post.map(f3).join(' / ')} | ${f3(v.loss)} | ${f3(v.accuracy ?? NaN)} |`,
        );
      }
      md.push('', transitionLine(results), '');
    }
    // Fig. 5's claim: the lowest validation loss sits near where the alignment turns positive.
    const byDecay = `decay-${name}.svg`;
    await saveChart(ctx.run.figurePath(byDecay), decayFigure(name, align, loss));
    md.push(
      `## ${name}: final alignment and validation loss against γ`,
      '',
      `![${name} against γ](figures/${byDecay})`,
      '',
    );
  }
  if (skipped.length === o.datasets.length) {
    throw new HebbError(
      `none of the data sets ${o.datasets.join(', ')} is available here; see hebb data list (mnist ships with hebb)`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  md.push(`Run time ${seconds.toFixed(0)} s on backend ${ctx.backend.name}.`, '');
  const report = join(dir, 'report.md');
  writeFileAtomic(report, md.join('\n'));
  ctx.run.appendMetrics({
    seconds,
    skipped,
    runs: Object.fromEntries(
      Object.entries(all).map(([k, rs]) => [
        k,
        rs.map((r) => ({ decay: r.weightDecay, final: r.final, validation: r.validation })),
      ]),
    ),
  });
  return { report, seconds, skipped };
}

/**
 * Fig. 5's claim in one line: where the final alignment (mean over layers) turns from ≤ 0 to
 * > 0 as γ grows, and the γ of the lowest final validation loss (runs in increasing γ).
 */
export function transitionLine(results: EmergenceResult[]): string {
  const rs = [...results].sort((a, b) => a.weightDecay - b.weightDecay);
  const g = (r: EmergenceResult) => shortNumber(r.weightDecay);
  const k = rs.findIndex(
    (r, i) => i > 0 && rs[i - 1].final.meanSignal <= 0 && r.final.meanSignal > 0,
  );
  const where =
    k > 0
      ? `between γ = ${g(rs[k - 1])} and ${g(rs[k])}`
      : rs.every((r) => r.final.meanSignal > 0)
        ? 'nowhere: positive at every γ'
        : rs.every((r) => r.final.meanSignal <= 0)
          ? 'nowhere: ≤ 0 at every γ'
          : 'not cleanly (no single sign change)';
  let best = rs[0];
  for (const r of rs) if (r.validation.at(-1)!.loss < best.validation.at(-1)!.loss) best = r;
  return (
    `The layer-mean alignment turns positive ${where}; the lowest validation loss ` +
    `(${f3(best.validation.at(-1)!.loss)}) is at γ = ${g(best)}.`
  );
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
function curvesFigure(title: string, results: EmergenceResult[]): ChartSpec {
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
function decayFigure(name: string, align: ErrorBarPoint[], loss: ErrorBarPoint[]): ChartSpec {
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
