// The emergence learner's training loops (docs/math/emergence.md): fit's, which records per
// layer and step how Hebbian the learning signal is, and partialFit's plain steps. Both take
// ΔW = η (g − γW) on the learnt weights v, with the forward pass through w = v + ε, and the
// gradient noise ξ added to g (g + ξ is the recorded signal).
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { FitEvent } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { accuracy, checkLabels, type Labels } from '../readout/classifier-inputs.ts';
import { cosine, layerAlignment, StationarityMeter } from './alignment.ts';
import { mseLoss, softmaxCrossEntropy } from './losses.ts';
import { BiasFreeMlp, type Architecture, type EmergenceNetwork } from './network.ts';
import type { ResolvedEmergenceOptions } from './options.ts';
import type { LearningRule, LossGrad, RuleName } from './rules.ts';
import { count } from '../model/wording.ts';

/** Per layer, per recorded step: cos(g, H), cos(ΔW, H), cos(g, H⁺). */
export interface AlignmentTrace {
  /** The steps at which the alignments are recorded (entry k of each array below). */
  steps: Int32Array;
  /** cos(g, H) per weight matrix: the learning signal against the Hebbian term. */
  signal: Float32Array[];
  /** cos(ΔW, H) per weight matrix, ΔW = η (g − γW) the whole update. */
  update: Float32Array[];
  /** cos(g, H⁺) per weight matrix, H⁺ = f(h_b) h_aᵀ (the post-activation variant). */
  post: Float32Array[];
  /**
   * cos(−∂ℓ/∂W, H): the raw backprop gradient, for the rules that compute it (sgd — there the
   * signal itself — and adam, whose signal is its preconditioned step); NaN for dfa and random.
   */
  gradient: Float32Array[];
}

/** What an EmergenceLearner's training measured (`learner.result`), with its settings. */
export interface EmergenceResult {
  /** The learning rule. */
  rule: RuleName;
  /** Weight decay γ. */
  weightDecay: number;
  /** Weight noise σ. */
  weightNoise: number;
  /** Gradient noise σ. */
  gradientNoise: number;
  /** Learning rate η. */
  lr: number;
  /** Steps of linear warm-up of η (0: none). */
  lrWarmup: number;
  /** The seed of the run. */
  seed: number;
  /** The network trained. */
  architecture: Architecture;
  /** The MLP's layer sizes; for a transformer [inputs, outputs]. */
  sizes: number[];
  /** Names of the weight matrices, in the order of every per-layer array below. */
  matrices: string[];
  /** Training steps taken (mini-batches). */
  steps: number;
  /** Step index of each recorded alignment. */
  recordedSteps: Int32Array;
  /** The alignments at the recorded steps. */
  alignment: AlignmentTrace;
  /** Training loss of every step. */
  loss: Float32Array;
  /** Validation loss (and accuracy for classification) at the evaluated steps. */
  validation: {
    /** The step evaluated at. */
    step: number;
    /** Validation loss. */
    loss: number;
    /** Validation accuracy in [0, 1], for classification. */
    accuracy?: number;
  }[];
  /** Mean alignments per layer over the last finalFraction of steps, and their layer mean. */
  final: {
    /** Mean cos(g, H) per weight matrix. */
    signal: number[];
    /** Mean cos(ΔW, H) per weight matrix. */
    update: number[];
    /** Mean cos(g, H⁺) per weight matrix. */
    post: number[];
    /** Mean cos(−∂ℓ/∂W, H) per weight matrix (NaN for dfa and random). */
    gradient: number[];
    /** The mean of `signal` over the weight matrices. */
    meanSignal: number;
  };
  /** Per layer ⟨E g, E H⟩, γ E‖h_b‖² and their ratio over the same window. */
  stationarity: {
    /** ⟨E g, E H⟩. */
    lhs: number;
    /** γ E Σ_b ‖h_b‖². */
    rhs: number;
    /** lhs / rhs, ≈ 1 at stationarity. */
    ratio: number;
    /** cos(E g, E H). */
    meanCosine: number;
  }[];
  /** Frobenius norm of each weight matrix. */
  weightNorm: {
    /** At initialisation. */
    initial: number[];
    /** After training. */
    final: number[];
  };
  /** Weights shrank below 1e-3 of their initial norm, or became non-finite. */
  collapsed: boolean;
  /** The loss became non-finite and training stopped there. */
  diverged: boolean;
}

/** Targets: a Matrix (regression, MSE) or class labels (classification, cross-entropy). */
export type Targets = Matrix | Labels;

