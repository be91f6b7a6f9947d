// GEMM and fused-update benchmark: ours (native, wasm, ts) against NumPy's OpenBLAS, measured
// in the same run on the same machine. Usage: npm run bench -- gemm [--backends native,wasm,ts]
// [--json] [--quick]; the wasm row uses HEBB_WASM_THREADS threads (default: every core here)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableBackends, getBackend, Matrix, Rng, type Backend } from '../src/backend/index.ts';
import { wasmWorkersReady } from '../src/backend/wasm/register.ts';
import { fmt, medianSeconds } from './timing.ts';

// [m, k, n]: C (m×n) = A (m×k) · B (k×n). The first is a 1000-sample batch through 784→2000.
// [m, k, n, 1]: C = A · Bᵀ with B stored n×k, as a layer's forward pass reads its weights. The
// few-row shapes are a handful of samples through the layer (forward) and back (g · W); the last
// two a batch through a 10-class read-out and back.
type Shape = [number, number, number] | [number, number, number, 1];
const SHAPES: Shape[] = [
  [1000, 784, 2000],
  [100, 784, 2000],
  [2048, 2048, 2048],
  [1, 784, 2000, 1],
  [1, 2000, 784],
  [8, 784, 2000, 1],
  [16, 784, 2000, 1],
  [4, 2000, 784],
  [8, 2000, 784],
  [1000, 2000, 10, 1],
  [1000, 10, 2000],
];

// A gradient back through a ReLU layer of 2000 units into 784 inputs, 31 % nonzero (a trained
// MNIST MLP's share): gemmSparseA against gemm on the same operands, and NumPy's dense product.
const SPARSE_SHAPES: [number, number, number][] = [
  [1000, 2000, 784],
  [100, 2000, 784],
];
const SPARSE_DENSITY = 0.31;

const label = ([m, k, n, t]: Shape) => `${m}×${k}·${t ? `(${n}×${k})ᵀ` : `${k}×${n}`}`;

let numpyInfo = 'numpy not found';

function numpyTimes(shapes: Shape[], minSeconds: number): Map<string, number> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'numpy_gemm.py');
  // Debian's python3-numpy (/usr/bin/python3) links the system OpenBLAS, the same library as ours.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const res = spawnSync(python, [script, JSON.stringify(shapes), String(minSeconds)], {
    encoding: 'utf8',
  });
  const out = new Map<string, number>();
  if (res.status !== 0) {
    console.error(
      `numpy reference unavailable (${(res.stderr || res.error?.message || '').trim().split('\n').pop()}); apt-get install python3-numpy`,
    );
    return out;
  }
  for (const line of res.stdout.trim().split('\n')) {
    const r = JSON.parse(line) as {
      shape?: number[];
      seconds?: number;
      numpy?: string;
      blas_libraries?: string[];
    };
    if (r.shape && r.seconds) out.set(r.shape.join('x'), r.seconds);
    else if (r.numpy)
      numpyInfo = `numpy ${r.numpy} (${python}) with ${r.blas_libraries?.join(', ') || 'unknown BLAS'}`;
  }
  return out;
}

function gemmSeconds(be: Backend, [m, k, n, t]: Shape, minSeconds: number): number {
  const rng = new Rng(0, be);
  const a = new Matrix(m, k, rng.normal(m * k));
  const b = t ? new Matrix(n, k, rng.normal(k * n)) : new Matrix(k, n, rng.normal(k * n));
  const c = Matrix.zeros(m, n);
  const slow = be.name === 'ts' && m * k * n > 4e9;
  return medianSeconds(() => be.gemm(false, !!t, 1, a, b, 0, c), {
    minSeconds,
    minReps: slow ? 1 : 3,
  });
}

/** The SoftHebb update as separate kernel calls, materialising YᵀX and diag(c)W. */
function unfusedUpdate(
  be: Backend,
  w: Matrix,
  x: Matrix,
  y: Matrix,
  u: Matrix,
  eta: number,
  tmp: Matrix,
  tmp2: Matrix,
  yu: Matrix,
  c: Float32Array,
): void {
  be.gemm(true, false, 1, y, x, 0, tmp);
  be.binary('mul', y, u, yu);
  be.sum(yu, 0, c);
  tmp2.data.set(w.data);
  be.scaleRows(tmp2, c);
  be.binary('sub', tmp, tmp2, tmp);
  be.axpy(eta, tmp, w);
}

function fusedRows(be: Backend, minSeconds: number) {
  const K = 2000;
  const n = 784;
  const rows = [];
  for (const B of [1, 100, 1000]) {
    const rng = new Rng(1, be);
    const w = new Matrix(K, n, rng.uniform(K * n, 0, 0.05));
    const x = new Matrix(B, n, rng.uniform(B * n));
    const u = Matrix.zeros(B, K);
    be.gemm(false, true, 1, x, w, 0, u);
    const y = Matrix.zeros(B, K);
    be.softmaxRows(u, 10, y);
    const tmp = Matrix.zeros(K, n);
    const tmp2 = Matrix.zeros(K, n);
    const yu = Matrix.zeros(B, K);
    const c = new Float32Array(K);
    // Tiny rate so W stays bounded over many repetitions.
    const fused = medianSeconds(() => be.softHebbUpdate(w, x, y, u, 1e-6), { minSeconds });
    const unfused = medianSeconds(() => unfusedUpdate(be, w, x, y, u, 1e-6, tmp, tmp2, yu, c), {
      minSeconds,
    });
    rows.push({
      kernel: 'softHebbUpdate',
      backend: be.name,
      batch: B,
      units: K,
      inputs: n,
      fused_ms: fused * 1e3,
      unfused_ms: unfused * 1e3,
      ratio_fused_unfused: fused / unfused,
    });
  }
  return rows;
}

