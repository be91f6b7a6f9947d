// SoftHebb training throughput, ours against PyTorch running the same rule in the same run.
// Usage: npm run bench -- softhebb [--json] [--quick]
//
// Rule: paper Eq. 8 without bias, 784 → 2000 units, unit-norm inputs, constant rate, softmax at
// inverse temperature T. Both sides start from the same W and see the same random positive
// inputs in the same order; batch 1 is online learning (one update per sample), batch 100 and
// 1000 sum the per-sample updates over the batch. Times are medians over chunks of a single
// pass (a busy machine slows some chunks; the median ignores them), after a warm-up on a copy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  availableBackends,
  getBackend,
  Matrix,
  backendUnavailableReason,
  Rng,
  type Backend,
} from '../src/backend/index.ts';
import { SoftHebb } from '../src/softhebb/index.ts';
import { fmt, medianSeconds } from './timing.ts';

const K = 2000;
const N_IN = 784;
const T = 50; // the layer's default inverse temperature
const LR = 2e-4; // small enough that a batch of 1000 does not overshoot (η·Σ_b y·u < 1)
const FLOPS_PER_SAMPLE = 4 * K * N_IN; // forward GEMM + update GEMM
const TS_FULL_LIMIT_S = 30; // run the portable backend over all samples only below this
const TS_BUDGET_S = 8; // otherwise time it on as many chunks as fit in this

interface Case {
  batch: number;
  samples: number;
  chunk: number;
  /** PyTorch stops after this many seconds (whole chunks); ours then runs the samples it did. */
  budget: number;
}

interface Pass {
  perSample: number; // median over chunks, seconds
  minPerSample: number;
  samples: number;
  w: Matrix | null; // final weights when the whole pass ran
}

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const here = dirname(fileURLToPath(import.meta.url));

function summarise(chunks: [number, number][], w: Matrix | null): Pass {
  const per = chunks.map(([s, m]) => s / m).sort((a, b) => a - b);
  return {
    perSample: per[Math.floor(per.length / 2)],
    minPerSample: per[0],
    samples: chunks.reduce((a, [, m]) => a + m, 0),
    w,
  };
}

function torchPass(c: Case, threads: number, dir: string): Pass & { version: string } {
  const out = join(dir, `w_torch_${c.batch}.bin`);
  const cfg = {
    ...{ w: join(dir, 'w0.bin'), x: join(dir, 'x.bin'), out, units: K, inputs: N_IN },
    ...{ samples: c.samples, batch: c.batch, t: T, lr: LR, threads, chunk: c.chunk },
    warmup: c.chunk,
    budget: c.budget,
  };
  const res = spawnSync(python, [join(here, 'softhebb_torch.py'), JSON.stringify(cfg)], {
    encoding: 'utf8',
  });
  if (res.status !== 0)
    throw new Error(
      `PyTorch reference failed (${(res.stderr || res.error?.message || '').trim().split('\n').pop()}); apt-get install python3-torch`,
    );
  const r = JSON.parse(res.stdout.trim().split('\n').pop()!) as {
    torch: string;
    chunks: [number, number][];
  };
  const buf = readFileSync(out);
  const w = new Matrix(K, N_IN, new Float32Array(buf.buffer, buf.byteOffset, K * N_IN).slice());
  return { ...summarise(r.chunks, w), version: r.torch };
}

/**
 * Our layer over the samples in chunks. When the first chunk projects a full pass above
 * fullLimitS (the portable backend), stops after budgetS and reports the chunks done.
 */
function hebbPass(
  be: Backend,
  c: Case,
  w0: Matrix,
  x: Matrix,
  { warmup = c.chunk, fullLimitS = Infinity, budgetS = Infinity } = {},
): Pass {
  // Eq. 8 summed over the batch (Euler), as the PyTorch side computes it.
  const make = () =>
    new SoftHebb({
      units: K,
      inverseTemperature: T,
      bias: false,
      lr: LR,
      integrator: 'euler',
      normalizeInput: true,
      initialWeights: w0,
      batchSize: c.batch,
      backend: be,
    });
  const train = (layer: SoftHebb, s: number, m: number) => layer.partialFit(x.sliceRows(s, s + m));
  train(make(), 0, Math.min(warmup, c.samples)); // warm-up on a throw-away layer
  const layer = make().initialize(N_IN);
  const chunks: [number, number][] = [];
  const start = performance.now();
  for (let s = 0; s < c.samples; s += c.chunk) {
    const m = Math.min(c.chunk, c.samples - s);
    const t0 = performance.now();
    train(layer, s, m);
    chunks.push([(performance.now() - t0) / 1000, m]);
    if (chunks.length === 1 && (chunks[0][0] / m) * c.samples < fullLimitS) budgetS = Infinity;
    if ((performance.now() - start) / 1000 > budgetS) break;
  }
  const whole = chunks.reduce((a, [, m]) => a + m, 0) === c.samples;
  return summarise(chunks, whole ? layer.weights : null);
}

