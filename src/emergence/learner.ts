import { getBackend } from '../backend/index.ts';
import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { layerAlignment, StationarityMeter } from './alignment.ts';
import { mseLoss, softmaxCrossEntropy } from './losses.ts';
import { checkActivation, Mlp, type Activation } from './mlp.ts';
import { checkRule, createRule, type LearningRule, type LossGrad, type RuleName } from './rules.ts';
import type { Task, TaskSplit } from './tasks.ts';

export interface EmergenceOptions {
  rule: RuleName;
  /** Weight decay γ ≥ 0 in ΔW = η (g − γW). */
  decay?: number;
  /** Std σ ≥ 0 of the parameter noise: the forward pass uses w = v + ε, ε ~ N(0, σ²). */
  noise?: number;
  /** η. Default 0.05, or 1e-3 for adam (whose signal has unit-scale entries). */
  lr?: number;
  /** Hidden layer widths. Default [128]. */
  hidden?: number[];
  activation?: Activation;
  batch?: number;
  epochs?: number;
  seed?: number;
  /** Record the alignments every k steps (default 1), and at every step of the final window. */
  metricsEvery?: number;
  /** The final alignment and the stationarity check average the last fraction of steps. */
  finalFraction?: number;
  /** Adam's moment decays and ε. */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Adam and weight decay: 'coupled' (torch.optim.Adam, default) or 'decoupled' (AdamW). */
  adamDecay?: 'coupled' | 'decoupled';
  /**
   * Run the w = v + ε path even at σ = 0 (it must then change nothing, bit for bit; the tests
   * check that). By default σ = 0 uses v directly.
   */
  alwaysPerturb?: boolean;
  /** Validation loss every k steps (default: once an epoch). */
  valEvery?: number;
  backend?: Backend;
}

/** Per layer, per recorded step: cos(g, H), cos(ΔW, H), cos(g, H⁺). */
export interface AlignmentTrace {
  signal: Float32Array[];
  update: Float32Array[];
  post: Float32Array[];
}

export interface EmergenceResult {
  rule: RuleName;
  decay: number;
  noise: number;
  lr: number;
  seed: number;
  sizes: number[];
  steps: number;
  /** Step index of each recorded alignment. */
  recordedSteps: Int32Array;
  alignment: AlignmentTrace;
  /** Training loss of every step. */
  loss: Float32Array;
  /** Validation loss (and accuracy for classification) at the evaluated steps. */
  validation: { step: number; loss: number; accuracy?: number }[];
  /** Mean alignments per layer over the last finalFraction of steps, and their layer mean. */
  final: { signal: number[]; update: number[]; post: number[]; meanSignal: number };
  /** Per layer ⟨E g, E H⟩, γ E‖h_b‖² and their ratio over the same window. */
  stationarity: { lhs: number; rhs: number; ratio: number }[];
  weightNorm: { initial: number[]; final: number[] };
  /** Weights shrank below 1e-3 of their initial norm, or became non-finite. */
  collapsed: boolean;
  diverged: boolean;
}

const DEFAULTS = {
  decay: 0,
  noise: 0,
  hidden: [128],
  activation: 'tanh' as Activation,
  batch: 256,
  epochs: 10,
  seed: 0,
  metricsEvery: 1,
  finalFraction: 0.1,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
};

/** Validated options with defaults filled in (the constructor's work, exported for the CLI). */
export function resolveEmergenceOptions(opts: EmergenceOptions) {
  const o = { ...DEFAULTS, ...opts };
  const rule = checkRule(o.rule, 'EmergenceLearner');
  const lr = o.lr ?? (rule === 'adam' ? 1e-3 : 0.05);
  const nonNeg = (v: number, what: string, fix: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ValueError(
        `EmergenceLearner: ${what} must be a finite number ≥ 0, got ${v}; ${fix}`,
      );
    }
  };
  nonNeg(o.decay, 'decay γ', 'weight decay pulls weights towards 0, use 0 to switch it off');
  nonNeg(o.noise, 'noise σ', 'it is the standard deviation of the parameter noise');
  if (!(lr > 0 && Number.isFinite(lr))) {
    throw new ValueError(`EmergenceLearner: lr must be a finite number > 0, got ${lr}`);
  }
  const posInt = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1) {
      throw new ValueError(`EmergenceLearner: ${what} must be a positive integer, got ${v}`);
    }
  };
  posInt(o.batch, 'batch');
  posInt(o.epochs, 'epochs');
  posInt(o.metricsEvery, 'metricsEvery');
  if (o.valEvery !== undefined) posInt(o.valEvery, 'valEvery');
  if (!Array.isArray(o.hidden)) throw new ValueError('EmergenceLearner: hidden must be an array');
  o.hidden.forEach((h) => posInt(h, 'every hidden width'));
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) {
    throw new ValueError(`EmergenceLearner: seed must be a non-negative integer, got ${o.seed}`);
  }
  if (!(o.finalFraction > 0 && o.finalFraction <= 1)) {
    throw new ValueError(
      `EmergenceLearner: finalFraction must lie in (0, 1], got ${o.finalFraction}`,
    );
  }
  checkActivation(o.activation, 'EmergenceLearner');
  if (o.adamDecay !== undefined && o.adamDecay !== 'coupled' && o.adamDecay !== 'decoupled') {
    throw new ValueError(
      `EmergenceLearner: adamDecay must be 'coupled' or 'decoupled', got '${String(o.adamDecay)}'`,
    );
  }
  return { ...o, rule, lr };
}

