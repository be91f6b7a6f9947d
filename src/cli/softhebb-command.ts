import { type Command, Option } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { SOFTHEBB_SPEC } from '../softhebb/options.ts';
import { openRun } from '../run/run-dir.ts';
import { SoftHebb } from '../softhebb/layer.ts';
import { DEFAULT_READOUT_ACTIVATION, labelAccuracy, linearAccuracy } from '../softhebb/readout.ts';
import {
  layerOptions,
  loadTrainingData,
  prepareTraining,
  trainLayer,
  trainSaved,
  type TrainFlags,
} from '../reproduce/softhebb/train.ts';
import { reproduceSoftHebb, type ReproduceFlags } from '../reproduce/softhebb/reproduce.ts';
import { runExperiment } from './experiment.ts';
import {
  activationFlag,
  addRunFlags,
  choiceOption,
  fromParam,
  intFlag,
  scheduleFlag,
} from './flags.ts';
import type { CliIO } from './io.ts';
import { addPointExecFlags } from './flags.ts';
import { formatSchedule } from '../model/schedule.ts';

const pct = (v: number) => (100 * v).toFixed(2);

/** The layer flags shared by `softhebb train` and the options they map to. */
function addLayerFlags(cmd: Command): Command {
  return cmd
    .option('--dataset <name>', 'mnist, fashion-mnist or cifar10', 'mnist')
    .option('--data-dir <dir>', 'folder of the data set (fashion-mnist, cifar10)')
    .option(
      '--train-samples <n>',
      'train on n samples of a seeded shuffle (quick runs); default all',
      intFlag('--train-samples'),
    )
    .option('--units <n>', 'number of units', intFlag('--units', { max: 1_000_000 }), 2000)
    .option('--epochs <n>', 'passes over the training set', intFlag('--epochs'), 100)
    .option('--batch-size <n>', 'samples per update (1 = online)', intFlag('--batch-size'), 100)
    .addOption(
      choiceOption(
        '--preset <name>',
        "starting settings: 'default' (measured best), 'paper', 'authors'",
        ['default', 'paper', 'authors'],
      ),
    )
    .addOption(
      choiceOption('--wta <kind>', 'soft or hard winner-take-all', ['soft', 'hard'], 'soft'),
    )
    .option(
      '--inverse-temperature <t>',
      'softmax inverse temperature (preset default: 200)',
      fromParam('--inverse-temperature', SOFTHEBB_SPEC.inverseTemperature),
    )
    .option(
      '--base <b>',
      'softmax base β instead (t = ln β)',
      fromParam('--base', SOFTHEBB_SPEC.base),
    )
    .option(
      '--lr <schedule>',
      'rate: 0.03 (constant), linear:0.2 (→ 0), exponential:0.55:0.0055 (preset default: linear:0.2)',
      (v) => formatSchedule(scheduleFlag('--lr')(v)),
    )
    .addOption(
      choiceOption('--rule <rule>', "'paper' (Eq. 8) or 'normalized' (authors' code)", [
        'paper',
        'normalized',
      ]),
    )
    .addOption(
      choiceOption(
        '--integrator <kind>',
        "mini-batch step: 'exact' (never overshoots; preset default) or 'euler' (Eq. 8 summed)",
        ['euler', 'exact'],
      ),
    )
    .option('--bias', 'learn the prior bias (Eq. 10)')
    .option('--no-bias', 'do not learn the prior bias (preset default)')
    .option(
      '--init-radius <r>',
      'norm of the initial weight rows (preset default 3)',
      fromParam('--init-radius', SOFTHEBB_SPEC.initRadius),
    )
    .option(
      '--eval-every <n>',
      'label read-out on the test set every n epochs (and at the end)',
      intFlag('--eval-every'),
      10,
    );
}

