// The SoftHebb paper's backprop baseline (MLP 784–2000–10, ReLU) and its linear read-out (a
// softmax classifier on 2000 features) against the same models in a plain PyTorch loop (Adam,
// lr 1e-3, batch 64), in one run: seconds per epoch, best of --reps for both, PyTorch at its
// default thread count and at one thread per core (the faster counts).
// Usage: npm run bench -- mlp [--quick] [--reps N] [--epochs N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, Matrix, Rng, type Backend } from '../src/backend/index.ts';
import { mnist, take } from '../src/data/index.ts';
import { MlpClassifier, SoftmaxClassifier } from '../src/readout/index.ts';
import { fmt } from './timing.ts';

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const here = dirname(fileURLToPath(import.meta.url));

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a whole number ≥ 1`);
  return v;
}

interface Peer {
  torch: string;
  threads: number;
  seconds: number;
  accuracy: number;
}

function torchRun(cfg: Record<string, unknown>, threads: number): Peer {
  const res = spawnSync(python, [join(here, 'mlp_torch.py'), JSON.stringify({ ...cfg, threads })], {
    encoding: 'utf8',
  });
  if (res.status !== 0)
    throw new Error(
      `PyTorch peer failed (${(res.stderr || res.error?.message || '').trim().split('\n').pop()}); apt-get install python3-torch`,
    );
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as Peer;
}

/** Random ReLU features of the images: the linear read-out's input at its real width. */
function features(be: Backend, x: Matrix, w: Matrix): Matrix {
  const h = new Matrix(x.rows, w.rows);
  be.gemm(false, true, 1, x, w, 0, h);
  be.unary('relu', h, h);
  return h;
}

export function benchMlp(args: string[]): void {
  const quick = args.includes('--quick');
  const reps = arg(args, '--reps', 2);
  const epochs = arg(args, '--epochs', 1);
  const be = getBackend();
  const cores = availableParallelism();
  const data = mnist();
  const train = quick ? take(data.train, 10000) : data.train;
  const w0 = new Matrix(2000, 784, new Rng(5, be).normal(2000 * 784, 0, 1 / 28));
  const sets = {
    mlp: { x: train.x, tx: data.test.x },
    linear: { x: features(be, train.x, w0), tx: features(be, data.test.x, w0) },
  };
  console.log(
    `MNIST, ${train.x.rows} training images, Adam lr 1e-3, batch 64, ${epochs} epoch(s); backend ${be.name} (${be.info().blas ?? ''}, ${be.info().threads} threads); best of ${reps}.`,
  );
  console.log(
    'model                        hebb s/epoch   torch s/epoch (threads)   hebb/torch (target)   test acc hebb / torch',
  );
  const dir = mkdtempSync(join(tmpdir(), 'hebb-bench-mlp-'));
  try {
    writeFileSync(join(dir, 'y.bin'), train.y);
    writeFileSync(join(dir, 'ty.bin'), data.test.y);
    for (const [name, set] of Object.entries(sets)) {
      writeFileSync(join(dir, 'x.bin'), set.x.data);
      writeFileSync(join(dir, 'tx.bin'), set.tx.data);
      const make = () =>
        name === 'mlp'
          ? new MlpClassifier({ hidden: 2000, epochs, lr: 1e-3, seed: 0, classes: 10, backend: be })
          : new SoftmaxClassifier({ epochs, lr: 1e-3, seed: 0, classes: 10, backend: be });
      let ours = Infinity;
      let acc = 0;
      for (let r = 0; r < reps; r++) {
        const m = make();
        const t0 = performance.now();
        m.fit(set.x, train.y);
        ours = Math.min(ours, (performance.now() - t0) / 1000 / epochs);
        acc = m.score(set.tx, data.test.y);
      }
      const cfg = {
        x: join(dir, 'x.bin'),
        y: join(dir, 'y.bin'),
        tx: join(dir, 'tx.bin'),
        ty: join(dir, 'ty.bin'),
        samples: set.x.rows,
        tests: set.tx.rows,
        inputs: set.x.cols,
        hidden: name === 'mlp' ? 2000 : 0,
        classes: 10,
        batch: 64,
        epochs,
        reps,
      };
      const runs = [0, cores].map((th) => torchRun(cfg, th));
      const best = runs.reduce((p, q) => (q.seconds < p.seconds ? q : p));
      const ratio = ours / best.seconds;
      const label = name === 'mlp' ? 'MLP 784–2000–10 (ReLU)' : 'linear, 2000 features → 10';
      console.log(
        `${label.padEnd(29)}${fmt(ours, 2).padStart(12)}${`${fmt(best.seconds, 2)} (${best.threads})`.padStart(26)}` +
          `${`${fmt(ratio, 3)} (≤ 1) ${ratio <= 1 ? 'ok' : 'MISSED'}`.padStart(22)}${`${fmt(100 * acc, 2)} / ${fmt(100 * best.accuracy, 2)} %`.padStart(24)}`,
      );
      console.log(
        `         PyTorch ${best.torch}: ${runs.map((r, i) => `${fmt(r.seconds, 2)} s on ${r.threads} thread(s)${i === 0 ? ' (its default)' : ''}`).join(', ')}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
