// The WebAssembly module's exports: the native addon's functions (native/addon.cc) with the
// same names and parameters in the same order, each typed array passed as (pointer, length)
// into the module's memory, numbers as doubles, booleans as 0/1. The TypeScript side
// (src/backend/wasm/) copies arrays in and out around each call, driven by the addon's
// signature table, so both builds share every kernel and every argument check.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "../attention.h"
#include "../kernels.h"
#include "../linear_svc.h"
#include "../optim.h"
#include "../rng.h"
#include "../similarity.h"
#include "../softhebb.h"
#include "cblas.h"

#define EXPORT(name) extern "C" __attribute__((export_name(#name)))
#define F32(name) float *name, int name##_len
#define CF32(name) const float *name, int name##_len
#define I32(name) const int32_t *name, int name##_len

namespace {
hebb::Conv conv(double batch, double inH, double inW, double C, double kH, double kW, double stride, double pad,
                double dilation, double outH, double outW) {
  return {static_cast<long>(batch), static_cast<long>(inH),    static_cast<long>(inW),
          static_cast<long>(C),     static_cast<long>(kH),     static_cast<long>(kW),
          static_cast<long>(stride), static_cast<long>(pad),   static_cast<long>(dilation),
          static_cast<long>(outH),  static_cast<long>(outW)};
}
uint8_t* arena_buffer = nullptr;
size_t arena_size = 0;
}  // namespace

// A thread_local with a destructor (softhebb.cc's scratch) registers it here; the module's one
// thread never exits, so there is nothing to run.
extern "C" int __cxa_thread_atexit(void (*)(void*), void*, void*) { return 0; }

#define CONV_PARAMS                                                                                       \
  double batch, double inH, double inW, double C, double kH, double kW, double stride, double pad, \
      double dilation, double outH, double outW
#define CONV_ARGS batch, inH, inW, C, kH, kW, stride, pad, dilation, outH, outW

// Scratch space for one call's arrays (16-byte aligned; null when memory is exhausted). Its
// contents need not survive a call, so growing it frees the old block instead of copying it
// (a std::vector's copy and zero-fill took 1.7 s to reach 400 MB); growth is geometric.
EXPORT(arena) uint8_t* arena(double bytes) {
  const size_t need = (static_cast<size_t>(bytes) + 15) & ~static_cast<size_t>(15);
  if (need <= arena_size) return arena_buffer;
  std::free(arena_buffer);
  arena_size = std::max(need, (arena_size + arena_size / 2 + 15) & ~static_cast<size_t>(15));
  arena_buffer = static_cast<uint8_t*>(std::aligned_alloc(16, arena_size));
  if (arena_buffer == nullptr && arena_size > need) {
    arena_size = need;
    arena_buffer = static_cast<uint8_t*>(std::aligned_alloc(16, need));
  }
  if (arena_buffer == nullptr) arena_size = 0;
  return arena_buffer;
}

