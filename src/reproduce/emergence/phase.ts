// `hebb reproduce emergence-phase`: the phase diagram — the 2nd layer's final cos(g, H) over
// noise σ × weight decay γ, the noise in the parameters (w = v + ε) or in the gradient (g + ξ).
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.ts';
import { saveChart } from '../../report/render.ts';
import {
  describe,
  integer,
  listOf,
  number,
  oneOf,
  withDefault,
  withoutDefault,
  type ParamSpec,
} from '../../model/params.ts';
import type { ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { regressionCells } from './cells.ts';
import { phaseFigure, shortNumber } from './figures.ts';
import { LEARNER_SPEC, THREADS_OPTION, useThreads } from './options.ts';
import { f2, setupLines } from './report-text.ts';
import { count } from '../../model/wording.ts';
import { ANY_NETWORK_RULES } from '../../emergence/rules.ts';

/** The options of `reproduce emergence-phase`. */
export const PHASE_OPTIONS = {
  seeds: describe(integer({ min: 1, default: 3 }), 'seeds per cell'),
  epochs: describe(withDefault(LEARNER_SPEC.epochs, 15), 'epochs per run'),
  rule: withDefault(LEARNER_SPEC.rule, 'sgd'),
  noise: describe(
    oneOf(['weight', 'gradient'] as const, { default: 'weight' }),
    "where the noise goes: 'weight' (the forward pass at w = v + ε, the later paper) or 'gradient' (the signal g + ξ, the workshop abstract)",
    '<kind>',
  ),
  sigmas: withoutDefault(
    listOf(number({ gt: 0 })),
    'noise levels σ (increasing, > 0); default 0.001,0.003,0.01,0.03,0.1 (weight) or 0.0001,0.0003,0.001,0.003,0.01,0.03 (gradient)',
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

/**
 * The σ grid of each noise kind, spanning its sign change over the γ grid. Gradient noise
 * moves the weights only through the update (η ξ per step) and turns the signal anti-Hebbian
 * at other σ than weight noise does (measured: SGD, γ = 1e-3, 15 epochs: the raw gradient's
 * cos(−∇ℓ, H) is +0.20 at σ = 0.001 and −0.10 at 0.01).
 */
export const PHASE_SIGMAS = {
  weight: [0.001, 0.003, 0.01, 0.03, 0.1],
  gradient: [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03],
};

export interface PhaseResult {
  report: string;
  noise: 'weight' | 'gradient';
  sigmas: number[];
  /** Per σ (rows) and γ (columns): the cell's mean over seeds of the 2nd layer's cos(g, H). */
  grid: number[][];
  /**
   * The same for the raw gradient, cos(−∇ℓ, H), with gradient noise and a backprop rule: the
   * gradient at the current weights, without the ξ the update adds. Absent otherwise.
   */
  gradientGrid?: number[][];
  seconds: number;
}

/** Runs the σ × γ cells and writes report.md, figures/phase.svg and a metrics row. */
export async function reproducePhase(
  ctx: ExperimentContext,
  o: PhaseOptions,
): Promise<PhaseResult> {
  const dir = ctx.run.dir;
  const t0 = performance.now();
  const noise = o.noise;
  const sigmas = o.sigmas ?? PHASE_SIGMAS[noise];
  const key = `${noise}-noise`;
  const cells = await regressionCells(
    ctx,
    o,
    { epochs: o.epochs, rule: o.rule },
    { [key]: sigmas, 'weight-decay': o.decays },
    o.seeds,
    (p) =>
      `${noise} σ=${shortNumber(Number(p.setting[key]))} γ=${shortNumber(Number(p.setting['weight-decay']))}`,
  );
  const byRow = (f: (c: (typeof cells)[number]) => number) =>
    sigmas.map((_, i) => cells.slice(i * o.decays.length, (i + 1) * o.decays.length).map(f));
  const grid = byRow((c) => c.mean);
  // With gradient noise the signal carries ξ; the raw gradient shows the weights' response alone.
  const gradientGrid =
    noise === 'gradient' && ANY_NETWORK_RULES.includes(o.rule)
      ? byRow((c) => c.gradient.mean)
      : undefined;
  const seconds = (performance.now() - t0) / 1000;
  const line = noise === 'weight';
  const ylabel = `${noise} noise σ`;
  await saveChart(
    ctx.run.figurePath('phase.svg'),
    phaseFigure(grid, sigmas, o.decays, `${o.rule}, ${noise} noise: cos(g, H) over σ × γ`, {
      ylabel,
      line,
    }),
  );
  if (gradientGrid)
    await saveChart(
      ctx.run.figurePath('phase-raw-gradient.svg'),
      phaseFigure(
        gradientGrid,
        sigmas,
        o.decays,
        `${o.rule}, ${noise} noise: cos(−∇ℓ, H) over σ × γ`,
        { ylabel, line, legend: 'cos(−∇ℓ, H)' },
      ),
    );
  const table = (g: number[][]) => [
    `| σ \\ γ | ${o.decays.map(shortNumber).join(' | ')} |`,
    `|---|${o.decays.map(() => '---').join('|')}|`,
    ...sigmas.map(
      (s, i) =>
        `| ${shortNumber(s)} | ${g[i].map((v) => `${f2(v)} ${v > 0 ? '+' : v < 0 ? '−' : '0'}`).join(' | ')} |`,
    ),
  ];
  const md = [
    `# Emergent Hebbian dynamics — phase diagram over ${noise} noise and weight decay`,
    '',
    noise === 'weight'
      ? `Rule ${o.rule}; parameter noise w = v + ε, ε ~ N(0, σ²) fresh each step, weight decay γ;`
      : `Rule ${o.rule}; gradient noise: the signal is g + ξ, ξ ~ N(0, σ²) fresh each step, weight decay γ;`,
    `cell = final cos(g, H) of the 2nd layer, mean over ${count(o.seeds, 'seed')}, ${count(o.epochs, 'epoch')}. Run time ${seconds.toFixed(0)} s.`,
    'The paper: positive (Hebbian) at low noise / high decay, negative (anti-Hebbian) at high',
    line
      ? 'noise / low decay, ≈ 0 along γ ∝ σ² (the line γ = σ² is drawn).'
      : 'noise / low decay; its γ ∝ σ² boundary is derived for parameter noise, so no line is drawn.',
    '',
    ...table(grid),
    '',
    '![phase diagram](figures/phase.svg)',
    ...(gradientGrid
      ? [
          '',
          'The raw gradient at the current weights, cos(−∇ℓ, H), without the injected ξ:',
          '',
          ...table(gradientGrid),
          '',
          '![phase diagram, raw gradient](figures/phase-raw-gradient.svg)',
        ]
      : []),
    '',
    ...setupLines(),
  ];
  const report = join(dir, 'report.md');
  writeFileAtomic(report, md.join('\n'));
  ctx.run.appendMetrics({ seconds, noise, sigmas, decays: o.decays, grid, gradientGrid, cells });
  return { report, noise, sigmas, grid, ...(gradientGrid ? { gradientGrid } : {}), seconds };
}

/** `hebb reproduce emergence-phase`. */
export const emergencePhase = defineExperiment({
  command: 'reproduce emergence-phase',
  needs: ['charts'],
  description:
    'phase diagram: alignment over weight or gradient noise σ × weight decay γ (log axes)',
  options: PHASE_OPTIONS,
  out: 'runs/emergence-phase',
  points: true,
  models: [{ name: 'EmergenceLearner', spec: LEARNER_SPEC, differs: PHASE_DIFFERS }],
  examples: [
    'hebb reproduce emergence-phase',
    'hebb reproduce emergence-phase --sigmas 0.003,0.1 --decays 0.001,0.01 --seeds 1',
    'hebb reproduce emergence-phase --noise gradient',
  ],
  prepare: (o, be) => useThreads(be, o),
  run: (ctx, _p, o) => reproducePhase(ctx, o),
  report: (r) => [`report: ${r.report} (${r.seconds.toFixed(0)} s)`],
  json: (r) => r,
});
