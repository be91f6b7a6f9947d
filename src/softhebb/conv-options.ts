// Options of the convolutional SoftHebb layer: the dense layer's rule options plus the geometry.
import { ValueError } from '../errors.ts';
import {
  boolean,
  custom,
  describe,
  integer,
  oneOf,
  required,
  validateOptions,
  withDefault,
  type Resolved,
} from '../model/params.ts';
import type { Activation } from '../model/activation.ts';
import { imageShape, type ImageShape } from '../model/image-shape.ts';
import { SOFTHEBB_SPEC, type SoftHebbOptions } from './options.ts';

/** Options of SoftHebbConv2d (docs/math/softhebb.md, "Convolution"). */
export interface SoftHebbConv2dOptions extends Omit<SoftHebbOptions, 'activation'> {
  /** Number of kernels K (the output channels); they compete at every position. */
  units: number;
  /** [height, width, channels] of the input images (rows hold them in HWC order). */
  inputShape: ImageShape;
  /** Kernel size: one number (square) or [height, width]. */
  kernelSize: number | [number, number];
  /** Step between two patches. Default 1. */
  stride?: number;
  /** Pixels added on each side. Default 0. */
  padding?: number;
  /**
   * What the padding pixels hold: 'zeros' (default) or 'reflect' (the image mirrored at its
   * border without repeating it, PyTorch's 'reflect'; the authors' deep presets use it).
   */
  paddingMode?: 'zeros' | 'reflect';
  /** Spacing between a kernel's taps. Default 1. */
  dilation?: number;
  /**
   * What transform gives per position over the K channels when called without one: default
   * the posterior softmax at t ('onehot' when hard); e.g. 'triangle:0.7' in a deep stack.
   */
  activation?: Activation | string;
  /**
   * Images per update (every patch of them is summed into one step). Default 10. A batch of
   * 1 is online learning over images (each still a sum over its own patches).
   */
  batchSize?: number;
  /**
   * Divide each patch by its Euclidean norm. Default false, unlike the dense layer: a faint
   * stroke edge would become a full-contrast pattern (MNIST, one block of 64 kernels: 98.13 %
   * normalised against 98.48 % raw; docs/reproducing.md).
   */
  normalizeInput?: boolean;
}

function kernelSize() {
  return custom<[number, number]>('a positive integer or [height, width]', (v, name) => {
    const pair = typeof v === 'number' ? [v, v] : v;
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      !pair.every((n) => Number.isInteger(n) && n > 0)
    )
      throw new ValueError(
        `${name} must be a positive integer or [height, width] of them, got ${JSON.stringify(v)}`,
      );
    return [pair[0], pair[1]];
  });
}

export const CONV_SPEC = {
  ...SOFTHEBB_SPEC,
  units: describe(
    SOFTHEBB_SPEC.units,
    'number of kernels K (the output channels); they compete at every position',
  ),
  initialWeights: describe(
    SOFTHEBB_SPEC.initialWeights,
    'start from these kernels (units × kernelH·kernelW·channels, HWC) instead of random ones',
  ),
  activation: describe(
    SOFTHEBB_SPEC.activation,
    'what transform gives per position over the K channels when called without one, e.g. triangle:0.7 in a deep stack; default the softmax posterior at t (onehot when hard)',
  ),
  inputShape: describe(
    required(imageShape()),
    '[height, width, channels] of the input images (rows hold them in HWC order)',
  ),
  kernelSize: describe(
    required(kernelSize()),
    'kernel size: one number (square) or [height, width]',
  ),
  stride: describe(integer({ min: 1, default: 1 }), 'step in pixels between two patches'),
  padding: describe(integer({ min: 0, default: 0 }), 'pixels added on each side of the image'),
  paddingMode: describe(
    oneOf(['zeros', 'reflect'] as const, { default: 'zeros' }),
    "what the padding holds: 'zeros' or 'reflect' (the image mirrored at its border, PyTorch's)",
  ),
  dilation: describe(integer({ min: 1, default: 1 }), "spacing in pixels between a kernel's taps"),
  epochs: describe(withDefault(SOFTHEBB_SPEC.epochs, 1), 'passes over the training images in fit'),
  batchSize: describe(
    integer({ min: 1, default: 10 }),
    'images per update, all their patches summed into one step (1 = online over images)',
  ),
  normalizeInput: describe(
    boolean({ default: false }),
    'divide each patch by its Euclidean norm (off by default: a faint stroke edge would become full-contrast)',
  ),
} satisfies Record<keyof SoftHebbConv2dOptions, unknown>;

export type ConvLayerOptions = Resolved<typeof CONV_SPEC>;

/** Validates the options under the layer's name (the rule's own checks run in the dense core). */
export function validateConvOptions(given: unknown): ConvLayerOptions {
  return validateOptions('SoftHebbConv2d', CONV_SPEC, given);
}
