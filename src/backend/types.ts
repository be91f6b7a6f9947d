import type { Matrix } from './matrix.ts';

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

/** Element-wise binary operations: out = a ∘ b. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'max', 'min'] as const;
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
}

/** Key of the counter-based generator (Philox4x32-10): two 32-bit words. */
export type RngKey = readonly [number, number];

export interface BackendInfo {
  name: BackendName;
  /** e.g. 'OpenBLAS 0.3.21 …' for native; 'portable TypeScript' for ts. */
  blas: string;
  /** BLAS threads (native) or 1 (ts). */
  threads: number;
  /** OpenMP threads for the fused loops (native) or 1 (ts). */
  ompThreads: number;
}

export type BackendName = 'ts' | 'native';

/**
 * The compute surface every algorithm uses. All matrices are row-major float32.
 * Kernels write into caller-owned outputs (no hidden allocation in hot loops); `out` may
 * alias an input where noted.
 */
export interface Backend {
  readonly name: BackendName;
  info(): BackendInfo;

  /** C ← alpha·op(A)·op(B) + beta·C, op(X) = Xᵀ when trans is true. beta = 0 ignores C's contents. */
  gemm(
    transA: boolean,
    transB: boolean,
    alpha: number,
    a: Matrix,
    b: Matrix,
    beta: number,
    c: Matrix,
  ): void;

  /** out ← op(a) element-wise; out may be a. */
  unary(op: UnaryOp, a: Matrix, out: Matrix, p?: number, q?: number): void;
  /** out ← a ∘ b element-wise; out may be a or b. */
  binary(op: BinaryOp, a: Matrix, b: Matrix, out: Matrix): void;
  /** y ← y + alpha·x. */
  axpy(alpha: number, x: Matrix, y: Matrix): void;
  /** x ← alpha·x. */
  scale(alpha: number, x: Matrix): void;
  /** a[i,:] ← a[i,:] + alpha·v for every row (bias broadcast). */
  addRowVector(a: Matrix, v: Float32Array, alpha?: number): void;
  /** a[i,:] ← s[i]·a[i,:]. */
  scaleRows(a: Matrix, s: Float32Array): void;

  /** out[i,:] ← softmax(t·a[i,:]), max-subtracted (finite for any finite t·a). out may be a. */
  softmaxRows(a: Matrix, inverseTemperature: number, out: Matrix): void;
  /** out[i] ← ‖a[i,:]‖₂. */
  rowNorms(a: Matrix, out: Float32Array): void;
  /** out[i,:] ← a[i,:] / max(‖a[i,:]‖₂, eps). out may be a. */
  normalizeRows(a: Matrix, out: Matrix, eps?: number): void;
  /** out[i] ← index of the largest entry of row i (first one on ties). */
  argmaxRows(a: Matrix, out: Int32Array): void;
  /** axis 0: out[j] ← Σ_i a[i,j] (length cols); axis 1: out[i] ← Σ_j a[i,j] (length rows). */
  sum(a: Matrix, axis: 0 | 1, out: Float32Array): void;
  /** Σ_ij a_ij·b_ij, accumulated in float64. */
  dot(a: Matrix, b: Matrix): number;
  /** Number of NaN or ±Inf entries. */
  countNonFinite(a: Float32Array): number;

  /** Patches of a batch of HWC images: images (B × inH·inW·C) → out (B·outH·outW × kH·kW·C). */
  im2col(images: Matrix, geom: ConvGeometry, out: Matrix): void;
  /** Adjoint of im2col: sums patch rows back into images. out is overwritten. */
  col2im(cols: Matrix, geom: ConvGeometry, out: Matrix): void;

  /**
   * Fused SoftHebb plasticity (SPEC §1, Eq. 8 summed over the batch):
   * W ← W + η ⊙ (Yᵀ X − diag(Σ_b Y∘U) W), with W (K×n), X (B×n), Y and U (B×K).
   * eta is a scalar or one rate per unit (length K). No B×K×n tensor is formed.
   */
  softHebbUpdate(w: Matrix, x: Matrix, y: Matrix, u: Matrix, eta: number | Float32Array): void;

  /** Raw 32-bit words of the Philox4x32-10 stream: block `counter + ⌊i/4⌋`, word i mod 4. */
  randomU32(out: Uint32Array, key: RngKey, counter: number): void;
  /** Uniform [0, 1) floats with 24 random bits, word i of the stream → out[i]. */
  fillUniform(out: Float32Array, key: RngKey, counter: number, low?: number, high?: number): void;
  /** Normal(mean, std²) by Box–Muller on word pairs of the stream; identical on every backend. */
  fillNormal(out: Float32Array, key: RngKey, counter: number, mean?: number, std?: number): void;
}

/** Output geometry of a convolution. */
export function convOutputSize(g: ConvGeometry): { outH: number; outW: number } {
  return {
    outH: Math.floor((g.inH + 2 * g.pad - g.kernelH) / g.stride) + 1,
    outW: Math.floor((g.inW + 2 * g.pad - g.kernelW) / g.stride) + 1,
  };
}
