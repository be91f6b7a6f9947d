// SoftHebb on a WebGPU device: the batched soft-WTA rule of Eq. 8 with every matrix resident
// on the device (the data once, the weights once, each batch's indices), five kernels per
// batch (gather, U = X·Wᵀ, posteriors, per-unit rates, the decayed update), and one read-back
// at the end; the convolutional layer adds im2col between the gather and the step, which then
// learns from all the batch's patches at once. Each follows its layer's fit step for step —
// the same initial weights, sample order and rate schedule — so the result differs from the
// CPU backends' only by float rounding. Browser-safe.
import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import type { GpuMatrix, WebGpu } from '../backend/webgpu/context.ts';
import type { GpuBuffer } from '../backend/webgpu/gpu-types.ts';
import { HebbError } from '../errors.ts';
import { epochBatches } from '../model/batches.ts';
import { checkSamples } from '../model/inputs.ts';
import { rateAt } from '../model/schedule.ts';
import { f32, scalar } from '../model/state.ts';
import type { SoftHebbConv2d } from './conv.ts';
import type { SoftHebb } from './layer.ts';

/** The rule options the WebGPU path reads (SoftHebb's and SoftHebbConv2d's alike). */
type RuleOptions = Pick<
  SoftHebb['options'],
  | 'wta'
  | 'rule'
  | 'krotov'
  | 'bias'
  | 'inverseTemperature'
  | 'lr'
  | 'integrator'
  | 'epochs'
  | 'seed'
>;

/**
 * What the WebGPU path covers of a layer's options, `batch` being the rows of one update; the
 * message names what to change.
 */
function checkSupported(o: RuleOptions, batch: number, where: string): void {
  const bad: string[] = [];
  if (o.wta !== 'soft') bad.push("wta: 'hard'");
  if (o.rule !== 'paper') bad.push(`rule: '${o.rule}'`);
  if (o.krotov) bad.push('krotov');
  if (o.bias) bad.push('bias (a learnt prior)');
  if (batch === 1) bad.push('batchSize: 1 (online)');
  if (bad.length > 0) {
    throw new HebbError(
      `${where}: the WebGPU path runs the batched soft-WTA rule only, not ${bad.join(', ')}; use layer.fit on a CPU backend for those`,
    );
  }
}

/** The device matrices of one soft step: the weights, and U, Y, rates and keep for its rows. */
interface StepBuffers {
  w: GpuMatrix;
  u: GpuMatrix;
  y: GpuMatrix;
  rate: GpuBuffer;
  keep: GpuBuffer;
}

/** Step buffers for up to `batch` rows against the weights w (units × inputs). */
function stepBuffers(gpu: WebGpu, w: GpuMatrix, batch: number): StepBuffers {
  const K = w.rows;
  return {
    w,
    u: gpu.zeros(batch, K),
    y: gpu.zeros(batch, K),
    rate: gpu.zeros(1, K).buffer,
    keep: gpu.zeros(1, K).buffer,
  };
}

/**
 * One soft-WTA step from the first `rows` rows of x: U = X·Wᵀ, Y = softmax(t·U), the per-unit
 * rates, then W ← keep∘W + rate∘(YᵀX).
 */
function softStep(
  gpu: WebGpu,
  s: StepBuffers,
  x: GpuMatrix,
  rows: number,
  o: RuleOptions,
  eta: number,
): void {
  gpu.gemm(false, true, 1, x, s.w, 0, s.u, { rows });
  gpu.softmaxRows(s.u, o.inverseTemperature, s.y, { rows });
  gpu.rates(s.y, s.u, eta, o.integrator === 'exact', s.rate, s.keep, rows);
  gpu.gemm(true, false, 1, { ...s.y, rows } as GpuMatrix, { ...x, rows } as GpuMatrix, 1, s.w, {
    rowScale: s.rate,
    keep: s.keep,
  });
}

/** The learnt weights, or an error (after restoring `restore`) when they are not finite. */
async function learntWeights(
  gpu: WebGpu,
  w: GpuMatrix,
  where: string,
  restore: () => void,
): Promise<Matrix> {
  const learnt = await gpu.download(w);
  for (const v of learnt.data) {
    if (!Number.isFinite(v)) {
      restore();
      throw new HebbError(
        `${where}: training diverged (non-finite weights); lower the learning rate (lr)`,
      );
    }
  }
  return learnt;
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
  const o = layer.options;
  checkSupported(o, o.batchSize, where);
  checkSamples(where, layer.backend, x);
  const N = x.rows;
  const before = layer.isFitted ? layer.getState() : null;
  layer.initialize(x.cols);
  const B = Math.min(N, o.batchSize);
  const xs = gpu.upload(layer.preparedInput(x));
  const xb = gpu.zeros(B, x.cols);
  const s = stepBuffers(gpu, gpu.upload(layer.weights), B);
  const restore = () => before && layer.setState(before);
  const seen = await runEpochs(
    gpu,
    layer.backend,
    N,
    o,
    B,
    where,
    restore,
    { onEpoch, signal },
    (rows, at) => {
      gpu.gather(xs, at.order, at.offset, rows, xb);
      softStep(
        gpu,
        s,
        xb,
        rows,
        o,
        rateAt(o.lr, { samples: at.seen, total: o.epochs * N, perEpoch: N }),
      );
      return rows;
    },
  );
  const learnt = await learntWeights(gpu, s.w, where, restore);
  layer.setState({
    weights: f32(learnt),
    samples_seen: scalar(seen),
    horizon: scalar(o.epochs * N),
  });
  return layer;
}