export function registerSoftHebbCommands(program: Command, io: CliIO): void {
  const sh = program
    .command('softhebb')
    .description(
      'SoftHebb: soft winner-take-all layers with a local Hebbian rule (docs/math/softhebb.md)',
    );

  const train = addRunFlags(
    addLayerFlags(
      sh
        .command('train')
        .description(
          'train a SoftHebb layer into a run directory: config.json, model.safetensors (every epoch), metrics.json, figures/',
        ),
    ),
    { out: 'runs/softhebb' },
  ).addHelpText(
    'after',
    '\nExamples:\n  $ hebb softhebb train --units 2000 --epochs 100 --out runs/mnist-2000\n' +
      '  $ hebb softhebb train --out runs/mnist-2000 --resume          # after an interruption\n' +
      '  $ hebb softhebb train --units 400 --epochs 1 --batch-size 1 --lr exponential:0.55:0.0055 --out runs/online',
  );
  train.action(async (flags: TrainFlags, cmd: Command) => {
    await runExperiment(
      {
        command: 'softhebb train',
        prepare: prepareTraining,
        run: trainLayer,
        report: (r, f) => [
          `${f.out}: test accuracy (label read-out) ${pct(r.testAccuracy)} %, R1 features ${r.r1}/${f.units}, trained in ${r.seconds.toFixed(1)} s`,
        ],
        json: (r, f) => ({
          out: f.out,
          testAccuracy: r.testAccuracy,
          r1: r.r1,
          units: f.units,
          trainSeconds: r.seconds,
        }),
        saved: (run) => trainSaved(run, 'softhebb train'),
      },
      cmd,
      flags,
      io,
      getBackend(),
    );
  });

  sh.command('eval')
    .description(
      'evaluate a trained run: label read-out (1-layer) or a linear classifier (2-layer); adds the result to its metrics.json',
    )
    .argument('<run>', 'run directory written by hebb softhebb train')
    .addOption(
      new Option('--readout <kind>', 'label or linear')
        .choices(['label', 'linear'])
        .default('label'),
    )
    .option('--epochs <n>', 'epochs of the linear classifier', intFlag('--epochs'), 100)
    .option(
      '--activation <act>',
      `layer output for the classifier: ${DEFAULT_READOUT_ACTIVATION} (default), triangle:0.7, repu:4.5, softmax:5, relu, …`,
      (v) => (activationFlag('--activation')(v), v),
      DEFAULT_READOUT_ACTIVATION,
    )
    .option('--quiet', 'no progress output')
    .option('--json', 'print the result as one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb softhebb eval runs/mnist-2000\n  $ hebb softhebb eval runs/mnist-2000 --readout linear --epochs 100',
    )
    .action(
      (
        dir: string,
        f: {
          readout: 'label' | 'linear';
          epochs: number;
          activation: string;
          quiet?: boolean;
          json?: boolean;
        },
      ) => {
        const run = openRun(dir);
        const layer = run.loadModel({ expect: SoftHebb, backend: getBackend() });
        const data = loadTrainingData(run.config.options as unknown as TrainFlags);
        const t0 = performance.now();
        let row: Record<string, unknown>;
        if (f.readout === 'label') {
          row = { eval: 'label', testAccuracy: labelAccuracy(layer, data) };
        } else {
          const r = linearAccuracy(layer, data, {
            epochs: f.epochs,
            activation: f.activation,
            fit: {
              onEpoch: (e) => {
                if (!f.quiet && (e % 10 === 0 || e === f.epochs))
                  io.err(`classifier epoch ${e}/${f.epochs}`);
              },
            },
          });
          row = {
            eval: 'linear',
            activation: f.activation,
            epochs: f.epochs,
            testAccuracy: r.accuracy,
            trainLoss: r.trainLoss,
          };
        }
        row.seconds = (performance.now() - t0) / 1000;
        run.appendMetrics(row);
        if (f.json) io.out(JSON.stringify({ run: dir, ...row }));
        else
          io.out(
            `${dir}: ${f.readout === 'label' ? 'label read-out' : `linear read-out (${f.activation}, ${f.epochs} epochs)`} test accuracy ${pct(row.testAccuracy as number)} %`,
          );
      },
    );
}

/** hebb reproduce softhebb-mnist | softhebb-fashion */
export function registerSoftHebbReproductions(reproduce: Command, io: CliIO): void {
  for (const [name, dataset] of [
    ['softhebb-mnist', 'mnist'],
    ['softhebb-fashion', 'fashion-mnist'],
  ] as const) {
    const cmd = reproduce
      .command(name)
      .description(
        `SoftHebb paper, Fig. 1 on ${dataset}: accuracy table, one-epoch comparison, post-hoc loss, R1 features`,
      )
      .option(
        '--seeds <n>',
        'seeds --seed … --seed + n − 1 (the paper used 5)',
        intFlag('--seeds'),
        1,
      )
      .option(
        '--curves-seed <n>',
        'the seed whose SoftHebb layer also gives the post-hoc loss, R1 curves and receptive fields (default: the first)',
        intFlag('--curves-seed', { min: 0 }),
      )
      .option(
        '--table-only',
        'only the accuracy table (the SoftHebb, hard WTA and MLP models of each seed), no one-epoch comparison',
      )
      .option('--quick', 'small and fast: 200 units, 2 epochs, 10k training samples')
      .option(
        '--units <n>',
        'units (default 2000; 200 with --quick)',
        intFlag('--units', { max: 1_000_000 }),
      )
      .option('--epochs <n>', 'Hebbian epochs (default 100; 2 with --quick)', intFlag('--epochs'))
      .option(
        '--readout-epochs <n>',
        'linear classifier epochs (default 100; 5 with --quick)',
        intFlag('--readout-epochs'),
      )
      .option(
        '--mlp-epochs <n>',
        'backprop MLP epochs (default 20; 1 with --quick)',
        intFlag('--mlp-epochs'),
      )
      .option(
        '--activation <act>',
        'layer output for the classifier',
        (v) => (activationFlag('--activation')(v), v),
        DEFAULT_READOUT_ACTIVATION,
      )
      .option('--data-dir <dir>', 'folder of the data set');
    addPointExecFlags(addRunFlags(cmd, { out: `runs/reproduce-${name}` }))
      .addHelpText(
        'after',
        `\nExamples:\n  $ hebb reproduce ${name} --quick\n  $ hebb reproduce ${name} --seeds 5 --workers 2`,
      )
      .action(async (flags: Omit<ReproduceFlags, 'dataset'>, c: Command) => {
        await runExperiment(
          {
            command: `reproduce ${name}`,
            prepare: (f) => ({
              data: loadTrainingData({
                dataset,
                dataDir: f.dataDir,
                seed: 0,
                trainSamples: f.quick ? 10000 : undefined,
              }),
            }),
            run: (ctx, p, f) => reproduceSoftHebb(ctx, p.data, { ...f, dataset }),
            report: (r) => [`report: ${r.report}`, ...r.summary],
            json: (r) => r,
          },
          c,
          { ...flags, quick: flags.quick ?? false },
          io,
          getBackend(),
        );
      });
  }
}

export { layerOptions };
