// Differentiable stages for image networks (a Sequential of convolutional SoftHebb layers,
// pooling and per-channel standardisation), so attacks reach through conv stacks: forward as
// the layers' own transform, backward through the GEMM, the patch normalisation and col2im.
import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import { convOutputSize, type ConvGeometry } from '../backend/types.ts';
import { ShapeError } from '../errors.ts';
import type { Activation } from '../model/activation.ts';
import type { ImageShape } from '../model/image-shape.ts';
import { reflectPad, reflectPadBackward } from '../softhebb/pad.ts';
import { activationStage, type Stage } from './pipeline.ts';

/** What convStage needs of a convolutional layer (SoftHebbConv2d has all of it). */
export interface ConvLayerParts {
  /** The im2col geometry of one image. */
  geometry: ConvGeometry;
  /** Kernels, units × kernelH·kernelW·channels. */
  weights: Matrix;
  /** One bias per unit, or null. */
  bias: Float32Array | null;
  /** Each patch scaled to unit norm before the kernels see it. */
  normalizeInput: boolean;
  /**
   * Pixels reflected onto each side before the convolution (paddingMode 'reflect'); the
   * geometry's own pad is then the logical one and is not applied again. Default 0.
   */
  reflect?: number;
}

/**
 * Images (B × inH·inW·C) → pre-activations at every position (B × outH·outW·K, HWC), as
 * SoftHebbConv2d.preActivation; backward: dU·W, through the patch normalisation, then col2im
 * (the adjoint of im2col) sums every patch's gradient back onto its pixels, and with reflect
 * padding the padded pixels' gradients onto the pixels they mirror.
 */
export function convStage(be: Backend, layer: ConvLayerParts): Stage {
  const r = layer.reflect ?? 0;
  const logical = layer.geometry;
  const shape: ImageShape = [logical.inH, logical.inW, logical.channels];
  // Reflect padding: pad the images, then convolve them unpadded (as SoftHebbConv2d does).
  const g =
    r > 0 ? { ...logical, inH: logical.inH + 2 * r, inW: logical.inW + 2 * r, pad: 0 } : logical;
  const { outH, outW } = convOutputSize(g);
  const L = outH * outW;
  const K = layer.weights.rows;
  const P = layer.weights.cols;
  const inSize = logical.inH * logical.inW * logical.channels;
  if (P !== g.kernelH * g.kernelW * g.channels)
    throw new ShapeError(
      `convStage: kernels have ${P} weights, a ${g.kernelH}×${g.kernelW}×${g.channels} patch ${g.kernelH * g.kernelW * g.channels}`,
    );
  let patches: Matrix | null = null;
  let seen: Matrix | null = null;
  return {
    name: `conv ${g.kernelH}×${g.kernelW}, ${K} kernels`,
    forward(x) {
      if (x.cols !== inSize)
        throw new ShapeError(`convStage: inputs have ${x.cols} values, images ${inSize}`);
      patches = new Matrix(x.rows * L, P);
      be.im2col(r > 0 ? reflectPad(x, shape, r) : x, g, patches);
      seen = patches;
      if (layer.normalizeInput) {
        seen = new Matrix(patches.rows, P);
        be.normalizeRows(patches, seen);
      }
      const u = new Matrix(x.rows * L, K);
      be.gemm(false, true, 1, seen, layer.weights, 0, u);
      if (layer.bias) be.addRowVector(u, layer.bias);
      return new Matrix(x.rows, L * K, u.data);
    },
    backward(grad) {
      const B = grad.rows;
      const dPatches = new Matrix(B * L, P);
      be.gemm(false, false, 1, new Matrix(B * L, K, grad.data), layer.weights, 0, dPatches);
      // The same eps as the layer's normalizeRows (the kernel's default): the exact derivative
      // of what the forward pass computed, all-zero patches included.
      if (layer.normalizeInput) be.normalizeRowsBackward(patches!, dPatches, dPatches);
      const dx = new Matrix(B, g.inH * g.inW * g.channels);
      be.col2im(dPatches, g, dx);
      return r > 0 ? reflectPadBackward(dx, shape, r) : dx;
    },
  };
}

