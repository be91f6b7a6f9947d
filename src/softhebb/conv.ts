import { Matrix } from '../backend/matrix.ts';
import { convOutputSize, type ConvGeometry } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { applyActivation, type Activation } from '../model/activation.ts';
import { epochBatches } from '../model/batches.ts';
import { epochPlan, type FitEvent, type FitOptions } from '../model/fit-loop.ts';
import { allocateMatrix, checkSamples } from '../model/inputs.ts';
import { registerModel, UnsupervisedModel } from '../model/model.ts';
import { tensor, type Slot, type TensorSlots } from '../model/state.ts';
import { imageSize, type ImageShape } from '../model/image-shape.ts';
import {
  CONV_SPEC,
  validateConvOptions,
  type ConvLayerOptions,
  type SoftHebbConv2dOptions,
} from './conv-options.ts';
import { outputActivation, SoftHebb } from './layer.ts';
import { reflectPad } from './pad.ts';
import type { ResolvedSoftHebbOptions, SoftHebbOptions } from './options.ts';
import { count } from '../model/wording.ts';

/** Patch values handled in one piece by transform (bounds its working memory to ~16 MB). */
const CHUNK_VALUES = 4 << 20;

/**
 * The options with the rule's preset applied (as SoftHebb's) and the geometry: every field of
 * SoftHebbConv2dOptions with its value (SoftHebbConv2d.options).
 */
export type ResolvedSoftHebbConv2dOptions = Omit<ResolvedSoftHebbOptions, 'batchSize'> &
  Omit<ConvLayerOptions, keyof ResolvedSoftHebbOptions> & {
    /** Images per update. */
    readonly batchSize: number;
    /** [kernel height, kernel width] in pixels. */
    readonly kernelSize: [number, number];
  };

/**
 * Convolutional SoftHebb (docs/math/softhebb.md, "Convolution"): K kernels compete by soft
 * (or hard) winner-take-all at every position of the image, and each learns by the dense
 * layer's rule from every patch: ΔW = Σ_patches (yᵀp − diag(Σ y∘u) W). A batch's patches come
 * from im2col and feed the dense layer's fused step as one summed update, so the layer is
 * exactly a SoftHebb layer trained on patches (the tests check that) and no
 * batch × positions × K × patch tensor is formed. Images are rows in HWC order; the output of
 * transform is HWC too: B × (outH·outW·K).
 *
 *   const conv = new SoftHebbConv2d({ units: 32, inputShape: [28, 28, 1], kernelSize: 5 });
 *   conv.fit(train.x);
 *   const h = conv.transform(test.x, { activation: 'triangle:1' }); // B × 24·24·32
 */
