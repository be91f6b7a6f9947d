import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { epochBatches } from '../model/batches.ts';
import type { FitEvent, FitOptions } from '../model/fit-loop.ts';
import { allocateMatrix, checkSamples } from '../model/inputs.ts';
import {
  backendOption,
  modelClass,
  registerModel,
  UnsupervisedModel,
  type Model,
} from '../model/model.ts';
import {
  MAX_EPOCHS,
  boolean,
  custom,
  describe,
  integer,
  listOf,
  oneOf,
  required,
  seed,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { tensor, type ModelState, type StateValues, type TensorSlots } from '../model/state.ts';
import { isStackLayer, type StackLayer } from './layer.ts';
import { count } from '../model/wording.ts';

/** A layer as saved: its class name and options. */
export interface LayerRecord {
  /** The class name, e.g. 'SoftHebbConv2d'. */
  model: string;
  /** Its options (getParams()). */
  options: Record<string, unknown>;
}

/** Options of Sequential. */
export interface SequentialOptions {
  /** The layers, input first: models (SoftHebbConv2d, Pool2d, Standardize, SoftHebb) or records. */
  layers: (StackLayer | LayerRecord)[];
  /**
   * 'greedy' (default): each learning layer trains alone, for its own epochs, on the output of
   * the (frozen) layers below it. 'simultaneous': every batch passes through all layers and each
   * learns from it on the way up (a Hebbian layer needs no signal from above), for `epochs`.
   */
  training?: 'greedy' | 'simultaneous';
  /** Samples sent up the stack at once; each layer then steps in its own batchSize. Default 100. */
  batchSize?: number;
  /** Passes over the data in simultaneous training. Default 1. */
  epochs?: number;
  /** Seed of the sample order (each layer's own seed draws its weights). Default 0. */
  seed?: number;
  /**
   * Greedy training: compute the frozen layers' output for the whole training set once per
   * stage and keep it (rows × that width floats in memory), instead of recomputing it for every
   * batch. The same result up to float rounding. Default false.
   */
  cacheBelow?: boolean;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

/** Rows sent through the stack at once by transform (bounds its working memory). */
const TRANSFORM_ROWS = 256;

function layerParam() {
  return custom<StackLayer | LayerRecord>(
    'a stack layer (SoftHebbConv2d, Pool2d, Standardize, SoftHebb) or {model, options}',
    (v, name) => {
      if (isStackLayer(v)) return v;
      const r = v as LayerRecord;
      if (r && typeof r.model === 'string' && typeof r.options === 'object' && r.options !== null)
        return r;
      throw new ValueError(
        `${name} must be a stack layer (new SoftHebbConv2d(…), new Pool2d(…), …) or a {model, options} record`,
      );
    },
  );
}

const SPEC = {
  layers: describe(
    required(listOf(layerParam(), { minLength: 1 })),
    'the layers, input first: models (SoftHebbConv2d, Pool2d, Standardize, SoftHebb) or records {model, options}',
  ),
  training: describe(
    oneOf(['greedy', 'simultaneous'] as const, { default: 'greedy' }),
    "'greedy': each learning layer trains alone, for its own epochs, on the frozen layers below; 'simultaneous': every batch trains all layers on its way up",
  ),
  batchSize: describe(
    integer({ min: 1, default: 100 }),
    'samples sent up the stack at once (each layer then steps in its own batchSize)',
  ),
  epochs: describe(
    integer({ min: 1, max: MAX_EPOCHS, default: 1 }),
    'passes over the data in simultaneous training',
  ),
  seed: describe(seed(), "seed of the sample order (each layer's own seed draws its weights)"),
  cacheBelow: describe(
    boolean({ default: false }),
    "greedy: keep the frozen layers' output for the whole training set (memory) instead of recomputing it per batch",
  ),
  backend: backendOption(),
} satisfies Record<keyof SequentialOptions, unknown>;

/**
 * A stack of Hebbian layers (and the pooling and standardisation between them), trained layer
 * by layer or all at once, with any read-out fitted on its output. Follows the model contract:
 * fit returns this, state is every layer's tensors under `layers.i.`, and a saved stack rebuilds
 * its layers from their options.
 *
 *   const net = new Sequential({ layers: [
 *     new SoftHebbConv2d({ units: 32, inputShape: [28, 28, 1], kernelSize: 5, activation: 'triangle:1' }),
 *     new Pool2d({ inputShape: [24, 24, 32], size: 4 }),
 *   ] }).fit(train.x);
 *   const features = net.transform(test.x);
 */
export class Sequential extends UnsupervisedModel<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'Sequential';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  /** The layers, input first. */
  readonly layers: readonly StackLayer[];
  /** Greedy: the layer in training (layers.length once all are trained). */
  private stage = 0;
  /** Samples the stage in training has learnt from (all stages at once when simultaneous). */
  private stageSamples = 0;

  constructor(options: SequentialOptions) {
    const o = validateOptions('Sequential', SPEC, options);
    super(o);
    this.layers = o.layers.map((l, i) => {
      if (isStackLayer(l)) return l;
      const Cls = modelClass(l.model, `Sequential: layers[${i}] is a '${l.model}', which`);
      const built = new (Cls as unknown as new (o: object) => Model)({
        ...l.options,
        ...(o.backend !== undefined ? { backend: o.backend } : {}),
      });
      if (!isStackLayer(built))
        throw new ValueError(
          `Sequential: layers[${i}] is a ${l.model}, which cannot be a stack layer`,
        );
      return built;
    });
    this.checkChain();
  }

  get isFitted(): boolean {
    return this.stage >= this.layers.length;
  }

  /** Values per sample the first layer reads (undefined when it takes any width). */
  get inputSize(): number | undefined {
    return this.layers[0].inputSize;
  }

  /** Values per sample out of the stack for `inputs` in. */
  outputSize(inputs: number): number {
    return this.widthBelow(this.layers.length, inputs);
  }

  protected *training(x: Matrix, opts: FitOptions): Generator<FitEvent> {
    this.check('Sequential.fit', x);
    const N = x.rows;
    if (!opts.resume) {
      this.stage = 0;
      this.stageSamples = 0;
    }
    if (this.options.training === 'simultaneous') yield* this.simultaneous(x, N, opts.resume);
    else yield* this.greedy(x, N, opts.resume);
  }

  /** Each learning layer in turn, for its own passes, on the frozen output of those below. */
  private *greedy(x: Matrix, N: number, resume?: boolean): Generator<FitEvent> {
    const passes = this.layers.map((l) => l.fitPasses);
    const allPasses = passes.reduce((a, b) => a + b, 0);
    const startStage = this.stage;
    const startPass = Math.min(passes[startStage] ?? 0, Math.floor(this.stageSamples / N));
    let total = (passes[startStage] ?? 0) * N - startPass * N;
    for (let i = startStage + 1; i < this.layers.length; i++) total += passes[i] * N;
    let done = 0;
    // With cacheBelow: the output of layers 0..cachedAt−1 for every row of x.
    let cached: Matrix | null = null;
    let cachedAt = 0;
    for (let i = startStage; i < this.layers.length; i++) {
      const layer = this.layers[i];
      const first = i === startStage ? startPass : 0;
      if (!(resume && i === startStage && layer.isFitted && this.stageSamples > 0)) {
        layer.beginFit(this.widthBelow(i, x.cols), passes[i] * N);
      }
      this.stageSamples = first * N;
      const before = passes.slice(0, i).reduce((a, b) => a + b, 0);
      if (this.options.cacheBelow && i > 0 && passes[i] > first) {
        cached =
          cached && cachedAt < i
            ? this.throughLayers(cached, cachedAt, i, x.cols)
            : this.throughLayers(x, 0, i, x.cols);
        cachedAt = i;
      }
      for (const b of this.batches(N, passes[i], first, i)) {
        const rows = cached && cachedAt === i ? cached.gatherRows(b.rows) : null;
        layer.partialFit(rows ?? this.below(i, x.gatherRows(b.rows)));
        this.stageSamples += b.rows.length;
        done += b.rows.length;
        yield { done, total, epoch: before + b.epoch + 1, epochs: allPasses, epochEnd: b.epochEnd };
      }
      this.stage = i + 1;
      this.stageSamples = 0;
    }
  }

  /** Every batch up the whole stack, each learning layer learning from it on the way. */
  private *simultaneous(x: Matrix, N: number, resume?: boolean): Generator<FitEvent> {
    const E = this.options.epochs;
    const first = resume ? Math.min(E, Math.floor(this.stageSamples / N)) : 0;
    if (!resume || this.stageSamples === 0) {
      let width = x.cols;
      for (const l of this.layers) {
        l.beginFit(width, E * N);
        width = l.outputSize(width);
      }
    }
    this.stageSamples = first * N;
    let done = 0;
    for (const b of this.batches(N, E, first, 0)) {
      this.learnUpwards(x.gatherRows(b.rows));
      this.stageSamples += b.rows.length;
      done += b.rows.length;
      yield { done, total: (E - first) * N, epoch: b.epoch + 1, epochs: E, epochEnd: b.epochEnd };
    }
    this.stage = this.layers.length;
    this.stageSamples = 0;
  }

  private batches(n: number, epochs: number, first: number, stage: number) {
    return epochBatches({
      n,
      epochs,
      first,
      batchSize: this.options.batchSize,
      // One order per stage, so a layer does not see the batches of the one below it again.
      seed: this.options.seed + 7919 * stage,
      shuffle: true,
      backend: this.backend,
    });
  }

  /** One batch up the stack, each learning layer learning from it (the top one's output unused). */
  private learnUpwards(x: Matrix): void {
    let h = x;
    for (const [i, l] of this.layers.entries()) {
      if (l.fitPasses > 0) l.partialFit(h);
      if (i + 1 < this.layers.length) h = l.transform(h);
    }
  }

  /** h (the output of layers 0..from−1) through layers from..to−1, in chunks of rows. */
  private throughLayers(h: Matrix, from: number, to: number, inputs: number): Matrix {
    if (from === to) return h;
    const width = this.widthBelow(to, inputs);
    const out = allocateMatrix(
      h.rows,
      width,
      'Sequential',
      'cached layer output',
      'set cacheBelow false',
    );
    for (let s = 0; s < h.rows; s += TRANSFORM_ROWS) {
      const e = Math.min(h.rows, s + TRANSFORM_ROWS);
      let c = h.sliceRows(s, e);
      for (let j = from; j < to; j++) c = this.layers[j].transform(c);
      out.data.set(c.data, s * width);
    }
    return out;
  }

  /** The input of layer i: x through layers 0..i−1. */
  private below(i: number, x: Matrix): Matrix {
    let h = x;
    for (let j = 0; j < i; j++) h = this.layers[j].transform(h);
    return h;
  }

  private widthBelow(i: number, inputs: number): number {
    let width = inputs;
    for (let j = 0; j < i; j++) width = this.layers[j].outputSize(width);
    return width;
  }

  /** Learns from the rows once, through every layer on the way up (as simultaneous training). */
  partialFit(x: Matrix): this {
    this.check('Sequential.partialFit', x);
    for (let s = 0; s < x.rows; s += this.options.batchSize)
      this.learnUpwards(x.sliceRows(s, Math.min(x.rows, s + this.options.batchSize)));
    this.stage = this.layers.length;
    return this;
  }

  /** The last layer's output: samples × outputSize(x.cols). */
  transform(x: Matrix): Matrix {
    this.check('Sequential.transform', x);
    for (const [i, l] of this.layers.entries())
      if (!l.isFitted)
        throw new ValueError(
          `Sequential.transform: layers[${i}] (${l.modelName}) is not fitted yet; call fit or partialFit first`,
        );
    const out = allocateMatrix(
      x.rows,
      this.outputSize(x.cols),
      'Sequential',
      'output',
      'pass fewer samples',
    );
    for (let s = 0; s < x.rows; s += TRANSFORM_ROWS) {
      const e = Math.min(x.rows, s + TRANSFORM_ROWS);
      out.data.set(this.below(this.layers.length, x.sliceRows(s, e)).data, s * out.cols);
    }
    return out;
  }

  /** Layers as records (model name and options), the stack's own options beside them. */
  override getParams(): Record<string, unknown> {
    const { training, batchSize, epochs, seed, cacheBelow } = this.options;
    const layers: LayerRecord[] = this.layers.map((l) => ({
      model: l.modelName,
      options: l.getParams(),
    }));
    return { layers, training, batchSize, epochs, seed, cacheBelow };
  }

  /**
   * `stage` and `stage_samples`, and `layers.i.<name>` for every tensor of layer i (fitted
   * layers only). The layers are restored by afterSetState, which needs the stage read.
   */
  stateSlots(): TensorSlots {
    const slots: TensorSlots = {
      stage: tensor.count({
        get: () => this.stage,
        check: (n) =>
          n > this.layers.length
            ? `says a stack of at least ${count(n, 'layer')} but this one has ${this.layers.length}`
            : undefined,
      }),
      stage_samples: tensor.count({ get: () => this.stageSamples }),
    };
    for (const [i, l] of this.layers.entries())
      slots[`layers.${i}`] = tensor.state({ get: () => (l.isFitted ? l.getState() : {}) });
    return slots;
  }

  override setState(s: ModelState): this {
    // A tensor of a layer the stack does not have is refused, not ignored.
    for (const k of Object.keys(s ?? {})) {
      const m = /^layers\.(\d+)\./.exec(k);
      if (m && Number(m[1]) >= this.layers.length)
        throw new ShapeError(
          `Sequential.setState: tensor '${k}' is of layer ${m[1]} but the stack has ${count(this.layers.length, 'layer')}; were the options the same?`,
        );
    }
    return super.setState(s);
  }

  /** Each layer gets its part, where it has one or where the stage says it was trained. */
  protected override afterSetState(v: StateValues): void {
    const stage = v.stage as number;
    for (const [i, l] of this.layers.entries()) {
      const part = v[`layers.${i}`] as ModelState;
      if (Object.keys(part).length > 0 || (i < stage && l.fitPasses > 0)) l.setState(part);
    }
    this.stage = stage;
    this.stageSamples = v.stage_samples as number;
  }

  /** Each layer must read what the one below writes. */
  private checkChain(): void {
    let width = this.layers[0].inputSize;
    for (const [i, l] of this.layers.entries()) {
      const need = l.inputSize;
      if (width !== undefined && need !== undefined && need !== width) {
        const prev = this.layers[i - 1];
        const shape = (prev as unknown as { outputShape?: number[] }).outputShape;
        throw new ShapeError(
          `Sequential: layers[${i}] (${l.modelName}) reads ${count(need, 'value')} per sample but layers[${i - 1}] (${prev.modelName}) writes ${width}${shape ? ` (${shape.join('×')})` : ''}; set layers[${i}]'s inputShape to the output shape of the layer below`,
        );
      }
      width = width === undefined ? undefined : l.outputSize(width);
    }
  }

  private check(where: string, x: Matrix): void {
    checkSamples(where, this.backend, x, this.inputSize);
  }
}

registerModel(Sequential);
