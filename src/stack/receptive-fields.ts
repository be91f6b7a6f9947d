// What a unit deep in a convolutional stack responds to, in image space, by reverse correlation.
import { Matrix } from '../backend/matrix.ts';
import { convOutputSize, type ConvGeometry } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { ImageShape } from '../model/image-shape.ts';
import type { StackLayer } from './layer.ts';
import type { Sequential } from './sequential.ts';

/** The spatial map of a conv or pooling layer (what receptive fields compose). */
interface SpatialMap {
  geometry: ConvGeometry;
}

function spatial(l: StackLayer): ConvGeometry | null {
  return (l as Partial<SpatialMap>).geometry ?? null;
}

/**
 * The image window each output position of layer `layer` sees, as one convolution over the
 * image: side R, step S and padding P, composed layer by layer (R' = R + (k_eff − 1)·S,
 * P' = P + p·S, S' = S·s).
 */
export function imageWindow(
  stack: Sequential,
  layer: number,
  shape: ImageShape,
): ConvGeometry & {
  /** Always 1: the composed window is contiguous. */
  dilation: 1;
} {
  if (!Number.isInteger(layer) || layer < 0 || layer >= stack.layers.length)
    throw new ValueError(
      `imageWindow: layer must be 0..${stack.layers.length - 1}, got ${String(layer)}`,
    );
  let [rh, rw, jump, pad] = [1, 1, 1, 0];
  for (let i = 0; i <= layer; i++) {
    const l = stack.layers[i];
    const g = spatial(l);
    if (!g) {
      // A layer that keeps every value where it is (Standardize) leaves the window as it is.
      const inputs = l.inputSize;
      if (inputs === undefined || l.outputSize(inputs) !== inputs)
        throw new ShapeError(
          `imageWindow: layers[${i}] (${l.modelName}) is not spatial; receptive fields exist only through conv, pooling and standardising layers`,
        );
      continue;
    }
    const d = g.dilation ?? 1;
    rh += d * (g.kernelH - 1) * jump;
    rw += d * (g.kernelW - 1) * jump;
    pad += g.pad * jump;
    jump *= g.stride;
  }
  return {
    inH: shape[0],
    inW: shape[1],
    channels: shape[2],
    kernelH: rh,
    kernelW: rw,
    stride: jump,
    pad,
    dilation: 1,
  };
}

/**
 * Reverse correlation: for every channel k of layer `layer`'s output, the average image window
 * weighted by the channel's response, Σ r_k(b, pos)·window(b, pos) / Σ r_k, over the images x.
 * Responses should be non-negative (a triangle, softmax or pooled output). With `relative`, the
 * plain average window is subtracted, leaving what the channel prefers over any window (deep
 * units' averages are otherwise much alike: blobs where strokes usually are). Returns
 * channels × R·R·C (HWC rows) and the window side, ready for receptiveFieldGrid.
 */
export function reverseCorrelation(
  stack: Sequential,
  layer: number,
  x: Matrix,
  shape: ImageShape,
  { relative = false }: { relative?: boolean } = {},
): {
  /** One window per channel, channels × R·R·C (HWC rows). */
  fields: Matrix;
  /** The window side R, in pixels. */
  side: number;
} {
  const g = imageWindow(stack, layer, shape);
  const { outH, outW } = convOutputSize(g);
  const be = stack.backend;
  const l = stack.layers[layer] as unknown as Partial<{
    outputShape: ImageShape;
    options: { inputShape: ImageShape };
  }>;
  const [lh, lw, C] = l.outputShape ?? l.options!.inputShape;
  if (lh !== outH || lw !== outW)
    throw new ShapeError(
      `reverseCorrelation: layers[${layer}] has ${lh}×${lw} positions but its windows tile the image ${outH}×${outW} times; the layer sizes leave pixels out (use sizes that divide)`,
    );
  let h = x;
  for (let i = 0; i <= layer; i++) h = stack.layers[i].transform(h);
  const patches = new Matrix(x.rows * outH * outW, g.kernelH * g.kernelW * g.channels);
  be.im2col(x, g, patches);
  const r = new Matrix(x.rows * outH * outW, C, h.data);
  const fields = new Matrix(C, patches.cols);
  be.gemm(true, false, 1, r, patches, 0, fields);
  const total = new Float32Array(C);
  be.sum(r, 0, total);
  be.scaleRows(
    fields,
    total.map((t) => (t > 0 ? 1 / t : 0)),
  );
  if (relative) {
    const mean = new Float32Array(patches.cols);
    be.sum(patches, 0, mean);
    be.addRowVector(fields, mean, -1 / patches.rows);
    // A channel that never responded has no preference: flat, not "darker than average".
    be.scaleRows(
      fields,
      total.map((t) => (t > 0 ? 1 : 0)),
    );
  }
  return { fields, side: g.kernelH };
}
