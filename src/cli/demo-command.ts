import type { Command } from 'commander';
import { getBackend, Matrix, Rng } from '../backend/index.ts';

/** Placeholder main job until the MNIST SoftHebb demo lands: backend and one GEMM timing. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('show the backend and time one 1000×784 · 784×2000 GEMM')
    .addHelpText('after', '\nExample:\n  $ hebb demo')
    .action(() => {
      const b = getBackend();
      const rng = new Rng(0, b);
      const a = new Matrix(1000, 784, rng.normal(1000 * 784));
      const w = new Matrix(784, 2000, rng.normal(784 * 2000));
      const c = Matrix.zeros(1000, 2000);
      b.gemm(false, false, 1, a, w, 0, c);
      const t0 = performance.now();
      b.gemm(false, false, 1, a, w, 0, c);
      const s = (performance.now() - t0) / 1000;
      console.log(`backend: ${b.info().name} (${b.info().blas})`);
      console.log(
        `gemm 1000×784·784×2000: ${(s * 1000).toFixed(1)} ms, ${((2 * 1000 * 784 * 2000) / s / 1e9).toFixed(1)} GFLOPS`,
      );
    });
}
