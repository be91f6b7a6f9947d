// WGSL kernels of the WebGPU path: a register-tiled GEMM with the SoftHebb update's epilogue, the
// posterior softmax, the per-unit rates of Eq. 8's exact step, a row gather, im2col (the patches
// of a convolution, optionally unit-normalised), and the Euler step of similarity-matching
// dynamics. Each takes
// its sizes in a uniform block laid out as the `Params` of context.ts (u32/f32, 4 bytes each).

/** Edge of the block of C one GEMM workgroup computes (16 × 16 threads, 4 × 4 outputs each). */
export const BLOCK = 64;

/**
 * C = alpha·diag(rs)·op(A)·op(B) + beta·diag(cs)·C (rs, cs per row of C, used when the flags
 * say so): the forward pass (U = X·Wᵀ) and the decayed update (W = keep∘W + rate∘YᵀX).
 * op(A) is A or Aᵀ by `ta`, likewise B. Register-tiled: a workgroup of 16 × 16 threads
 * computes a 64 × 64 block of C, each thread a 4 × 4 block in registers, from 64 × 16 tiles of
 * op(A) and 16 × 64 tiles of op(B) in shared memory; each tile value read from shared memory
 * feeds four multiply-adds (one per output of its row or column), against one in a plain
 * one-output-per-thread tile. Tiles are loaded so that neighbouring threads read neighbouring
 * addresses whichever way A and B are stored. The shared tiles are scalar arrays: writing one
 * lane of a shared vec4 can compile to a read-modify-write of the whole vector (a race).
 */
export const GEMM = /* wgsl */ `
struct P { M: u32, N: u32, K: u32, ta: u32, tb: u32, lda: u32, ldb: u32, ldc: u32,
           alpha: f32, beta: f32, useRs: u32, useCs: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
@group(0) @binding(4) var<storage, read> rs: array<f32>;
@group(0) @binding(5) var<storage, read> cs: array<f32>;
// As[k * 64 + m] = op(A)[m0 + m, k0 + k]; Bs[k * 64 + n] = op(B)[k0 + k, n0 + n]
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;

fn opA(m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  if (p.ta == 1u) { return A[k * p.lda + m]; }
  return A[m * p.lda + k];
}

fn opB(k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  if (p.tb == 1u) { return B[n * p.ldb + k]; }
  return B[k * p.ldb + n];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u,
        @builtin(local_invocation_index) t: u32) {
  let m0 = wg.y * 64u;
  let n0 = wg.x * 64u;
  var acc: array<vec4f, 4>; // acc[i][j] = C[m0 + 4·l.y + i, n0 + 4·l.x + j]
  for (var k0 = 0u; k0 < p.K; k0 += 16u) {
    // 1024 values per tile, 4 per thread: e runs along the stored rows of A and B
    for (var r = 0u; r < 4u; r++) {
      let e = t + r * 256u;
      var m = e / 16u;
      var k = e % 16u;
      if (p.ta == 1u) { m = e % 64u; k = e / 64u; }
      As[k * 64u + m] = opA(m0 + m, k0 + k);
      var n = e % 64u;
      var kb = e / 64u;
      if (p.tb == 1u) { n = e / 16u; kb = e % 16u; }
      Bs[kb * 64u + n] = opB(k0 + kb, n0 + n);
    }
    workgroupBarrier();
    for (var k = 0u; k < 16u; k++) {
      let ai = k * 64u + 4u * l.y;
      let bi = k * 64u + 4u * l.x;
      let b = vec4f(Bs[bi], Bs[bi + 1u], Bs[bi + 2u], Bs[bi + 3u]);
      acc[0] += As[ai] * b;
      acc[1] += As[ai + 1u] * b;
      acc[2] += As[ai + 2u] * b;
      acc[3] += As[ai + 3u] * b;
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = m0 + 4u * l.y + i;
    if (row >= p.M) { break; }
    var scale = p.alpha;
    if (p.useRs == 1u) { scale = scale * rs[row]; }
    var keep = p.beta;
    if (p.useCs == 1u) { keep = keep * cs[row]; }
    for (var j = 0u; j < 4u; j++) {
      let col = n0 + 4u * l.x + j;
      if (col >= p.N) { break; }
      let at = row * p.ldc + col;
      let prod = scale * acc[i][j];
      // beta = 0 never reads C, so a fresh buffer's contents cannot leak in (NaN · 0)
      if (p.beta == 0.0) { C[at] = prod; } else { C[at] = keep * C[at] + prod; }
    }
  }
}`;