/** A network being trained: it, its rule, the learner's options and backend. */
export interface TrainingRun {
  readonly net: EmergenceNetwork;
  readonly rule: LearningRule;
  readonly options: ResolvedEmergenceOptions;
  readonly backend: Backend;
}

/** What a loop updates as it goes (the learner: its trace fills in, its steps count). */
export interface TrainingProgress {
  trace: AlignmentTrace | null;
  steps: number;
}

/**
 * options.epochs epochs of batchSize steps over (x, task) in a seeded order, recording the
 * alignments every metricsEvery steps and at every step of the final window; yields after
 * each step and returns the summary. Stops early when the loss diverges.
 */
export function* trainWithAlignments(
  run: TrainingRun,
  x: Matrix,
  task: CheckedTask,
  heldOut: { x: Matrix; y: Targets } | undefined,
  progress: TrainingProgress,
): Generator<FitEvent, EmergenceResult> {
  const { net, rule, options: o, backend: be } = run;
  const N = x.rows;
  const B = o.batchSize;
  const L = net.w.length;
  const rng = new Rng(o.seed, be);
  const shuffleRng = rng.fork(1);
  const noiseRng = rng.fork(2);
  const gradNoise = new GradientNoise(run, rng.fork(4));
  const perturb = o.weightNoise > 0 || o.alwaysPerturb;
  if (perturb) net.weff = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
  const g = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
  const h = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
  const hPost = net.w.map((w, l) =>
    net.activity(l).postActivation ? Matrix.zeros(w.rows, w.cols) : null,
  );
  const batch = new TargetBatch(task, B);

  const perEpoch = Math.floor(N / B);
  const steps = perEpoch * o.epochs;
  const windowStart = steps - Math.max(1, Math.round(o.finalFraction * steps));
  // alignments are recorded every metricsEvery steps and at every step of the final window
  const recIndex = new Int32Array(steps).fill(-1);
  const recorded: number[] = [];
  for (let t = 0; t < steps; t++) {
    if (t % o.metricsEvery === 0 || t >= windowStart) recIndex[t] = recorded.push(t) - 1;
  }
  const recordedSteps = Int32Array.from(recorded);
  const trace: AlignmentTrace = {
    steps: recordedSteps,
    signal: [],
    update: [],
    post: [],
    gradient: [],
  };
  for (let l = 0; l < L; l++)
    for (const t of [trace.signal, trace.update, trace.post, trace.gradient])
      t.push(new Float32Array(recorded.length).fill(NaN));
  progress.trace = trace;
  const loss = new Float32Array(steps).fill(NaN);
  const meters = net.w.map((w) => new StationarityMeter(be, w.rows, w.cols, o.weightDecay));
  const initialNorm = net.w.map((w) => Math.sqrt(be.dot(w, w)));
  const validate = heldOut ? makeValidator(be, net, heldOut, task) : null;
  const validation: EmergenceResult['validation'] = [];
  const valEvery = o.valEvery ?? perEpoch;
  if (validate) validation.push({ step: 0, ...validate() });

  let diverged = false;
  let step = 0;
  for (let epoch = 0; epoch < o.epochs && !diverged; epoch++) {
    const perm = shuffleRng.permutation(N);
    for (let s = 0; s < perEpoch; s++, step++) {
      batch.gather(perm, s * B, x, net.input);
      if (perturb) {
        for (let l = 0; l < L; l++) {
          noiseRng.normal(net.weff[l].data, 0, o.weightNoise); // ε
          be.axpy(1, net.w[l], net.weff[l]); // w = v + ε
        }
      }
      net.forward();
      loss[step] = rule.signal(net, batch.lossGrad(be), g);
      gradNoise.add(g);
      if (!Number.isFinite(loss[step])) {
        diverged = true;
        break;
      }
      const k = recIndex[step];
      const inWindow = step >= windowStart;
      if (k >= 0 || inWindow) {
        for (let l = 0; l < L; l++) {
          const { presynaptic: ha, preActivation: hb, postActivation: fb } = net.activity(l);
          // H (N×K) = h_bᵀ h_a: pre-activation times presynaptic activity, summed over rows
          be.gemm(true, false, 1, hb, ha, 0, h[l]);
          if (inWindow) meters[l].add(g[l], h[l], be.dot(hb, hb));
          if (k < 0) continue;
          const hp = hPost[l];
          // H⁺ (N×K) = f(h_b)ᵀ h_a
          if (hp && fb) be.gemm(true, false, 1, fb, ha, 0, hp);
          const r = layerAlignment(be, g[l], net.w[l], o.weightDecay, h[l], hp);
          trace.signal[l][k] = r.signal;
          trace.update[l][k] = r.update;
          trace.post[l][k] = r.post;
          if (rule.backprop) trace.gradient[l][k] = -cosine(be, net.dw[l], h[l]);
        }
      }
      descend(run, g, rateAt(o, step));
      progress.steps = step + 1;
      if (validate && (step + 1) % valEvery === 0)
        validation.push({ step: step + 1, ...validate() });
      yield {
        done: (step + 1) * B,
        total: steps * B,
        epoch: epoch + 1,
        epochs: o.epochs,
        epochEnd: s === perEpoch - 1,
      };
    }
  }
  if (perturb) net.weff = net.w;

  const finalNorm = net.w.map((w) => Math.sqrt(be.dot(w, w)));
  const mean = (a: Float32Array) => windowMean(a, recordedSteps, windowStart);
  const final = {
    signal: trace.signal.map(mean),
    update: trace.update.map(mean),
    post: trace.post.map(mean),
    gradient: trace.gradient.map(mean),
    meanSignal: 0,
  };
  final.meanSignal = final.signal.reduce((p, q) => p + q, 0) / L;
  return {
    rule: o.rule,
    weightDecay: o.weightDecay,
    weightNoise: o.weightNoise,
    gradientNoise: o.gradientNoise,
    lr: o.lr,
    lrWarmup: o.lrWarmup,
    seed: o.seed,
    architecture: o.architecture,
    sizes: net instanceof BiasFreeMlp ? net.sizes : [net.inputs, net.outputs],
    matrices: net.matrixNames,
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

/**
 * Steps on the rows of x in order, batchSize at a time (rows that do not fill a last batch
 * are left out), without recording alignments; the weight noise continues from the steps
 * taken so far.
 */
export function trainSteps(
  run: TrainingRun,
  x: Matrix,
  task: CheckedTask,
  progress: TrainingProgress,
): void {
  const { net, rule, options: o, backend: be } = run;
  const batch = new TargetBatch(task, o.batchSize);
  const order = Int32Array.from({ length: x.rows }, (_, i) => i);
  const g = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
  const noise = new Rng(o.seed, be).fork(2 + 1000 + progress.steps);
  const gradNoise = new GradientNoise(run, new Rng(o.seed, be).fork(4).fork(progress.steps));
  const perturb = o.weightNoise > 0 || o.alwaysPerturb;
  for (let s = 0; s + o.batchSize <= x.rows; s += o.batchSize) {
    batch.gather(order, s, x, net.input);
    if (perturb) {
      net.weff = net.w.map((w) => {
        const e = new Matrix(w.rows, w.cols, noise.normal(w.size, 0, o.weightNoise));
        be.axpy(1, w, e);
        return e;
      });
    }
    net.forward();
    rule.signal(net, batch.lossGrad(be), g);
    gradNoise.add(g);
    descend(run, g, rateAt(o, progress.steps));
    net.weff = net.w;
    progress.steps++;
  }
}

/** Gradient noise: g ← g + ξ, ξ ~ N(0, σ²) i.i.d., fresh each step (nothing at σ = 0). */
class GradientNoise {
  private readonly xi: Matrix[];
  constructor(
    private readonly run: TrainingRun,
    private readonly rng: Rng,
  ) {
    const on = run.options.gradientNoise > 0;
    this.xi = on ? run.net.w.map((w) => Matrix.zeros(w.rows, w.cols)) : [];
  }
  add(g: Matrix[]): void {
    const { options: o, backend: be } = this.run;
    for (let l = 0; l < this.xi.length; l++) {
      this.rng.normal(this.xi[l].data, 0, o.gradientNoise); // ξ
      be.axpy(1, this.xi[l], g[l]); // g + ξ
    }
  }
}

/** The rate η_t of step t (from 0): η, ramped linearly over the first lrWarmup steps. */
export function rateAt(o: { lr: number; lrWarmup: number }, step: number): number {
  return o.lrWarmup > 0 ? o.lr * Math.min(1, (step + 1) / o.lrWarmup) : o.lr;
}

/**
 * Σ_t η_t γ over the first `steps` steps: how many weight-decay time constants they span
 * (decay alone shrinks the weights by about e^(−Σ η_t γ)); stationarity needs it ≫ 1.
 */
export function decayTimes(
  o: { lr: number; lrWarmup: number; weightDecay: number },
  steps: number,
): number {
  const w = Math.min(o.lrWarmup, steps);
  // warm-up steps t < w contribute η (t + 1)/k each: η w (w + 1) / (2k)
  const warm = o.lrWarmup > 0 ? (o.lr * w * (w + 1)) / (2 * o.lrWarmup) : 0;
  return (warm + o.lr * (steps - w)) * o.weightDecay;
}

/** ΔW = η (g − γ W), applied to the learnt weights v, at this step's rate η. */
function descend({ net, options: o, backend: be }: TrainingRun, g: Matrix[], lr: number): void {
  for (let l = 0; l < net.w.length; l++) {
    if (o.weightDecay > 0) be.scale(1 - lr * o.weightDecay, net.w[l]);
    be.axpy(lr, g[l], net.w[l]);
  }
}

/** Targets checked against x: labels or a target matrix, and the outputs they need. */
export interface CheckedTask {
  labels: Labels | null;
  targets: Matrix | null;
  outputs: number;
}

/** Checks x and its targets (against the network's sizes once built); throws naming `where`. */
export function checkTargets(
  where: string,
  be: Backend,
  x: Matrix,
  y: Targets,
  net?: EmergenceNetwork,
): CheckedTask {
  checkSamples(where, be, x, net?.inputs);
  const outputs = net?.outputs;
  if (y instanceof Matrix) {
    checkSamples(where, be, y, outputs, 'y');
    if (y.rows !== x.rows)
      throw new ShapeError(
        `${where}: x has ${count(x.rows, 'row')} but y has ${y.rows}; give one target row per sample`,
      );
    return { labels: null, targets: y, outputs: y.cols };
  }
  const classes = checkLabels(where, y, x.rows, outputs);
  return { labels: y, targets: null, outputs: outputs ?? Math.max(2, classes) };
}

/** The current batch's targets, gathered without allocation, and its loss. */
class TargetBatch {
  private readonly yb: Matrix;
  private readonly lb: Int32Array;
  private readonly probs: Matrix;
  constructor(
    private readonly task: CheckedTask,
    B: number,
  ) {
    this.yb = Matrix.zeros(B, task.outputs);
    this.lb = new Int32Array(B);
    this.probs = Matrix.zeros(B, task.outputs);
  }

  /** Copies rows perm[from..from+B) of x into xb and of the targets into the batch buffers. */
  gather(perm: Int32Array, from: number, x: Matrix, xb: Matrix): void {
    const D = x.cols;
    const C = this.yb.cols;
    const { labels, targets } = this.task;
    for (let b = 0; b < xb.rows; b++) {
      const i = perm[from + b];
      for (let j = 0; j < D; j++) xb.data[b * D + j] = x.data[i * D + j];
      if (labels) this.lb[b] = labels[i];
      else for (let j = 0; j < C; j++) this.yb.data[b * C + j] = targets!.data[i * C + j];
    }
  }

  lossGrad(be: Backend): LossGrad {
    return this.task.labels
      ? (out, dOut) => softmaxCrossEntropy(be, out, this.lb, this.probs, dOut)
      : (out, dOut) => mseLoss(be, out, this.yb, dOut);
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

/** Loss (and accuracy) of the learnt weights v, without noise, on the validation split. */
function makeValidator(
  be: Backend,
  net: EmergenceNetwork,
  val: { x: Matrix; y: Targets },
  task: CheckedTask,
) {
  const v = checkTargets('EmergenceLearner.fit validation', be, val.x, val.y, net);
  if ((v.labels === null) !== (task.labels === null))
    throw new ValueError(
      'EmergenceLearner.fit: validation targets must be of the same kind as y (labels or a Matrix)',
    );
  const x = val.x;
  const ev = net.evaluator(x.rows);
  be.unary('copy', x, ev.input);
  const dOut = Matrix.zeros(x.rows, task.outputs);
  const probs = Matrix.zeros(x.rows, task.outputs);
  const pred = new Int32Array(x.rows);
  const labels = v.labels ? Int32Array.from(v.labels) : null;
  return (): { loss: number; accuracy?: number } => {
    ev.forward();
    if (!labels) return { loss: mseLoss(be, ev.output, v.targets!, dOut) };
    const loss = softmaxCrossEntropy(be, ev.output, labels, probs, dOut);
    be.argmaxRows(ev.output, pred);
    return { loss, accuracy: accuracy(pred, labels) };
  };
}
