import type { Command } from 'commander';
import { getBackend } from '../backend/registry.ts';
import type { Backend } from '../backend/types.ts';
import { DATASET_NAMES, loadDataset } from '../data/index.ts';
import { HebbError } from '../errors.ts';
import { runSummary } from '../reproduce/emergence/table.ts';
import { TABLE_RULES, tableOptions, tableTask } from '../emergence/paper-setup.ts';
import { EmergenceLearner } from '../emergence/learner.ts';
import {
  ARCHITECTURES,
  HIDDEN_ACTIVATIONS,
  type Architecture,
  type HiddenActivation,
} from '../emergence/network.ts';
import {
  reproduceCurves,
  reproducePhase,
  reproduceTable,
} from '../reproduce/emergence/reproduce.ts';
import { ANY_NETWORK_RULES, RULES, type RuleName } from '../emergence/rules.ts';
import { classificationTask } from '../emergence/tasks.ts';
import { runExperiment, UsageError } from './experiment.ts';
import { addRunFlags, choiceOption, intFlag, listFlag, numFlag, type RunFlags } from './flags.ts';
import type { CliIO } from './io.ts';
import { addPointExecFlags } from './flags.ts';
import { setThreads } from './threads.ts';

interface RunFlagsEm extends RunFlags {
  rule: RuleName;
  weightDecay: number;
  weightNoise: number;
  adamDecay: 'coupled' | 'decoupled';
  labelNoise: number;
  task: string;
  lr?: number;
  architecture: Architecture;
  hidden: number[];
  activation?: string;
  tokens: number;
  width: number;
  heads: number;
  blocks: number;
  initScale: number;
  feedbackScale: number;
  epochs: number;
  batchSize: number;
  trainSamples: number;
  threads: number;
  dataDir?: string;
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/** --threads: BLAS threads; the small matrices here (256 × 128) run fastest on one. */
function threadsFlag(cmd: Command): Command {
  return cmd.option(
    '--threads <n>',
    'BLAS threads of the native backend (1 is fastest for these small matrices)',
    intFlag('--threads', { max: 1024 }),
    1,
  );
}

function withThreads(n: number): Backend {
  const be = getBackend();
  setThreads(be, n);
  return be;
}

export function registerEmergenceCommands(program: Command, io: CliIO): void {
  const em = program
    .command('emergence')
    .description(
      'emergent Hebbian dynamics: how Hebbian is the learning signal of SGD, Adam, DFA or a random rule',
    );
  const run = em
    .command('run')
    .description(
      'train one MLP with a rule, weight decay and weight noise; report the final alignment per layer',
    )
    .addOption(choiceOption('--rule <rule>', 'learning rule', RULES, 'sgd'))
    .option(
      '--weight-decay <γ>',
      'weight decay γ in ΔW = η (g − γW)',
      numFlag('--weight-decay', { min: 0 }),
      0,
    )
    .option(
      '--weight-noise <σ>',
      'weight noise σ: forward with w = v + ε, ε ~ N(0, σ²)',
      numFlag('--weight-noise', { min: 0 }),
      0,
    )
    .addOption(
      choiceOption(
        '--adam-decay <how>',
        "how adam meets weight decay: L2 in the gradient (torch's Adam weight_decay) or decoupled (AdamW)",
        ['coupled', 'decoupled'],
        'coupled',
      ),
    )
    .addOption(
      choiceOption(
        '--task <task>',
        'student–teacher regression, or classification of an image data set',
        ['regression', 'mnist', 'fashion-mnist', 'cifar10'],
        'regression',
      ),
    )
    .option(
      '--label-noise <σ>',
      "regression only: Gaussian noise of std σ added to the teacher's targets (the teacher's outputs are O(1))",
      numFlag('--label-noise', { min: 0 }),
      0,
    )
    .option(
      '--lr <η>',
      'learning rate (default 0.5 regression / 0.01 classification; adam 1e-3)',
      numFlag('--lr', { gt: 0 }),
    )
    .addOption(
      choiceOption(
        '--architecture <net>',
        'a bias-free MLP, or a small transformer (sgd and adam only)',
        ARCHITECTURES,
        'mlp',
      ),
    )
    .option(
      '--hidden <widths>',
      'MLP: hidden widths, comma-separated',
      listFlag('--hidden', intFlag('--hidden', { max: 1_000_000 })),
      [128],
    )
    .addOption(
      choiceOption(
        '--activation <f>',
        "hidden activation (default tanh for the MLP, relu in the transformer's MLP blocks)",
        HIDDEN_ACTIVATIONS,
      ),
    )
    .option(
      '--tokens <n>',
      'transformer: tokens per sample (they split the inputs)',
      intFlag('--tokens'),
      8,
    )
    .option('--width <n>', 'transformer: embedding width', intFlag('--width'), 32)
    .option('--heads <n>', 'transformer: attention heads', intFlag('--heads'), 4)
    .option('--blocks <n>', 'transformer: blocks', intFlag('--blocks', { min: 0 }), 2)
    .option(
      '--init-scale <s>',
      'initial weights N(0, s²/fan-in)',
      numFlag('--init-scale', { gt: 0 }),
      1,
    )
    .option(
      '--feedback-scale <s>',
      'dfa and random: feedback matrices N(0, s²/width) (s = 1: the scale of the forward weights)',
      numFlag('--feedback-scale', { gt: 0 }),
      1,
    )
    .option('--epochs <n>', 'training epochs', intFlag('--epochs'), 30)
    .option('--batch-size <n>', 'mini-batch size', intFlag('--batch-size'), 256)
    .option(
      '--train-samples <n>',
      'training images for the classification tasks',
      intFlag('--train-samples'),
      20000,
    )
    .option('--data-dir <dir>', 'data root for fashion-mnist / cifar10');
  addRunFlags(threadsFlag(run), { out: 'runs/emergence' })
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb emergence run --rule sgd --weight-decay 5e-3 --json\n' +
        '  $ hebb emergence run --rule dfa --weight-decay 5e-4 --weight-noise 0.01 --epochs 10',
    )
    .action(async (flags: RunFlagsEm, c: Command) => {
      await runExperiment(
        {
          command: 'emergence run',
          prepare: (o, be) => {
            if (o.labelNoise > 0 && o.task !== 'regression')
              throw new UsageError(
                `--label-noise applies to the regression task only (here --task ${o.task}); drop it`,
              );
            if (o.architecture === 'transformer' && !ANY_NETWORK_RULES.includes(o.rule))
              throw new UsageError(
                `--rule ${o.rule} needs --architecture mlp (its feedback reaches an MLP's hidden layers); use sgd or adam with the transformer`,
              );
            const task =
              o.task === 'regression'
                ? tableTask(be, { labelNoise: o.labelNoise })
                : classificationTask(o.task, loadDataset(o.task, { dir: o.dataDir }), {
                    train: o.trainSamples,
                    val: 2000,
                    seed: o.seed,
                  });
            // The regression task is a cell of the paper's table, and the transformer is the
            // table's: their options as there.
            const table =
              o.task === 'regression' || o.architecture === 'transformer'
                ? tableOptions(o.rule, 0, 0, { architecture: o.architecture })
                : null;
            const lr = o.lr ?? table?.lr ?? (o.rule === 'adam' ? 1e-3 : 0.01);
            const learner = new EmergenceLearner({
              ...table,
              rule: o.rule,
              weightDecay: o.weightDecay,
              weightNoise: o.weightNoise,
              adamDecay: o.adamDecay,
              initScale: o.initScale,
              feedbackScale: o.feedbackScale,
              lr,
              ...(o.architecture === 'transformer'
                ? { tokens: o.tokens, width: o.width, heads: o.heads, blocks: o.blocks }
                : { hidden: o.hidden }),
              ...(o.activation !== undefined ? { activation: o.activation } : {}),
              epochs: o.epochs,
              batchSize: o.batchSize,
              seed: o.seed,
              backend: be,
            });
            return { task, learner };
          },
          run: async (ctx, { task, learner }, o) =>
            ctx.part('result', async () => {
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
            }),
          report: (r, o) => [
            `rule ${r.rule}, γ = ${r.weightDecay}, σ = ${r.weightNoise}, ${o.task}, ${o.architecture}, ${r.steps} steps, ${r.seconds.toFixed(1)} s`,
            ...(o.architecture === 'transformer'
              ? [`matrices:              ${r.matrices.join(' / ')}`]
              : []),
            `cos(g, H) per layer:   ${r.alignment.signal.map(f3).join(' / ')}  (mean ${f3(r.alignment.meanSignal)}; 2nd layer ${f3(r.secondLayer)})`,
            `cos(ΔW, H) per layer:  ${r.alignment.update.map(f3).join(' / ')}`,
            `cos(g, H⁺) per layer:  ${r.alignment.post.map(f3).join(' / ')}`,
            `cos(−∇ℓ, H) per layer: ${r.alignment.gradient.map(f3).join(' / ')}${r.rule === 'dfa' || r.rule === 'random' ? ' (not computed by this rule)' : ''}`,
            `stationarity ratio:    ${r.stationarityRatio.map((v) => f3(v ?? NaN)).join(' / ')}`,
            `cos(E g, E H) window:  ${r.windowAlignment.map(f3).join(' / ')}`,
            `validation loss ${r.validation.loss.toPrecision(4)}${r.validation.accuracy !== undefined ? `, accuracy ${(100 * r.validation.accuracy).toFixed(2)} %` : ''}${r.collapsed ? ' (collapsed)' : ''}`,
          ],
          json: (r, o) => ({ ...r, task: o.task, out: o.out }),
        },
        c,
        flags,
        io,
        withThreads(flags.threads),
      );
    });
}