/**
 * A stage that acts on each position's `channels` values (rows of B × positions·channels
 * viewed as B·positions × channels): an activation over a conv layer's channels, a
 * per-channel standardisation.
 */
export function perPosition(inner: Stage, channels: number): Stage {
  const view = (m: Matrix) => {
    if (m.cols % channels !== 0)
      throw new ShapeError(`perPosition: ${m.cols} values per row are not positions × ${channels}`);
    return new Matrix((m.rows * m.cols) / channels, channels, m.data);
  };
  const back = (m: Matrix, rows: number) => new Matrix(rows, m.data.length / rows, m.data);
  return {
    name: `${inner.name} per position`,
    forward: (x) => back(inner.forward(view(x)), x.rows),
    backward: (g) => back(inner.backward(view(g)), g.rows),
  };
}

/** An activation over each position's K channels. */
export function channelActivationStage(be: Backend, act: Activation, channels: number): Stage {
  return perPosition(activationStage(be, act), channels);
}

/**
 * Max or average pooling (Backend.pool2d); backward sends each window's gradient to the pixel
 * that won the max (the first, on ties, as PyTorch's max_pool2d) or spreads it evenly over the
 * window's in-image pixels, the ones the mean was taken over (÷ kernelH·kernelW with
 * countPadding).
 */
export function poolStage(
  be: Backend,
  g: ConvGeometry,
  kind: 'max' | 'avg',
  { countPadding = false }: { countPadding?: boolean } = {},
): Stage {
  // Average over the whole window, padding counted as zeros (Pool2d's countPadding, PyTorch's
  // count_include_pad): the same sum divided by kernelH·kernelW instead of the pixels inside.
  const whole = kind === 'avg' && countPadding;
  const { outH, outW } = convOutputSize(g);
  const C = g.channels;
  const inSize = g.inH * g.inW * C;
  const d = g.dilation ?? 1;
  let input: Matrix | null = null;
  /** The in-image pixels of each window, as offsets into one image (first to last). */
  const windows: Int32Array[] = [];
  for (let oy = 0; oy < outH; oy++)
    for (let ox = 0; ox < outW; ox++) {
      const w: number[] = [];
      for (let ky = 0; ky < g.kernelH; ky++) {
        const iy = oy * g.stride - g.pad + ky * d;
        if (iy < 0 || iy >= g.inH) continue;
        for (let kx = 0; kx < g.kernelW; kx++) {
          const ix = ox * g.stride - g.pad + kx * d;
          if (ix >= 0 && ix < g.inW) w.push((iy * g.inW + ix) * C);
        }
      }
      windows.push(Int32Array.from(w));
    }
  /** Per output value: in-image pixels / kernelH·kernelW (the mean → the padded mean). */
  const insideShare = new Float32Array(outH * outW * C);
  windows.forEach((w, p) =>
    insideShare.fill(w.length / (g.kernelH * g.kernelW), p * C, (p + 1) * C),
  );
  return {
    name: `${kind}-pool ${g.kernelH}×${g.kernelW}`,
    forward(x) {
      if (x.cols !== inSize)
        throw new ShapeError(`poolStage: inputs have ${x.cols} values, images ${inSize}`);
      input = x;
      const out = new Matrix(x.rows, outH * outW * C);
      be.pool2d(x, g, kind, out);
      if (whole) be.scaleColumns(out, insideShare);
      return out;
    },
    backward(grad) {
      const dx = new Matrix(grad.rows, inSize);
      const src = input!.data;
      const gd = grad.data;
      const dd = dx.data;
      for (let b = 0; b < grad.rows; b++) {
        const base = b * inSize;
        for (let p = 0; p < windows.length; p++) {
          const w = windows[p];
          const o = (b * windows.length + p) * C;
          for (let c = 0; c < C; c++) {
            const gv = gd[o + c];
            if (gv === 0) continue;
            if (kind === 'avg') {
              const share = gv / (whole ? g.kernelH * g.kernelW : w.length);
              for (let i = 0; i < w.length; i++) dd[base + w[i] + c] += share;
              continue;
            }
            let best = w[0];
            for (let i = 1; i < w.length; i++)
              if (src[base + w[i] + c] > src[base + best + c]) best = w[i];
            dd[base + best + c] += gv;
          }
        }
      }
      return dx;
    },
  };
}
