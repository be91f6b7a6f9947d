import type { Matrix } from '../backend/matrix.ts';
import { convOutputSize, type ConvGeometry } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { allocateMatrix, checkSamples } from '../model/inputs.ts';
import { registerModel, UnsupervisedModel, backendOption } from '../model/model.ts';
import {
  boolean,
  describe,
  integer,
  oneOf,
  required,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import type { FitEvent } from '../model/fit-loop.ts';
import type { TensorSlots } from '../model/state.ts';
import { imageShape, imageSize, type ImageShape } from '../model/image-shape.ts';
import type { Backend } from '../backend/types.ts';

/** Options of Pool2d. */
export interface Pool2dOptions {
  /** [height, width, channels] of the input images (HWC rows). */
  inputShape: ImageShape;
  /** Window side. */
  size: number;
  /** Step between windows. Default: size (windows that do not overlap). */
  stride?: number;
  /** Pixels added on each side, left out of the max and of the mean. Default 0. */
  padding?: number;
  /** 'max' (default) or 'avg'. */
  kind?: 'max' | 'avg';
  /**
   * Average pooling: count the padding pixels (as zeros) in the mean, dividing every window by
   * size² (PyTorch's AvgPool2d default, count_include_pad). Default false: the mean of the
   * pixels the window holds.
   */
  countPadding?: boolean;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  inputShape: describe(
    required(imageShape()),
    '[height, width, channels] of the input images (rows in HWC order)',
  ),
  size: describe(required(integer({ min: 1 })), 'side of the pooling window, in pixels'),
  stride: describe(
    integer({ min: 1 }),
    'step between windows; default size (windows that do not overlap)',
  ),
  padding: describe(
    integer({ min: 0, default: 0 }),
    'pixels added on each side, left out of the max and of the mean',
  ),
  kind: describe(oneOf(['max', 'avg'] as const, { default: 'max' }), "'max' or 'avg' pooling"),
  countPadding: describe(
    boolean({ default: false }),
    "average pooling: count padding pixels as zeros in the mean (PyTorch's count_include_pad)",
  ),
  backend: backendOption(),
} satisfies Record<keyof Pool2dOptions, unknown>;

/**
 * Max or average pooling of HWC images, channel by channel, as between the layers of a
 * convolutional net. It learns nothing: fit and partialFit return at once, the state is empty.
 *
 * ```ts
 * const pool = new Pool2d({ inputShape: [24, 24, 32], size: 4, stride: 2, padding: 1 });
 * ```
 */
export class Pool2d extends UnsupervisedModel<
  Resolved<typeof SPEC> & {
    /** Step between windows (size when not given). */
    readonly stride: number;
  }
> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'Pool2d';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  /** The pooling window's geometry, as the backend's pool2d takes it. */
  readonly geometry: ConvGeometry;
  /** 0: greedy training gives it no pass (it learns nothing). */
  readonly fitPasses = 0;

  constructor(options: Pool2dOptions) {
    const o = validateOptions('Pool2d', SPEC, options);
    const stride = o.stride ?? o.size;
    if (2 * o.padding > o.size)
      throw new ValueError(
        `Pool2d: padding ${o.padding} is more than half the window (${o.size}), so a window could hold no pixel; use padding ≤ ${Math.floor(o.size / 2)}`,
      );
    super(Object.freeze({ ...o, stride }));
    const [h, w, c] = o.inputShape;
    this.geometry = {
      inH: h,
      inW: w,
      channels: c,
      kernelH: o.size,
      kernelW: o.size,
      stride,
      pad: o.padding,
    };
    const { outH, outW } = convOutputSize(this.geometry);
    if (outH < 1 || outW < 1)
      throw new ShapeError(
        `Pool2d: a ${o.size}×${o.size} window with padding ${o.padding} does not fit ${h}×${w} images; use a smaller window`,
      );
  }

  get isFitted(): boolean {
    return true;
  }

  /** [outH, outW, channels] of the pooled images. */
  get outputShape(): ImageShape {
    const { outH, outW } = convOutputSize(this.geometry);
    return [outH, outW, this.geometry.channels];
  }

  /** Values per input image, H·W·C of inputShape. */
  get inputSize(): number {
    return imageSize(this.options.inputShape);
  }

  /** Values per pooled image, outH·outW·channels. */
  outputSize(): number {
    return imageSize(this.outputShape);
  }

  /** Does nothing: there is nothing to learn. */
  beginFit(): void {}

  protected *training(): Generator<FitEvent> {}

  /** Returns at once: there is nothing to learn. */
  partialFit(): this {
    return this;
  }

  /** Pooled images, B × outH·outW·channels. */
  transform(x: Matrix): Matrix {
    checkSamples('Pool2d.transform', this.backend, x, this.inputSize);
    const out = allocateMatrix(x.rows, this.outputSize(), 'Pool2d', 'output', 'pass fewer images');
    this.backend.pool2d(x, this.geometry, this.options.kind, out);
    if (this.options.kind === 'avg' && this.options.countPadding && this.options.padding > 0)
      this.backend.scaleColumns(out, this.paddingScale());
    return out;
  }

  /** Per output value: (pixels the window holds) / size², turning their mean into sum / size². */
  private paddingScale(): Float32Array {
    const g = this.geometry;
    const { outH, outW } = convOutputSize(g);
    const inside = (o: number, n: number) =>
      Math.min(n, o * g.stride - g.pad + g.kernelH) - Math.max(0, o * g.stride - g.pad);
    const scale = new Float32Array(outH * outW * g.channels);
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        scale.fill(
          (inside(oy, g.inH) * inside(ox, g.inW)) / (g.kernelH * g.kernelW),
          (oy * outW + ox) * g.channels,
          (oy * outW + ox + 1) * g.channels,
        );
    return scale;
  }

  /** Pooling learns nothing. */
  stateSlots(): TensorSlots {
    return {};
  }
}

registerModel(Pool2d);
