// The kernel table: every kernel declared once, as an arrow function whose parameters are the
// kernel's arguments in order, each defaulting to its kind (./kinds.ts). The compiler reads the
// Backend method from it (names, order, types, which may be left out, the documentation); at
// load, ./describe.ts evaluates the defaults once to get the kinds — how each argument reaches
// the compiled kernels and which ones a kernel writes. A declaration returning 0 declares a
// kernel that returns a number.
//
// A kernel of group G lives in src/backend/ts/G.ts, src/backend/checks/G.ts and native/G.cc
// (which registers it with HEBB_KERNEL, taking the same arguments in the same order).
/* eslint-disable @typescript-eslint/no-unused-vars -- parameters declare, nothing reads them */
import { BINARY_OPS, UNARY_OPS } from './arguments.ts';
import {
  adamStep,
  bool,
  choice,
  convGeometry,
  f32,
  f64,
  float,
  i32,
  int,
  localMap,
  matrix,
  optional,
  options,
  orNull,
  rate,
  rngKey,
  svcProblems,
  u32,
  type OptionsOf,
} from './kinds.ts';

/** The options of softHebbOnline. */
export const SOFTHEBB_ONLINE_OPTIONS = {
  /** Softmax inverse temperature t = ln(base); ignored when hard. */
  inverseTemperature: float(0),
  /** Hard winner-take-all: y = one-hot of argmax(u + b). */
  hard: bool(),
  /** Learning rate for each sample (length x.rows). */
  eta: f32(),
  /** Bias learning rate for each sample (length x.rows); null keeps the bias fixed. */
  biasRate: orNull(f32()),
  /** Inverse temperature of the prior e^(t·b) in the bias rule; ignored without biasRate. */
  biasInverseTemperature: float(0),
  /**
   * Where to write each sample's pre-activations u + b as the layer saw them, before its own
   * update (x.rows × K), for a read-out that learns alongside; omitted or null: not written.
   */
  preActivations: optional(orNull(matrix('inout'))),
};
/**
 * The options of softHebbOnline, as the kernel table declares them.
 *
 * @useDeclaredType
 */
export type SoftHebbOnlineOptions = OptionsOf<typeof SOFTHEBB_ONLINE_OPTIONS>;

/** The options of softHebbSoftStep. */
export const SOFTHEBB_SOFT_STEP_OPTIONS = {
  /** Softmax inverse temperature t of the posteriors softmax(t·(U + bias)). */
  inverseTemperature: float(),
  /** Learning rate η of this step (the rate schedule at the current sample). */
  eta: float(),
  /** Per-unit rates (1 − e^(−η c_k))/c_k, the exact step that cannot overshoot; false: η (Euler). */
  exact: bool(),
  /** One positive row scale per unit (see softHebbSoftStep); updated in place. */
  scale: optional(orNull(f32('inout'))),
};
/**
 * The options of softHebbSoftStep and softHebbForwardStep, as the kernel table declares them.
 *
 * @useDeclaredType
 */
export type SoftHebbSoftStepOptions = OptionsOf<typeof SOFTHEBB_SOFT_STEP_OPTIONS>;