/** Where a batch's rows are: the epoch's permutation on the device and the batch's offset in it. */
interface BatchAt {
  order: GpuBuffer;
  offset: number;
  /** Samples (rows of the step: patches for the convolution) learnt from before this batch. */
  seen: number;
}

/**
 * The epochs of a fit as SoftHebb.fit orders them (seeded permutations of the N rows, batches of
 * B): each epoch's permutation goes to the device once, and `step` enqueues a batch's work,
 * returning the samples it learnt from. Returns the samples learnt from in all.
 */
async function runEpochs(
  gpu: WebGpu,
  backend: Backend,
  N: number,
  o: RuleOptions,
  B: number,
  where: string,
  restore: () => void,
  { onEpoch, signal }: Pick<WebGpuFitOptions, 'onEpoch' | 'signal'>,
  step: (rows: number, at: BatchAt) => number,
): Promise<number> {
  let seen = 0;
  let epochStart = performance.now();
  let order: GpuBuffer | null = null;
  let base = 0; // byte offset of the epoch's permutation; batches are views into it
  for (const b of epochBatches({
    n: N,
    epochs: o.epochs,
    first: 0,
    batchSize: B,
    seed: o.seed,
    shuffle: true,
    backend,
  })) {
    if (b.epochStart) {
      if (signal?.aborted) {
        restore();
        throw signal.reason ?? new HebbError(`${where}: aborted`);
      }
      base = b.rows.byteOffset;
      order?.destroy();
      order = gpu.constant(new Uint32Array(b.rows.buffer, base, N));
    }
    seen += step(b.rows.length, { order: order!, offset: (b.rows.byteOffset - base) / 4, seen });
    if (b.epochEnd) {
      await gpu.sync();
      const now = performance.now();
      onEpoch?.(b.epoch + 1, (now - epochStart) / 1000);
      epochStart = now;
    }
  }
  return seen;
}

/**
 * Trains the convolutional layer `conv` on the images in the rows of x (HWC) on a WebGPU device,
 * as conv.fit(x) would on a CPU backend (a fresh start, options.epochs epochs): per batch of
 * images, gather, im2col (zero or reflect padding, patches normalised when normalizeInput),
 * and one soft step from all their patches. Returns conv with the learnt kernels. Supports the
 * batched soft-WTA rule (the layer's default), not the deep network's soft-Krotov rule.
 */
export async function fitSoftHebbConv2dWebGpu(
  conv: SoftHebbConv2d,
  x: Matrix,
  { gpu, onEpoch, signal }: WebGpuFitOptions,
): Promise<SoftHebbConv2d> {
  const where = 'fitSoftHebbConv2dWebGpu';
  const o = conv.options;
  const L = conv.positions;
  checkSupported(o, o.batchSize * L, where);
  conv.checkImages(where, x);
  const N = x.rows;
  const before = conv.isFitted ? conv.getState() : null;
  conv.initialize();
  const B = Math.min(N, o.batchSize);
  const w = gpu.upload(conv.weights);
  const xs = gpu.upload(x);
  const xb = gpu.zeros(B, x.cols);
  const patches = gpu.zeros(B * L, w.cols);
  const s = stepBuffers(gpu, w, B * L);
  const reflect = o.paddingMode === 'reflect';
  const total = o.epochs * N * L;
  const restore = () => before && conv.setState(before);
  const seen = await runEpochs(
    gpu,
    conv.backend,
    N,
    o,
    B,
    where,
    restore,
    { onEpoch, signal },
    (rows, at) => {
      gpu.gather(xs, at.order, at.offset, rows, xb);
      gpu.im2col(xb, conv.geometry, patches, {
        images: rows,
        reflect,
        normalize: o.normalizeInput,
      });
      const eta = rateAt(o.lr, { samples: at.seen, total, perEpoch: N * L });
      softStep(gpu, s, patches, rows * L, o, eta);
      return rows * L;
    },
  );
  const learnt = await learntWeights(gpu, w, where, restore);
  conv.setState({ weights: f32(learnt), samples_seen: scalar(seen), horizon: scalar(total) });
  return conv;
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
  checkSupported(layer.options, layer.options.batchSize, where);
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
