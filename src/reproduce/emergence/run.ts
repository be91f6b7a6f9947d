// `hebb emergence run`: one network trained with a rule, weight decay and weight or gradient
// noise; its final alignment per layer. The regression task and the transformer are the paper's
// table's, so a run repeats one of its points (the table's points run this command).
import type { Backend } from '../../backend/types.ts';
import { loadDataset } from '../../data/index.ts';
import { HebbError } from '../../errors.ts';
import { EmergenceLearner, type EmergenceOptions } from '../../emergence/learner.ts';
import { HIDDEN_ACTIVATIONS } from '../../emergence/network.ts';
import { TABLE_SETUP, tableOptions, tableTask } from '../../emergence/paper-setup.ts';
import { ANY_NETWORK_RULES } from '../../emergence/rules.ts';
import { classificationTask, type Task } from '../../emergence/tasks.ts';
import {
  describe,
  integer,
  number,
  oneOf,
  pick,
  withDefault,
  type ParamSpec,
  withoutDefault,
} from '../../model/params.ts';
import { UsageError, type ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { directory } from '../options.ts';
import { LEARNER_SPEC, THREADS_OPTION, useThreads } from './options.ts';
import { named } from '../options.ts';
import { f3 } from './report-text.ts';
import { runSummary, type RunSummary } from './table.ts';
import { count } from '../../model/wording.ts';

/** What a run learns: the table's student–teacher regression, or an image data set. */
export const EMERGENCE_TASKS = ['regression', 'mnist', 'fashion-mnist', 'cifar10'] as const;

/** The options of `emergence run`: the learner's own (from its table), the task, the threads. */
export const EMERGENCE_RUN_OPTIONS = {
  rule: withDefault(LEARNER_SPEC.rule, 'sgd'),
  weightDecay: named(LEARNER_SPEC.weightDecay, '<γ>'),
  weightNoise: named(LEARNER_SPEC.weightNoise, '<σ>'),
  gradientNoise: named(LEARNER_SPEC.gradientNoise, '<σ>'),
  ...pick(LEARNER_SPEC, 'adamDecay'),
  task: describe(
    oneOf(EMERGENCE_TASKS, { default: 'regression' }),
    'student–teacher regression, or classification of an image data set',
  ),
  labelNoise: describe(
    number({ min: 0, default: 0 }),
    "regression only: Gaussian noise of std σ added to the teacher's targets (the teacher's outputs are O(1))",
    '<σ>',
  ),
  // No default, as the learner's; but where the learner falls back to 0.05 (adam 1e-3), a run
  // takes its task's rate (learnerOptions).
  lr: describe(
    LEARNER_SPEC.lr,
    'learning rate (default 0.5 regression / 0.01 classification / 0.5 transformer; adam 1e-3)',
    '<η>',
  ),
  lrWarmup: withoutDefault(
    LEARNER_SPEC.lrWarmup,
    'steps k of linear rate warm-up (default 0; the transformer with sgd: 234, the table’s)',
  ),
  ...pick(LEARNER_SPEC, 'architecture', 'hidden'),
  activation: withoutDefault(
    { ...LEARNER_SPEC.activation, choices: HIDDEN_ACTIVATIONS },
    "hidden activation (default tanh for the MLP, relu in the transformer's MLP blocks)",
  ),
  ...pick(LEARNER_SPEC, 'tokens', 'width', 'heads', 'blocks'),
  initScale: named(LEARNER_SPEC.initScale, '<s>'),
  feedbackScale: named(LEARNER_SPEC.feedbackScale, '<s>'),
  epochs: withDefault(LEARNER_SPEC.epochs, TABLE_SETUP.epochs),
  ...pick(LEARNER_SPEC, 'batchSize'),
  trainSamples: describe(
    integer({ min: 1, default: 20000 }),
    'training images for the classification tasks',
  ),
  dataDir: describe(directory(), 'data root for fashion-mnist / cifar10', '<dir>'),
  threads: THREADS_OPTION,
} satisfies ParamSpec;

/** The learner's defaults `emergence run` deliberately replaces. */
export const EMERGENCE_RUN_DIFFERS = {
  rule: 'the learner requires a rule; a run without --rule trains plain sgd',
  activation:
    "no single default: tanh for the MLP (as the learner), relu in the transformer's MLP blocks (TABLE_SETUP.transformer in src/emergence/paper-setup.ts)",
  epochs: "the paper's table trains 30 epochs (TABLE_SETUP in src/emergence/paper-setup.ts)",
  lrWarmup:
    'no single default: none for the MLP (as the learner), the table’s warm-up for the transformer (TABLE_SETUP.transformer)',
};

export type EmergenceRunOptions = OptionsOf<typeof EMERGENCE_RUN_OPTIONS>;

/** Options that contradict each other, refused before anything is loaded. */
export function checkRunOptions(o: EmergenceRunOptions): void {
  if (o.labelNoise > 0 && o.task !== 'regression')
    throw new UsageError(
      `--label-noise applies to the regression task only (here --task ${o.task}); drop it`,
    );
  if (o.architecture === 'transformer' && !ANY_NETWORK_RULES.includes(o.rule))
    throw new UsageError(
      `--rule ${o.rule} needs --architecture mlp (its feedback reaches an MLP's hidden layers); use sgd or adam with the transformer`,
    );
}

/** The run's task: the table's regression (with its label noise), or a seeded image subset. */
export function runTask(o: EmergenceRunOptions, be: Backend): Task {
  return o.task === 'regression'
    ? tableTask(be, { labelNoise: o.labelNoise })
    : classificationTask(o.task, loadDataset(o.task, { dir: o.dataDir }), {
        train: o.trainSamples,
        val: 2000,
        seed: o.seed,
      });
}

/**
 * The learner's options: the regression task is a cell of the paper's table and the
 * transformer is the table's, so their settings (rate, metrics every 20 steps) are the
 * table's; an MLP on images trains at 0.01 (adam 1e-3), as the curves.
 */
export function learnerOptions(o: EmergenceRunOptions, be: Backend): EmergenceOptions {
  const table =
    o.task === 'regression' || o.architecture === 'transformer'
      ? tableOptions(o.rule, 0, 0, { architecture: o.architecture })
      : null;
  const lr = o.lr ?? table?.lr ?? (o.rule === 'adam' ? 1e-3 : 0.01);
  return {
    ...table,
    rule: o.rule,
    weightDecay: o.weightDecay,
    weightNoise: o.weightNoise,
    gradientNoise: o.gradientNoise,
    adamDecay: o.adamDecay,
    initScale: o.initScale,
    feedbackScale: o.feedbackScale,
    lr,
    ...(o.lrWarmup !== undefined ? { lrWarmup: o.lrWarmup } : {}),
    ...(o.architecture === 'transformer'
      ? { tokens: o.tokens, width: o.width, heads: o.heads, blocks: o.blocks }
      : { hidden: o.hidden }),
    ...(o.activation !== undefined ? { activation: o.activation } : {}),
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    backend: be,
  };
}

/** Trains the learner on the task into ctx.run (model.safetensors) and summarises the run. */
export async function trainRun(
  ctx: ExperimentContext,
  { task, learner }: { task: Task; learner: EmergenceLearner },
  o: EmergenceRunOptions,
): Promise<RunSummary> {
  return ctx.part('result', async () => {
    const t0 = performance.now();
    const perEpoch = Math.floor(task.train.x.rows / o.batchSize) * o.batchSize;
    const bar = ctx.progress(perEpoch * o.epochs, 'training', 'sample');
    await learner.fitAsync(task.train.x, task.train.y, {
      validation: task.val,
      signal: ctx.signal,
      onProgress: (p) => bar.tick(p.done - bar.count),
    });
    bar.done();
    const r = learner.result!;
    if (r.diverged) {
      throw new HebbError(
        `training diverged at step ${r.loss.findIndex((v) => !Number.isFinite(v))} (non-finite loss); lower --lr (now ${r.lr})`,
      );
    }
    ctx.run.saveModel(learner);
    return runSummary(r, (performance.now() - t0) / 1000);
  });
}

/** The run's result as text: per-layer alignments, stationarity, validation loss. */
export function runReport(r: RunSummary, o: EmergenceRunOptions): string[] {
  const layers = (v: (number | null)[]) => v.map((x) => f3(x ?? NaN)).join(' / ');
  return [
    `rule ${r.rule}, γ = ${r.weightDecay}, σ = ${r.weightNoise}${r.gradientNoise > 0 ? `, gradient σ = ${r.gradientNoise}` : ''}, ${o.task}, ${o.architecture}, ${count(r.steps, 'step')}${r.weightDecay > 0 ? ` (Σηγ ${f3(r.decayTimes)})` : ''}, ${r.seconds.toFixed(1)} s`,
    ...(o.architecture === 'transformer'
      ? [`matrices:              ${r.matrices.join(' / ')}`]
      : []),
    `cos(g, H) per layer:   ${layers(r.alignment.signal)}  (mean ${f3(r.alignment.meanSignal)}; 2nd layer ${f3(r.secondLayer)})`,
    `cos(ΔW, H) per layer:  ${layers(r.alignment.update)}`,
    `cos(g, H⁺) per layer:  ${layers(r.alignment.post)}`,
    `cos(−∇ℓ, H) per layer: ${layers(r.alignment.gradient)}${r.rule === 'dfa' || r.rule === 'random' ? ' (not computed by this rule)' : ''}`,
    `stationarity ratio:    ${layers(r.stationarityRatio)}`,
    `cos(E g, E H) window:  ${layers(r.windowAlignment)}`,
    `validation loss ${r.validation.loss.toPrecision(4)}${r.validation.accuracy !== undefined ? `, accuracy ${(100 * r.validation.accuracy).toFixed(2)} %` : ''}${r.collapsed ? ' (collapsed)' : ''}`,
  ];
}

/** `hebb emergence run`. */
export const emergenceRun = defineExperiment({
  command: 'emergence run',
  description:
    'train one MLP with a rule, weight decay and weight or gradient noise; report the final alignment per layer',
  options: EMERGENCE_RUN_OPTIONS,
  out: 'runs/emergence',
  models: [{ name: 'EmergenceLearner', spec: LEARNER_SPEC, differs: EMERGENCE_RUN_DIFFERS }],
  examples: [
    'hebb emergence run --rule sgd --weight-decay 5e-3 --json',
    'hebb emergence run --rule dfa --weight-decay 5e-4 --weight-noise 0.01 --epochs 10',
  ],
  prepare: (o, be) => {
    checkRunOptions(o);
    useThreads(be, o);
    const task = runTask(o, be);
    return { task, learner: new EmergenceLearner(learnerOptions(o, be)) };
  },
  run: trainRun,
  report: runReport,
  json: (r, o) => ({ ...r, task: o.task, out: o.out }),
});
