// The backends side by side on the work users run: one MNIST epoch of a 400-unit SoftHebb layer
// (SoftHebb.fit, 60 000 images) on each backend, best of --reps runs (default 2), with each
// backend's time over native's. Usage: npm run bench -- backends [--backends native,wasm,ts]
// [--batch 100,1000] [--reps N] [--json]
import { getBackend } from '../src/backend/index.ts';
import { mnist } from '../src/data/mnist.ts';
import { SoftHebb } from '../src/softhebb/index.ts';
import { backendsArg } from './gemm.ts';
import { fmt } from './timing.ts';

function listArg(args: string[], flag: string, fallback: number[]): number[] {
  const i = args.indexOf(flag);
  return i < 0 ? fallback : args[i + 1].split(',').map(Number);
}

export function benchBackends(args: string[]): void {
  const json = args.includes('--json');
  const names = backendsArg(args).filter((n) => args.includes('--backends') || n !== 'ts');
  const batches = listArg(args, '--batch', [100, 1000]);
  const [reps] = listArg(args, '--reps', [2]);
  const x = mnist().train.x;
  if (!json) {
    console.log(`SoftHebb.fit, 400 units, one epoch of ${x.rows} MNIST images, best of ${reps}`);
    for (const n of names) console.log(`  ${n}: ${getBackend(n).info().blas}`);
  }
  for (const batchSize of batches) {
    const seconds: Record<string, number> = {};
    for (const backend of names) {
      let best = Infinity;
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        new SoftHebb({ units: 400, epochs: 1, batchSize, seed: 1, backend }).fit(x);
        best = Math.min(best, (performance.now() - t0) / 1000);
      }
      seconds[backend] = best;
    }
    for (const backend of names) {
      const row = {
        bench: 'softhebb-epoch',
        backend,
        batch: batchSize,
        seconds: seconds[backend],
        images_per_s: x.rows / seconds[backend],
        ratio_to_native: seconds.native ? seconds[backend] / seconds.native : NaN,
      };
      if (json) console.log(JSON.stringify(row));
      else
        console.log(
          `  batch ${String(batchSize).padStart(4)} ${backend.padEnd(7)} ${fmt(row.seconds, 2).padStart(7)} s  ${fmt(row.images_per_s, 0).padStart(7)} img/s  ×native ${fmt(row.ratio_to_native, 2)}`,
        );
    }
  }
}
