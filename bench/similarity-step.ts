// Per-step cost of the similarity-matching solver on the MNIST structure (stride 2, radius 4,
// tanh, within-site laterals): ms per Euler step for a batch, and the kernels it is made of.
// Usage: node --import tsx bench/similarity-step.ts [nps,...] [B,...]
import { getBackend, Matrix } from '../src/backend/index.ts';
import { mnist, subtractSampleMean, take } from '../src/data/index.ts';
import { mnistNetwork } from '../src/reproduce/similarity/mnist.ts';

const npsList = (process.argv[2] ?? '4,16').split(',').map(Number);
const bList = (process.argv[3] ?? '100,500').split(',').map(Number);
const backend = getBackend();
const { train } = mnist();
const data = subtractSampleMean(take(train, 1500)).x;

// Best of `reps` in ms; HEBB_BENCH_CPU=1 measures process CPU time instead of wall time (steadier
// for single-threaded kernels on a loaded machine; meaningless for threaded ones).
const cpu = process.env.HEBB_BENCH_CPU === '1';
function best(reps: number, f: () => void): number {
  let t = Infinity;
  for (let i = 0; i < reps; i++) {
    const s = cpu ? process.cpuUsage() : performance.now();
    f();
    const e = cpu
      ? (({ user, system }) => (user + system) / 1000)(process.cpuUsage(s as NodeJS.CpuUsage))
      : performance.now() - (s as number);
    t = Math.min(t, e);
  }
  return t;
}

for (const nps of npsList) {
  const net = mnistNetwork({ nps, batchSize: 100, seed: 0, backend });
  net.partialFit(data.sliceRows(0, 500)); // trained laterals
  const s = net.layers[0];
  const N = net.units(0);
  for (const B of bList) {
    const x = data.sliceRows(500, 500 + B);
    const steps = 40;
    const solve = best(3, () => net.solve(x, { maxSteps: steps, tol: 1e-30 }));
    const r = net.solve(x, { maxSteps: 20 }).r[0];
    const out = Matrix.zeros(B, N);
    const lat =
      best(5, () => {
        for (let i = 0; i < 10; i++) backend.localMatmul(s.lat.map, net.L[0].w, r, -1, 0, out);
      }) / 10;
    const u = Matrix.zeros(B, N);
    const rr = Matrix.zeros(B, N);
    const du2 = new Float32Array(B);
    const u2 = new Float32Array(B);
    const eul =
      best(5, () => {
        for (let i = 0; i < 10; i++)
          backend.smEulerStep(u, out, out, rr, 0.1, 'tanh', 0, 0, du2, u2);
      }) / 10;
    const ff = best(3, () => backend.localMatmul(s.ff.map, net.W[0].w, x, 1, 0, out));
    const w = net.W[0].w.slice();
    const outer = best(3, () => backend.localOuter(s.ff.map, r, x, 1e-3, 1, w));
    console.log(
      `NPS ${nps} B ${B}: solve ${(solve / steps).toFixed(3)} ms/step (${((1000 * solve) / steps / B).toFixed(2)} µs/step/sample); ` +
        `lateral ${lat.toFixed(3)} ms, euler ${eul.toFixed(3)} ms; once per batch: ff ${ff.toFixed(2)} ms, outer ${outer.toFixed(2)} ms`,
    );
  }
}
