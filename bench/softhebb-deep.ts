// The deep SoftHebb Hebbian epoch (`hebb reproduce softhebb-deep`: the authors' 4SoftHebbCnnCIFAR
// blocks, greedy) against the same rule in PyTorch as the authors compute it (F.conv2d for the
// forward pass and for the update, block by block), same images, orders and initial kernels, in
// one run: seconds per epoch, best of --reps, PyTorch at its default thread count and at one
// thread per core (the faster counts). Usage:
//   npm run bench -- softhebb-deep [--quick] [--reps N] [--images N] [--width-percent P] [--blocks n]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBackend } from '../src/backend/index.ts';
import { mnist } from '../src/data/index.ts';
import { epochBatches } from '../src/model/batches.ts';
import { DEEP_PRESETS, deepStack } from '../src/softhebb/deep.ts';
import type { SoftHebbConv2d } from '../src/softhebb/index.ts';
import { fmt } from './timing.ts';
import { relDiff, runTorchPeer } from './torch-peer.ts';

function flag(args: string[], name: string, dflt: number): number {
  const at = args.indexOf(name);
  const v = at >= 0 ? Number(args[at + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a whole number ≥ 1`);
  return v;
}

export function benchSoftHebbDeep(args: string[]): void {
  const quick = args.includes('--quick');
  const reps = flag(args, '--reps', quick ? 1 : 2);
  const width = flag(args, '--width-percent', 25) / 100;
  const preset = DEEP_PRESETS['journe-cifar-4'];
  const nBlocks = flag(args, '--blocks', preset.blocks.length);
  const be = getBackend('native');
  const train = mnist().train;
  const N = flag(args, '--images', quick ? 1000 : 10000);
  const x = train.x.sliceRows(0, N);
  // The frozen blocks' output kept, as the PyTorch peer keeps it.
  const make = () =>
    deepStack(preset, [28, 28, 1], { width, blocks: nBlocks, cacheBelow: true, backend: be });
  const convAt = (net: ReturnType<typeof make>) =>
    net.layers.flatMap((l, i) => (l.modelName === 'SoftHebbConv2d' ? [i] : []));
  const probe = make();
  const at = convAt(probe);
  const convs = at.map((i) => probe.layers[i] as SoftHebbConv2d);
  console.log(
    `deep SoftHebb Hebbian epoch: journe-cifar-4 × width ${width} (${convs.map((c) => c.options.units).join(' → ')} kernels), ` +
      `${N} MNIST images, greedy, 10 images per update; native ${be.info().blas} on ${be.info().threads} threads; best of ${reps}.`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'hebb-bench-deep-'));
  try {
    writeFileSync(join(dir, 'x.bin'), x.data);
    // The stack's image order per learning layer (Sequential: seed + 7919 · layer index).
    const order = new Int32Array(at.length * N);
    at.forEach((layer, b) => {
      let k = b * N;
      for (const batch of epochBatches({
        n: N,
        epochs: 1,
        first: 0,
        batchSize: probe.options.batchSize,
        seed: probe.options.seed + 7919 * layer,
        shuffle: true,
        backend: be,
      })) {
        order.set(batch.rows, k);
        k += batch.rows.length;
      }
    });
    writeFileSync(join(dir, 'order.bin'), order);
    const wPaths = convs.map((c, b) => {
      const p = join(dir, `w${b}.bin`);
      writeFileSync(p, c.initialize().weights.data);
      return p;
    });
    let ours = Infinity;
    let net = make();
    for (let r = 0; r < reps; r++) {
      net = make();
      const t0 = performance.now();
      net.fit(x);
      ours = Math.min(ours, (performance.now() - t0) / 1000);
    }
    const last = net.layers[at[at.length - 1]] as SoftHebbConv2d;
    const cfg = {
      x: join(dir, 'x.bin'),
      order: join(dir, 'order.bin'),
      w: wPaths,
      samples: N,
      side: 28,
      batch: 10,
      reps,
      blocks: convs.map((c, b) => ({
        units: c.options.units,
        kernel: c.options.kernelSize[0],
        padding: c.options.padding,
        t: c.options.inverseTemperature,
        lr: preset.blocks[b].lr,
        triangle: preset.blocks[b].triangle,
        pool: Object.values(preset.blocks[b].pool),
      })),
    };
    const peer = 'softhebb_deep_torch.py';
    const runs = [0, availableParallelism()].map((th) =>
      runTorchPeer(peer, cfg, th, dir, last.options.units),
    );
    const best = runs.reduce((p, q) => (q.seconds < p.seconds ? q : p));
    const ratio = ours / best.seconds;
    console.log('           s/epoch   images/s   time ratio (target ≤ 1.0)');
    console.log(
      `hebb    ${fmt(ours, 2).padStart(9)}${fmt(N / ours, 0).padStart(11)}${`${fmt(ratio, 3)} ${ratio <= 1 ? 'ok' : 'MISSED'}`.padStart(16)}`,
    );
    console.log(
      `PyTorch ${fmt(best.seconds, 2).padStart(9)}${fmt(N / best.seconds, 0).padStart(11)}   (${best.threads} thread(s), torch ${best.torch})`,
    );
    console.log(
      `PyTorch runs: ${runs.map((r) => `${fmt(r.seconds, 2)} s on ${r.threads} thread(s)${r === runs[0] ? ' (its default)' : ''}`).join(', ')}`,
    );
    console.log(
      `last block's kernels after the epoch: max|ΔW|/max|W| = ${relDiff(best.w, last.weights).toExponential(1)} (the competition amplifies rounding over an epoch)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
