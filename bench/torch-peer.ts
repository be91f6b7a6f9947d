// What the benches against a PyTorch loop of a SoftHebb rule share: running the peer script,
// the order a fit visits the samples in, and how far two weight matrices are apart.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matrix, type Backend } from '../src/backend/index.ts';
import { epochBatches } from '../src/model/batches.ts';

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const here = dirname(fileURLToPath(import.meta.url));

export interface TorchRun {
  torch: string;
  threads: number;
  /** Whether the run flushed subnormals to zero (peers that offer it). */
  flush?: boolean;
  seconds: number;
  /** The final weights, rows × (what the file holds / rows). */
  w: Matrix;
}

/**
 * Runs bench/<script> with cfg as its JSON argument plus `threads` and `out`, and reads back the
 * weights (rows × …) it wrote to `out` in `dir`.
 */
export function runTorchPeer(
  script: string,
  cfg: Record<string, unknown>,
  threads: number,
  dir: string,
  rows: number,
): TorchRun {
  const out = join(dir, `w_torch_${threads}.bin`);
  const res = spawnSync(python, [join(here, script), JSON.stringify({ ...cfg, threads, out })], {
    encoding: 'utf8',
  });
  if (res.status !== 0)
    throw new Error(
      `PyTorch peer failed (${(res.stderr || res.error?.message || '').trim().split('\n').pop()}); apt-get install python3-torch`,
    );
  const r = JSON.parse(res.stdout.trim().split('\n').pop()!) as Omit<TorchRun, 'w'>;
  const buf = readFileSync(out);
  const n = buf.byteLength / 4 / rows;
  return {
    ...r,
    w: new Matrix(rows, n, new Float32Array(buf.buffer, buf.byteOffset, rows * n).slice()),
  };
}

/**
 * hebb's side of a trainer bench: fits a fresh layer `reps` times, returns the fastest fit's
 * seconds and the last layer's weights.
 */
export function bestFit(
  make: () => { fit(x: Matrix): unknown; readonly weights: Matrix },
  x: Matrix,
  reps: number,
): { seconds: number; w: Matrix } {
  let seconds = Infinity;
  let w: Matrix | null = null;
  for (let r = 0; r < reps; r++) {
    const layer = make();
    const t0 = performance.now();
    layer.fit(x);
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
    w = layer.weights;
  }
  return { seconds, w: w! };
}

/** max|a − b| / max|a|. */
export function relDiff(a: Matrix, b: Matrix): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    d = Math.max(d, Math.abs(a.data[i] - b.data[i]));
    m = Math.max(m, Math.abs(a.data[i]));
  }
  return d / m;
}

/** The sample order a model's fit visits in epoch 0 with seed 0 (its seeded permutation). */
export function fitOrder(n: number, batch: number, be: Backend): Int32Array {
  const out = new Int32Array(n);
  let at = 0;
  for (const b of epochBatches({
    n,
    epochs: 1,
    first: 0,
    batchSize: batch,
    seed: 0,
    shuffle: true,
    backend: be,
  })) {
    out.set(b.rows, at);
    at += b.rows.length;
  }
  return out;
}
