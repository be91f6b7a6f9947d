// Convolutional SoftHebb as `hebb reproduce softhebb-conv` trains it — SoftHebbConv2d.fit, one
// epoch of MNIST, 5×5 kernels on raw patches, the 'default' rule — against a plain PyTorch loop of
// the same layer (F.unfold + the rule) over the same batches, same initial kernels and rate
// schedule, in one run: images per second, best of --reps for both, PyTorch at its default
// thread count and at one thread per core (the faster counts), and the kernels after one batch
// compared. Usage: npm run bench -- softhebb-conv [--quick] [--reps N] [--units K] [--batch B]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBackend } from '../src/backend/index.ts';
import { mnist } from '../src/data/index.ts';
import { SoftHebbConv2d } from '../src/softhebb/index.ts';
import { fmt } from './timing.ts';
import { bestFit, fitOrder, relDiff, runTorchPeer } from './torch-peer.ts';

const PEER = 'softhebb_conv_torch.py';

function flag(args: string[], name: string, dflt: number): number {
  const at = args.indexOf(name);
  const v = at >= 0 ? Number(args[at + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a whole number ≥ 1`);
  return v;
}

export function benchSoftHebbConv(args: string[]): void {
  const quick = args.includes('--quick');
  const reps = flag(args, '--reps', 2);
  const K = flag(args, '--units', 96);
  const batch = flag(args, '--batch', 10);
  const be = getBackend('native');
  const train = mnist().train;
  const N = quick ? 5000 : train.x.rows;
  const x = train.x.sliceRows(0, N);
  const layerFor = () =>
    new SoftHebbConv2d({
      units: K,
      inputShape: [28, 28, 1],
      kernelSize: 5,
      normalizeInput: false,
      batchSize: batch,
      seed: 0,
      backend: be,
    });
  console.log(
    `SoftHebbConv2d.fit, one epoch of MNIST (${N} images), ${K} kernels 5×5 on raw patches (576 per image), ${batch} images per update, ` +
      `'default' rule (t = 200, exact per-unit step, linear rate from 0.2); native ${be.info().blas} on ${be.info().threads} threads ` +
      `(kernel: ${process.env.OPENBLAS_CORETYPE ?? "OpenBLAS's own choice"}); best of ${reps}.`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'hebb-bench-conv-'));
  try {
    writeFileSync(join(dir, 'x.bin'), x.data);
    const w0 = layerFor().initialize().weights;
    writeFileSync(join(dir, 'w0.bin'), w0.data);
    const order = fitOrder(N, batch, be);
    writeFileSync(join(dir, 'order.bin'), order);
    const { seconds: ours, w: wOurs } = bestFit(layerFor, x, reps);
    const cfg = {
      w: join(dir, 'w0.bin'),
      x: join(dir, 'x.bin'),
      order: join(dir, 'order.bin'),
      units: K,
      side: 28,
      kernel: 5,
      padding: 0,
      samples: N,
      batch,
      t: 200,
      lr0: 0.2,
      reps,
    };
    // The same rule: one batch on both sides agrees to float rounding (over an epoch the sharp
    // softmax amplifies rounding differences chaotically).
    const first = layerFor().initialize();
    first.horizon = N;
    first.partialFit(x.gatherRows(order.subarray(0, batch)));
    const oneBatch = relDiff(
      runTorchPeer(PEER, { ...cfg, reps: 1, stop: batch }, 0, dir, K).w,
      first.weights,
    );
    const runs = [0, availableParallelism()].map((th) => runTorchPeer(PEER, cfg, th, dir, K));
    let best = runs.reduce((p, q) => (q.seconds < p.seconds ? q : p));
    // Its best configuration also flushes subnormals (its exp slows down on them late in training).
    runs.push(runTorchPeer(PEER, { ...cfg, flush: true }, best.threads, dir, K));
    best = runs.reduce((p, q) => (q.seconds < p.seconds ? q : p));
    const ratio = ours / best.seconds;
    console.log('           s/epoch   images/s   time ratio (target ≤ 0.8)');
    console.log(
      `hebb    ${fmt(ours, 2).padStart(9)}${fmt(N / ours, 0).padStart(11)}${`${fmt(ratio, 3)} ${ratio <= 0.8 ? 'ok' : 'MISSED'}`.padStart(16)}`,
    );
    console.log(
      `PyTorch ${fmt(best.seconds, 2).padStart(9)}${fmt(N / best.seconds, 0).padStart(11)}   (${best.threads} thread(s), torch ${best.torch})`,
    );
    console.log(
      `PyTorch runs: ${runs.map((r) => `${fmt(r.seconds, 2)} s on ${r.threads} thread(s)${r === runs[0] ? ' (its default)' : ''}${r.flush ? ' flushing subnormals' : ''}`).join(', ')}`,
    );
    console.log(
      `kernels after one batch: max|ΔW|/max|W| = ${oneBatch.toExponential(1)}; after the epoch ${relDiff(best.w, wOurs).toExponential(1)} (the sharp softmax amplifies rounding)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
