// `hebb reproduce sm-toy` (Sec. 6.1 / Fig. 2): the two-cluster toy network trained with
// feedback γ and without (the control) on the same data; follow rates, figures, report.md.
import { join } from 'node:path';
import {
  boolean,
  describe,
  integer,
  listOf,
  number,
  withDefault,
  type ParamSpec,
} from '../../model/params.ts';
import { UsageError } from '../context.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { SM_SPEC } from './model-options.ts';
import { named } from '../options.ts';
import { runToy } from './toy.ts';
import { toyReport, type ToySetting } from './toy-report.ts';

export const TOY_OPTIONS = {
  feedback: named(withDefault(SM_SPEC.feedback, 0.8), '<γ>'),
  samples: describe(integer({ min: 1, default: 6000 }), 'online training samples'),
  alpha: describe(
    listOf(number({ min: 0 }), { minLength: 1, default: [3, 2] }),
    'decorrelating regulariser α of ref. [31] (homeostatic thresholds) of layer 1 and layer 2 (one value: both)',
    '<α1,α2>',
  ),
  meanNorm: describe(number({ gt: 0, default: 3 }), 'norm of each cluster mean'),
  noise: describe(number({ min: 0, default: 0.5 }), 'norm of the input noise'),
  trials: describe(integer({ min: 1, default: 200 }), 'ambiguous perturbation trials'),
  quick: describe(boolean({ default: false }), 'smoke test: 300 samples, 40 trials'),
} satisfies ParamSpec;

export type ToyFlags = OptionsOf<typeof TOY_OPTIONS>;

/** The network's defaults sm-toy replaces. */
export const TOY_DIFFERS = {
  feedback: "Fig. 2's feedback; the γ = 0 control always runs beside it",
};

/** The sizes a run uses: --quick caps the samples and trials. */
export function toySetting(o: ToyFlags): ToySetting & { feedback: number; seed: number } {
  const quick = o.quick === true;
  if (o.alpha.length > 2)
    throw new UsageError(
      `--alpha takes one α (both layers) or two (layer 1, layer 2), got ${o.alpha.length}`,
    );
  const alpha: [number, number] = [o.alpha[0], o.alpha[o.alpha.length - 1]];
  return {
    feedback: o.feedback,
    seed: o.seed,
    samples: quick ? Math.min(o.samples, 300) : o.samples,
    alpha,
    meanNorm: o.meanNorm,
    noise: o.noise,
    trials: quick ? Math.min(o.trials, 40) : o.trials,
  };
}

export interface ToyOutcome {
  report: string;
  runs: { feedback: number; followRate: number; ties: number; finalCost: number }[];
}

export const smToy = defineExperiment({
  command: 'reproduce sm-toy',
  needs: ['charts'],
  description: 'similarity matching Sec. 6.1 / Fig. 2: two-cluster two-layer network with feedback',
  options: TOY_OPTIONS,
  out: 'runs/sm-toy',
  models: [{ name: 'SimilarityNetwork', spec: SM_SPEC, differs: TOY_DIFFERS }],
  examples: ['hebb reproduce sm-toy', 'then read runs/sm-toy/report.md'],
  prepare: toySetting,
  run: async (ctx, s): Promise<ToyOutcome> => {
    const t = performance.now();
    const res = await runToy(
      {
        gamma: s.feedback,
        samples: s.samples,
        dim: 100,
        units: 10,
        meanNorm: s.meanNorm,
        noise: s.noise,
        trials: s.trials,
        evalEvery: 100,
        threshold: 0,
        alpha: s.alpha,
        seed: s.seed,
        backend: ctx.backend,
        log: ctx.log,
      },
      ctx.run.paths.figures,
    );
    const runs = res.runs.map((r) => ({
      feedback: r.gamma,
      followRate: r.followRate,
      ties: r.ties,
      finalCost: r.costCurve.cost.at(-1)!,
    }));
    for (const row of runs) ctx.run.appendMetrics(row);
    const report = join(ctx.run.dir, 'report.md');
    const seconds = (performance.now() - t) / 1000;
    writeFileAtomic(report, toyReport(s, res.runs, seconds, ctx.backend.name));
    return { report, runs };
  },
  report: (r) => [
    `report: ${r.report}`,
    ...r.runs.map(
      (x) =>
        `feedback γ = ${x.feedback}: follow rate ${(100 * x.followRate).toFixed(1)} %, final cost ${x.finalCost.toFixed(3)}`,
    ),
  ],
  json: (r) => r,
});