/**
 * Trains an MLP with one learning rule under weight decay and parameter noise and measures,
 * per layer and step, how Hebbian the learning signal is (SPEC §3). Options are validated in
 * the constructor; `fit(task)` returns the traces and the summary. Bit-for-bit reproducible
 * for a seed on one backend.
 */
export class EmergenceLearner {
  readonly options: ReturnType<typeof resolveEmergenceOptions>;
  readonly backend: Backend;
  /** The trained network after fit (its `w` are the learned weights v). */
  net: Mlp | null = null;

  constructor(opts: EmergenceOptions) {
    this.options = resolveEmergenceOptions(opts);
    this.backend = opts.backend ?? getBackend();
  }

  fit(task: Task): EmergenceResult {
    const o = this.options;
    const be = this.backend;
    const { x, y, labels } = checkSplit(task, task.train, 'train');
    const N = x.rows;
    const B = o.batch;
    if (B > N) throw new ValueError(`EmergenceLearner: batch ${B} exceeds the ${N} training rows`);
    const sizes = [task.inputDim, ...o.hidden, task.outputDim];
    const L = sizes.length - 1;
    const C = task.outputDim;
    const rng = new Rng(o.seed, be);
    const net = new Mlp(sizes, o.activation, B, be);
    net.init(rng.fork(0));
    this.net = net;
    const rule: LearningRule = createRule(o.rule, net, rng.fork(3), o);
    const shuffleRng = rng.fork(1);
    const noiseRng = rng.fork(2);
    const perturb = o.noise > 0 || o.alwaysPerturb === true;
    if (perturb) net.weff = net.w.map((w) => Matrix.zeros(w.rows, w.cols));

    // every buffer of the step loop, allocated once
    const g = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
    const h = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
    const hPost = net.w.map((w, l) => (l < L - 1 ? Matrix.zeros(w.rows, w.cols) : null));
    const yBatch = Matrix.zeros(B, C);
    const labelBatch = new Int32Array(B);
    const probs = Matrix.zeros(B, C);
    const lossGrad: LossGrad = labels
      ? (out, dOut) => softmaxCrossEntropy(be, out, labelBatch, probs, dOut)
      : (out, dOut) => mseLoss(be, out, yBatch, dOut);

    const perEpoch = Math.floor(N / B);
    const steps = perEpoch * o.epochs;
    const windowStart = steps - Math.max(1, Math.round(o.finalFraction * steps));
    // alignments are recorded every metricsEvery steps and at every step of the final window
    const recIndex = new Int32Array(steps).fill(-1);
    const recorded: number[] = [];
    for (let t = 0; t < steps; t++) {
      if (t % o.metricsEvery === 0 || t >= windowStart) recIndex[t] = recorded.push(t) - 1;
    }
    const nRec = recorded.length;
    const trace: AlignmentTrace = { signal: [], update: [], post: [] };
    for (let l = 0; l < L; l++) {
      trace.signal.push(new Float32Array(nRec).fill(NaN));
      trace.update.push(new Float32Array(nRec).fill(NaN));
      trace.post.push(new Float32Array(nRec).fill(NaN));
    }
    const recordedSteps = Int32Array.from(recorded);
    const loss = new Float32Array(steps).fill(NaN);
    const meters = net.w.map((w) => new StationarityMeter(be, w.rows, w.cols, o.decay));
    const initialNorm = net.w.map((w) => Math.sqrt(be.dot(w, w)));
    const validate = makeValidator(be, task, net, o.activation);
    const validation: EmergenceResult['validation'] = [];
    const valEvery = o.valEvery ?? perEpoch;
    validation.push({ step: 0, ...validate() });

    let diverged = false;
    let step = 0;
    for (let epoch = 0; epoch < o.epochs && !diverged; epoch++) {
      const perm = shuffleRng.permutation(N);
      for (let s = 0; s < perEpoch; s++, step++) {
        gatherBatch(perm, s * B, x, net.a[0], labels ? null : y!, yBatch, labels, labelBatch);
        if (perturb) {
          for (let l = 0; l < L; l++) {
            noiseRng.normal(net.weff[l].data, 0, o.noise); // ε
            be.axpy(1, net.w[l], net.weff[l]); // w = v + ε
          }
        }
        net.forward();
        loss[step] = rule.signal(net, lossGrad, g);
        if (!Number.isFinite(loss[step])) {
          diverged = true;
          break;
        }
        const k = recIndex[step];
        const record = k >= 0;
        const inWindow = step >= windowStart;
        if (record || inWindow) {
          for (let l = 0; l < L; l++) {
            // H (N×K) = z[l]ᵀ a[l]: pre-activation h_b times presynaptic post-activation h_a
            be.gemm(true, false, 1, net.z[l], net.a[l], 0, h[l]);
            if (inWindow) meters[l].add(g[l], h[l], be.dot(net.z[l], net.z[l]));
            if (!record) continue;
            const hp = hPost[l];
            // H⁺ (N×K) = f(z[l])ᵀ a[l]
            if (hp) be.gemm(true, false, 1, net.a[l + 1], net.a[l], 0, hp);
            const r = layerAlignment(be, g[l], net.w[l], o.decay, h[l], hp);
            trace.signal[l][k] = r.signal;
            trace.update[l][k] = r.update;
            trace.post[l][k] = r.post;
          }
        }
        // ΔW = η (g − γ W), applied to the learned weights v
        for (let l = 0; l < L; l++) {
          if (o.decay > 0) be.scale(1 - o.lr * o.decay, net.w[l]);
          be.axpy(o.lr, g[l], net.w[l]);
        }
        if ((step + 1) % valEvery === 0) validation.push({ step: step + 1, ...validate() });
      }
    }

    const finalNorm = net.w.map((w) => Math.sqrt(be.dot(w, w)));
    const mean = (a: Float32Array) => windowMean(a, recordedSteps, windowStart);
    const final = {
      signal: trace.signal.map(mean),
      update: trace.update.map(mean),
      post: trace.post.map(mean),
      meanSignal: 0,
    };
    final.meanSignal = final.signal.reduce((p, q) => p + q, 0) / L;
    return {
      rule: o.rule,
      decay: o.decay,
      noise: o.noise,
      lr: o.lr,
      seed: o.seed,
      sizes,
      steps,
      recordedSteps,
      alignment: trace,
      loss,
      validation,
      final,
      stationarity: meters.map((m) => m.result()),
      weightNorm: { initial: initialNorm, final: finalNorm },
      collapsed: finalNorm.some((f, l) => !(f >= 1e-3 * initialNorm[l])),
      diverged,
    };
  }
}