export const KERNELS = {
  // --- gemm ---
  /** C ← alpha·op(A)·op(B) + beta·C, op(X) = Xᵀ when trans is true. beta = 0 ignores C's contents. */
  gemm: (
    transA = bool(),
    transB = bool(),
    alpha = float(),
    a = matrix(),
    b = matrix(),
    beta = float(),
    c = matrix('inout', { readUnlessZero: beta }),
  ) => {},
  /**
   * C ← alpha·A·B + beta·C for an A whose entries are mostly exactly 0 (a gradient coming back
   * through a ReLU): the zeros are skipped, so the work falls with A's density; above half
   * nonzero it is gemm. B must be finite: against an infinite or NaN entry of B, a zero of A
   * gives 0 where it is skipped and NaN where it is not.
   */
  gemmSparseA: (
    alpha = float(),
    a = matrix(),
    b = matrix(),
    beta = float(),
    c = matrix('inout', { readUnlessZero: beta }),
  ) => {},

  // --- elementwise ---
  /** out ← op(a) element-wise; out may be a. */
  unary: (
    op = choice(UNARY_OPS),
    a = matrix(),
    out = matrix('out'),
    p = float(0),
    q = float(0),
  ) => {},
  /** out ← a ∘ b element-wise; out may be a or b. */
  binary: (op = choice(BINARY_OPS), a = matrix(), b = matrix(), out = matrix('out')) => {},
  /** y ← y + alpha·x. */
  axpy: (alpha = float(), x = matrix(), y = matrix('inout')) => {},
  /**
   * a ← min(max(a + alpha·sign(g), lo), hi) element-wise, in float32 (sign(0) = 0): L∞ PGD's
   * ascent step and its projection onto the box lo ≤ a ≤ hi, one pass instead of four.
   */
  signStepClip: (
    g = matrix(),
    alpha = float(),
    lo = matrix(),
    hi = matrix(),
    a = matrix('inout'),
  ) => {},
  /**
   * Inverted dropout with the uniforms u: out ← 0 where u < p, else x·(1/(1 − p)), the product
   * in double rounded once to float. out may be x or u.
   */
  dropout: (x = matrix(), u = matrix(), p = float(), out = matrix('out')) => {},
  /** x ← alpha·x. */
  scale: (alpha = float(), x = matrix('inout')) => {},
  /** a[i,:] ← a[i,:] + alpha·v for every row (bias broadcast). */
  addRowVector: (a = matrix('inout'), v = f32(), alpha = float(1)) => {},
  /** a[i,:] ← a[i,:] + alpha·v[i] for every row (one value per row). */
  addColumnVector: (a = matrix('inout'), v = f32(), alpha = float(1)) => {},
  /** a[i,:] ← s[i]·a[i,:]. */
  scaleRows: (a = matrix('inout'), s = f32()) => {},
  /** a[:,j] ← s[j]·a[:,j] (per-feature scaling). */
  scaleColumns: (a = matrix('inout'), s = f32()) => {},

  // --- reduce: row-wise and whole-matrix reductions, and the kernels built on them ---
  /** out[i,:] ← softmax(t·a[i,:]), max-subtracted (finite for any finite t·a). out may be a. */
  softmaxRows: (a = matrix(), inverseTemperature = float(), out = matrix('out')) => {},
  /**
   * Backward of h = softmax(t·u) per row: out ← t·h∘(g − Σ_j g_j h_j), one pass (what
   * attacks and softmax hidden layers need). out may be g.
   */
  softmaxRowsBackward: (
    h = matrix(),
    g = matrix(),
    inverseTemperature = float(),
    out = matrix('inout'),
  ) => {},
  /** out[i] ← ‖a[i,:]‖₂. */
  rowNorms: (a = matrix(), out = f32('out')) => {},
  /** out[i,:] ← a[i,:] / max(‖a[i,:]‖₂, eps). out may be a. */
  normalizeRows: (a = matrix(), out = matrix('out'), eps = float(1e-12)) => {},
  /**
   * Backward of normalizeRows from its input a: with n = max(‖a_i‖, eps) and â = a_i/n,
   * out_i ← (g_i − â(â·g_i))/n, one pass per row (an attack's first stage). out may be g.
   */
  normalizeRowsBackward: (
    a = matrix(),
    g = matrix(),
    out = matrix('inout'),
    eps = float(1e-12),
  ) => {},
  /** out[i] ← index of the largest entry of row i (first one on ties). */
  argmaxRows: (a = matrix(), out = i32('out')) => {},
  /** axis 0: out[j] ← Σ_i a[i,j] (length cols); axis 1: out[i] ← Σ_j a[i,j] (length rows). */
  sum: (a = matrix(), axis = choice([0, 1]), out = f32('inout')) => {},
  /**
   * Sums of squares, axis 0: out[j] ← Σ_i a[i,j]² (length cols); axis 1: out[i] ← Σ_j a[i,j]²
   * (length rows). Each square is rounded to float32 and summed in float64: the bits of
   * binary('mul', a, a, sq) then sum(sq, axis, out), without the temporary matrix.
   */
  sumSquares: (a = matrix(), axis = choice([0, 1]), out = f32('out')) => {},
  /** Σ_ij a_ij·b_ij, accumulated in float64. */
  dot: (a = matrix(), b = matrix()) => 0,
  /** Number of NaN or ±Inf entries. */
  countNonFinite: (a = f32()) => 0,
  /** max_ij |a_ij| (0 for an empty matrix). */
  absMax: (a = matrix()) => 0,

  // --- conv ---
  /** Patches of a batch of HWC images: images (B × inH·inW·C) → out (B·outH·outW × kH·kW·C). */
  im2col: (images = matrix(), geom = convGeometry(), out = matrix('out')) => {},
  /** Adjoint of im2col: sums patch rows back into images. out is overwritten. */
  col2im: (cols = matrix(), geom = convGeometry(), out = matrix('out')) => {},
  /**
   * Pooling of HWC images over kernelH×kernelW windows, channel by channel: images
   * (B × inH·inW·C) → out (B × outH·outW·C). Padding is left out: 'max' takes the largest
   * pixel inside the image, 'avg' the mean of those pixels.
   */
  pool2d: (
    images = matrix(),
    geom = convGeometry(),
    kind = choice(['max', 'avg']),
    out = matrix('out'),
  ) => {},

  // --- softhebb (src/softhebb/) ---
  /**
   * Fused SoftHebb plasticity (docs/math/softhebb.md, Eq. 8 summed over the batch):
   * W ← W + η ⊙ (Yᵀ X − diag(Σ_b Y∘U) W), with W (K×n), X (B×n), Y and U (B×K).
   * eta is a scalar or one rate per unit (length K). No B×K×n tensor is formed.
   */
  softHebbUpdate: (
    w = matrix('inout'),
    x = matrix(),
    y = matrix(),
    u = matrix(),
    eta = rate(),
  ) => {},
  /**
   * Online SoftHebb (docs/math/softhebb.md, Eq. 8 and 10): the rows of X are presented one at a time, in
   * order, each changing W (and the bias) before the next is seen. Per sample s:
   * u = W x_s; y = softmax(t·(u + b)) (one-hot of the argmax when hard); then
   * W ← W + eta[s]·(y x_sᵀ − diag(y∘u) W) and, when biasRate is given,
   * b_k ← b_k + biasRate[s]·(y_k·e^(−biasT·b_k) − 1). X rows should already be normalised.
   * Native fuses sample s's update with sample s+1's forward pass: one sweep over W per sample.
   */
  softHebbOnline: (
    w = matrix('inout'),
    x = matrix(),
    bias = orNull(f32('inout')),
    opts = options(SOFTHEBB_ONLINE_OPTIONS),
  ) => {},
  /**
   * The mini-batch update of hard WTA, where Y is one-hot: for every unit k that wins some rows,
   * W_k ← (1 − η_k c_k) W_k + η_k Σ_{b: winners[b] = k} x_b with c_k = Σ_{b: winners[b] = k} U[b, k].
   * The same result as softHebbUpdate with Y = onehot(winners), at O(B·n) instead of O(B·K·n).
   * eta is a scalar or one rate per unit (length K).
   */
  softHebbHardUpdate: (
    w = matrix('inout'),
    x = matrix(),
    winners = i32(),
    u = matrix(),
    eta = rate(),
  ) => {},
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
  softHebbSoftStep: (
    w = matrix('inout'),
    x = matrix(),
    u = matrix(),
    bias = orNull(f32()),
    opts = options(SOFTHEBB_SOFT_STEP_OPTIONS),
    y = matrix('out'),
  ) => {},

  /**
   * softHebbSoftStep with its forward pass inside: U = X Wᵀ, then the same step (the same
   * options, bias and row scale). y, when given, receives the posteriors; null skips them. For
   * many short rows (B ≥ 4n, a conv layer's patches) the native kernel makes U, Y and Yᵀ X block
   * by block while each block is in cache, so no B × K matrix need leave it.
   */
  softHebbForwardStep: (
    w = matrix('inout'),
    x = matrix(),
    bias = orNull(f32()),
    opts = options(SOFTHEBB_SOFT_STEP_OPTIONS),
    y = orNull(matrix('out')),
  ) => {},

  // --- optim: fused Adam step (src/optim/adam.ts) ---
  /**
   * One bias-corrected Adam step (Kingma & Ba 2015) over one parameter tensor, in one pass:
   * g' = g + λ·p (coupled L2, when !h.decoupled), m ← β₁m + (1−β₁)g', v ← β₂v + (1−β₂)g'²,
   * d = −lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
   * Without `direction`: p ← p + d (decoupled: p ← p − lr·λ·p + d). With `direction`:
   * direction ← d and p is left unchanged (m, v still advance). Arithmetic in float64 per
   * element, stored as float32; identical on every backend.
   */
  adamUpdate: (
    param = matrix('inout'),
    grad = matrix(),
    m = matrix('inout'),
    v = matrix('inout'),
    h = adamStep(),
    direction = optional(matrix('inout')),
  ) => {},

  // --- similarity: block-sparse locally connected kernels (src/similarity) ---
  /**
   * out ← alpha·M·x + beta·out for a block-sparse map M (see LocalMap): for every sample b and
   * site s, out[b, s·n + i] = Σ_j blocks_s[i, j] · x[b, indices[offsets[s] + j]].
   * x is B × map.inputs, out is B × (map.sites·n). beta = 0 ignores out's contents.
   */
  localMatmul: (
    map = localMap(),
    blocks = f32(),
    x = matrix(),
    alpha = float(),
    beta = float(),
    out = matrix('inout'),
  ) => {},
  /** Transpose: out ← alpha·Mᵀ·y + beta·out, y (B × sites·n), out (B × inputs). */
  localMatmulT: (
    map = localMap(),
    blocks = f32(),
    y = matrix(),
    alpha = float(),
    beta = float(),
    out = matrix('inout'),
  ) => {},
  /** Per-site outer products summed over the batch: blocks_s ← alpha·post_sᵀ·gather_s(pre) + beta·blocks_s. */
  localOuter: (
    map = localMap(),
    post = matrix(),
    pre = matrix(),
    alpha = float(),
    beta = float(),
    blocks = f32('inout'),
  ) => {},
  /**
   * One Euler step of similarity-matching dynamics (Eq. 17) with activation op(p, q), where
   * drive holds W r⁽ᵖ⁻¹⁾ − L r (+ feedback) and bias (may be null) a constant input:
   * u' = u + dt·((bias + drive + r) − u); du2[b] = Σ_i (u' − u)²; u2[b] = Σ_i u'²; u ← u'; r ← op(u').
   */
  smEulerStep: (
    u = matrix('inout'),
    drive = matrix(),
    bias = orNull(matrix()),
    r = matrix('inout'),
    dt = float(),
    op = choice(UNARY_OPS),
    p = float(),
    q = float(),
    du2 = f32('inout'),
    u2 = f32('inout'),
  ) => {},

  // --- attention (src/emergence/transformer.ts) ---
  /**
   * Multi-head scaled dot-product attention without a mask, over sequences of `tokens` rows:
   * q, k, v and out are (batch·tokens) × width, head h owning columns [h·d, (h+1)·d) with
   * d = width / heads; probs is (batch·heads·tokens) × tokens. For sequence b and head h,
   * P = softmax(scale · Q_bh K_bhᵀ) by rows (written to probs) and O_bh = P V_bh.
   */
  attention: (
    q = matrix(),
    k = matrix(),
    v = matrix(),
    heads = int(),
    tokens = int(),
    scale = float(),
    probs = matrix('out'),
    out = matrix('out'),
  ) => {},
  /** Gradients of attention's out with respect to q, k and v, from dOut and its probs. */
  attentionBackward: (
    q = matrix(),
    k = matrix(),
    v = matrix(),
    probs = matrix(),
    dOut = matrix(),
    heads = int(),
    tokens = int(),
    scale = float(),
    dq = matrix('out'),
    dk = matrix('out'),
    dv = matrix('out'),
  ) => {},

  // --- linear-svc: linear SVM read-out (src/readout/linear-svc.ts) ---
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
  svcDualEpoch: (
    x = matrix(),
    sqNorms = f64(),
    bias = float(),
    order = i32(),
    problems = svcProblems(),
  ) => {},

  // --- random: the Philox4x32-10 stream (src/backend/philox.ts) ---
  /** Raw 32-bit words of the Philox4x32-10 stream: block `counter + ⌊i/4⌋`, word i mod 4. */
  randomU32: (out = u32('out'), key = rngKey(), counter = int()) => {},
  /** Uniform [0, 1) floats with 24 random bits, word i of the stream → out[i]. */
  fillUniform: (
    out = f32('out'),
    key = rngKey(),
    counter = int(),
    low = float(0),
    high = float(1),
  ) => {},
  /** Normal(mean, std²) by Box–Muller on word pairs of the stream; identical on every backend. */
  fillNormal: (
    out = f32('out'),
    key = rngKey(),
    counter = int(),
    mean = float(0),
    std = float(1),
  ) => {},
};
