// Two or more builds of the native addon side by side, kernel by kernel, in one process: e.g.
// the prebuilt one (x86-64 baseline with AVX2/AVX-512 clones) against one compiled with
// -march=native. Rounds alternate between the builds so that a busy machine slows them alike;
// each cell is the median over rounds of the CPU time per call (run with OMP_NUM_THREADS=1 and
// OPENBLAS_NUM_THREADS=1 to compare the kernels' code rather than their threading). Usage:
//   node scripts/prebuild.mjs --march native --out scratch/native.node
//   npm run bench -- addon-builds --addons scratch/native.node,prebuilds/linux-x64/hebb_native.node
//     [--rounds N] [--only <kernel name part>] [--json]
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createAddonKernels } from '../src/backend/addon/kernels.ts';
import type { Addon } from '../src/backend/addon/addon.ts';
import { Matrix, Rng, withChecks, type Backend } from '../src/backend/index.ts';
import { mnist } from '../src/data/mnist.ts';
import { SoftHebb } from '../src/softhebb/index.ts';
import { fmt } from './timing.ts';

// CPU seconds of this process per call (median of at least 3 calls and ~0.2 s): on a machine
// shared with other work, wall time also counts the time the process waited for a core.
function medianCpuSeconds(fn: () => void): number {
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || performance.now() - start < 200) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function random(rng: Rng, rows: number, cols: number, lo = -1, hi = 1): Matrix {
  return new Matrix(rows, cols, rng.uniform(rows * cols, lo, hi));
}

/** name → a closure running one call on a backend (its data made once per backend). */
function cases(b: Backend): Record<string, () => void> {
  const rng = new Rng(1, b);
  const K = 400,
    n = 784;
  const w = random(rng, K, n, -0.05, 0.05);
  const x = (B: number) => random(rng, B, n, 0, 1);
  const step = (B: number) => {
    const xb = x(B);
    const u = new Matrix(B, K);
    b.gemm(false, true, 1, xb, w, 0, u);
    const y = new Matrix(B, K);
    const opts = { inverseTemperature: 50, eta: 1e-5, exact: false };
    return () => b.softHebbSoftStep(w, xb, u, null, opts, y);
  };
  const big = random(rng, 1000, 1000, -4, 4);
  const out = new Matrix(1000, 1000);
  const unary = (op: 'exp' | 'tanh' | 'sigmoid') => () => b.unary(op, big, out);
  const drive = random(rng, 1000, 400);
  const um = random(rng, 1000, 400);
  const rm = new Matrix(1000, 400);
  const du2 = new Float32Array(1000),
    u2 = new Float32Array(1000);
  const images = random(rng, 100, 28 * 28 * 8, 0, 1);
  const geom = { inH: 28, inW: 28, channels: 8, kernelH: 5, kernelW: 5, stride: 1, pad: 2 };
  const cols = new Matrix(100 * 28 * 28, 5 * 5 * 8);
  const pooled = new Matrix(100, 14 * 14 * 8);
  const pool = { ...geom, kernelH: 2, kernelW: 2, stride: 2, pad: 0 };
  const w2k = random(rng, 2000, n, -0.05, 0.05);
  const xo = x(50);
  const eta = new Float32Array(50).fill(1e-4);
  const c = new Matrix(1000, K);
  const xg = x(1000);
  const pa = random(rng, 1000, 1000),
    ga = random(rng, 1000, 1000),
    ma = new Matrix(1000, 1000),
    va = new Matrix(1000, 1000);
  const adam = {
    lr: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    decoupled: false,
    step: 1,
  };
  const q = random(rng, 64 * 32, 128);
  const probs = new Matrix(64 * 4 * 32, 32);
  const att = new Matrix(64 * 32, 128);
  const images10k = mnist().train.x.sliceRows(0, 10000);
  const backend = withChecks(b);
  return {
    'SoftHebb.fit 10k MNIST, 400 units, B=100': () =>
      new SoftHebb({ units: 400, epochs: 1, batchSize: 100, seed: 1, backend }).fit(images10k),
    'softHebbSoftStep B=1000': step(1000),
    'softHebbSoftStep B=100': step(100),
    'softmaxRows 1000×1000': () => b.softmaxRows(big, 50, out),
    'softHebbOnline 50 samples, 2000×784': () =>
      b.softHebbOnline(w2k, xo, null, { inverseTemperature: 50, hard: false, eta, biasRate: null }),
    'smEulerStep tanh 1000×400': () =>
      b.smEulerStep(um, drive, null, rm, 0.1, 'tanh', 0, 0, du2, u2),
    'unary exp 1e6': unary('exp'),
    'unary tanh 1e6': unary('tanh'),
    'unary sigmoid 1e6': unary('sigmoid'),
    'adamUpdate 1e6': () => b.adamUpdate(pa, ga, ma, va, adam),
    'attention 64 seqs × 32 tokens, 4 heads': () => b.attention(q, q, q, 4, 32, 0.177, probs, att),
    'normalizeRows 1000×1000': () => b.normalizeRows(big, out),
    'im2col 100×28×28×8, 5×5': () => b.im2col(images, geom, cols),
    'pool2d max 2×2': () => b.pool2d(images, pool, 'max', pooled),
    'gemm 1000×784 · 784×400 (OpenBLAS)': () => b.gemm(false, true, 1, xg, w, 0, c),
  };
}

export function benchAddonBuilds(args: string[]): void {
  const json = args.includes('--json');
  const i = args.indexOf('--addons');
  if (i < 0) {
    console.error(
      'usage: npm run bench -- addon-builds --addons a.node,b.node [--rounds N] [--only NAME] [--json]',
    );
    process.exit(2);
  }
  const paths = args[i + 1].split(',').map((p) => resolve(p));
  const r = args.indexOf('--rounds');
  const rounds = r < 0 ? 5 : Number(args[r + 1]);
  const o = args.indexOf('--only');
  const only = o < 0 ? '' : args[o + 1];
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE'; // as src/backend/native/index.ts sets it
  const req = createRequire(import.meta.url);
  const runs = paths.map((p) => {
    const all = cases(createAddonKernels(req(p) as Addon, 'native'));
    return Object.fromEntries(Object.entries(all).filter(([name]) => name.includes(only)));
  });
  const times: number[][][] = paths.map(() => Object.keys(runs[0]).map(() => []));
  for (let round = 0; round < rounds; round++) {
    Object.keys(runs[0]).forEach((name, k) => {
      runs.forEach((run, a) => {
        times[a][k].push(medianCpuSeconds(run[name]));
      });
    });
  }
  const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
  if (!json) {
    console.log(
      `CPU ms per call (all threads), median over ${rounds} alternating rounds; ×: build / first build`,
    );
    paths.forEach((p, a) => console.log(`  [${a}] ${p}`));
  }
  Object.keys(runs[0]).forEach((name, k) => {
    const ms = paths.map((_, a) => median(times[a][k]) * 1000);
    if (json) {
      console.log(JSON.stringify({ bench: 'addon-builds', kernel: name, ms, addons: paths }));
    } else {
      const cells = ms.map(
        (m, a) => `${fmt(m, 3).padStart(9)}${a ? ` ×${fmt(m / ms[0], 3)}` : ''}`,
      );
      console.log(`  ${name.padEnd(38)} ${cells.join('  ')}`);
    }
  });
}
