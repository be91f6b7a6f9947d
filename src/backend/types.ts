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

export type BackendName = 'ts' | 'native' | 'wasm';

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
  /** a[:,j] ← s[j]·a[:,j] (per-feature scaling). */
  scaleColumns(a: Matrix, s: Float32Array): void;

  /** out[i,:] ← softmax(t·a[i,:]), max-subtracted (finite for any finite t·a). out may be a. */
  softmaxRows(a: Matrix, inverseTemperature: number, out: Matrix): void;
  /**
   * Backward of h = softmax(t·u) per row: out ← t·h∘(g − Σ_j g_j h_j), one pass (what
   * attacks and softmax hidden layers need). out may be g.
   */
  softmaxRowsBackward(h: Matrix, g: Matrix, inverseTemperature: number, out: Matrix): void;
  /** out[i] ← ‖a[i,:]‖₂. */
  rowNorms(a: Matrix, out: Float32Array): void;
  /** out[i,:] ← a[i,:] / max(‖a[i,:]‖₂, eps). out may be a. */
  normalizeRows(a: Matrix, out: Matrix, eps?: number): void;
  /**
   * Backward of normalizeRows from its input a: with n = max(‖a_i‖, eps) and â = a_i/n,
   * out_i ← (g_i − â(â·g_i))/n, one pass per row (an attack's first stage). out may be g.
   */
  normalizeRowsBackward(a: Matrix, g: Matrix, out: Matrix, eps?: number): void;
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
   * Pooling of HWC images over kernelH×kernelW windows, channel by channel: images
   * (B × inH·inW·C) → out (B × outH·outW·C). Padding is left out: 'max' takes the largest
   * pixel inside the image, 'avg' the mean of those pixels.
   */
  pool2d(images: Matrix, geom: ConvGeometry, kind: 'max' | 'avg', out: Matrix): void;

  /**
   * Fused SoftHebb plasticity (docs/math/softhebb.md, Eq. 8 summed over the batch):
   * W ← W + η ⊙ (Yᵀ X − diag(Σ_b Y∘U) W), with W (K×n), X (B×n), Y and U (B×K).
   * eta is a scalar or one rate per unit (length K). No B×K×n tensor is formed.
   */
  softHebbUpdate(w: Matrix, x: Matrix, y: Matrix, u: Matrix, eta: number | Float32Array): void;

  // --- SoftHebb read-outs / optim: fused Adam step (src/optim/adam.ts) ---
  /**
   * One bias-corrected Adam step (Kingma & Ba 2015) over one parameter tensor, in one pass:
   * g' = g + λ·p (coupled L2, when !h.decoupled), m ← β₁m + (1−β₁)g', v ← β₂v + (1−β₂)g'²,
   * d = −lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
   * Without `direction`: p ← p + d (decoupled: p ← p − lr·λ·p + d). With `direction`:
   * direction ← d and p is left unchanged (m, v still advance). Arithmetic in float64 per
   * element, stored as float32; identical on every backend.
   */
  adamUpdate(
    param: Matrix,
    grad: Matrix,
    m: Matrix,
    v: Matrix,
    h: AdamStepParams,
    direction?: Matrix,
  ): void;
  // --- end SoftHebb read-outs / optim ---

  // --- SoftHebb kernels (src/softhebb/) ---
  /**
   * Online SoftHebb (docs/math/softhebb.md, Eq. 8 and 10): the rows of X are presented one at a time, in
   * order, each changing W (and the bias) before the next is seen. Per sample s:
   * u = W x_s; y = softmax(t·(u + b)) (one-hot of the argmax when hard); then
   * W ← W + eta[s]·(y x_sᵀ − diag(y∘u) W) and, when biasRate is given,
   * b_k ← b_k + biasRate[s]·(y_k·e^(−biasT·b_k) − 1). X rows should already be normalised.
   * Native fuses sample s's update with sample s+1's forward pass: one sweep over W per sample.
   */
  softHebbOnline(
    w: Matrix,
    x: Matrix,
    bias: Float32Array | null,
    opts: SoftHebbOnlineOptions,
  ): void;
  /**
   * The mini-batch update of hard WTA, where Y is one-hot: for every unit k that wins some rows,
   * W_k ← (1 − η_k c_k) W_k + η_k Σ_{b: winners[b] = k} x_b with c_k = Σ_{b: winners[b] = k} U[b, k].
   * The same result as softHebbUpdate with Y = onehot(winners), at O(B·n) instead of O(B·K·n).
   * eta is a scalar or one rate per unit (length K).
   */
  softHebbHardUpdate(
    w: Matrix,
    x: Matrix,
    winners: Int32Array,
    u: Matrix,
    eta: number | Float32Array,
  ): void;
  /**
   * One soft-WTA mini-batch step from the pre-activations U = X Wᵀ (B×K): the posteriors
   * Y = softmax(t·(U + bias)) row by row (written to y), c_k = Σ_b Y_bk U_bk, the per-unit rate
   * r_k = exact ? (1 − e^(−η c_k))/c_k : η, and W ← W + r ⊙ (Yᵀ X − diag(c) W) — the same as
   * softmaxRows then softHebbUpdate, in fewer passes over the B × K matrices. bias may be null.
   * With opts.scale (one positive value per unit) the weights are diag(scale)·W and U = X Wᵀ:
   * the decay then only changes scale and the update adds diag(r/scale) Yᵀ X to W, skipping a
   * pass over W. The kernel may instead fold scale into W and set it to ones (it does when
   * scale would leave [1e-3, 1e3], a factor 1 − r_k c_k is not positive, or the rate is a
   * scalar and B ≥ n, where scaling Y's columns costs more than the pass over W it saves).
   */
  softHebbSoftStep(
    w: Matrix,
    x: Matrix,
    u: Matrix,
    bias: Float32Array | null,
    opts: { inverseTemperature: number; eta: number; exact: boolean; scale?: Float32Array | null },
    y: Matrix,
  ): void;
  /** a[i,:] ← a[i,:] + alpha·v[i] for every row (one value per row). */
  addColumnVector(a: Matrix, v: Float32Array, alpha?: number): void;
  /** max_ij |a_ij| (0 for an empty matrix). */
  absMax(a: Matrix): number;
  // --- similarity matching (src/similarity): block-sparse locally connected kernels ---
  /**
   * out ← alpha·M·x + beta·out for a block-sparse map M (see LocalMap): for every sample b and
   * site s, out[b, s·n + i] = Σ_j blocks_s[i, j] · x[b, indices[offsets[s] + j]].
   * x is B × map.inputs, out is B × (map.sites·n). beta = 0 ignores out's contents.
   */
  localMatmul(
    map: LocalMap,
    blocks: Float32Array,
    x: Matrix,
    alpha: number,
    beta: number,
    out: Matrix,
  ): void;
  /** Transpose: out ← alpha·Mᵀ·y + beta·out, y (B × sites·n), out (B × inputs). */
  localMatmulT(
    map: LocalMap,
    blocks: Float32Array,
    y: Matrix,
    alpha: number,
    beta: number,
    out: Matrix,
  ): void;
  /** Per-site outer products summed over the batch: blocks_s ← alpha·post_sᵀ·gather_s(pre) + beta·blocks_s. */
  localOuter(
    map: LocalMap,
    post: Matrix,
    pre: Matrix,
    alpha: number,
    beta: number,
    blocks: Float32Array,
  ): void;
  /**
   * One Euler step of similarity-matching dynamics (Eq. 17) with activation op(p, q), where
   * drive holds W r⁽ᵖ⁻¹⁾ − L r (+ feedback) and bias (may be null) a constant input:
   * u' = u + dt·((bias + drive + r) − u); du2[b] = Σ_i (u' − u)²; u2[b] = Σ_i u'²; u ← u'; r ← op(u').
   */
  smEulerStep(
    u: Matrix,
    drive: Matrix,
    bias: Matrix | null,
    r: Matrix,
    dt: number,
    op: UnaryOp,
    p: number,
    q: number,
    du2: Float32Array,
    u2: Float32Array,
  ): void;
  // --- end similarity matching ---

  // --- attention (src/emergence/transformer.ts) ---
  /**
   * Multi-head scaled dot-product attention without a mask, over sequences of `tokens` rows:
   * q, k, v and out are (batch·tokens) × width, head h owning columns [h·d, (h+1)·d) with
   * d = width / heads; probs is (batch·heads·tokens) × tokens. For sequence b and head h,
   * P = softmax(scale · Q_bh K_bhᵀ) by rows (written to probs) and O_bh = P V_bh.
   */
  attention(
    q: Matrix,
    k: Matrix,
    v: Matrix,
    heads: number,
    tokens: number,
    scale: number,
    probs: Matrix,
    out: Matrix,
  ): void;
  /** Gradients of attention's out with respect to q, k and v, from dOut and its probs. */
  attentionBackward(
    q: Matrix,
    k: Matrix,
    v: Matrix,
    probs: Matrix,
    dOut: Matrix,
    heads: number,
    tokens: number,
    scale: number,
    dq: Matrix,
    dk: Matrix,
    dv: Matrix,
  ): void;
  // --- end attention ---

  // --- linear SVM read-out (src/readout/linear-svc.ts) ---
  /**
   * One outer iteration of liblinear's dual coordinate descent for the L2-regularised
   * squared-hinge SVM (Hsieh et al. 2008, Alg. 3 with shrinking; liblinear's
   * solve_l2r_l1l2_svc) for several binary problems that share the samples X (N × D).
   * Sample i is the row x_i with a constant feature `bias` appended (0: no intercept), so each
   * w has D + 1 entries. Visits the samples in `order` (the caller shuffles it); each problem
   * looks only at its active samples, so it sees a random permutation of its active set. A
   * sample with α_i = 0 whose gradient exceeds pgMaxOld is shrunk (active[i] ← 0). Each x_i
   * is read once for all problems. Updates α, w, active and state in place; float64.
   */
  svcDualEpoch(
    x: Matrix,
    sqNorms: Float64Array,
    bias: number,
    order: Int32Array,
    problems: SvcDualProblem[],
  ): void;
  // --- end linear SVM read-out ---

  /** Raw 32-bit words of the Philox4x32-10 stream: block `counter + ⌊i/4⌋`, word i mod 4. */
  randomU32(out: Uint32Array, key: RngKey, counter: number): void;
  /** Uniform [0, 1) floats with 24 random bits, word i of the stream → out[i]. */
  fillUniform(out: Float32Array, key: RngKey, counter: number, low?: number, high?: number): void;
  /** Normal(mean, std²) by Box–Muller on word pairs of the stream; identical on every backend. */
  fillNormal(out: Float32Array, key: RngKey, counter: number, mean?: number, std?: number): void;
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

/** Settings of Backend.softHebbOnline. */
export interface SoftHebbOnlineOptions {
  /** Softmax inverse temperature t = ln(base); ignored when hard. */
  inverseTemperature: number;
  /** Hard winner-take-all: y = one-hot of argmax(u + b). */
  hard: boolean;
  /** Learning rate for each sample (length x.rows). */
  eta: Float32Array;
  /** Bias learning rate for each sample (length x.rows); null keeps the bias fixed. */
  biasRate: Float32Array | null;
  /** Inverse temperature of the prior e^(t·b) in the bias rule. */
  biasInverseTemperature: number;
  /**
   * Where to write each sample's pre-activations u + b as the layer saw them, before its own
   * update (x.rows × K), for a read-out that learns alongside; omitted or null: not written.
   */
  preActivations?: Matrix | null;
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
