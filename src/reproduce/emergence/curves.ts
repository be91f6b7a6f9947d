// `hebb reproduce emergence-curves`: alignment over training of a 2-layer MLP classifier on
// image data sets, per hidden activation and weight decay, and the final values against γ.
import { join } from 'node:path';
import { DATASET_NAMES, loadDataset } from '../../data/index.ts';
import { HebbError } from '../../errors.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import type { ErrorBarPoint } from '../../report/charts.ts';
import { saveChart } from '../../report/render.ts';
import { EmergenceLearner, type EmergenceResult } from '../../emergence/learner.ts';
import { HIDDEN_ACTIVATIONS } from '../../emergence/network.ts';
import { classificationTask } from '../../emergence/tasks.ts';
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
import { directory } from '../options.ts';
import { curvesFigure, decayFigure, shortNumber } from './figures.ts';
import { LEARNER_SPEC, namesFrom, THREADS_OPTION, useThreads } from './options.ts';
import { f2, f3 } from './report-text.ts';
import { count } from '../../model/wording.ts';

/** The options of `reproduce emergence-curves`. */
export const CURVES_OPTIONS = {
  datasets: describe(
    namesFrom(DATASET_NAMES, 'data set', ['mnist', 'fashion-mnist', 'cifar10']),
    'data sets (missing ones are skipped)',
  ),
  decays: describe(
    listOf(number({ min: 0 }), { default: [0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1] }),
    'weight decays γ',
  ),
  activations: describe(
    namesFrom(HIDDEN_ACTIVATIONS, 'activation', ['tanh']),
    `hidden activations, one panel each (${HIDDEN_ACTIVATIONS.join(', ')})`,
  ),
  epochs: describe(withDefault(LEARNER_SPEC.epochs, 50), 'epochs (the paper: 50)'),
  trainSamples: describe(integer({ min: 1, default: 20000 }), 'training images'),
  valSamples: describe(integer({ min: 1, default: 2000 }), 'validation images'),
  dataDir: describe(directory(), 'data root for fashion-mnist / cifar10', '<dir>'),
  threads: THREADS_OPTION,
} satisfies ParamSpec;

/** The learner's defaults the curves deliberately replace. */
export const CURVES_DIFFERS = {
  epochs: "the paper's curves train 50 epochs (docs/math/emergence.md)",
};

export type CurvesOptions = OptionsOf<typeof CURVES_OPTIONS>;

export interface CurvesResult {
  report: string;
  seconds: number;
  /** The data sets not available here. */
  skipped: string[];
}

/** Trains a classifier per data set × activation × γ and writes report.md and its figures. */
export async function reproduceCurves(
  ctx: ExperimentContext,
  o: CurvesOptions,
): Promise<CurvesResult> {
  const dir = ctx.run.dir;
  const t0 = performance.now();
  const md = [
    '# Emergent Hebbian dynamics — alignment over training, 2-layer MLP classifier',
    '',
    `input → 128 (${o.activations.join(' / ')}) → 10 (bias-free), softmax cross-entropy, SGD with η = 0.01, batch 256, ${count(o.epochs, 'epoch')} on a`,
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
    for (const act of o.activations) {
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

/** `hebb reproduce emergence-curves`. */
export const emergenceCurves = defineExperiment({
  command: 'reproduce emergence-curves',
  needs: ['charts'],
  description:
    'alignment vs step for a 784-128-10 MLP (SGD, lr 0.01) on MNIST / Fashion-MNIST / CIFAR-10, per hidden activation, and validation loss vs γ',
  options: CURVES_OPTIONS,
  out: 'runs/emergence-curves',
  models: [{ name: 'EmergenceLearner', spec: LEARNER_SPEC, differs: CURVES_DIFFERS }],
  examples: [
    'hebb reproduce emergence-curves',
    'hebb reproduce emergence-curves --datasets mnist --epochs 3',
  ],
  prepare: (o, be) => useThreads(be, o),
  run: (ctx, _p, o) => reproduceCurves(ctx, o),
  report: (r) => [
    `report: ${r.report} (${r.seconds.toFixed(0)} s)${r.skipped.length ? `; skipped ${r.skipped.join(', ')}` : ''}`,
  ],
  json: (r) => r,
});
