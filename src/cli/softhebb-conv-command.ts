// `hebb reproduce softhebb-conv`: convolutional SoftHebb + linear read-out (src/softhebb/experiments/conv.ts).
import type { Command } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { loadDataset } from '../data/index.ts';
import { convBlocks, reproduceConv, type ConvFlags } from '../reproduce/softhebb/conv.ts';
import { runExperiment } from './experiment.ts';
import { addRunFlags, choiceOption, intFlag } from './flags.ts';
import type { CliIO } from './io.ts';

export function registerSoftHebbConvReproduction(reproduce: Command, io: CliIO): void {
  const cmd = reproduce
    .command('softhebb-conv')
    .description(
      'SoftHebb paper Sec. 3.4 / App. D.1: convolutional SoftHebb layers with a linear read-out (paper: 98.63 % MNIST, 60.30 % CIFAR-10)',
    )
    .addOption(
      choiceOption('--dataset <name>', 'data set', ['mnist', 'fashion-mnist', 'cifar10'], 'mnist'),
    )
    .option('--data-dir <dir>', 'folder of the data set (CIFAR-10: `hebb data fetch cifar10`)')
    .option(
      '--quick',
      'smoke test: 2000 training and 500 test images, 16 kernels, 3 read-out epochs',
    )
    .option('--layers <n>', 'conv blocks (default 2)', intFlag('--layers', { max: 4 }))
    .option(
      '--units <n>',
      'kernels of the first block, ×4 per deeper block (default 64; 16 with --quick)',
      intFlag('--units', { max: 100_000 }),
    )
    .option('--epochs <n>', 'Hebbian epochs per block', intFlag('--epochs'), 1)
    .option('--batch-size <n>', 'images per Hebbian update', intFlag('--batch-size'), 10)
    .addOption(
      choiceOption('--wta <kind>', 'winner-take-all of the conv layers', ['soft', 'hard'], 'soft'),
    )
    .option(
      '--readout-epochs <n>',
      'linear classifier epochs (default 15; 3 with --quick)',
      intFlag('--readout-epochs'),
    );
  addRunFlags(cmd, { out: 'runs/reproduce-softhebb-conv' })
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb reproduce softhebb-conv --quick\n  $ hebb reproduce softhebb-conv --dataset fashion-mnist\n  $ hebb data fetch cifar10 && hebb reproduce softhebb-conv --dataset cifar10',
    )
    .action(async (flags: ConvFlags, c: Command) => {
      await runExperiment(
        {
          command: 'reproduce softhebb-conv',
          prepare: (f) => {
            convBlocks(f.dataset, f);
            return loadDataset(f.dataset, { dir: f.dataDir });
          },
          run: (ctx, data, f) => reproduceConv(ctx, data, f),
          report: (r) => [
            `report: ${r.report}`,
            `${r.dataset}: test accuracy ${(100 * r.accuracy).toFixed(2)} % (Hebbian layers ${r.hebbianSeconds.toFixed(1)} s, read-out ${r.readoutSeconds.toFixed(1)} s)`,
          ],
          json: (r) => r,
        },
        c,
        { ...flags, quick: flags.quick ?? false },
        io,
        getBackend(),
      );
    });
}
