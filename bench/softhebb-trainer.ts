// The SoftHebb trainer as users run it — `SoftHebb.fit`, one epoch of MNIST with the 'default'
// preset — against a plain PyTorch loop of the same rule over the same batches (same initial W,
// same shuffled order, same rate schedule), in one run: best of --reps for both, PyTorch at
// its default thread count and at one thread per core (the faster counts). --profile splits
// one batch into its parts. Usage: npm run bench -- softhebb-trainer [--quick] [--reps N] [--profile]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBackend, Matrix, type Backend } from '../src/backend/index.ts';
import { mnist } from '../src/data/index.ts';
import { SoftHebb } from '../src/softhebb/index.ts';
import { fmt, medianSeconds } from './timing.ts';
import { bestFit, fitOrder, relDiff, runTorchPeer } from './torch-peer.ts';

const K = 2000;

const layerFor = (batch: number, be: Backend) =>
  new SoftHebb({ units: K, epochs: 1, batchSize: batch, seed: 0, backend: be });

/**
 * Where one batch's time goes: the forward GEMM, the fused step (explicit, and with the row
 * scale as fit runs it: no pass over W), and its update GEMM alone.
 */
function profile(
  be: Backend,
  x: Matrix,
  batch: number,
  gemmGflops: number,
): Record<string, number> {
  const layer = layerFor(batch, be).initialize(x.cols);
  const xb = new Matrix(batch, x.cols);
  be.normalizeRows(x.sliceRows(0, batch), xb);
  const w = layer.weights.clone();
  const u = new Matrix(batch, K);
  const y = new Matrix(batch, K);
  const ms = (f: () => void) => 1e3 * medianSeconds(f, { minReps: 10, minSeconds: 1 });
  const forward = ms(() => be.gemm(false, true, 1, xb, w, 0, u));
  be.gemm(false, true, 1, xb, w, 0, u);
  // A tiny rate: W stays (almost) where it is, so repeating the step on it is fair.
  const opts = { inverseTemperature: 200, eta: 1e-9, exact: true };
  const step = ms(() => be.softHebbSoftStep(w, xb, u, null, opts, y));
  const scale = new Float32Array(K).fill(1);
  const scaled = ms(() => be.softHebbSoftStep(w, xb, u, null, { ...opts, scale }, y));
  const update = ms(() => be.gemm(true, false, 1, y, xb, 1, w));
  const softmax = ms(() => be.softmaxRows(u, 200, y));
  const decay = ms(() => be.scaleRows(w, new Float32Array(K).fill(1)));
  const whole = ms(() => layer.partialFit(x.sliceRows(0, batch)));
  const floor = ((2 * 2 * batch * K * x.cols) / (gemmGflops * 1e9)) * 1e3;
  return { forward, step, scaled, update, softmax, decay, whole, floor };
}

export function benchSoftHebbTrainer(args: string[]): void {
  const quick = args.includes('--quick');
  const at = args.indexOf('--reps');
  const reps = at >= 0 ? Number(args[at + 1]) : 2;
  if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps takes a whole number ≥ 1');
  const be = getBackend('native');
  const cores = availableParallelism();
  const train = mnist().train;
  const N = quick ? 10000 : train.x.rows;
  const x = train.x.sliceRows(0, N);
  const a = new Matrix(1000, 784, x.data.slice(0, 1000 * 784));
  const bmat = layerFor(100, be).initialize(784).weights;
  const c = new Matrix(1000, K);
  const gemmS = medianSeconds(() => be.gemm(false, true, 1, a, bmat, 0, c), {
    minReps: 5,
    minSeconds: 1,
  });
  const gemmGflops = (2 * 1000 * 784 * K) / gemmS / 1e9;
  console.log(
    `SoftHebb.fit, one epoch of MNIST (${N} images), ${K} units, 'default' preset (t = 200, exact per-unit step, linear rate from 0.2, no prior), ` +
      `native ${be.info().blas} on ${be.info().threads} threads (kernel: ${process.env.OPENBLAS_CORETYPE ?? "OpenBLAS's own choice"}); best of ${reps}.`,
  );
  console.log(
    `GEMM 1000×784·784×${K}ᵀ: ${fmt(gemmGflops, 1)} GFLOPS. The floor of a batch = its two GEMMs (4·B·K·784 flops) at that rate.`,
  );
  console.log(
    'batch   hebb s   torch s (threads)   hebb/torch (target)   hebb % of two-GEMM floor   max|ΔW|/max|W|',
  );
  const dir = mkdtempSync(join(tmpdir(), 'hebb-bench-trainer-'));
  try {
    writeFileSync(join(dir, 'x.bin'), x.data);
    for (const batch of [100, 1000]) {
      const w0 = layerFor(batch, be).initialize(784).weights;
      writeFileSync(join(dir, 'w0.bin'), w0.data);
      writeFileSync(join(dir, 'order.bin'), fitOrder(N, batch, be));
      const { seconds: ours, w: wOurs } = bestFit(() => layerFor(batch, be), x, reps);
      const cfg = {
        w: join(dir, 'w0.bin'),
        x: join(dir, 'x.bin'),
        order: join(dir, 'order.bin'),
        units: K,
        inputs: 784,
        samples: N,
        batch,
        t: 200,
        lr0: 0.2,
        reps,
      };
      // The same rule: one batch on both sides agrees to float rounding (over an epoch the
      // sharp softmax, t = 200, amplifies rounding differences chaotically).
      const first = layerFor(batch, be).initialize(784);
      first.horizon = N;
      first.partialFit(x.gatherRows(fitOrder(N, batch, be).subarray(0, batch)));
      const oneBatch = relDiff(
        runTorchPeer('softhebb_trainer_torch.py', { ...cfg, reps: 1, stop: batch }, 0, dir, K).w,
        first.weights,
      );
      const runs = [0, cores].map((th) =>
        runTorchPeer('softhebb_trainer_torch.py', cfg, th, dir, K),
      );
      const best = runs.reduce((p, q) => (q.seconds < p.seconds ? q : p));
      const floor = (4 * N * K * 784) / (gemmGflops * 1e9);
      const ratio = ours / best.seconds;
      const target = batch === 1000 ? 1.0 : 0.8;
      console.log(
        `${String(batch).padStart(5)}${fmt(ours, 2).padStart(9)}${`${fmt(best.seconds, 2)} (${best.threads})`.padStart(20)}` +
          `${`${fmt(ratio, 3)} (≤ ${target}) ${ratio <= target ? 'ok' : 'MISSED'}`.padStart(22)}${`${fmt((100 * floor) / ours, 0)} %`.padStart(27)}` +
          `${`${oneBatch.toExponential(1)}, ${relDiff(best.w, wOurs).toExponential(1)}`.padStart(24)}`,
      );
      console.log(
        `         PyTorch ${best.torch}: ${runs.map((r) => `${fmt(r.seconds, 2)} s on ${r.threads} thread(s)${r === runs[0] ? ' (its default)' : ''}`).join(', ')}`,
      );
      if (args.includes('--profile')) {
        const p = profile(be, x, batch, gemmGflops);
        console.log(
          `         one batch (ms, median): forward GEMM ${fmt(p.forward, 3)}, fused step ${fmt(p.step, 3)}, with the row scale ${fmt(p.scaled, 3)} ` +
            `(of it: update GEMM alone ${fmt(p.update, 3)}, softmax alone ${fmt(p.softmax, 3)}, a pass over W ${fmt(p.decay, 3)}); ` +
            `partialFit of one batch ${fmt(p.whole, 3)}; two-GEMM floor ${fmt(p.floor, 3)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