EXPORT(gemm)
void gemm(int ta, int tb, double m, double n, double k, double alpha, CF32(a), double lda, CF32(b), double ldb,
          double beta, F32(c), double ldc) {
  const int M = static_cast<int>(m), N = static_cast<int>(n), K = static_cast<int>(k);
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K,
              static_cast<float>(alpha), a, static_cast<int>(lda), b, static_cast<int>(ldb),
              static_cast<float>(beta), c, static_cast<int>(ldc));
}
EXPORT(unary) void unary(double op, CF32(x), F32(y), double p, double q) {
  hebb::unary(static_cast<int>(op), x, y, x_len, p, q);
}
EXPORT(binary) void binary(double op, CF32(a), CF32(b), F32(y)) {
  hebb::binary(static_cast<int>(op), a, b, y, a_len);
}
EXPORT(axpy) void axpy(double alpha, CF32(x), F32(y)) { hebb::axpy(alpha, x, y, x_len); }
EXPORT(scale) void scale(double alpha, F32(x)) { hebb::scale(alpha, x, x_len); }
EXPORT(addRowVector) void add_row_vector(F32(a), double rows, double cols, CF32(v), double alpha) {
  hebb::add_row_vector(a, rows, cols, v, alpha);
}
EXPORT(addColumnVector) void add_column_vector(F32(a), double rows, double cols, CF32(v), double alpha) {
  hebb::add_column_vector(a, rows, cols, v, alpha);
}
EXPORT(scaleRows) void scale_rows(F32(a), double rows, double cols, CF32(s)) { hebb::scale_rows(a, rows, cols, s); }
EXPORT(scaleColumns) void scale_columns(F32(a), double rows, double cols, CF32(s)) {
  hebb::scale_columns(a, rows, cols, s);
}
EXPORT(softmaxRows) void softmax_rows(CF32(a), double rows, double cols, double t, F32(out)) {
  hebb::softmax_rows(a, rows, cols, t, out);
}
EXPORT(softmaxRowsBackward)
void softmax_rows_backward(CF32(h), CF32(g), double rows, double cols, double t, F32(out)) {
  hebb::softmax_rows_backward(h, g, rows, cols, t, out);
}
EXPORT(rowNorms) void row_norms(CF32(a), double rows, double cols, F32(out)) { hebb::row_norms(a, rows, cols, out); }
EXPORT(normalizeRows) void normalize_rows(CF32(a), double rows, double cols, F32(out), double eps) {
  hebb::normalize_rows(a, rows, cols, out, eps);
}
EXPORT(normalizeRowsBackward)
void normalize_rows_backward(CF32(a), double rows, double cols, CF32(g), F32(out), double eps) {
  hebb::normalize_rows_backward(a, g, rows, cols, out, eps);
}
EXPORT(argmaxRows) void argmax_rows(CF32(a), double rows, double cols, int32_t* out, int) {
  hebb::argmax_rows(a, rows, cols, out);
}
EXPORT(sum) void sum(CF32(a), double rows, double cols, double axis, F32(out)) {
  hebb::sum_axis(a, rows, cols, static_cast<int>(axis), out);
}
EXPORT(dot) double dot(CF32(a), CF32(b)) { return hebb::dot(a, b, a_len); }
EXPORT(countNonFinite) double count_non_finite(CF32(a)) { return static_cast<double>(hebb::count_non_finite(a, a_len)); }
EXPORT(absMax) double abs_max(CF32(a)) { return hebb::abs_max(a, a_len); }
EXPORT(im2col) void im2col(CF32(images), CONV_PARAMS, F32(out)) { hebb::im2col(images, conv(CONV_ARGS), out); }
EXPORT(col2im) void col2im(CF32(cols), CONV_PARAMS, F32(out)) { hebb::col2im(cols, conv(CONV_ARGS), out); }
EXPORT(pool2d) void pool2d(CF32(images), CONV_PARAMS, int is_max, F32(out)) {
  hebb::pool2d(images, conv(CONV_ARGS), is_max != 0, out);
}

EXPORT(softHebbUpdate)
void softhebb_update(F32(w), double K, double n, CF32(x), double B, CF32(y), CF32(u), double eta, CF32(eta_vec)) {
  hebb::softhebb_update(w, K, n, x, B, y, u, eta, eta_vec);
}
EXPORT(softHebbHardUpdate)
void softhebb_hard_update(F32(w), double K, double n, CF32(x), double B, I32(winners), CF32(u), double eta,
                          CF32(eta_vec)) {
  hebb::softhebb_hard_update(w, K, n, x, B, winners, u, eta, eta_vec);
}
EXPORT(softHebbSoftStep)
void softhebb_soft_step(F32(w), double K, double n, CF32(x), double B, CF32(u), CF32(bias), double t, double eta,
                        int exact, F32(scale), F32(y)) {
  hebb::softhebb_soft_step(w, K, n, x, B, u, bias, t, eta, exact != 0, scale, y);
}
EXPORT(softHebbOnline)
void softhebb_online(F32(w), double K, double n, CF32(x), double B, F32(bias), double t, int hard, CF32(eta),
                     CF32(bias_rate), double bias_t, F32(u_out)) {
  hebb::softhebb_online(w, K, n, x, B, bias, t, hard != 0, eta, bias_rate, bias_t, u_out);
}

