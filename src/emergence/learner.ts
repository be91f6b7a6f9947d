import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { activation, type Activation } from '../model/activation.ts';
import { type FitEvent, type FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel, SupervisedModel } from '../model/model.ts';
import {
  boolean,
  describe,
  integer,
  listOf,
  number,
  oneOf,
  required,
  seed,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { tensor, type StateValues, type TensorSlots } from '../model/state.ts';
import { checkLabels, accuracy, type Labels } from '../readout/classifier-inputs.ts';
import { cosine, layerAlignment, StationarityMeter } from './alignment.ts';
import { mseLoss, softmaxCrossEntropy } from './losses.ts';
import {
  ARCHITECTURES,
  BiasFreeMlp,
  HIDDEN_ACTIVATIONS,
  type Architecture,
  type EmergenceNetwork,
  type HiddenActivation,
} from './network.ts';
import {
  ANY_NETWORK_RULES,
  createRule,
  RULES,
  type LearningRule,
  type LossGrad,
  type RuleName,
} from './rules.ts';
import { TinyTransformer, transformerSizes } from './transformer.ts';

export interface EmergenceOptions {
  /** The learning rule: 'sgd', 'adam', 'dfa' or 'random'. */
  rule: RuleName;
  /** Weight decay γ ≥ 0 in ΔW = η (g − γW). Default 0. */
  weightDecay?: number;
  /** Std σ ≥ 0 of the weight noise: the forward pass uses w = v + ε, ε ~ N(0, σ²). Default 0. */
  weightNoise?: number;
  /** η. Default 0.05, or 1e-3 for adam (whose signal has unit-scale entries). */
  lr?: number;
  /** The network: a bias-free MLP (default) or a small transformer (TinyTransformer). */
  architecture?: Architecture;
  /** Hidden layer widths of the MLP. Default [128]. */
  hidden?: number[];
  /**
   * Hidden activation: linear, relu, tanh (default) or sigmoid (the transformer's MLP blocks);
   * the output layer is linear.
   */
  activation?: string | Activation;
  /** Transformer: tokens per sample (they split the input features; default 8). */
  tokens?: number;
  /** Transformer: width of the token embeddings (default 32). */
  width?: number;
  /** Transformer: attention heads (default 4). */
  heads?: number;
  /** Transformer: blocks of attention + MLP (default 2). */
  blocks?: number;
  /** Initial weights N(0, initScale²/fan-in) (default 1). */
  initScale?: number;
  /** DFA and random: feedback matrices N(0, feedbackScale²/N_l) (default 1). */
  feedbackScale?: number;
  /** Mini-batch size. Default 256. */
  batchSize?: number;
  /** Passes over the data. Default 10. */
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
  backend?: string | Backend;
}

const SPEC = {
  rule: describe(required(oneOf(RULES)), 'learning rule: sgd, adam, dfa or random'),
  weightDecay: describe(number({ min: 0, default: 0 }), 'weight decay γ in ΔW = η (g − γW)'),
  weightNoise: describe(
    number({ min: 0, default: 0 }),
    'weight noise σ: forward with w = v + ε, ε ~ N(0, σ²)',
  ),
  lr: describe(number({ gt: 0 }), 'learning rate η; default 0.05 (adam 1e-3)'),
  architecture: describe(
    oneOf(ARCHITECTURES, { default: 'mlp' }),
    'a bias-free MLP, or a small transformer (sgd and adam only)',
  ),
  hidden: describe(listOf(integer({ min: 1 }), { default: [128] }), 'MLP: hidden widths'),
  activation: describe(
    activation(HIDDEN_ACTIVATIONS, { default: { name: 'tanh' } }),
    'hidden activation: linear, relu, tanh or sigmoid (the output layer is linear)',
  ),
  tokens: describe(
    integer({ min: 1, default: 8 }),
    'transformer: tokens per sample (they split the inputs)',
  ),
  width: describe(
    integer({ min: 1, default: 32 }),
    'transformer: embedding width (a multiple of heads)',
  ),
  heads: describe(integer({ min: 1, default: 4 }), 'transformer: attention heads'),
  blocks: describe(integer({ min: 0, default: 2 }), 'transformer: blocks of attention and MLP'),
  initScale: describe(number({ gt: 0, default: 1 }), 'initial weights N(0, s²/fan-in)'),
  feedbackScale: describe(
    number({ gt: 0, default: 1 }),
    'dfa and random: feedback matrices N(0, s²/width) (s = 1: the scale of the forward weights)',
  ),
  batchSize: describe(integer({ min: 1, default: 256 }), 'mini-batch size'),
  epochs: describe(integer({ min: 1, default: 10 }), 'training epochs'),
  seed: describe(
    seed(),
    'seed of every random choice (initial weights, sample order, weight noise, feedback matrices)',
  ),
  metricsEvery: describe(
    integer({ min: 1, default: 1 }),
    'record the alignments every k steps (and at every step of the final window)',
  ),
  finalFraction: describe(
    number({ gt: 0, max: 1, default: 0.1 }),
    'fraction in (0, 1] of the last steps that the final alignment and the stationarity check average',
  ),
  beta1: describe(
    number({ min: 0, lt: 1, default: 0.9 }),
    'adam: decay of the first moment, in [0, 1)',
  ),
  beta2: describe(
    number({ min: 0, lt: 1, default: 0.999 }),
    'adam: decay of the second moment, in [0, 1)',
  ),
  eps: describe(number({ min: 0, default: 1e-8 }), 'adam: ε added to √v̂'),
  adamDecay: describe(
    oneOf(['coupled', 'decoupled'] as const, { default: 'coupled' }),
    "how adam meets weight decay: coupled (L2 in the gradient, torch's Adam weight_decay) or decoupled (AdamW)",
  ),
  alwaysPerturb: describe(
    boolean({ default: false }),
    'run the w = v + ε path even at σ = 0 (it must then change nothing; a check)',
  ),
  valEvery: describe(integer({ min: 1 }), 'validation loss every k steps; default once an epoch'),
  backend: backendOption(),
} satisfies Record<keyof EmergenceOptions, unknown>;

type Resolved_ = Resolved<typeof SPEC> & { readonly lr: number };

/** Per layer, per recorded step: cos(g, H), cos(ΔW, H), cos(g, H⁺). */
export interface AlignmentTrace {
  /** The steps at which the alignments are recorded (entry k of each array below). */
  steps: Int32Array;
  signal: Float32Array[];
  update: Float32Array[];
  post: Float32Array[];
  /**
   * cos(−∂ℓ/∂W, H): the raw backprop gradient, for the rules that compute it (sgd — there the
   * signal itself — and adam, whose signal is its preconditioned step); NaN for dfa and random.
   */
  gradient: Float32Array[];
}

export interface EmergenceResult {
  rule: RuleName;
  weightDecay: number;
  weightNoise: number;
  lr: number;
  seed: number;
  architecture: Architecture;
  /** The MLP's layer sizes; for a transformer [inputs, outputs]. */
  sizes: number[];
  /** Names of the weight matrices, in the order of every per-layer array below. */
  matrices: string[];
  steps: number;
  /** Step index of each recorded alignment. */
  recordedSteps: Int32Array;
  alignment: AlignmentTrace;
  /** Training loss of every step. */
  loss: Float32Array;
  /** Validation loss (and accuracy for classification) at the evaluated steps. */
  validation: { step: number; loss: number; accuracy?: number }[];
  /** Mean alignments per layer over the last finalFraction of steps, and their layer mean. */
  final: {
    signal: number[];
    update: number[];
    post: number[];
    gradient: number[];
    meanSignal: number;
  };
  /** Per layer ⟨E g, E H⟩, γ E‖h_b‖² and their ratio over the same window. */
  stationarity: { lhs: number; rhs: number; ratio: number; meanCosine: number }[];
  weightNorm: { initial: number[]; final: number[] };
  /** Weights shrank below 1e-3 of their initial norm, or became non-finite. */
  collapsed: boolean;
  diverged: boolean;
}

/** Targets: a Matrix (regression, MSE) or class labels (classification, cross-entropy). */
export type Targets = Matrix | Labels;

export interface EmergenceFitOptions extends FitOptions {
  /** Held-out data for the validation loss (and accuracy), evaluated every valEvery steps. */
  validation?: { x: Matrix; y: Targets };
}

/**
 * Trains a bias-free MLP with one learning rule under weight decay and weight noise and
 * measures, per layer and step, how Hebbian the learning signal is (docs/math/emergence.md).
 * After fit, `result` holds the traces and the summary; while fitAsync runs, `trace` fills
 * in step by step. Bit-for-bit reproducible for a seed on one backend.
 *
 *   const l = new EmergenceLearner({ rule: 'dfa', weightDecay: 5e-4 }).fit(x, y);
 *   l.result.final.signal   // cos(g, H) per layer at the end of training
 */
export class EmergenceLearner extends SupervisedModel<Resolved_, Targets, EmergenceFitOptions> {
  static readonly modelName = 'EmergenceLearner';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  /** The network (its `w` are the learnt weights v); null before fit. */
  net: EmergenceNetwork | null = null;
  /** The summary of the last fit. */
  result: EmergenceResult | null = null;
  /** The alignment traces of the fit in progress (or the last one). */
  trace: AlignmentTrace | null = null;
  /** Training steps taken. */
  steps = 0;
  private rule: LearningRule | null = null;

  constructor(options: EmergenceOptions) {
    const o = validateOptions('EmergenceLearner', SPEC, options);
    if (o.architecture === 'transformer' && !ANY_NETWORK_RULES.includes(o.rule))
      throw new ValueError(
        `EmergenceLearner: rule '${o.rule}' needs architecture 'mlp' (its feedback reaches an MLP's hidden layers); use sgd or adam with a transformer`,
      );
    if (o.architecture === 'transformer' && o.width % o.heads !== 0)
      throw new ValueError(
        `EmergenceLearner: ${o.heads} heads do not divide width ${o.width}; choose heads dividing it`,
      );
    super({ ...o, lr: o.lr ?? (o.rule === 'adam' ? 1e-3 : 0.05) });
  }

  get isFitted(): boolean {
    return this.net !== null;
  }

  private get act(): HiddenActivation {
    return this.options.activation.name as HiddenActivation;
  }

  private transformerShape() {
    const { tokens, width, heads, blocks } = this.options;
    return { tokens, width, heads, blocks };
  }

  /** Builds the network, its rule and their random streams for `inputs` → `outputs`. */
  private build(inputs: number, outputs: number): void {
    const o = this.options;
    const rng = new Rng(o.seed, this.backend);
    const net: EmergenceNetwork =
      o.architecture === 'transformer'
        ? new TinyTransformer(
            { inputs, outputs, ...this.transformerShape(), activation: this.act },
            o.batchSize,
            this.backend,
          )
        : new BiasFreeMlp([inputs, ...o.hidden, outputs], this.act, o.batchSize, this.backend);
    net.init(rng.fork(0), o.initScale);
    this.net = net;
    this.rule = createRule(o.rule, net, rng.fork(3), { ...o, decay: o.weightDecay });
    this.steps = 0;
  }

  /** From a fresh seeded initialisation; the summary lands in `result`. */
  protected *training(x: Matrix, y: Targets, opts: EmergenceFitOptions): Generator<FitEvent> {
    const o = this.options;
    const be = this.backend;
    const where = 'EmergenceLearner.fit';
    if (opts.resume)
      throw new ValueError(`${where}: resume is not supported; fit again from the start`);
    const task = checkTargets(where, be, x, y);
    const N = x.rows;
    const B = o.batchSize;
    if (B > N)
      throw new ValueError(
        `${where}: batchSize ${B} exceeds the ${N} training rows; lower batchSize`,
      );
    this.build(x.cols, task.outputs);
    const net = this.net!;
    const rule = this.rule!;
    const L = net.w.length;
    const rng = new Rng(o.seed, be);
    const shuffleRng = rng.fork(1);
    const noiseRng = rng.fork(2);
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
    this.trace = trace;
    const loss = new Float32Array(steps).fill(NaN);
    const meters = net.w.map((w) => new StationarityMeter(be, w.rows, w.cols, o.weightDecay));
    const initialNorm = net.w.map((w) => Math.sqrt(be.dot(w, w)));
    const validate = opts.validation ? makeValidator(be, net, opts.validation, task) : null;
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
        // ΔW = η (g − γ W), applied to the learnt weights v
        for (let l = 0; l < L; l++) {
          if (o.weightDecay > 0) be.scale(1 - o.lr * o.weightDecay, net.w[l]);
          be.axpy(o.lr, g[l], net.w[l]);
        }
        this.steps = step + 1;
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
    this.result = {
      rule: o.rule,
      weightDecay: o.weightDecay,
      weightNoise: o.weightNoise,
      lr: o.lr,
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
   * Training steps on the rows of (x, y) in order, batchSize at a time, continuing from the
   * current state (building the network on first use). Rows that do not fill a last batch are
   * left out, as in each epoch of fit (the network's buffers have a fixed batch size). No
   * alignment is recorded; use fit for the traces.
   */
  partialFit(x: Matrix, y: Targets): this {
    const where = 'EmergenceLearner.partialFit';
    const o = this.options;
    const task = checkTargets(where, this.backend, x, y, this.net ?? undefined);
    if (!this.net) this.build(x.cols, task.outputs);
    const net = this.net!;
    const L = net.w.length;
    const batch = new TargetBatch(task, o.batchSize);
    const order = Int32Array.from({ length: x.rows }, (_, i) => i);
    const g = net.w.map((w) => Matrix.zeros(w.rows, w.cols));
    const noise = new Rng(o.seed, this.backend).fork(2 + 1000 + this.steps);
    const perturb = o.weightNoise > 0 || o.alwaysPerturb;
    for (let s = 0; s + o.batchSize <= x.rows; s += o.batchSize) {
      batch.gather(order, s, x, net.input);
      if (perturb) {
        net.weff = net.w.map((w) => {
          const e = new Matrix(w.rows, w.cols, noise.normal(w.size, 0, o.weightNoise));
          this.backend.axpy(1, w, e);
          return e;
        });
      }
      net.forward();
      this.rule!.signal(net, batch.lossGrad(this.backend), g);
      for (let l = 0; l < L; l++) {
        if (o.weightDecay > 0) this.backend.scale(1 - o.lr * o.weightDecay, net.w[l]);
        this.backend.axpy(o.lr, g[l], net.w[l]);
      }
      net.weff = net.w;
      this.steps++;
    }
    return this;
  }

  /** The network's outputs (samples × outputs) with the learnt weights, no noise. */
  output(x: Matrix): Matrix {
    const net = this.net;
    if (!net) throw this.notFitted('output');
    checkSamples('EmergenceLearner.output', this.backend, x, net.inputs);
    const ev = net.evaluator(x.rows);
    this.backend.unary('copy', x, ev.input);
    ev.forward();
    return ev.output.clone();
  }

  /** Class indices (argmax of the outputs): for classification. */
  predict(x: Matrix): Int32Array {
    const out = this.output(x);
    const pred = new Int32Array(x.rows);
    this.backend.argmaxRows(out, pred);
    return pred;
  }

  /** Accuracy for labels; for regression targets the coefficient of determination R². */
  score(x: Matrix, y: Targets): number {
    const out = this.output(x);
    if (!(y instanceof Matrix)) {
      checkLabels('EmergenceLearner.score', y, x.rows, out.cols);
      const pred = new Int32Array(x.rows);
      this.backend.argmaxRows(out, pred);
      return accuracy(pred, y);
    }
    if (y.rows !== out.rows || y.cols !== out.cols)
      throw new ShapeError(
        `EmergenceLearner.score: y is ${y.rows}×${y.cols} but the outputs are ${out.rows}×${out.cols}`,
      );
    let ssRes = 0;
    let ssTot = 0;
    for (let j = 0; j < y.cols; j++) {
      let mean = 0;
      for (let i = 0; i < y.rows; i++) mean += y.data[i * y.cols + j];
      mean /= y.rows;
      for (let i = 0; i < y.rows; i++) {
        const t = y.data[i * y.cols + j];
        ssRes += (t - out.data[i * y.cols + j]) ** 2;
        ssTot += (t - mean) ** 2;
      }
    }
    return ssTot > 0 ? 1 - ssRes / ssTot : NaN;
  }

  /**
   * The learnt weights w.0, w.1, … (F32, in `result.matrices` order) and steps (F64). Their
   * sizes follow from the options but for the inputs and outputs, which a restored state gives.
   */
  stateSlots(): TensorSlots {
    const net = () => {
      if (!this.net) throw this.notFitted('getState');
      return this.net;
    };
    const slots: TensorSlots = { steps: tensor.count({ get: () => this.steps }) };
    this.matrixSizes().forEach(([rows, cols], l) => {
      slots[`w.${l}`] = tensor.matrix({ rows, cols, get: () => net().w[l] });
    });
    return slots;
  }

  /**
   * Rebuilds the network for the state's inputs and outputs and puts the weights in. The
   * rule's own state (feedback matrices, Adam's moments) is rebuilt from the seed, not saved:
   * a restored learner predicts exactly, and further training starts its rule afresh.
   */
  protected override afterSetState(v: StateValues): void {
    const ws = this.matrixSizes().map((_, l) => v[`w.${l}`] as Matrix);
    const perToken = this.options.architecture === 'transformer' ? this.options.tokens : 1;
    this.build(ws[0].cols * perToken, ws[ws.length - 1].rows);
    ws.forEach((w, l) => this.net!.w[l].data.set(w.data));
    this.steps = v.steps as number;
  }

  /** Rows × columns of each weight matrix as the options fix them (inputs, outputs: any). */
  private matrixSizes(): [number | undefined, number | undefined][] {
    const o = this.options;
    if (o.architecture === 'transformer') return transformerSizes(o);
    const sizes = [undefined, ...o.hidden, undefined];
    return sizes.slice(1).map((rows, l) => [rows, sizes[l]]);
  }
}

registerModel(EmergenceLearner);

interface CheckedTask {
  labels: Labels | null;
  targets: Matrix | null;
  outputs: number;
}

function checkTargets(
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
        `${where}: x has ${x.rows} rows but y has ${y.rows}; give one target row per sample`,
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
