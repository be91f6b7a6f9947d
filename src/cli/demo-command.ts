import type { Command } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { linearAccuracy } from '../softhebb/readout.ts';
import {
  prepareTraining,
  trainLayer,
  trainSaved,
  type TrainFlags,
} from '../reproduce/softhebb/train.ts';
import { runExperiment } from './experiment.ts';
import { addRunFlags, intFlag } from './flags.ts';
import type { CliIO } from './io.ts';

interface DemoFlags extends TrainFlags {
  readoutEpochs: number;
}

/**
 * The README's main job: SoftHebb (the default preset) on MNIST, one epoch, a few hundred
 * units; prints the test accuracy of both read-outs and writes the receptive fields.
 */
export function registerDemoCommand(program: Command, io: CliIO): void {
  const cmd = program
    .command('demo')
    .description(
      'train 400 SoftHebb units on MNIST for one epoch; print test accuracy; draw receptive fields',
    )
    .option('--units <n>', 'number of units', intFlag('--units', { max: 1_000_000 }), 400)
    .option('--epochs <n>', 'passes over the training set', intFlag('--epochs'), 1)
    .option(
      '--readout-epochs <n>',
      'epochs of the linear read-out',
      intFlag('--readout-epochs'),
      5,
    );
  addRunFlags(cmd, { out: 'runs/demo' })
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb demo --overwrite\n  then look at runs/demo/figures/receptive-fields.png',
    )
    .action(async (f: DemoFlags, c: Command) => {
      const be = getBackend();
      const info = be.info();
      if (!f.json)
        io.out(
          `backend: ${info.name} (${info.blas.split(' ').slice(0, 2).join(' ')}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`,
        );
      const flags: DemoFlags = {
        ...f,
        dataset: 'mnist',
        batchSize: 100,
        wta: 'soft',
        evalEvery: 1,
      };
      await runExperiment(
        {
          command: 'demo',
          prepare: (o: DemoFlags, b) => prepareTraining(o, b),
          run: async (ctx, p, o) => {
            const r = await trainLayer(ctx, p, o);
            const t0 = performance.now();
            const lin = linearAccuracy(r.layer, r.data, { epochs: o.readoutEpochs });
            const linSeconds = (performance.now() - t0) / 1000;
            ctx.run.appendMetrics({
              eval: 'linear',
              epochs: o.readoutEpochs,
              testAccuracy: lin.accuracy,
            });
            return {
              ...r,
              linear: lin.accuracy,
              linSeconds,
              figure: ctx.run.figurePath('receptive-fields.png'),
            };
          },
          report: (r, o) => [
            `SoftHebb 784→${o.units}, ${o.epochs} epoch(s) of MNIST in ${r.seconds.toFixed(1)} s`,
            `  1-layer (label read-out) test accuracy: ${(100 * r.testAccuracy).toFixed(2)} %`,
            `  2-layer (linear read-out, ${o.readoutEpochs} epochs, ${r.linSeconds.toFixed(1)} s) test accuracy: ${(100 * r.linear).toFixed(2)} %`,
            `  R1 features: ${r.r1}/${o.units}; receptive fields: ${r.figure}`,
          ],
          json: (r, o) => ({
            out: o.out,
            backend: info.name,
            units: o.units,
            trainSeconds: r.seconds,
            labelAccuracy: r.testAccuracy,
            linearAccuracy: r.linear,
            r1: r.r1,
            figure: r.figure,
          }),
          saved: (run) => trainSaved(run, 'demo'),
        },
        c,
        flags,
        io,
        be,
      );
    });
}
