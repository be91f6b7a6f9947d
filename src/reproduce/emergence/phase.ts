// `hebb reproduce emergence-phase`: the phase diagram — the 2nd layer's final cos(g, H) over
// weight noise σ × weight decay γ.
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.ts';
import { saveChart } from '../../report/render.ts';
import {
  describe,
  integer,
  listOf,
  number,
  withDefault,
  type ParamSpec,
} from '../../model/params.ts';
import type { ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { regressionCells } from './cells.ts';
import { phaseFigure, shortNumber } from './figures.ts';
import { LEARNER_SPEC, THREADS_OPTION, useThreads } from './options.ts';
import { f2, setupLines } from './report-text.ts';
import { count } from '../../model/wording.ts';

/** The options of `reproduce emergence-phase`. */
export const PHASE_OPTIONS = {
  seeds: describe(integer({ min: 1, default: 3 }), 'seeds per cell'),
  epochs: describe(withDefault(LEARNER_SPEC.epochs, 15), 'epochs per run'),
  rule: withDefault(LEARNER_SPEC.rule, 'sgd'),
  sigmas: describe(
    listOf(number({ gt: 0 }), { default: [0.001, 0.003, 0.01, 0.03, 0.1] }),
    'weight noise levels σ (increasing, > 0)',
  ),
  decays: describe(
    listOf(number({ gt: 0 }), { default: [1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2] }),
    'weight decays γ (increasing, > 0)',
  ),
  threads: THREADS_OPTION,
} satisfies ParamSpec;

/** The learner's defaults the phase diagram deliberately replaces. */
export const PHASE_DIFFERS = {
  epochs:
    "the diagram's documented setting: 15 epochs per run over its 5 σ × 6 γ × 3 seeds (docs/math/emergence.md)",
  rule: 'the learner requires a rule; the diagram maps plain sgd unless told',
};

export type PhaseOptions = OptionsOf<typeof PHASE_OPTIONS>;

export interface PhaseResult {
  report: string;
  /** Per σ (rows) and γ (columns): the cell's mean over seeds. */
  grid: number[][];
  seconds: number;
}

/** Runs the σ × γ cells and writes report.md, figures/phase.svg and a metrics row. */
export async function reproducePhase(
  ctx: ExperimentContext,
  o: PhaseOptions,
): Promise<PhaseResult> {
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
    `cell = final cos(g, H) of the 2nd layer, mean over ${count(o.seeds, 'seed')}, ${count(o.epochs, 'epoch')}. Run time ${seconds.toFixed(0)} s.`,
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

/** `hebb reproduce emergence-phase`. */
export const emergencePhase = defineExperiment({
  command: 'reproduce emergence-phase',
  needs: ['charts'],
  description: 'phase diagram: alignment over weight noise σ × weight decay γ (log axes)',
  options: PHASE_OPTIONS,
  out: 'runs/emergence-phase',
  points: true,
  models: [{ name: 'EmergenceLearner', spec: LEARNER_SPEC, differs: PHASE_DIFFERS }],
  examples: [
    'hebb reproduce emergence-phase',
    'hebb reproduce emergence-phase --sigmas 0.003,0.1 --decays 0.001,0.01 --seeds 1',
  ],
  prepare: (o, be) => useThreads(be, o),
  run: (ctx, _p, o) => reproducePhase(ctx, o),
  report: (r) => [`report: ${r.report} (${r.seconds.toFixed(0)} s)`],
  json: (r) => r,
});