function maxDiff(a: Matrix, b: Matrix): { abs: number; rel: number } {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    d = Math.max(d, Math.abs(a.data[i] - b.data[i]));
    m = Math.max(m, Math.abs(a.data[i]));
  }
  return { abs: d, rel: d / m };
}

/** Fraction of posterior entries that are exactly 0 in float32 (the online kernel skips those rows). */
function zeroPosteriors(be: Backend, w: Matrix, x: Matrix): number {
  const xs = new Matrix(x.rows, x.cols);
  be.normalizeRows(x, xs);
  const u = new Matrix(x.rows, K);
  be.gemm(false, true, 1, xs, w, 0, u);
  be.softmaxRows(u, T, u);
  let z = 0;
  for (const v of u.data) if (v === 0) z++;
  return z / u.data.length;
}

export function benchSoftHebb(args: string[]): void {
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  if (!availableBackends().includes('native'))
    throw new Error(
      `softhebb bench: the native backend is unavailable (${backendUnavailableReason('native')}); run npm run build:native`,
    );
  const nat = getBackend('native');
  const ts = getBackend('ts');
  const threads = nat.info().threads;
  const cases: Case[] = quick
    ? [
        { batch: 1, samples: 500, chunk: 50, budget: 15 },
        { batch: 100, samples: 5000, chunk: 500, budget: 10 },
        { batch: 1000, samples: 5000, chunk: 1000, budget: 10 },
      ]
    : [
        { batch: 1, samples: 2000, chunk: 100, budget: 40 },
        { batch: 100, samples: 20000, chunk: 1000, budget: 30 },
        { batch: 1000, samples: 20000, chunk: 1000, budget: 30 },
      ];
  const loadStart = loadavg();

  // Same-run references: GEMM peak (a 1000-sample forward pass) and memory bandwidth (a large
  // copy through the backend, bytes read + written; and a copy of a W-sized array, ~12.5 MB
  // in + out, which stays in the 32 MB L3 here: the floor for one read + one write of W).
  const rng = new Rng(7, nat);
  const ga = new Matrix(1000, N_IN, rng.normal(1000 * N_IN));
  const gb = new Matrix(N_IN, K, rng.normal(N_IN * K));
  const gc = Matrix.zeros(1000, K);
  const gemmS = medianSeconds(() => nat.gemm(false, false, 1, ga, gb, 0, gc), {
    minSeconds: 1,
    minReps: 5,
  });
  const peakGflops = (2 * 1000 * N_IN * K) / gemmS / 1e9;
  const big = (quick ? 16 : 32) << 20;
  const ba = new Matrix(big / 1024, 1024, rng.uniform(big));
  const bb = Matrix.zeros(big / 1024, 1024);
  const copyBigS = medianSeconds(() => nat.unary('copy', ba, bb), { minSeconds: 1, minReps: 5 });
  const dramGBs = (2 * 4 * big) / copyBigS / 1e9;
  const wBytes = 4 * K * N_IN;
  const wa = new Matrix(K, N_IN, rng.uniform(K * N_IN));
  const wb = Matrix.zeros(K, N_IN);
  const copyWS = medianSeconds(() => nat.unary('copy', wa, wb), { minSeconds: 1, minReps: 20 });

  // Shared data: initial W (positive uniform rows of norm 3, the layer's default init) and inputs.
  const dir = mkdtempSync(join(tmpdir(), 'hebb-bench-softhebb-'));
  try {
    const w0 = new Matrix(K, N_IN, rng.uniform(K * N_IN));
    nat.normalizeRows(w0, w0);
    nat.scale(3, w0);
    const nMax = Math.max(...cases.map((c) => c.samples));
    const x = new Matrix(nMax, N_IN, rng.uniform(nMax * N_IN));
    writeFileSync(join(dir, 'w0.bin'), w0.data);
    writeFileSync(join(dir, 'x.bin'), x.data);
    const zeros0 = zeroPosteriors(nat, w0, x.sliceRows(0, 100));

    if (!json) {
      console.log(
        `SoftHebb Eq. 8 (no bias), ${N_IN}→${K}, inverse temperature ${T}, lr ${LR}, random positive unit-norm inputs, float32.`,
      );
      console.log(
        `native: ${nat.info().blas}, ${threads} threads; PyTorch on ${threads} threads (${python}). Load average at start: ${loadStart.map((v) => v.toFixed(2)).join(' ')}`,
      );
      console.log(
        `native GEMM peak (1000×784·784×2000): ${fmt(peakGflops, 1)} GFLOPS; copy bandwidth (${(8 * big) >> 20} MB in+out): ${fmt(dramGBs, 1)} GB/s; copy of a W-sized array (${fmt(wBytes / 1e6, 2)} MB in, same out; cache-resident): ${fmt(copyWS * 1e3, 3)} ms`,
      );
      console.log(`posterior entries exactly 0 at the initial W: ${fmt(100 * zeros0, 1)} %`);
      console.log(
        'Times per sample (median over chunks of one pass); GFLOPS count 4·K·n per sample.',
      );
      console.log(
        'batch  samples   torch ms   native ms       ts ms   native/torch (target)   native GFLOPS (% peak)   torch GFLOPS   max|W_torch−W_native| (rel)   load 1m',
      );
    }
    for (const requested of cases) {
      const tp = torchPass(requested, threads, dir);
      const c = { ...requested, samples: tp.samples };
      const np = hebbPass(nat, c, w0, x);
      let tsp: Pass | null = null;
      if (c.batch >= 100)
        tsp = hebbPass(ts, c, w0, x, {
          warmup: c.batch,
          fullLimitS: TS_FULL_LIMIT_S,
          budgetS: TS_BUDGET_S,
        });
      const ratio = np.perSample / tp.perSample;
      const target = c.batch === 1 ? 0.1 : 0.8;
      const gflops = FLOPS_PER_SAMPLE / np.perSample / 1e9;
      const torchGflops = FLOPS_PER_SAMPLE / tp.perSample / 1e9;
      const diff = maxDiff(tp.w!, np.w!);
      const tsDiff = tsp?.w ? maxDiff(tp.w!, tsp.w) : null;
      const row = {
        batch: c.batch,
        samples: c.samples,
        torch_ms_per_sample: tp.perSample * 1e3,
        native_ms_per_sample: np.perSample * 1e3,
        native_min_ms_per_sample: np.minPerSample * 1e3,
        torch_min_ms_per_sample: tp.minPerSample * 1e3,
        ts_ms_per_sample: tsp ? tsp.perSample * 1e3 : null,
        ts_samples: tsp ? tsp.samples : null,
        ratio_native_torch: ratio,
        ratio_ts_torch: tsp ? tsp.perSample / tp.perSample : null,
        target_ratio: target,
        meets_target: ratio <= target,
        native_gflops: gflops,
        torch_gflops: torchGflops,
        gemm_peak_gflops: peakGflops,
        native_fraction_of_peak: gflops / peakGflops,
        max_abs_diff_w: diff.abs,
        max_rel_diff_w: diff.rel,
        ts_max_rel_diff_w: tsDiff ? tsDiff.rel : null,
        ...(c.batch === 1
          ? {
              w_bytes: wBytes,
              copy_bandwidth_gbs: dramGBs,
              w_copy_ms: copyWS * 1e3,
              native_over_w_copy: np.perSample / copyWS,
              native_over_w_dram: np.perSample / ((2 * wBytes) / (dramGBs * 1e9)),
              zero_posteriors_initial: zeros0,
              zero_posteriors_final: zeroPosteriors(nat, np.w!, x.sliceRows(0, 100)),
            }
          : {}),
        threads,
        torch: tp.version,
        load_average: loadavg(),
      };
      if (json) {
        console.log(JSON.stringify(row));
        continue;
      }
      const tsCell = tsp
        ? `${fmt(tsp.perSample * 1e3, 3)}${tsp.samples < c.samples ? `*` : ''}`
        : '—';
      console.log(
        `${String(c.batch).padStart(5)}${String(c.samples).padStart(9)}${fmt(tp.perSample * 1e3, 4).padStart(11)}${fmt(np.perSample * 1e3, 4).padStart(12)}${tsCell.padStart(12)}` +
          `${`${fmt(ratio, 3)} (≤ ${target}) ${ratio <= target ? 'ok' : 'MISSED'}`.padStart(25)}` +
          `${`${fmt(gflops, 1)} (${fmt((100 * gflops) / peakGflops, 0)} %)`.padStart(25)}${fmt(torchGflops, 1).padStart(15)}` +
          `${`${diff.abs.toExponential(2)} (${diff.rel.toExponential(2)})`.padStart(30)}${loadavg()[0].toFixed(2).padStart(9)}`,
      );
      if (tsp && tsp.samples < c.samples)
        console.log(
          `         * ts timed on the first ${tsp.samples} samples (a full pass would take > ${TS_FULL_LIMIT_S} s)`,
        );
      if (tsDiff)
        console.log(`         ts vs torch: max|ΔW| relative ${tsDiff.rel.toExponential(2)}`);
      if (c.batch === 1)
        console.log(
          `         batch 1: native ${fmt(np.perSample * 1e3, 3)} ms/sample = ${fmt(row.native_over_w_copy!, 2)}× a copy of W in cache (${fmt(copyWS * 1e3, 3)} ms), ` +
            `${fmt(row.native_over_w_dram!, 2)}× reading + writing W at the large-copy bandwidth (${fmt(((2 * wBytes) / (dramGBs * 1e9)) * 1e3, 3)} ms); ` +
            `posteriors exactly 0 after training: ${fmt(100 * row.zero_posteriors_final!, 1)} %`,
        );
    }
    if (!json)
      console.log(
        `Load average at end: ${loadavg()
          .map((v) => v.toFixed(2))
          .join(' ')}`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