/** gemmSparseA and gemm on one A with SPARSE_DENSITY of its entries nonzero. */
function sparseRows(be: Backend, [m, k, n]: [number, number, number], minSeconds: number) {
  const rng = new Rng(2, be);
  const a = new Matrix(m, k, rng.normal(m * k));
  const keep = rng.uniform(m * k);
  for (let i = 0; i < a.data.length; i++) if (keep[i] >= SPARSE_DENSITY) a.data[i] = 0;
  const b = new Matrix(k, n, rng.normal(k * n));
  const c = Matrix.zeros(m, n);
  const reps = { minSeconds, minReps: be.name === 'ts' ? 1 : 3 };
  return {
    sparse: medianSeconds(() => be.gemmSparseA(1, a, b, 0, c), reps),
    dense: medianSeconds(() => be.gemm(false, false, 1, a, b, 0, c), reps),
  };
}

/** The backends to measure: --backends a,b (each must load here), else every available one. */
export function backendsArg(args: string[]): string[] {
  const i = args.indexOf('--backends');
  if (i < 0) return availableBackends();
  const names = (args[i + 1] ?? '').split(',').filter(Boolean);
  for (const n of names) getBackend(n); // a clear error when one cannot run here
  return names;
}

export async function benchGemm(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const minSeconds = quick ? 0.2 : 1;
  const names = backendsArg(args);
  // the wasm GEMM's workers start in the background: time it with all of them
  if (names.includes('wasm')) await wasmWorkersReady();
  const np = numpyTimes([...SHAPES, ...SPARSE_SHAPES], minSeconds);
  if (!json) {
    console.log('GEMM, float32, C = A·B (or A·Bᵀ), median of repeated runs.');
    for (const n of names) {
      const i = getBackend(n).info();
      console.log(`  ${n}: ${i.blas}, ${i.threads} thread${i.threads === 1 ? '' : 's'}`);
    }
    console.log(`reference: ${numpyInfo}`);
    const ratios = names.filter((n) => n !== 'ts' && names.includes('ts')).map((n) => `${n}/ts`);
    console.log(
      `${'shape (m×k·k×n)'.padEnd(26)}${names.map((n) => `${n} GFLOPS`.padStart(15)).join('')}${'numpy GFLOPS'.padStart(15)}${ratios.map((r) => r.padStart(11)).join('')}`,
    );
  }
  for (const shape of SHAPES) {
    const flops = 2 * shape[0] * shape[1] * shape[2];
    const gflops: Record<string, number> = {};
    for (const n of names) {
      const t = gemmSeconds(getBackend(n), shape, n === 'ts' && quick ? 0 : minSeconds);
      gflops[n] = flops / t / 1e9;
    }
    const npSec = np.get(shape.join('x'));
    const npg = npSec ? flops / npSec / 1e9 : NaN;
    const row: Record<string, number | string> = { shape: shape.join('x') };
    for (const n of names) row[`${n}_gflops`] = gflops[n];
    row.numpy_gflops = npg;
    if ('native' in gflops) row.ratio_native_numpy = gflops.native / npg;
    const over = names.filter((n) => n !== 'ts' && 'ts' in gflops);
    for (const n of over) row[`ratio_${n}_ts`] = gflops[n] / gflops.ts;
    if (json) console.log(JSON.stringify(row));
    else
      console.log(
        `${label(shape).padEnd(26)}${names.map((n) => fmt(gflops[n], n === 'ts' ? 2 : 1).padStart(15)).join('')}${fmt(npg, 1).padStart(15)}${over.map((n) => `${fmt(gflops[n] / gflops.ts, 1)}×`.padStart(11)).join('')}`,
      );
  }
  if (!json)
    console.log(
      '\nFused SoftHebb update W += η(YᵀX − diag(ΣY∘U)W), 784→2000, vs the same update as separate kernel calls',
    );
  if (!json)
    console.log(
      `\nA ReLU gradient (${SPARSE_DENSITY * 100} % nonzero) back through 2000→784: gemmSparseA, gemm on the same A, NumPy's dense product`,
    );
  for (const shape of SPARSE_SHAPES) {
    const npSec = np.get(shape.join('x')) ?? NaN;
    for (const name of names) {
      const r = sparseRows(getBackend(name), shape, name === 'ts' ? 0 : minSeconds);
      const row = {
        kernel: 'gemmSparseA',
        backend: name,
        shape: shape.join('x'),
        sparse_ms: r.sparse * 1e3,
        dense_ms: r.dense * 1e3,
        numpy_ms: npSec * 1e3,
        ratio_sparse_numpy: r.sparse / npSec,
      };
      if (json) console.log(JSON.stringify(row));
      else
        console.log(
          `  ${name.padEnd(7)} ${label(shape).padEnd(18)}: gemmSparseA ${fmt(row.sparse_ms, 2)} ms, gemm ${fmt(row.dense_ms, 2)} ms, NumPy ${fmt(row.numpy_ms, 2)} ms, gemmSparseA/NumPy ${fmt(row.ratio_sparse_numpy, 2)}`,
        );
    }
  }
  for (const name of names) {
    for (const r of fusedRows(getBackend(name), name === 'ts' ? 0.2 : minSeconds)) {
      if (json) console.log(JSON.stringify(r));
      else
        console.log(
          `  ${r.backend.padEnd(7)} batch ${String(r.batch).padStart(4)}: fused ${fmt(r.fused_ms, 3)} ms, separate ${fmt(r.unfused_ms, 3)} ms, fused/separate ${fmt(r.ratio_fused_unfused, 3)}`,
        );
    }
  }
}
