import { type Command, Option } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { openRun } from '../run/run-dir.ts';
import { SoftHebb } from '../softhebb/layer.ts';
import { DEFAULT_READOUT_ACTIVATION, labelAccuracy, linearAccuracy } from '../softhebb/readout.ts';
import {
  layerOptions,
  loadTrainingData,
  softhebbTrain,
  type TrainFlags,
} from '../reproduce/softhebb/train.ts';
import { reproduceSoftHebb, type ReproduceFlags } from '../reproduce/softhebb/reproduce.ts';
import { runExperiment } from './experiment.ts';
import { registerExperiment } from './options.ts';
import { activationFlag, addRunFlags, intFlag } from './flags.ts';
import type { CliIO } from './io.ts';
import { addPointExecFlags } from './flags.ts';

const pct = (v: number) => (100 * v).toFixed(2);

export function registerSoftHebbCommands(program: Command, io: CliIO): void {
  const sh = program
    .command('softhebb')
    .description(
      'SoftHebb: soft winner-take-all layers with a local Hebbian rule (docs/math/softhebb.md)',
    );

  registerExperiment(sh, softhebbTrain, io);

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