interface TableFlags extends RunFlags {
  adamDecay: 'coupled' | 'decoupled';
  architectures: Architecture[];
  seeds: number;
  epochs: number;
  rules: RuleName[];
  threads: number;
}
interface PhaseFlags extends RunFlags {
  seeds: number;
  epochs: number;
  rule: RuleName;
  sigmas: number[];
  decays: number[];
  threads: number;
}
interface CurvesFlags extends RunFlags {
  datasets: string[];
  activations: HiddenActivation[];
  decays: number[];
  epochs: number;
  trainSamples: number;
  valSamples: number;
  dataDir?: string;
  threads: number;
}

/** A comma-separated list of names from `choices` (`what` names one in the message). */
function choiceList<T extends string>(flag: string, choices: readonly T[], what: string) {
  return (text: string): T[] => {
    const names = text.split(',').map((n) => n.trim());
    const bad = names.find((n) => !(choices as readonly string[]).includes(n));
    if (bad !== undefined)
      throw new UsageError(`${flag}: unknown ${what} '${bad}'; choose from ${choices.join(', ')}`);
    return names as T[];
  };
}

const ruleList = choiceList('--rules', RULES, 'rule');
const architectureList = choiceList('--architectures', ARCHITECTURES, 'architecture');
const activationList = choiceList('--activations', HIDDEN_ACTIVATIONS, 'activation');
const datasetList = choiceList('--datasets', DATASET_NAMES, 'data set');

