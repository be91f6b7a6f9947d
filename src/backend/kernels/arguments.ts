// The kinds of values kernels take besides matrices: element-wise operations, convolution and
// local-map geometry, Philox keys, Adam's and the SVM dual's parameters.
/**
 * Element-wise unary operations. Parameters p, q are read where an op needs them:
 * repu: max(x,0)^p · clip: min(max(x,p),q) · shrink: sign(x)·max(|x|−p,0)
 * cappedRelu: min(max(x−p,0), q) · pow: sign-preserving |x|^p · affine: p·x + q
 * The *Grad ops take the op's *output* y and return dy/dx (tanhGrad: 1−y², sigmoidGrad: y(1−y),
 * reluGrad: [y>0]).
 */
export const UNARY_OPS = [
  'copy',
  'neg',
  'abs',
  'square',
  'sqrt',
  'exp',
  'log',
  'tanh',
  'sigmoid',
  'relu',
  'repu',
  'clip',
  'shrink',
  'cappedRelu',
  'pow',
  'affine',
  'sign',
  'tanhGrad',
  'sigmoidGrad',
  'reluGrad',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/**
 * Element-wise binary operations: out = a ∘ b. The mul*Grad ops are a backward pass through an
 * activation in one memory pass: out = a · f'(·) where b is the activation's *output*
 * (mulReluGrad: a·[b>0], mulTanhGrad: a·(1−b²), mulSigmoidGrad: a·b(1−b)).
 */
export const BINARY_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'max',
  'min',
  'mulReluGrad',
  'mulTanhGrad',
  'mulSigmoidGrad',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/**
 * Geometry of a 2-D convolution over images stored one per row in HWC order
 * (row length inH·inW·channels). Patches are rows of length kernelH·kernelW·channels in
 * (ky, kx, c) order; patch rows are ordered (image, outY, outX).
 */
export interface ConvGeometry {
  inH: number;
  inW: number;
  channels: number;
  kernelH: number;
  kernelW: number;
  stride: number;
  pad: number;
  /** Spacing between a kernel's taps (1: adjacent pixels; default 1). */
  dilation?: number;
}

/** Hyper-parameters of one Adam step (Backend.adamUpdate); step t counts from 1. */
export interface AdamStepParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW-style decay p ← p − lr·λ·p instead of adding λ·p to the gradient. */
  decoupled: boolean;
  step: number;
}

/** Output geometry of a convolution (a dilated kernel spans d·(k − 1) + 1 pixels). */
export function convOutputSize(g: ConvGeometry): { outH: number; outW: number } {
  const d = g.dilation ?? 1;
  return {
    outH: Math.floor((g.inH + 2 * g.pad - d * (g.kernelH - 1) - 1) / g.stride) + 1,
    outW: Math.floor((g.inW + 2 * g.pad - d * (g.kernelW - 1) - 1) / g.stride) + 1,
  };
}

// --- similarity matching (src/similarity): block-sparse map geometry ---
/**
 * A block-sparse ("locally connected") linear map from `inputs` values to sites·unitsPerSite
 * outputs. Site s reads the inputs indices[offsets[s] .. offsets[s+1]) and owns a dense block of
 * unitsPerSite × (offsets[s+1] − offsets[s]) weights, stored row-major at
 * unitsPerSite·offsets[s] in one Float32Array of length unitsPerSite·offsets[sites].
 */
export interface LocalMap {
  sites: number;
  unitsPerSite: number;
  inputs: number;
  offsets: Int32Array;
  indices: Int32Array;
}
// --- end similarity matching ---

// --- linear SVM read-out (Backend.svcDualEpoch) ---
/**
 * One binary problem of Backend.svcDualEpoch:
 * min_α ½ αᵀ(Q + D)α − Σα, α ≥ 0, Q_ij = y_i y_j x̃_iᵀx̃_j, D_ii = diagPos (y_i = +1) or diagNeg
 * (y_i = −1), i.e. 0.5/C of the sample's class; w = Σ α_i y_i x̃_i is kept in step.
 */
export interface SvcDualProblem {
  /** +1 or −1 per sample (length N). */
  y: Int8Array;
  /** Dual variables (length N), ≥ 0. */
  alpha: Float64Array;
  /** Primal weights (length D + 1; the last one multiplies the bias feature). */
  w: Float64Array;
  /** 1 for the samples still in the active set, 0 for those shrunk (length N). */
  active: Uint8Array;
  /** 0.5 / C for positive and for negative samples. */
  diagPos: number;
  diagNeg: number;
  /**
   * In: [active count, pgMaxOld, pgMinOld]. Out: [active count after shrinking, PGmax, PGmin]
   * of this pass (−Infinity, +Infinity when no active sample was visited). pgMinOld would
   * shrink samples at an upper bound of α, which the squared hinge does not have; it is
   * carried for liblinear's bookkeeping but not read.
   */
  state: Float64Array;
}
// --- end linear SVM read-out ---

/** Key of the counter-based generator (Philox4x32-10): two 32-bit words. */
export type RngKey = readonly [number, number];
