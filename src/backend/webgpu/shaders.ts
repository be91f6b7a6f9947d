// WGSL kernels of the WebGPU path: a tiled GEMM with the SoftHebb update's epilogue, the
// posterior softmax, the per-unit rates of Eq. 8's exact step, and a row gather. Each takes
// its sizes in a uniform block laid out as the `Params` of context.ts (u32/f32, 4 bytes each).

/** Tile edge of the GEMM: a workgroup computes a TILE × TILE block of C. */
export const TILE = 16;

/**
 * C = alpha·diag(rs)·op(A)·op(B) + beta·diag(cs)·C (rs, cs per row of C, used when the flags
 * say so): the forward pass (U = X·Wᵀ) and the decayed update (W = keep∘W + rate∘YᵀX).
 * op(A) is A or Aᵀ by `ta`, likewise B; both are read through shared-memory tiles.
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
var<workgroup> As: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${TILE}>;

@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let i = wg.y * ${TILE}u + l.y;
  let j = wg.x * ${TILE}u + l.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < p.K; k0 += ${TILE}u) {
    let ak = k0 + l.x;
    var av = 0.0;
    if (i < p.M && ak < p.K) {
      if (p.ta == 1u) { av = A[ak * p.lda + i]; } else { av = A[i * p.lda + ak]; }
    }
    As[l.y][l.x] = av;
    let bk = k0 + l.y;
    var bv = 0.0;
    if (bk < p.K && j < p.N) {
      if (p.tb == 1u) { bv = B[j * p.ldb + bk]; } else { bv = B[bk * p.ldb + j]; }
    }
    Bs[l.y][l.x] = bv;
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k++) { acc += As[l.y][k] * Bs[k][l.x]; }
    workgroupBarrier();
  }
  if (i < p.M && j < p.N) {
    var prod = p.alpha * acc;
    if (p.useRs == 1u) { prod = prod * rs[i]; }
    let at = i * p.ldc + j;
    if (p.beta == 0.0) { C[at] = prod; return; }
    var keep = p.beta;
    if (p.useCs == 1u) { keep = keep * cs[i]; }
    C[at] = keep * C[at] + prod;
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
