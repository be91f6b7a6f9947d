// The emergence learner as a model (docs/api.md): it builds the network and its rule, runs the
// training loops of training.ts, and saves the learnt weights.
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { FitEvent, FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { registerModel, SupervisedModel } from '../model/model.ts';
import { tensor, type StateValues, type TensorSlots } from '../model/state.ts';
import { accuracy, checkLabels } from '../readout/classifier-inputs.ts';
import { BiasFreeMlp, type EmergenceNetwork, type HiddenActivation } from './network.ts';
import {
  EMERGENCE_SPEC,
  resolveEmergenceOptions,
  type EmergenceOptions,
  type ResolvedEmergenceOptions,
} from './options.ts';
import { createRule, type LearningRule } from './rules.ts';
import {
  checkTargets,
  trainSteps,
  trainWithAlignments,
  type AlignmentTrace,
  type EmergenceResult,
  type Targets,
  type TrainingRun,
} from './training.ts';
import { TinyTransformer, transformerSizes } from './transformer.ts';

// Kept importable from here (their home moved to options.ts and training.ts).
export { EMERGENCE_SPEC, type EmergenceOptions } from './options.ts';
export type { AlignmentTrace, EmergenceResult, Targets } from './training.ts';

/** Options of EmergenceLearner.fit and fitAsync. */
export interface EmergenceFitOptions extends FitOptions {
  /** Held-out data for the validation loss (and accuracy), evaluated every valEvery steps. */
  validation?: {
    /** The inputs, one sample per row. */
    x: Matrix;
    /** Their targets, as fit takes them. */
    y: Targets;
  };
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
export class EmergenceLearner extends SupervisedModel<
  ResolvedEmergenceOptions,
  Targets,
  EmergenceFitOptions
> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'EmergenceLearner';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = EMERGENCE_SPEC;
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
    super(resolveEmergenceOptions(options));
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
    const where = 'EmergenceLearner.fit';
    if (opts.resume)
      throw new ValueError(`${where}: resume is not supported; fit again from the start`);
    const task = checkTargets(where, this.backend, x, y);
    const B = this.options.batchSize;
    if (B > x.rows)
      throw new ValueError(
        `${where}: batchSize ${B} exceeds the ${x.rows} training rows; lower batchSize`,
      );
    this.build(x.cols, task.outputs);
    this.result = yield* trainWithAlignments(this.run(), x, task, opts.validation, this);
  }

  /**
   * Training steps on the rows of (x, y) in order, batchSize at a time, continuing from the
   * current state (building the network on first use). Rows that do not fill a last batch are
   * left out, as in each epoch of fit (the network's buffers have a fixed batch size). No
   * alignment is recorded; use fit for the traces.
   */
  partialFit(x: Matrix, y: Targets): this {
    const task = checkTargets(
      'EmergenceLearner.partialFit',
      this.backend,
      x,
      y,
      this.net ?? undefined,
    );
    if (!this.net) this.build(x.cols, task.outputs);
    trainSteps(this.run(), x, task, this);
    return this;
  }

  /** The built network and its rule, with the options, for the training loops. */
  private run(): TrainingRun {
    return { net: this.net!, rule: this.rule!, options: this.options, backend: this.backend };
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

registerModel(EmergenceLearner);