/** Y = softmax(t·(U + bias)) row by row, one workgroup of 64 per row. */
export const SOFTMAX = /* wgsl */ `
struct P { rows: u32, cols: u32, t: f32, useBias: u32 }
@group(0) @binding(0) var<storage, read> U: array<f32>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
var<workgroup> red: array<f32, 64>;

fn z(b: u32, k: u32) -> f32 {
  var v = U[b * p.cols + k];
  if (p.useBias == 1u) { v = v + bias[k]; }
  return p.t * v;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let b = wg.x + wg.y * 65535u;
  if (b >= p.rows) { return; }
  var m = -3.4e38;
  for (var k = l.x; k < p.cols; k += 64u) { m = max(m, z(b, k)); }
  red[l.x] = m;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (l.x < s) { red[l.x] = max(red[l.x], red[l.x + s]); }
    workgroupBarrier();
  }
  m = red[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var k = l.x; k < p.cols; k += 64u) {
    let e = exp(z(b, k) - m);
    Y[b * p.cols + k] = e;
    sum += e;
  }
  red[l.x] = sum;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (l.x < s) { red[l.x] = red[l.x] + red[l.x + s]; }
    workgroupBarrier();
  }
  let inv = 1.0 / red[0];
  for (var k = l.x; k < p.cols; k += 64u) { Y[b * p.cols + k] = Y[b * p.cols + k] * inv; }
}`;

/**
 * Per unit k: c_k = Σ_b y_bk u_bk, then the step's rate r_k (η, or the exact (1 − e^(−ηc))/c
 * with its series where ηc is small: WGSL has no expm1) and keep_k = 1 − r_k·c_k.
 */
export const RATES = /* wgsl */ `
struct P { rows: u32, cols: u32, eta: f32, exact: u32 }
@group(0) @binding(0) var<storage, read> Y: array<f32>;
@group(0) @binding(1) var<storage, read> U: array<f32>;
@group(0) @binding(2) var<storage, read_write> rate: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
@group(0) @binding(4) var<storage, read_write> keep: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let k = g.x;
  if (k >= p.cols) { return; }
  var c = 0.0;
  for (var b = 0u; b < p.rows; b++) { c += Y[b * p.cols + k] * U[b * p.cols + k]; }
  var r = p.eta;
  if (p.exact == 1u) {
    let z = p.eta * c;
    if (abs(z) < 1e-2) {
      r = p.eta * (1.0 - z * (0.5 - z * (1.0 / 6.0 - z / 24.0)));
    } else {
      r = (1.0 - exp(-z)) / c;
    }
  }
  rate[k] = r;
  keep[k] = 1.0 - r * c;
}`;

/** out[i, :] = X[idx[offset + i], :] for i < rows. */
export const GATHER = /* wgsl */ `
struct P { rows: u32, cols: u32, offset: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: P;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let i = g.y;
  if (i >= p.rows) { return; }
  let src = idx[p.offset + i] * p.cols;
  for (var j = g.x; j < p.cols; j += 64u * 4u) { out[i * p.cols + j] = X[src + j]; }
}`;

/**
 * im2col as the Backend's: patch row r = (image, outY, outX), column (ky, kx, c), from HWC images,
 * one workgroup of 64 per row. Outside the image a tap reads 0 (zero padding) or the image
 * mirrored at its edge without repeating it (reflect padding, as reflectPad then an unpadded
 * im2col). With normalize, each row is divided by max(‖row‖, 1e-12), as normalizeRows.
 */