/** Copies the batch's rows (perm[from..from+B)) into the input and target buffers, allocation-free. */
function gatherBatch(
  perm: Int32Array,
  from: number,
  x: Matrix,
  xb: Matrix,
  y: Matrix | null,
  yb: Matrix,
  labels: Uint8Array | undefined,
  lb: Int32Array,
): void {
  const D = x.cols;
  const C = yb.cols;
  for (let b = 0; b < xb.rows; b++) {
    const i = perm[from + b];
    for (let j = 0; j < D; j++) xb.data[b * D + j] = x.data[i * D + j];
    if (labels) lb[b] = labels[i];
    else if (y) for (let j = 0; j < C; j++) yb.data[b * C + j] = y.data[i * C + j];
  }
}

function windowMean(a: Float32Array, at: Int32Array, from: number): number {
  let s = 0;
  let n = 0;
  for (let k = 0; k < a.length; k++) {
    if (at[k] >= from && Number.isFinite(a[k])) {
      s += a[k];
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

function checkSplit(task: Task, s: TaskSplit, which: string) {
  if (s.x.cols !== task.inputDim) {
    throw new ShapeError(
      `EmergenceLearner: ${which} inputs have ${s.x.cols} columns but the task says ${task.inputDim}`,
    );
  }
  if (task.kind === 'regression') {
    if (!s.y || s.y.rows !== s.x.rows || s.y.cols !== task.outputDim) {
      throw new ShapeError(
        `EmergenceLearner: ${which} regression targets must be ${s.x.rows}×${task.outputDim}`,
      );
    }
  } else if (!s.labels || s.labels.length !== s.x.rows) {
    throw new ShapeError(`EmergenceLearner: ${which} needs one label per input row`);
  }
  return { x: s.x, y: s.y, labels: task.kind === 'classification' ? s.labels : undefined };
}

/** Loss (and accuracy) of the learned weights v, without noise, on the validation split. */
function makeValidator(be: Backend, task: Task, net: Mlp, activation: Activation) {
  const { x, y, labels } = checkSplit(task, task.val, 'val');
  const ev = new Mlp(net.sizes, activation, x.rows, be);
  ev.weff = net.w;
  be.unary('copy', x, ev.a[0]);
  const dOut = Matrix.zeros(x.rows, task.outputDim);
  const probs = Matrix.zeros(x.rows, task.outputDim);
  const pred = new Int32Array(x.rows);
  return (): { loss: number; accuracy?: number } => {
    ev.forward();
    if (!labels) return { loss: mseLoss(be, ev.output, y!, dOut) };
    const loss = softmaxCrossEntropy(be, ev.output, labels, probs, dOut);
    be.argmaxRows(ev.output, pred);
    let hits = 0;
    for (let i = 0; i < pred.length; i++) hits += pred[i] === labels[i] ? 1 : 0;
    return { loss, accuracy: hits / pred.length };
  };
}
