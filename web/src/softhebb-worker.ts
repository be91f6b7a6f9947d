// Trains a SoftHebb layer on the shipped MNIST subset, off the page's thread: batches in
// slices of ~100 ms (so pause/save/load messages are seen), a read-out every second.
import {
  fromSafetensors,
  getBackend,
  LabelAssignment,
  loadWasmBackend,
  Matrix,
  SoftHebb,
  toSafetensors,
  type Backend,
} from '../../src/browser.ts';
import { epochBatches, type Batch } from '../../src/model/batches.ts';
import { readSubset, type Part } from './mnist-subset.ts';
import type { FromWorker, Progress, SoftHebbSettings, ToWorker } from './protocol.ts';

const TILES = 100;
const EVAL_TRAIN = 5000; // training images that assign the units' labels
const SLICE_MS = 100;
const EVAL_MS = 400;

let be: Backend;
let data: { train: Part; test: Part } | null = null;
let layer: SoftHebb | null = null;
let settings: SoftHebbSettings | null = null;
let batches: Iterator<Batch> | null = null;
let running = false;
let rate = 0;
let lastEval = 0;

const post = (m: FromWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = (e: MessageEvent<ToWorker>) => {
  try {
    handle(e.data);
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};

function handle(m: ToWorker): void {
  if (m.type === 'init') void init(m.dataUrl);
  else if (m.type === 'start') start(m.settings);
  else if (m.type === 'pause') running = false;
  else if (m.type === 'resume') resume();
  else if (m.type === 'save') save();
  else if (m.type === 'load') load(m.bytes);
}

async function init(dataUrl: string): Promise<void> {
  try {
    await loadWasmBackend(); // the module Vite emitted beside the worker's bundle
  } catch {
    // no wasm file or no WebAssembly SIMD: the portable backend runs instead
  }
  be = getBackend();
  const res = await fetch(dataUrl);
  if (!res.ok)
    throw new Error(`${dataUrl}: HTTP ${res.status}; build the assets with npm run web:build`);
  data = readSubset(await res.arrayBuffer());
  const webgpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
  post({
    type: 'ready',
    backend: be.name,
    train: data.train.x.rows,
    test: data.test.x.rows,
    webgpu,
  });
}

function layerFor(s: SoftHebbSettings): SoftHebb {
  return new SoftHebb({
    units: s.units,
    wta: s.wta,
    inverseTemperature: s.inverseTemperature,
    lr: { kind: 'linear', from: s.lr },
    batchSize: s.batchSize,
    epochs: s.epochs,
    seed: s.seed,
    backend: be,
  });
}

function start(s: SoftHebbSettings): void {
  if (!data) throw new Error('the data are still loading');
  settings = s;
  layer = layerFor(s);
  batches = null;
  // the rate decays linearly over all epochs, as in fit
  layer.beginFit(784, s.epochs * data.train.x.rows);
  resume();
}

/**
 * The batches from the epoch the layer is in, in SoftHebb.fit's order (a permutation per epoch
 * of the seed); a layer loaded mid-epoch starts that epoch over, as fit's resume does.
 */
function batchesFrom(l: SoftHebb, s: SoftHebbSettings): Iterator<Batch> {
  const n = data!.train.x.rows;
  const first = Math.floor(l.samplesSeen / n);
  return epochBatches({
    n,
    epochs: s.epochs,
    first,
    batchSize: s.batchSize,
    seed: s.seed,
    shuffle: true,
    backend: be,
  });
}

function resume(): void {
  if (!layer || running) return;
  batches ??= batchesFrom(layer, settings!);
  running = true;
  lastEval = 0;
  setTimeout(tick, 0);
}

function tick(): void {
  if (!running || !layer || !data || !settings) return;
  const t0 = performance.now();
  let n = 0;
  let ended = false;
  while (performance.now() - t0 < SLICE_MS && layer.samplesSeen < layer.horizon) {
    const b = batches!.next();
    if ((ended = !!b.done)) break;
    layer.partialFit(data.train.x.gatherRows(b.value.rows));
    n += b.value.rows.length;
  }
  const secs = (performance.now() - t0) / 1000;
  if (n > 0) rate = rate === 0 ? n / secs : 0.7 * rate + (0.3 * n) / secs;
  const done = ended || layer.samplesSeen >= layer.horizon;
  if (done) running = false;
  if (done || performance.now() - lastEval > EVAL_MS) {
    report(done);
    lastEval = performance.now();
  }
  if (running) setTimeout(tick, 0);
}

function report(done: boolean): void {
  const l = layer!;
  const { train, test } = data!;
  const xe = train.x.sliceRows(0, EVAL_TRAIN);
  const ye = train.y.subarray(0, EVAL_TRAIN);
  const uTrain = l.preActivation(xe);
  const uTest = l.preActivation(test.x);
  const ro = new LabelAssignment({ classes: 10, backend: be }).fit(uTrain, ye);
  const tiles = Math.min(TILES, l.options.units);
  const weights = l.weights.sliceRows(0, tiles).clone().data;
  const progress: Progress = {
    samples: l.samplesSeen,
    horizon: l.horizon,
    epoch: Math.min(settings!.epochs, Math.floor(l.samplesSeen / train.x.rows) + 1),
    rate,
    accuracy: ro.score(uTest, test.y),
    posteriorLoss: posteriorCrossEntropy(uTrain, ye, uTest, test.y, l.options.inverseTemperature),
    r1: l.r1Features(),
    weights,
    tiles,
  };
  post({ type: 'progress', progress, running, done }, [weights.buffer]);
}

/**
 * Cross-entropy of the posterior read-out: each unit's class distribution from the training
 * posteriors (softmax at the layer's inverse temperature), then p(class | x) = Σ_k y_k(x) P(class | k).
 */
function posteriorCrossEntropy(
  uTrain: Matrix,
  yTrain: Int32Array,
  uTest: Matrix,
  yTest: Int32Array,
  t: number,
): number {
  const K = uTrain.cols;
  const post = (u: Matrix) => {
    const y = new Matrix(u.rows, K);
    be.softmaxRows(u, t, y);
    return y;
  };
  const onehot = new Matrix(uTrain.rows, 10);
  yTrain.forEach((c, i) => (onehot.data[i * 10 + c] = 1));
  const perUnit = new Matrix(K, 10);
  be.gemm(true, false, 1, post(uTrain), onehot, 0, perUnit);
  for (let k = 0; k < K; k++) {
    const row = perUnit.data.subarray(k * 10, k * 10 + 10);
    const s = row.reduce((a, b) => a + b, 0) + 1e-3; // a unit no training image chose: uniform
    for (let c = 0; c < 10; c++) row[c] = (row[c] + 1e-4) / (s + 1e-3);
  }
  const p = new Matrix(uTest.rows, 10);
  be.gemm(false, false, 1, post(uTest), perUnit, 0, p);
  let ce = 0;
  for (let i = 0; i < uTest.rows; i++) {
    const row = p.data.subarray(i * 10, i * 10 + 10);
    const s = row.reduce((a, b) => a + b, 0);
    ce -= Math.log(Math.max(row[yTest[i]] / s, 1e-12));
  }
  return ce / uTest.rows;
}

function save(): void {
  if (!layer) throw new Error('nothing to save: start training first');
  const bytes = toSafetensors(layer, { 'hebb.playground': 'mnist-subset' });
  post({ type: 'saved', bytes }, [bytes.buffer as ArrayBuffer]);
}

function load(bytes: Uint8Array): void {
  running = false;
  const m = fromSafetensors<SoftHebb>(bytes, {
    expect: SoftHebb,
    backend: be,
    source: 'the model file',
  });
  if (m.weights.cols !== 784)
    throw new Error(
      `the model has ${m.weights.cols} inputs, but the playground's images have 784 (28×28)`,
    );
  const o = m.options;
  const lr = typeof o.lr === 'number' ? o.lr : o.lr.from;
  settings = {
    units: o.units,
    wta: o.wta,
    inverseTemperature: o.inverseTemperature,
    lr,
    batchSize: o.batchSize,
    epochs: o.epochs,
    seed: o.seed ?? 0,
  };
  layer = m;
  batches = null;
  if (layer.horizon === 0) layer.horizon = layer.samplesSeen; // a finished model: nothing to train
  post({ type: 'loaded', settings });
  report(layer.samplesSeen >= layer.horizon);
}