export const IM2COL = /* wgsl */ `
struct P {
  rows: u32, inH: u32, inW: u32, C: u32,
  kh: u32, kw: u32, stride: u32, pad: u32,
  dil: u32, outH: u32, outW: u32, reflect: u32,
  normalize: u32, n: u32, pad1: u32, pad2: u32,
}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
var<workgroup> red: array<f32, 64>;

fn mirror(i: i32, n: i32) -> i32 {
  if (i < 0) { return -i; }
  if (i >= n) { return 2 * (n - 1) - i; }
  return i;
}

fn tap(r: u32, j: u32) -> f32 {
  let L = p.outH * p.outW;
  let img = r / L;
  let pos = r % L;
  let c = j % p.C;
  let kk = j / p.C;
  var iy = i32((pos / p.outW) * p.stride + (kk / p.kw) * p.dil) - i32(p.pad);
  var ix = i32((pos % p.outW) * p.stride + (kk % p.kw) * p.dil) - i32(p.pad);
  if (p.reflect == 1u) {
    iy = mirror(iy, i32(p.inH));
    ix = mirror(ix, i32(p.inW));
  } else if (iy < 0 || iy >= i32(p.inH) || ix < 0 || ix >= i32(p.inW)) {
    return 0.0;
  }
  return X[img * p.inH * p.inW * p.C + (u32(iy) * p.inW + u32(ix)) * p.C + c];
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let r = wg.x + wg.y * 65535u;
  if (r >= p.rows) { return; }
  var ss = 0.0;
  for (var j = l.x; j < p.n; j += 64u) {
    let v = tap(r, j);
    out[r * p.n + j] = v;
    ss += v * v;
  }
  if (p.normalize == 0u) { return; }
  red[l.x] = ss;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (l.x < s) { red[l.x] = red[l.x] + red[l.x + s]; }
    workgroupBarrier();
  }
  let inv = 1.0 / max(sqrt(red[0]), 1e-12);
  for (var j = l.x; j < p.n; j += 64u) { out[r * p.n + j] = out[r * p.n + j] * inv; }
}`;

/** The activations SM_EULER applies, by the code its uniform block carries. */
export const SM_OPS = ['copy', 'relu', 'clip', 'tanh', 'shrink', 'cappedRelu'] as const;

/**
 * One Euler step of similarity-matching dynamics per row b (one workgroup of 64 per row), as the
 * Backend's smEulerStep: u' = u + dt·((bias + drive + r) − u); du2[b] = Σ (u' − u)²;
 * u2[b] = Σ u'²; u ← u'; r ← op(u', p, q) with op one of SM_OPS (its index).
 */
export const SM_EULER = /* wgsl */ `
struct P { rows: u32, cols: u32, dt: f32, useBias: u32, op: u32, p: f32, q: f32, pad: u32 }
@group(0) @binding(0) var<storage, read_write> U: array<f32>;
@group(0) @binding(1) var<storage, read> drive: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
@group(0) @binding(4) var<storage, read_write> R: array<f32>;
@group(0) @binding(5) var<storage, read_write> du2: array<f32>;
@group(0) @binding(6) var<storage, read_write> u2: array<f32>;
var<workgroup> sd: array<f32, 64>;
var<workgroup> su: array<f32, 64>;

fn act(x: f32) -> f32 {
  switch p.op {
    case 1u: { return max(x, 0.0); }
    case 2u: { return clamp(x, p.p, p.q); }
    // tanh(±10) is ±1 in float32; the clamp keeps exp-based tanh from overflowing to NaN
    case 3u: { return tanh(clamp(x, -10.0, 10.0)); }
    case 4u: { if (x > p.p) { return x - p.p; } if (x < -p.p) { return x + p.p; } return 0.0; }
    case 5u: { return clamp(x - p.p, 0.0, p.q); }
    default: { return x; }
  }
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let b = wg.x + wg.y * 65535u;
  if (b >= p.rows) { return; }
  var d2 = 0.0;
  var v2 = 0.0;
  for (var k = l.x; k < p.cols; k += 64u) {
    let i = b * p.cols + k;
    var t = drive[i];
    if (p.useBias == 1u) { t = bias[i] + t; }
    t = t + R[i];
    let old = U[i];
    let v = old + p.dt * (t - old);
    let d = v - old;
    d2 += d * d;
    v2 += v * v;
    U[i] = v;
    R[i] = act(v);
  }
  sd[l.x] = d2;
  su[l.x] = v2;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (l.x < s) {
      sd[l.x] = sd[l.x] + sd[l.x + s];
      su[l.x] = su[l.x] + su[l.x + s];
    }
    workgroupBarrier();
  }
  if (l.x == 0u) {
    du2[b] = sd[0];
    u2[b] = su[0];
  }
}`;