export function registerEmergenceReproductions(reproduce: Command, io: CliIO): void {
  const table = reproduce
    .command('emergence-table')
    .description(
      "the paper's table: alignment of sgd/adam/dfa/random × γ ∈ {0, 5e-5, 5e-4, 5e-3}, mean ± std over seeds",
    )
    .option('--seeds <n>', 'seeds per cell', intFlag('--seeds'), 10)
    .option('--epochs <n>', 'epochs per run', intFlag('--epochs'), 30)
    .option('--rules <list>', 'comma-separated rules', ruleList, [...TABLE_RULES])
    .option(
      '--architectures <list>',
      'rows: mlp, transformer (its rows: sgd and adam) or both',
      architectureList,
      [...ARCHITECTURES],
    )
    .addOption(
      choiceOption(
        '--adam-decay <how>',
        "adam's weight decay: coupled (torch's Adam weight_decay, the default) or decoupled (AdamW)",
        ['coupled', 'decoupled'],
        'coupled',
      ),
    );
  addPointExecFlags(addRunFlags(threadsFlag(table), { out: 'runs/emergence-table' }))
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb reproduce emergence-table\n  $ hebb reproduce emergence-table --seeds 2 --rules sgd,dfa\n  $ hebb reproduce emergence-table --workers 2             # a pool of 2 processes\n  $ hebb reproduce emergence-table --queue redis://HOST:6379   # hebb worker on any machine',
    )
    .action(async (flags: TableFlags, c: Command) => {
      await runExperiment(
        {
          command: 'reproduce emergence-table',
          prepare: () => null,
          run: (ctx, _p, o) => reproduceTable(ctx, o),
          report: (r) => [`report: ${r.report} (${r.seconds.toFixed(0)} s)`],
          json: (r) => r,
        },
        c,
        flags,
        io,
        withThreads(flags.threads),
      );
    });

  const phase = reproduce
    .command('emergence-phase')
    .description('phase diagram: alignment over weight noise σ × weight decay γ (log axes)')
    .option('--seeds <n>', 'seeds per cell', intFlag('--seeds'), 3)
    .option('--epochs <n>', 'epochs per run', intFlag('--epochs'), 15)
    .addOption(choiceOption('--rule <rule>', 'learning rule', RULES, 'sgd'))
    .option(
      '--sigmas <list>',
      'weight noise levels σ (increasing, > 0)',
      listFlag('--sigmas', numFlag('--sigmas', { gt: 0 })),
      [0.001, 0.003, 0.01, 0.03, 0.1],
    )
    .option(
      '--decays <list>',
      'weight decays γ (increasing, > 0)',
      listFlag('--decays', numFlag('--decays', { gt: 0 })),
      [1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2],
    );
  addPointExecFlags(addRunFlags(threadsFlag(phase), { out: 'runs/emergence-phase' }))
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb reproduce emergence-phase\n  $ hebb reproduce emergence-phase --sigmas 0.003,0.1 --decays 0.001,0.01 --seeds 1',
    )
    .action(async (flags: PhaseFlags, c: Command) => {
      await runExperiment(
        {
          command: 'reproduce emergence-phase',
          prepare: () => null,
          run: (ctx, _p, o) => reproducePhase(ctx, o),
          report: (r) => [`report: ${r.report} (${r.seconds.toFixed(0)} s)`],
          json: (r) => r,
        },
        c,
        flags,
        io,
        withThreads(flags.threads),
      );
    });

  const curves = reproduce
    .command('emergence-curves')
    .description(
      'alignment vs step for a 784-128-10 MLP (SGD, lr 0.01) on MNIST / Fashion-MNIST / CIFAR-10, per hidden activation, and validation loss vs γ',
    )
    .option('--datasets <list>', 'data sets (missing ones are skipped)', datasetList, [
      'mnist',
      'fashion-mnist',
      'cifar10',
    ])
    .option(
      '--decays <list>',
      'weight decays γ',
      listFlag('--decays', numFlag('--decays', { min: 0 })),
      [0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1],
    )
    .option(
      '--activations <list>',
      `hidden activations, one panel each (${HIDDEN_ACTIVATIONS.join(', ')})`,
      activationList,
      ['tanh'],
    )
    .option('--epochs <n>', 'epochs (the paper: 50)', intFlag('--epochs'), 50)
    .option('--train-samples <n>', 'training images', intFlag('--train-samples'), 20000)
    .option('--val-samples <n>', 'validation images', intFlag('--val-samples'), 2000)
    .option('--data-dir <dir>', 'data root for fashion-mnist / cifar10');
  addRunFlags(threadsFlag(curves), { out: 'runs/emergence-curves' })
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb reproduce emergence-curves\n  $ hebb reproduce emergence-curves --datasets mnist --epochs 3',
    )
    .action(async (flags: CurvesFlags, c: Command) => {
      await runExperiment(
        {
          command: 'reproduce emergence-curves',
          prepare: () => null,
          run: (ctx, _p, o) => reproduceCurves(ctx, o),
          report: (r) => [
            `report: ${r.report} (${r.seconds.toFixed(0)} s)${r.skipped.length ? `; skipped ${r.skipped.join(', ')}` : ''}`,
          ],
          json: (r) => r,
        },
        c,
        flags,
        io,
        withThreads(flags.threads),
      );
    });
}
