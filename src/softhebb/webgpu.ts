// SoftHebb on a WebGPU device: the batched soft-WTA rule of Eq. 8 with every matrix resident
// on the device (the data once, the weights once, each batch's indices), five kernels per
// batch (gather, U = X·Wᵀ, posteriors, per-unit rates, the decayed update), and one read-back
// at the end. It follows SoftHebb.fit step for step — the same initial weights, sample order
// and rate schedule — so the result differs from the CPU backends' only by float rounding.
// Browser-safe.
import { Matrix } from '../backend/matrix.ts';
import type { WebGpu } from '../backend/webgpu/context.ts';
import { HebbError } from '../errors.ts';
import { epochBatches } from '../model/batches.ts';
import { checkSamples } from '../model/inputs.ts';
import { rateAt } from '../model/schedule.ts';
import { f32, scalar } from '../model/state.ts';
import type { SoftHebb } from './layer.ts';

/** What the WebGPU path covers of SoftHebb's options; the message names what to change. */
function checkSupported(layer: SoftHebb, where: string): void {
  const o = layer.options;
  const bad: string[] = [];
  if (o.wta !== 'soft') bad.push("wta: 'hard'");
  if (o.rule !== 'paper') bad.push(`rule: '${o.rule}'`);
  if (o.krotov) bad.push('krotov');
  if (o.bias) bad.push('bias (a learnt prior)');
  if (o.batchSize === 1) bad.push('batchSize: 1 (online)');
  if (bad.length > 0) {
    throw new HebbError(
      `${where}: the WebGPU path runs the batched soft-WTA rule only, not ${bad.join(', ')}; use layer.fit on a CPU backend for those`,
    );
  }
}

/** Options of fitSoftHebbWebGpu. */
export interface WebGpuFitOptions {
  /** The device (WebGpu.create()). */
  gpu: WebGpu;
  /** Called after each epoch with the epoch number (1-based) and the seconds it took. */
  onEpoch?: (epoch: number, seconds: number) => void;
  /** Stops between epochs; the layer keeps its weights from before the fit. */
  signal?: AbortSignal;
}

/**
 * Trains `layer` on the rows of x on a WebGPU device, as layer.fit(x) would on a CPU backend
 * (a fresh start: initial weights from the seed, options.epochs epochs), and returns it with
 * the learnt weights. Supports the batched soft-WTA rule (SoftHebb's default).
 */
export async function fitSoftHebbWebGpu(
  layer: SoftHebb,
  x: Matrix,
  { gpu, onEpoch, signal }: WebGpuFitOptions,
): Promise<SoftHebb> {
  const where = 'fitSoftHebbWebGpu';
  checkSupported(layer, where);
  checkSamples(where, layer.backend, x);
  const o = layer.options;
  const N = x.rows;
  const K = o.units;
  const n = x.cols;
  const before = layer.isFitted ? layer.getState() : null;
  layer.initialize(n);
  const B = Math.min(N, o.batchSize);
  const xs = gpu.upload(layer.preparedInput(x));
  const w = gpu.upload(layer.weights);
  const xb = gpu.zeros(B, n);
  const u = gpu.zeros(B, K);
  const y = gpu.zeros(B, K);
  const rate = gpu.zeros(1, K).buffer;
  const keep = gpu.zeros(1, K).buffer;
  const total = o.epochs * N;
  let seen = 0;
  let epochStart = performance.now();
  let order: ReturnType<typeof gpu.constant> | null = null;
  let base = 0; // byte offset of the epoch's permutation; batches are views into it
  for (const b of epochBatches({
    n: N,
    epochs: o.epochs,
    first: 0,
    batchSize: B,
    seed: o.seed,
    shuffle: true,
    backend: layer.backend,
  })) {
    if (b.epochStart) {
      if (signal?.aborted) {
        if (before) layer.setState(before);
        throw signal.reason ?? new HebbError(`${where}: aborted`);
      }
      // the epoch's permutation goes to the device once; each batch reads its rows by offset
      base = b.rows.byteOffset;
      order?.destroy();
      order = gpu.constant(new Uint32Array(b.rows.buffer, base, N));
    }
    const rows = b.rows.length;
    const offset = (b.rows.byteOffset - base) / 4;
    gpu.gather(xs, order!, offset, rows, xb);
    gpu.gemm(false, true, 1, xb, w, 0, u, { rows });
    gpu.softmaxRows(u, o.inverseTemperature, y, { rows });
    const eta = rateAt(o.lr, { samples: seen, total, perEpoch: N });
    gpu.rates(y, u, eta, o.integrator === 'exact', rate, keep, rows);
    // W ← keep∘W + rate∘(Yᵀ X): the first `rows` rows of Y and X
    gpu.gemm(true, false, 1, { ...y, rows } as typeof y, { ...xb, rows } as typeof xb, 1, w, {
      rowScale: rate,
      keep,
    });
    seen += rows;
    if (b.epochEnd) {
      await gpu.sync();
      const now = performance.now();
      onEpoch?.(b.epoch + 1, (now - epochStart) / 1000);
      epochStart = now;
    }
  }
  const learnt = await gpu.download(w);
  for (const v of learnt.data) {
    if (!Number.isFinite(v)) {
      if (before) layer.setState(before);
      throw new HebbError(
        `${where}: training diverged (non-finite weights); lower the learning rate (lr)`,
      );
    }
  }
  layer.setState({ weights: f32(learnt), samples_seen: scalar(seen), horizon: scalar(total) });
  return layer;
}

/**
 * The layer's pre-activations X·Wᵀ computed on the device, in chunks of `chunk` rows (inputs
 * normalised as in training).
 */
export async function preActivationWebGpu(
  layer: SoftHebb,
  x: Matrix,
  { gpu, chunk = 8192 }: { gpu: WebGpu; chunk?: number },
): Promise<Matrix> {
  const where = 'preActivationWebGpu';
  checkSupported(layer, where);
  checkSamples(where, layer.backend, x, layer.weights.cols);
  const xs = layer.preparedInput(x);
  const w = gpu.upload(layer.weights);
  const out = new Matrix(x.rows, layer.options.units);
  for (let s = 0; s < x.rows; s += chunk) {
    const part = xs.sliceRows(s, Math.min(x.rows, s + chunk));
    const a = gpu.upload(part);
    const u = gpu.zeros(part.rows, layer.options.units);
    gpu.gemm(false, true, 1, a, w, 0, u);
    out.data.set((await gpu.download(u)).data, s * layer.options.units);
  }
  return out;
}