EXPORT(adamUpdate)
void adam_update(F32(p), CF32(g), F32(m), F32(v), double beta1, double beta2, double c1, double c2, double eps,
                 double l2, double decay, double step_size, double sqrt_bc2, F32(dir)) {
  hebb::AdamScalars s;
  s.beta1 = static_cast<float>(beta1);
  s.beta2 = static_cast<float>(beta2);
  s.c1 = static_cast<float>(c1);
  s.c2 = static_cast<float>(c2);
  s.eps = static_cast<float>(eps);
  s.l2 = static_cast<float>(l2);
  s.decay = static_cast<float>(decay);
  s.step_size = static_cast<float>(step_size);
  s.sqrt_bc2 = static_cast<float>(sqrt_bc2);
  hebb::adam_update(p, g, m, v, p_len, s, dir);
}

#define MAP_PARAMS double sites, double n, double inputs, I32(offsets), I32(indices)
#define MAP {static_cast<long>(sites), static_cast<long>(n), static_cast<long>(inputs), offsets, indices}
EXPORT(localMatmul)
void local_matmul(MAP_PARAMS, CF32(blocks), CF32(x), double B, double alpha, double beta, F32(out)) {
  hebb::local_matmul(MAP, blocks, x, B, alpha, beta, out);
}
EXPORT(localMatmulT)
void local_matmul_t(MAP_PARAMS, CF32(blocks), CF32(y), double B, double alpha, double beta, F32(out)) {
  hebb::local_matmul_t(MAP, blocks, y, B, alpha, beta, out);
}
EXPORT(localOuter)
void local_outer(MAP_PARAMS, CF32(post), CF32(pre), double B, double alpha, double beta, F32(blocks)) {
  hebb::local_outer(MAP, post, pre, B, alpha, beta, blocks);
}
EXPORT(smEulerStep)
void sm_euler_step(F32(u), CF32(drive), CF32(bias), F32(r), double rows, double cols, double dt, double op,
                   double p, double q, F32(du2), F32(u2)) {
  hebb::sm_euler_step(u, drive, bias, r, rows, cols, dt, static_cast<int>(op), p, q, du2, u2);
}

// problems: per problem the pointers (y, alpha, w, active, state) as five int32 and the two
// diagonal terms as two doubles, in two arrays.
EXPORT(svcDualEpoch)
void svc_dual_epoch(CF32(x), double rows, double cols, const double* sq_norms, int, double bias, I32(order),
                    const int32_t* ptrs, const double* diags, int count) {
  std::vector<hebb::SvcProblem> problems(count);
  for (int t = 0; t < count; t++) {
    const int32_t* p = ptrs + 5 * t;
    problems[t] = hebb::SvcProblem{reinterpret_cast<const int8_t*>(p[0]), reinterpret_cast<double*>(p[1]),
                                   reinterpret_cast<double*>(p[2]),       reinterpret_cast<uint8_t*>(p[3]),
                                   diags[2 * t],                          diags[2 * t + 1],
                                   reinterpret_cast<double*>(p[4])};
  }
  hebb::svc_dual_epoch(x, rows, cols, sq_norms, bias, order, order_len, problems.data(), count);
}

EXPORT(randomU32) void random_u32(uint32_t* out, int out_len, double k0, double k1, double counter) {
  hebb::random_u32(out, out_len, static_cast<uint32_t>(k0), static_cast<uint32_t>(k1),
                   static_cast<uint64_t>(counter));
}
EXPORT(fillUniform)
void fill_uniform(F32(out), double k0, double k1, double counter, double low, double high) {
  hebb::fill_uniform(out, out_len, static_cast<uint32_t>(k0), static_cast<uint32_t>(k1),
                     static_cast<uint64_t>(counter), low, high);
}
EXPORT(fillNormal)
void fill_normal(F32(out), double k0, double k1, double counter, double mean, double std_) {
  hebb::fill_normal(out, out_len, static_cast<uint32_t>(k0), static_cast<uint32_t>(k1),
                    static_cast<uint64_t>(counter), mean, std_);
}

EXPORT(attention)
void attention(CF32(q), CF32(k), CF32(v), double rows, double width, double heads, double tokens, double scale,
               F32(probs), F32(out)) {
  hebb::attention(q, k, v, rows, width, heads, tokens, scale, probs, out);
}
EXPORT(attentionBackward)
void attention_backward(CF32(q), CF32(k), CF32(v), CF32(probs), CF32(d_out), double rows, double width,
                        double heads, double tokens, double scale, F32(dq), F32(dk), F32(dv)) {
  hebb::attention_backward(q, k, v, probs, d_out, rows, width, heads, tokens, scale, dq, dk, dv);
}
