// Similarity-matching dynamics benchmark: our batched block-sparse solver against a NumPy
// per-sample Euler loop (what the authors' code does) on the same MNIST structure, weights and
// inputs, measured in the same run, at NPS 8, 16 and 100. Both stop each sample by the same
// rule (‖Δu‖ ≤ tol·‖u‖), so the steps per sample must agree. Prints the speed ratio (target
// ≥ 10×) and the largest difference between the fixed points.
// Usage: npm run bench -- similarity [--quick] [--nps 8,16,100]
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, Matrix } from '../src/backend/index.ts';
import { mnist, subtractSampleMean, take } from '../src/data/index.ts';
import { mnistNetwork } from '../src/reproduce/similarity/mnist.ts';
import { denseWeights } from '../src/similarity/index.ts';

export function benchSimilarity(args: string[]): void {
  const quick = args.includes('--quick');
  const at = args.indexOf('--nps');
  const list = at >= 0 ? args[at + 1].split(',').map(Number) : quick ? [8] : [8, 16, 100];
  const backend = getBackend();
  const { train, test } = mnist();
  const tr = subtractSampleMean(take(train, quick ? 500 : 2000));
  for (const nps of list) {
    // NumPy's dense per-sample loop costs N² per step: fewer images at large NPS.
    const nNumpy = quick ? 20 : nps >= 64 ? 10 : nps >= 16 ? 50 : 200;
    benchOne(nps, nNumpy, quick, tr.x, subtractSampleMean(take(test, nNumpy)).x, backend);
    if (process.exitCode) return;
  }
}

function benchOne(
  nps: number,
  nNumpy: number,
  quick: boolean,
  trainX: Matrix,
  x: Matrix,
  backend: ReturnType<typeof getBackend>,
): void {
  const net = mnistNetwork({ nps, batchSize: 100, seed: 0, backend });
  net.partialFit(trainX); // trained weights, so the laterals matter
  const N = net.units(0);
  console.log(
    `\nMNIST locally connected layer: NPS ${nps}, ${N} neurons, stride 2, radius 4, tanh; ` +
      `${net.W[0].w.length + net.L[0].w.length} synapses (dense would be ${N * 784 + N * N}); backend ${backend.name}`,
  );

  const script = join(dirname(fileURLToPath(import.meta.url)), 'similarity_numpy.py');
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const f32 = (m: Matrix | Float32Array) => {
    const a = m instanceof Matrix ? m.data : m;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  };
  const Wd = f32(denseWeights(net, 0, 'W'));
  // The dense lateral matrix NumPy's loop uses, written site by site: at NPS 100 it is
  // 19 600² floats (1.5 GB), more than denseWeights builds in memory.
  const writeDenseL = (path: string) => {
    const { map } = net.layers[0].lat;
    const n = map.unitsPerSite;
    const fd = openSync(path, 'w');
    try {
      for (let s = 0; s < map.sites; s++) {
        const rows = new Float32Array(n * N);
        const o0 = map.offsets[s];
        const P = map.offsets[s + 1] - o0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < P; j++)
            rows[i * N + map.indices[o0 + j]] += net.L[0].w[n * o0 + i * P + j];
        writeSync(fd, rows);
      }
    } finally {
      closeSync(fd);
    }
  };

  // The fixed point itself, to judge both solvers' stopping points: the same dynamics run with a
  // far tighter tolerance (the relative-step rule stops early along slow modes).
  const exact = net.solve(x, { tol: 1e-9, maxSteps: 60000 });
  const maxAbs = (a: Float32Array, b: Float32Array) => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };
  console.log(
    `reference fixed points: tol 1e-9, ${exact.steps} steps (${exact.converged ? 'converged' : 'step cap'})`,
  );

  function pair(xs: Matrix, tol: number): void {
    const ex = exact.r[0].data.subarray(0, xs.rows * N);
    // Ours: the whole batch at once (per-sample convergence test; the batch stops when all converged).
    let ours = Infinity;
    let res = net.solve(xs, { tol });
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      const t = performance.now();
      res = net.solve(xs, { tol });
      ours = Math.min(ours, (performance.now() - t) / 1000);
    }
    const dir = mkdtempSync(join(tmpdir(), 'hebb-sm-bench-'));
    try {
      writeFileSync(join(dir, 'W.f32'), Wd);
      writeDenseL(join(dir, 'L.f32'));
      writeFileSync(join(dir, 'X.f32'), f32(xs));
      writeFileSync(
        join(dir, 'meta.json'),
        JSON.stringify({ N, K: 784, n: xs.rows, tol, maxSteps: net.solver.maxSteps }),
      );
      const py = spawnSync(python, [script, dir], { encoding: 'utf8' });
      if (py.status !== 0) {
        console.error(`numpy reference failed: ${(py.stderr || '').trim().split('\n').pop()}`);
        process.exitCode = 1;
        return;
      }
      const ref = JSON.parse(py.stdout.trim().split('\n').pop()!) as {
        seconds: number;
        steps: number;
        sampleSteps: number[];
        numpy: string;
      };
      const R = new Float32Array(readFileSync(join(dir, 'R.f32')).buffer.slice(0));
      const maxDiff = maxAbs(R, res.r[0].data);
      const [perOurs, perNumpy] = [ours / xs.rows, ref.seconds / xs.rows];
      console.log(
        `\n${xs.rows} test images, tol ${tol} (‖Δu‖ ≤ tol·‖u‖ per sample), same inputs and weights:`,
      );
      console.log(
        `  numpy ${ref.numpy} per-sample loop (dense masked W, L): ${(perNumpy * 1e3).toFixed(2)} ms/sample, ` +
          `${(ref.steps / xs.rows).toFixed(0)} Euler steps/sample`,
      );
      const mean = res.sampleSteps.reduce((a, b) => a + b, 0) / xs.rows;
      console.log(
        `  ours, batched block-sparse, the same per-sample stopping rule: ${(perOurs * 1e3).toFixed(2)} ms/sample, ` +
          `${mean.toFixed(0)} Euler steps/sample (slowest ${res.steps}); samples stopping at numpy's step: ` +
          `${ref.sampleSteps.filter((k, i) => k === res.sampleSteps[i]).length}/${xs.rows}`,
      );
      console.log(
        `  speed ratio (numpy / ours) at NPS ${nps}: ${(perNumpy / perOurs).toFixed(1)}× (target ≥ 10×)`,
      );
      console.log(`  max |r_ours − r_numpy| over all fixed points: ${maxDiff.toExponential(2)}`);
      console.log(
        `  distance to the tol-1e-9 fixed point, max over entries: ours ${maxAbs(res.r[0].data, ex).toExponential(2)}, ` +
          `numpy ${maxAbs(R, ex).toExponential(2)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  pair(x, net.solver.tol);
  if (nps <= 16) pair(x.sliceRows(0, Math.min(10, x.rows)), 1e-6);
}
