import type { Command } from 'commander';
import { getBackend } from '../backend/index.ts';
import { linearAccuracy, trainRun } from '../softhebb/train-run.ts';

/**
 * The README's main job: SoftHebb on MNIST, one epoch, a few hundred units; prints the test
 * accuracy of both read-outs and writes runs/demo/figures/receptive-fields.png.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'train 400 SoftHebb units on MNIST for one epoch; print test accuracy; draw receptive fields',
    )
    .option('--out <dir>', 'run directory', 'runs/demo')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb demo\n  then look at runs/demo/figures/receptive-fields.png',
    )
    .action(async (f: { out: string; quiet?: boolean }) => {
      const be = getBackend();
      const info = be.info();
      console.log(
        `backend: ${info.name} (${info.blas.split(' ').slice(0, 2).join(' ')}, ${info.threads} threads)`,
      );
      const r = await trainRun(
        {
          dataset: 'mnist',
          units: 400,
          epochs: 1,
          batchSize: 100,
          wta: 'soft',
          seed: 0,
          evalEvery: 1,
          out: f.out,
          overwrite: true,
          quiet: f.quiet,
        },
        be,
      );
      console.log(`SoftHebb 784→400, 1 epoch of MNIST in ${r.seconds.toFixed(1)} s`);
      console.log(
        `  1-layer (label read-out) test accuracy: ${(100 * r.testAccuracy).toFixed(2)} %`,
      );
      const t0 = performance.now();
      const lin = linearAccuracy(r.layer, r.data, { epochs: 5 });
      console.log(
        `  2-layer (linear read-out, 5 epochs, ${((performance.now() - t0) / 1000).toFixed(1)} s) test accuracy: ${(100 * lin.accuracy).toFixed(2)} %`,
      );
      r.run.appendMetrics({ eval: 'linear', epochs: 5, testAccuracy: lin.accuracy });
      console.log(
        `  R1 features: ${r.layer.r1Features()}/400; receptive fields: ${r.run.figurePath('receptive-fields.png')}`,
      );
    });
}