export class SoftHebbConv2d extends UnsupervisedModel<ResolvedSoftHebbConv2dOptions> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'SoftHebbConv2d';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = CONV_SPEC;
  /** The dense layer that learns from the patches (batch = images per batch × positions). */
  private readonly core: SoftHebb;
  /** The convolution's geometry on one image (padding as given, whatever its mode). */
  readonly geometry: ConvGeometry;
  /** What im2col reads: the reflect-padded image unpadded, else `geometry`. */
  private readonly patchGeometry: ConvGeometry;
  /** Output positions per image (outH·outW). */
  readonly positions: number;
  /** Pixels reflected onto each side before the convolution (0: zero padding, in im2col). */
  private readonly reflect: number;
  private readonly patchLength: number;

  constructor(options: SoftHebbConv2dOptions) {
    const o = validateConvOptions(options);
    const [h, w, c] = o.inputShape;
    const [kh, kw] = o.kernelSize;
    // Reflect padding pads the images first (reflectPad), then convolves them unpadded.
    const reflect = o.paddingMode === 'reflect' ? o.padding : 0;
    if (reflect >= h || reflect >= w)
      throw new ValueError(
        `SoftHebbConv2d: reflect padding ${o.padding} needs images larger than ${o.padding} pixels on each side, got ${h}×${w}; use less padding or paddingMode 'zeros'`,
      );
    const geometry: ConvGeometry = {
      inH: h,
      inW: w,
      channels: c,
      kernelH: kh,
      kernelW: kw,
      stride: o.stride,
      pad: o.padding,
      dilation: o.dilation,
    };
    const { outH, outW } = convOutputSize(geometry);
    if (outH < 1 || outW < 1)
      throw new ShapeError(
        `SoftHebbConv2d: a ${kh}×${kw} kernel (dilation ${o.dilation}, padding ${o.padding}) does not fit a ${h}×${w} image; use a smaller kernel or more padding`,
      );
    const rule: Record<string, unknown> = { ...options };
    for (const k of [
      'inputShape',
      'kernelSize',
      'stride',
      'padding',
      'paddingMode',
      'dilation',
      'activation',
    ])
      delete rule[k];
    const core = new SoftHebb({
      ...(rule as unknown as SoftHebbOptions),
      normalizeInput: o.normalizeInput,
      batchSize: o.batchSize * outH * outW,
    });
    super(
      Object.freeze({
        ...o,
        // The rule's options as the dense layer resolved them (preset applied).
        ...core.options,
        activation: o.activation,
        batchSize: o.batchSize,
      }) as ResolvedSoftHebbConv2dOptions,
    );
    this.core = core;
    this.geometry = geometry;
    this.reflect = reflect;
    this.patchGeometry =
      reflect > 0 ? { ...geometry, inH: h + 2 * reflect, inW: w + 2 * reflect, pad: 0 } : geometry;
    this.positions = outH * outW;
    this.patchLength = kh * kw * c;
  }

  declare readonly options: ResolvedSoftHebbConv2dOptions;

  get isFitted(): boolean {
    return this.core.isFitted;
  }

  /** The shape of transform's output images: [outH, outW, units]. */
  get outputShape(): ImageShape {
    const { outH, outW } = convOutputSize(this.geometry);
    return [outH, outW, this.options.units];
  }

  /** Kernels, units × kernelH·kernelW·channels, each row in (ky, kx, c) order (live). */
  get weights(): Matrix {
    if (!this.isFitted) throw this.notFitted('weights');
    return this.core.weights;
  }

  /** The learnt prior bias (null when bias learning is off). */
  get bias(): Float32Array | null {
    if (!this.isFitted) throw this.notFitted('bias');
    return this.core.bias;
  }

  /** Images learnt from since training started. */
  get samplesSeen(): number {
    return this.core.samplesSeen / this.positions;
  }

  /** Images the rate schedules run over (fit sets epochs × N; set it before partialFit loops). */
  get horizon(): number {
    return this.core.horizon / this.positions;
  }

  /** Sets the images the rate schedules run over. */
  set horizon(images: number) {
    this.core.horizon = images * this.positions;
  }

  /** Stack layer (src/stack): one pass per epoch. */
  get fitPasses(): number {
    return this.options.epochs;
  }

  /** Values per input image, H·W·C of inputShape. */
  get inputSize(): number {
    return imageSize(this.options.inputShape);
  }

  /** Values per output image, outH·outW·units. */
  outputSize(): number {
    return imageSize(this.outputShape);
  }

  /** Fresh kernels and rate schedules over `samples` images. */
  beginFit(_inputs: number, samples: number): void {
    this.initialize();
    this.horizon = samples;
  }

  /** Creates the initial kernels (and bias), untrained. */
  initialize(): this {
    this.core.initialize(this.patchLength);
    return this;
  }

  protected *training(x: Matrix, opts: FitOptions): Generator<FitEvent> {
    const o = this.options;
    this.checkImages('SoftHebbConv2d.fit', x);
    const N = x.rows;
    if (!opts.resume || !this.isFitted) {
      this.initialize();
      this.horizon = o.epochs * N;
    } else if (this.horizon !== o.epochs * N) {
      throw new ShapeError(
        `SoftHebbConv2d.fit: cannot resume: the state's rate schedule covers ${count(this.horizon, 'image')} but epochs × rows = ${o.epochs} × ${N}; resume with the options and data of the interrupted run`,
      );
    }
    const { first, total } = epochPlan(N, o.epochs, this.samplesSeen, opts.resume);
    let done = 0;
    for (const b of epochBatches({
      n: N,
      epochs: o.epochs,
      first,
      batchSize: o.batchSize,
      seed: o.seed,
      shuffle: true,
      backend: this.backend,
    })) {
      this.learn(x.gatherRows(b.rows));
      done += b.rows.length;
      yield { done, total, epoch: b.epoch + 1, epochs: o.epochs, epochEnd: b.epochEnd };
    }
  }

  /**
   * Learns from the images once, in the order given, batchSize images per step (each step
   * sums over all their patches), continuing from the current state. Returns this.
   */
  partialFit(x: Matrix): this {
    this.checkImages('SoftHebbConv2d.partialFit', x);
    if (!this.isFitted) this.initialize();
    const B = this.options.batchSize;
    for (let s = 0; s < x.rows; s += B) this.learn(x.sliceRows(s, Math.min(x.rows, s + B)));
    return this;
  }

  /** Pre-activations u + b at every position: B × (outH·outW·units), HWC. */
  preActivation(x: Matrix): Matrix {
    this.checkImages('SoftHebbConv2d.transform', x);
    if (!this.isFitted) throw this.notFitted('transform');
    const K = this.options.units;
    const L = this.positions;
    const out = allocateMatrix(x.rows, L * K, 'SoftHebbConv2d', 'output', 'pass fewer images');
    const step = Math.max(1, Math.floor(CHUNK_VALUES / (L * Math.max(this.patchLength, K))));
    let patches: Matrix | null = null;
    for (let s = 0; s < x.rows; s += step) {
      const e = Math.min(x.rows, s + step);
      const rows = (e - s) * L;
      if (!patches || patches.rows !== rows) patches = new Matrix(rows, this.patchLength);
      this.backend.im2col(this.padded(x.sliceRows(s, e)), this.patchGeometry, patches);
      // The dense layer's forward pass, into the image-major output viewed as one row per position.
      this.core.preActivation(
        patches,
        new Matrix(rows, K, out.data.subarray(s * L * K, e * L * K)),
      );
    }
    return out;
  }

  /**
   * The layer's output images: at every position, the activation of the K channels — by
   * default the `activation` option, else the posterior softmax at t ('onehot' when hard).
   */
  transform(x: Matrix, { activation }: { activation?: Activation | string } = {}): Matrix {
    const act = outputActivation(this.options, activation, 'SoftHebbConv2d.transform');
    const out = this.preActivation(x);
    if (act.name !== 'linear') {
      const perPosition = new Matrix(x.rows * this.positions, this.options.units, out.data);
      applyActivation(this.backend, act, perPosition, perPosition);
    }
    return out;
  }

  /** Euclidean norm of each kernel. */
  weightNorms(): Float32Array {
    return this.core.weightNorms();
  }

  /** Kernels whose norm is within tol of 1 (the paper's "R1 features"). */
  r1Features(tol = 0.01): number {
    return this.core.r1Features(tol);
  }

  protected override notSaved(): string[] {
    return ['backend', 'initialWeights', 'initialBias'];
  }

  /**
   * The dense layer's tensors: weights (units × kernelH·kernelW·channels), bias, samples_seen
   * and horizon (both in patches).
   */
  stateSlots(): TensorSlots {
    const core = this.core.stateSlots();
    const weights = core.weights as Slot<'matrix'>;
    return {
      ...core,
      weights: tensor.matrix({
        rows: this.options.units,
        cols: this.patchLength,
        get: () => {
          if (!this.isFitted) throw this.notFitted('getState');
          return weights.get();
        },
        set: weights.set,
      }),
    };
  }

  private patchBuffer: Matrix | null = null;

  /** One step from a batch of images: all their patches, summed into one update. */
  private learn(images: Matrix): void {
    const rows = images.rows * this.positions;
    if (!this.patchBuffer || this.patchBuffer.rows !== rows)
      this.patchBuffer = new Matrix(rows, this.patchLength);
    this.backend.im2col(this.padded(images), this.patchGeometry, this.patchBuffer);
    // The images were checked once (fit, partialFit); im2col of finite images is finite.
    this.core.partialFitChecked(this.patchBuffer);
  }

  /** The images as im2col reads them: reflect-padded when paddingMode is 'reflect'. */
  private padded(images: Matrix): Matrix {
    return this.reflect > 0 ? reflectPad(images, this.options.inputShape, this.reflect) : images;
  }

  /**
   * Throws one line naming `where` when x is not a batch of this layer's images (rows of
   * inputShape, HWC) or not a valid sample matrix; used by fit, transform and the WebGPU fit.
   */
  checkImages(where: string, x: Matrix): void {
    const [h, w, c] = this.options.inputShape;
    if (x instanceof Matrix && x.cols !== this.inputSize)
      throw new ShapeError(
        `${where}: x is ${x.rows}×${x.cols} but the layer reads ${h}×${w}×${c} images (${count(this.inputSize, 'value')} per row, HWC order); pass images of inputShape or change inputShape`,
      );
    checkSamples(where, this.backend, x);
  }
}

registerModel(SoftHebbConv2d);
