// `hebb reproduce softhebb-robustness`: Gaussian noise and PGD on SoftHebb, a hard-WTA layer
// and a backprop MLP (docs/robustness.md).
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { parseActivation } from '../model/activation.ts';
import { activationStage } from '../robustness/pipeline.ts';
import { reproduceRobustness } from '../reproduce/softhebb/robustness.ts';
import { epsLabel, type RobustnessFlags } from '../reproduce/softhebb/robustness-options.ts';
import { robustnessReport } from '../reproduce/softhebb/robustness-report.ts';
import { loadTrainingData } from '../reproduce/softhebb/train.ts';
import { runExperiment } from './experiment.ts';
import { addRunFlags, intFlag, listFlag, numFlag } from './flags.ts';
import type { CliIO } from './io.ts';

export function registerRobustnessReproduction(reproduce: Command, io: CliIO): void {
  const cmd = reproduce
    .command('softhebb-robustness')
    .description(
      'SoftHebb paper Sec. 3.3 / Fig. 2, 3: Gaussian noise and PGD attacks on SoftHebb, hard WTA and a backprop MLP',
    )
    .addOption(
      new Option('--dataset <name>', 'data set')
        .choices(['mnist', 'fashion-mnist'])
        .default('mnist'),
    )
    .option('--data-dir <dir>', 'folder of the data set')
    .option(
      '--units <n>',
      'units of each layer (default 2000; 200 with --quick)',
      intFlag('--units'),
    )
    .option('--epochs <n>', 'Hebbian epochs (default 100; 1 with --quick)', intFlag('--epochs'))
    .option(
      '--readout-epochs <n>',
      'linear read-out epochs (default 100; 3 with --quick)',
      intFlag('--readout-epochs'),
    )
    .option(
      '--mlp-epochs <n>',
      'backprop MLP epochs (default 20; 1 with --quick)',
      intFlag('--mlp-epochs'),
    )
    .option(
      '--activation <f>',
      "the Hebbian layers' output at inference (default softmax at the layer's inverse temperature)",
    )
    .option(
      '--noise <list>',
      'noise standard deviations σ, comma separated',
      listFlag('--noise', numFlag('--noise', { min: 0 })),
    )
    .option(
      '--eps <list>',
      'attack budgets ε, comma separated: L∞ in pixel levels of 255 (default 4,8,16,32,64,128,255), L2 as radii (default 0.25,0.5,1,1.5,2,3)',
      listFlag('--eps', numFlag('--eps', { min: 0, max: 255 })),
    )
    .option('--steps <n>', 'PGD steps (default 200; 10 with --quick)', intFlag('--steps'))
    .option('--restarts <n>', 'random restarts (default 5; 1 with --quick)', intFlag('--restarts'))
    .addOption(new Option('--norm <norm>', 'attack norm').choices(['linf', 'l2']).default('linf'))
    .option(
      '--attack-samples <n>',
      'test images attacked, fixed by the seed (default 1000; 100 with --quick)',
      intFlag('--attack-samples'),
    )
    .option('--no-baselines', 'leave out the k-means, PCA and 100-neuron SoftHebb layers (Fig. 6)')
    .option(
      '--quick',
      'small and fast: 200 units, 1 epoch, 10k training images, 100 attacked images',
    );
  addRunFlags(cmd, { out: 'runs/softhebb-robustness' })
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb reproduce softhebb-robustness --quick\n  $ hebb reproduce softhebb-robustness --dataset fashion-mnist',
    )
    .action(async (flags: RobustnessFlags, c: Command) => {
      await runExperiment(
        {
          command: 'reproduce softhebb-robustness',
          prepare: (f, backend) => {
            if (f.activation !== undefined) {
              // Refuse an activation without a usable gradient before anything is trained.
              activationStage(backend, parseActivation(f.activation, undefined, '--activation'));
            }
            return loadTrainingData({
              dataset: f.dataset,
              dataDir: f.dataDir,
              seed: 0,
              trainSamples: f.quick ? 10000 : undefined,
            });
          },
          run: async (ctx, data, f) => {
            const t = performance.now();
            const r = await reproduceRobustness(ctx, data, f);
            const report = join(ctx.run.dir, 'report.md');
            const seconds = (performance.now() - t) / 1000;
            writeFileAtomic(report, robustnessReport(r, f, seconds, ctx.backend.name));
            for (const m of r.models)
              ctx.run.appendMetrics({ model: m.name, clean: m.clean, noise: m.noise, pgd: m.pgd });
            return { report, ...r, seconds };
          },
          report: (r, f) => [
            `report: ${r.report}`,
            ...r.models.map(
              (m) =>
                `${m.name}: clean ${(100 * m.clean).toFixed(2)} %; under PGD ${m.pgd.map((p) => `${epsLabel(f.norm, p.level)}${f.norm === 'linf' ? '/255' : ''} ${(100 * p.accuracy).toFixed(1)} %`).join(', ')}`,
            ),
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
