// PGD attack strength and speed, ours against the same attack written in PyTorch on the same
// networks (exported through safetensors), in the same run. A weak attack would fake
// robustness: our accuracy under attack must be within 1 point of PyTorch's (or lower) at every
// ε. Times are the best of --reps runs (default 3) for both. Usage: npm run bench -- pgd [--quick] [--reps N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, Matrix, Rng } from '../src/backend/index.ts';
import { mnist, take } from '../src/data/index.ts';
import { encodeSafetensors } from '../src/io/safetensors.ts';
import { MlpClassifier } from '../src/readout/mlp-classifier.ts';
import { pgd } from '../src/robustness/attacks.ts';
import { mlpNetwork, softHebbNetwork } from '../src/robustness/networks.ts';
import type { Pipeline } from '../src/robustness/pipeline.ts';
import { SoftHebb } from '../src/softhebb/layer.ts';
import { fitLinearReadout } from '../src/softhebb/readout.ts';

interface TorchResult {
  net: string;
  torch: string;
  /** The intra-op thread counts tried; each point keeps its fastest. */
  threads: number[];
  points: {
    eps: number;
    accuracy: number;
    seconds: number;
    sampleSteps: number;
    threads: number;
  }[];
}

export async function benchPgd(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const repsAt = args.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 3;
  if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps takes a whole number ≥ 1');
  const be = getBackend();
  const units = quick ? 200 : 2000;
  const { train, test } = mnist();
  const data = { train: quick ? take(train, 10000) : train, test };
  const eps = [8, 16, 32, 64].map((e) => e / 255);
  const steps = quick ? 20 : 100;
  const restarts = 1;
  const n = quick ? 200 : 1000;
  console.log(
    `MNIST, ${units} units; L∞ PGD, ${steps} steps, ${restarts} restart(s), step (0.01/0.3)·ε, ${n} test images; backend ${be.name}; times: best of ${reps}`,
  );
  const layer = new SoftHebb({ units, epochs: 1, batchSize: 100, seed: 0, backend: be }).fit(
    data.train.x,
  );
  const t = layer.options.inverseTemperature;
  const ro = fitLinearReadout(layer, data, {
    epochs: quick ? 3 : 10,
    activation: `softmax:${t}`,
    seed: 0,
  });
  const mlp = new MlpClassifier({
    hidden: units,
    epochs: quick ? 1 : 2,
    seed: 0,
    classes: 10,
    backend: be,
  });
  mlp.fit(data.train.x, data.train.y);
  const nets: [string, Pipeline][] = [
    [
      'softhebb',
      softHebbNetwork(layer, ro.activation, { classifier: ro.classifier, stats: ro.stats }),
    ],
    ['mlp', mlpNetwork(mlp)],
  ];
  const idx = new Rng(1, be).permutation(test.x.rows).subarray(0, n);
  const x = test.x.gatherRows(idx);
  const y = Int32Array.from(idx, (i) => test.y[i]);

  const dir = mkdtempSync(join(tmpdir(), 'hebb-pgd-bench-'));
  try {
    const p = mlp.parameters;
    const tensors: Record<string, Matrix> = {
      'sh.w': layer.weights,
      'sh.mean': new Matrix(1, units, ro.stats!.mean),
      'sh.std': new Matrix(1, units, ro.stats!.std),
      'sh.w2': ro.classifier.weights,
      'sh.b2': new Matrix(1, 10, ro.classifier.bias),
      'mlp.w1': p.w1,
      'mlp.b1': new Matrix(1, units, p.b1),
      'mlp.w2': p.w2,
      'mlp.b2': new Matrix(1, 10, p.b2),
    };
    if (layer.bias) tensors['sh.b'] = new Matrix(1, units, layer.bias);
    writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(tensors));
    writeFileSync(join(dir, 'x.f32'), x.data);
    writeFileSync(join(dir, 'y.i32'), y);
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const script = join(dirname(fileURLToPath(import.meta.url)), 'pgd_torch.py');
    let worst = -Infinity;
    // Without a random start both attacks follow the same path, up to float rounding: the
    // strict check. With it (the paper's setting) they differ by the draws.
    for (const randomStart of [false, true]) {
      writeFileSync(
        join(dir, 'meta.json'),
        JSON.stringify({ inputs: 784, t, eps, steps, restarts, seed: 0, randomStart, reps }),
      );
      const py = spawnSync(
        python,
        [script, ...['model.safetensors', 'x.f32', 'y.i32', 'meta.json'].map((f) => join(dir, f))],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      if (py.status !== 0) {
        console.error(`PyTorch reference failed: ${(py.stderr || '').trim().split('\n').pop()}`);
        process.exitCode = 1;
        return;
      }
      const ref = py.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as TorchResult);
      console.log(
        `\n${randomStart ? 'random start (the paper’s setting)' : 'no random start (strict check)'}; PyTorch ${ref[0].torch}, best of ${ref[0].threads.join(' and ')} intra-op thread(s) per point`,
      );
      for (const [name, net] of nets) {
        const theirs = ref.find((r) => r.net === name)!;
        console.log(
          `${name}: ε·255 | ours acc | PyTorch acc | ours s | PyTorch s | ours/PyTorch time per sample·step`,
        );
        eps.forEach((e, i) => {
          // The same seeded attack each time: the same result, the best time.
          let secs = Infinity;
          let res!: ReturnType<typeof pgd>;
          for (let k = 0; k < reps; k++) {
            const t0 = performance.now();
            res = pgd(net, x, y, { norm: 'linf', eps: e, steps, restarts, seed: 0, randomStart });
            secs = Math.min(secs, (performance.now() - t0) / 1000);
          }
          const acc = res.robust.reduce((a, b) => a + b, 0) / n;
          const th = theirs.points[i];
          if (!randomStart) worst = Math.max(worst, 100 * (acc - th.accuracy));
          const rate =
            secs / Math.max(res.sampleSteps, 1) / (th.seconds / Math.max(th.sampleSteps, 1));
          console.log(
            `  ${Math.round(e * 255)} | ${(100 * acc).toFixed(1)} % | ${(100 * th.accuracy).toFixed(1)} % | ${secs.toFixed(2)} | ${th.seconds.toFixed(2)} | ${rate.toFixed(2)}×`,
          );
        });
      }
    }
    console.log(
      `\nlargest (ours − PyTorch) accuracy under the deterministic attack: ${worst.toFixed(1)} points (must be ≤ 1: our attack is at least as strong)`,
    );
    if (worst > 1) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
