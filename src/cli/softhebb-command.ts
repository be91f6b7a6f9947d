import { type Command, Option } from 'commander';
import { getBackend } from '../backend/index.ts';
import { ValueError } from '../errors.ts';
import { openRun } from '../run/run-dir.ts';
import { reproduceSoftHebb } from '../softhebb/reproduce.ts';
import {
  DEFAULT_READOUT_ACTIVATION,
  labelAccuracy,
  linearAccuracy,
  loadRun,
  trainRun,
  type TrainRunOptions,
} from '../softhebb/train-run.ts';

export const num = (name: string) => (v: string) => {
  const x = Number(v);
  if (!Number.isFinite(x)) throw new ValueError(`--${name} must be a number, got '${v}'`);
  return x;
};
export const int = (name: string) => (v: string) => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0)
    throw new ValueError(`--${name} must be a non-negative integer, got '${v}'`);
  return x;
};

/** commander's parsed flags of `softhebb train` are exactly the run's options. */
type TrainFlags = TrainRunOptions;

export function registerSoftHebbCommands(program: Command): void {
  const sh = program
    .command('softhebb')
    .description('SoftHebb: soft winner-take-all layers with a local Hebbian rule (SPEC §1)');

  sh.command('train')
    .description(
      'train a SoftHebb layer; writes runs/NAME/{config.json,model.safetensors,metrics.json,figures/}',
    )
    .option('--dataset <name>', 'mnist, fashion-mnist or cifar10', 'mnist')
    .option('--data-dir <dir>', 'folder of the data set (fashion-mnist, cifar10)')
    .option('--units <n>', 'number of units', int('units'), 2000)
    .option('--epochs <n>', 'passes over the training set', int('epochs'), 100)
    .option('--batch-size <n>', 'samples per update (1 = online)', int('batch-size'), 100)
    .addOption(
      new Option('--wta <kind>', 'soft or hard winner-take-all')
        .choices(['soft', 'hard'])
        .default('soft'),
    )
    .option('--base <b>', 'softmax base (t = ln b)', num('base'))
    .option(
      '--inverse-temperature <t>',
      'softmax inverse temperature (default 50)',
      num('inverse-temperature'),
    )
    .option(
      '--lr <schedule>',
      'rate: 0.03 (constant), linear:0.03 (→ 0), exponential:0.55:0.0055 (default linear:0.03)',
    )
    .addOption(
      new Option('--rule <rule>', "'paper' (Eq. 8) or 'normalized' (authors' code)").choices([
        'paper',
        'normalized',
      ]),
    )
    .addOption(
      new Option(
        '--integrator <kind>',
        "mini-batch step: 'euler' (Eq. 8 summed) or 'exact' (never overshoots)",
      ).choices(['euler', 'exact']),
    )
    .option('--no-bias', 'do not learn the prior bias')
    .option('--init-radius <r>', 'norm of the initial weight rows (default 3)', num('init-radius'))
    .option('--seed <s>', 'seed of initialisation and sample order', int('seed'), 0)
    .option(
      '--train-samples <n>',
      'train on n samples of a seeded shuffle (quick runs)',
      int('train-samples'),
    )
    .option(
      '--eval-every <n>',
      'label read-out on the test set every n epochs (and at the end)',
      int('eval-every'),
      10,
    )
    .requiredOption('--out <dir>', 'run directory, e.g. runs/mnist-2000')
    .option('--resume', 'continue the run in --out from its last epoch checkpoint')
    .option('--overwrite', 'replace an existing run in --out')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb softhebb train --dataset mnist --units 2000 --epochs 100 --out runs/mnist-2000\n' +
        '  $ hebb softhebb train --units 400 --epochs 1 --batch-size 1 --lr exponential:0.55:0.0055 --out runs/online\n' +
        '  $ hebb softhebb train --out runs/mnist-2000 --epochs 100 --resume',
    )
    .action(async (f: TrainFlags) => {
      const bias = f.bias === false ? false : f.wta === 'hard' ? false : undefined;
      const opts: TrainRunOptions = { ...f, bias };
      const r = await trainRun(opts, getBackend());
      console.log(
        `${f.out}: test accuracy (label read-out) ${(100 * r.testAccuracy).toFixed(2)} %, R1 features ${r.layer.r1Features()}/${f.units}`,
      );
    });

  sh.command('eval')
    .description(
      'evaluate a trained run: label read-out (1-layer) or a linear classifier (2-layer)',
    )
    .argument('<run>', 'run directory written by hebb softhebb train')
    .addOption(
      new Option('--readout <kind>', 'label or linear')
        .choices(['label', 'linear'])
        .default('label'),
    )
    .option('--epochs <n>', 'epochs of the linear classifier', int('epochs'), 100)
    .option(
      '--activation <act>',
      `layer output for the classifier: ${DEFAULT_READOUT_ACTIVATION} (default), triangle:0.7, repu:4.5, softmax:200, relu, …`,
      DEFAULT_READOUT_ACTIVATION,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb softhebb eval runs/mnist-2000\n  $ hebb softhebb eval runs/mnist-2000 --readout linear --epochs 100',
    )
    .action(
      (dir: string, f: { readout: 'label' | 'linear'; epochs: number; activation: string }) => {
        const run = openRun(dir);
        const { layer, data } = loadRun(run, getBackend());
        const t0 = performance.now();
        if (f.readout === 'label') {
          const acc = labelAccuracy(layer, data);
          console.log(`${dir}: label read-out test accuracy ${(100 * acc).toFixed(2)} %`);
          run.appendMetrics({ eval: 'label', testAccuracy: acc });
        } else {
          const { accuracy, trainLoss } = linearAccuracy(layer, data, {
            epochs: f.epochs,
            activation: f.activation,
            onEpoch: (e, loss) => {
              if (e % 10 === 0 || e === f.epochs)
                console.error(`classifier epoch ${e}/${f.epochs}: train loss ${loss.toFixed(4)}`);
            },
          });
          console.log(
            `${dir}: linear read-out (${f.activation}, ${f.epochs} epochs) test accuracy ${(100 * accuracy).toFixed(2)} %`,
          );
          run.appendMetrics({
            eval: 'linear',
            activation: f.activation,
            epochs: f.epochs,
            testAccuracy: accuracy,
            trainLoss,
          });
        }
        console.error(`evaluated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      },
    );
}

/** hebb reproduce softhebb-mnist | softhebb-fashion */
export function registerSoftHebbReproductions(reproduce: Command): void {
  for (const [name, dataset] of [
    ['softhebb-mnist', 'mnist'],
    ['softhebb-fashion', 'fashion-mnist'],
  ] as const) {
    reproduce
      .command(name)
      .description(
        `SoftHebb paper, Fig. 1 on ${dataset}: accuracy table, one-epoch comparison, post-hoc loss, R1 features`,
      )
      .option('--seeds <n>', 'seeds (the paper used 5)', int('seeds'), 1)
      .option('--quick', 'small and fast: 200 units, 2 epochs, 10k training samples')
      .option('--units <n>', 'units (default 2000; 200 with --quick)', int('units'))
      .option('--epochs <n>', 'Hebbian epochs (default 100; 2 with --quick)', int('epochs'))
      .option(
        '--readout-epochs <n>',
        'linear classifier epochs (default 100)',
        int('readout-epochs'),
      )
      .option('--mlp-epochs <n>', 'backprop MLP epochs (default 20)', int('mlp-epochs'))
      .option('--activation <act>', 'layer output for the classifier', DEFAULT_READOUT_ACTIVATION)
      .option('--data-dir <dir>', 'folder of the data set')
      .option('--out <dir>', 'run directory', `runs/reproduce-${name}`)
      .option('--overwrite', 'replace an existing run')
      .option('--quiet', 'no progress output')
      .addHelpText(
        'after',
        `\nExamples:\n  $ hebb reproduce ${name} --quick\n  $ hebb reproduce ${name} --seeds 5`,
      )
      .action(
        async (
          f: Omit<Parameters<typeof reproduceSoftHebb>[0], 'dataset' | 'quick'> & {
            quick?: boolean;
          },
        ) => {
          const path = await reproduceSoftHebb(
            { ...f, dataset, quick: f.quick ?? false },
            getBackend(),
          );
          console.log(`report: ${path}`);
        },
      );
  }
}
