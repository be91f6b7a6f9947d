// Reductions: per row (softmax, norms, argmax, with their backward passes) and over a whole
// matrix (sum, dot, non-finite count, largest magnitude).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "dispatch.h"
#include "fastmath.h"
#include "glue/kernel.h"

namespace hebb {
namespace {
// Below this many elements a parallel region costs more than it saves.
constexpr long PAR = 1 << 15;
}  // namespace

namespace {
// e^(t·z − m) into y for w ≤ 8 entries: the exponent a ≤ 0 stays in double through the range
// reduction a = k·ln2 + r, since a float a would carry an error of up to 6e-8·|a| (2e-6
// relative at a = −24, beyond the cross-backend rtol of 1e-6). Only k is taken from a's float
// rounding (an off-by-one k just widens r's range by 1e-5), and the clamps run in float:
// a < −88 flushes to 0 through k = −127 with r held at −1 (so the polynomial stays finite for
// any a), NaN stays NaN.
template <long W>
inline __attribute__((always_inline)) void exp_shifted(const float* z, double t, double m, float* y) {
#pragma omp simd
  for (long j = 0; j < W; j++) {
    const double a = t * z[j] - m;
    float af = static_cast<float>(a);
    af = af < -88.0f ? -88.0f : af;
    const float k = (af * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = static_cast<float>(a - static_cast<double>(k) * 0.6931471805599453);
    r = r < -1.0f ? -1.0f : r;
    y[j] = exp_reduced(r, k);
  }
}
}  // namespace

// y = softmax(t·z) over n entries (y may be z), max-subtracted in double (finite for inverse
// temperatures up to ~1e30). Most of a sharp softmax's entries flush to 0 (at t = 200 on MNIST
// patches, 65 % of the blocks of 8 units in a conv layer's rows): a block whose every t·z is
// below the max by more than 88.5 is written as zeros without its exp, the same zeros the exp
// gives there. A row of equal entries (a blank patch: u = 0) is uniform, also without one.
HEBB_CLONES void softmax_row(const float* z, long n, double t, float* y) {
  float hi = z[0], lo = z[0];
  // Comparisons rather than std::max/min: GCC vectorises these into maxps/minps.
#pragma omp simd reduction(max : hi) reduction(min : lo)
  for (long j = 0; j < n; j++) {
    hi = z[j] > hi ? z[j] : hi;
    lo = z[j] < lo ? z[j] : lo;
  }
  if (hi == lo) {
    long same = 0;  // every entry equal to hi (a NaN is not, and takes the path below)
#pragma omp simd reduction(+ : same)
    for (long j = 0; j < n; j++) same += z[j] == hi;
    if (same == n && hi - hi == 0) {
      // e^0 = 1 for each, Σ = n: exactly what the exp path gives.
      const float u = static_cast<float>(1 / static_cast<double>(n));
      for (long j = 0; j < n; j++) y[j] = u;
      return;
    }
  }
  const double m = t >= 0 ? t * hi : t * lo;
  // Entries with sign(t)·z below cut have t·z − m < −88.5: they flush to 0. cut is rounded
  // towards −∞, so a float below it is below the exact bound too (t = 0: none flushes).
  const float sg = t >= 0 ? 1.0f : -1.0f;
  const double bound = t == 0 ? -INFINITY : t > 0 ? hi - 88.5 / t : -lo - 88.5 / -t;
  float cut = static_cast<float>(bound);
  if (static_cast<double>(cut) > bound) cut = std::nextafter(cut, -INFINITY);
  long j0 = 0;
  for (; j0 + 8 <= n; j0 += 8) {
    int live = 0;
    for (long q = 0; q < 8; q++) live |= !(sg * z[j0 + q] < cut);  // NaN: live, stays NaN
    if (live) {
      exp_shifted<8>(z + j0, t, m, y + j0);
    } else {
      for (long q = 0; q < 8; q++) y[j0 + q] = 0.0f;
    }
  }
  for (; j0 < n; j0++) exp_shifted<1>(z + j0, t, m, y + j0);
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (long j = 0; j < n; j++) s += y[j];
  const float inv = static_cast<float>(1 / s);
#if defined(__wasm__)
  // WebAssembly cannot flush subnormals to zero, and x86 multiplies them ~100× slower: tiny
  // posteriors times inputs make subnormal products in the update GEMM, which slowed the
  // wasm SoftHebb step from 2.1 to 3.2 ms as training sharpened the posteriors. The wasm
  // build sets posteriors below 2^-64 (5.4e-20) to 0: their share of any update is ~2^-40 of
  // a float32 weight's resolution, and their products with inputs above 2^-60 stay normal.
  const float tiny = 5.421010862427522e-20f;  // 2^-64
#pragma omp simd
  for (long j = 0; j < n; j++) {
    const float v = y[j] * inv;
    y[j] = v < tiny ? 0.0f : v;
  }
#else
#pragma omp simd
  for (long j = 0; j < n; j++) y[j] *= inv;
#endif
}

void softmax_rows(const float* a, size_t rows, size_t cols, double t, float* out) {
  const long R = static_cast<long>(rows), C = static_cast<long>(cols);
#pragma omp parallel for schedule(static) if (R * C > PAR / 8)
  for (long i = 0; i < R; i++) softmax_row(a + i * C, C, t, out + i * C);
}

HEBB_CLONES void softmax_rows_backward(const float* h, const float* g, size_t rows, size_t cols, double t, float* out) {
  const long R = static_cast<long>(rows), C = static_cast<long>(cols);
  const float tf = static_cast<float>(t);
#pragma omp parallel for schedule(static) if (R * C > PAR)
  for (long i = 0; i < R; i++) {
    const float* hi = h + i * C;
    const float* gi = g + i * C;
    float* y = out + i * C;
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (long j = 0; j < C; j++) s += static_cast<double>(gi[j]) * hi[j];
    const float sf = static_cast<float>(s);
#pragma omp simd
    for (long j = 0; j < C; j++) y[j] = tf * hi[j] * (gi[j] - sf);
  }
}

HEBB_CLONES void normalize_rows_backward(const float* a, const float* g, size_t rows, size_t cols, float* out,
                                         double eps) {
  const long R = static_cast<long>(rows), C = static_cast<long>(cols);
#pragma omp parallel for schedule(static) if (R * C > PAR)
  for (long i = 0; i < R; i++) {
    const float* x = a + i * C;
    const float* gi = g + i * C;
    float* y = out + i * C;
    double ss = 0, d = 0;
#pragma omp simd reduction(+ : ss, d)
    for (long j = 0; j < C; j++) {
      ss += static_cast<double>(x[j]) * x[j];
      d += static_cast<double>(x[j]) * gi[j];
    }
    const double n = std::max(std::sqrt(ss), eps);
    // (g − x·(x·g)/n²)/n
    const float inv = static_cast<float>(1 / n), k = static_cast<float>(d / (n * n * n));
#pragma omp simd
    for (long j = 0; j < C; j++) y[j] = gi[j] * inv - x[j] * k;
  }
}

HEBB_CLONES void row_norms(const float* a, size_t rows, size_t cols, float* out) {
  const long R = static_cast<long>(rows);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    const float* x = a + i * cols;
    double s = 0;
    // Vectorised partial sums (in double): a serial sum waits on every add.
#pragma omp simd reduction(+ : s)
    for (size_t j = 0; j < cols; j++) s += static_cast<double>(x[j]) * x[j];
    out[i] = static_cast<float>(std::sqrt(s));
  }
}

HEBB_CLONES void normalize_rows(const float* a, size_t rows, size_t cols, float* out, double eps) {
  const long R = static_cast<long>(rows);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    const float* x = a + i * cols;
    float* y = out + i * cols;
    double s = 0;
    // Vectorised partial sums (in double): a serial sum waits on every add.
#pragma omp simd reduction(+ : s)
    for (size_t j = 0; j < cols; j++) s += static_cast<double>(x[j]) * x[j];
    const double inv = 1 / std::max(std::sqrt(s), eps);
    for (size_t j = 0; j < cols; j++) y[j] = static_cast<float>(x[j] * inv);
  }
}

void argmax_rows(const float* a, size_t rows, size_t cols, int32_t* out) {
  const long R = static_cast<long>(rows);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    const float* x = a + i * cols;
    size_t best = 0;
    float bv = x[0];
    for (size_t j = 1; j < cols; j++)
      if (x[j] > bv) {
        bv = x[j];
        best = j;
      }
    out[i] = static_cast<int32_t>(best);
  }
}

void sum_axis(const float* a, size_t rows, size_t cols, int axis, float* out) {
  const long R = static_cast<long>(rows);
  if (axis == 1) {
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
    for (long i = 0; i < R; i++) {
      double s = 0;
      for (size_t j = 0; j < cols; j++) s += a[i * cols + j];
      out[i] = static_cast<float>(s);
    }
    return;
  }
  const long Cn = static_cast<long>(cols);
  // Column sums: each thread owns a slice of columns and walks all rows (rows stay in order).
#pragma omp parallel for schedule(static) if (R * Cn > PAR)
  for (long j0 = 0; j0 < Cn; j0 += 256) {
    const long j1 = std::min(Cn, j0 + 256);
    double acc[256] = {0};
    for (long i = 0; i < R; i++)
      for (long j = j0; j < j1; j++) acc[j - j0] += a[i * cols + j];
    for (long j = j0; j < j1; j++) out[j] = static_cast<float>(acc[j - j0]);
  }
}

// sum_axis of a∘a: the same loops, each element's square rounded to float32 first.
HEBB_CLONES void sum_squares(CMat a, int axis, Span<float> out) {
  const long R = a.rows, Cn = a.cols;
  const float* x = a.data;
  if (axis == 1) {
#pragma omp parallel for schedule(static) if (R * Cn > PAR)
    for (long i = 0; i < R; i++) {
      double s = 0;
      for (long j = 0; j < Cn; j++) {
        const float v = x[i * Cn + j];
        s += v * v;
      }
      out.data[i] = static_cast<float>(s);
    }
    return;
  }
#pragma omp parallel for schedule(static) if (R * Cn > PAR)
  for (long j0 = 0; j0 < Cn; j0 += 256) {
    const long j1 = std::min(Cn, j0 + 256);
    double acc[256] = {0};
    for (long i = 0; i < R; i++)
      for (long j = j0; j < j1; j++) {
        const float v = x[i * Cn + j];
        acc[j - j0] += v * v;
      }
    for (long j = j0; j < j1; j++) out.data[j] = static_cast<float>(acc[j - j0]);
  }
}

HEBB_CLONES double dot(const float* a, const float* b, size_t n) {
  double s = 0;
  const long N = static_cast<long>(n);
#pragma omp parallel for schedule(static) reduction(+ : s) if (N > PAR)
  for (long i = 0; i < N; i++) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// The checks scan every kernel's inputs with this (twice per SoftHebb step: X and U), so it
// tests the exponent bits (all ones: ±inf or NaN) as integers, which vectorises; std::isfinite
// did not (4 % of a conv layer's epoch).
HEBB_CLONES size_t count_non_finite(const float* a, size_t n) {
  long c = 0;
  const long N = static_cast<long>(n);
#pragma omp parallel for simd schedule(static) reduction(+ : c) if (N > PAR)
  for (long i = 0; i < N; i++) {
    uint32_t bits;
    std::memcpy(&bits, a + i, sizeof bits);
    c += (bits & 0x7f800000u) == 0x7f800000u;
  }
  return static_cast<size_t>(c);
}

double abs_max(const float* a, size_t n) {
  float m = 0;
  const long N = static_cast<long>(n);
#pragma omp parallel for schedule(static) reduction(max : m) if (N > PAR)
  for (long i = 0; i < N; i++) m = std::max(m, std::fabs(a[i]));
  return m;
}

HEBB_KERNEL(softmaxRows, [](CMat a, double t, Mat out) { softmax_rows(a.data, a.rows, a.cols, t, out.data); });
HEBB_KERNEL(softmaxRowsBackward, [](CMat h, CMat g, double t, Mat out) {
  softmax_rows_backward(h.data, g.data, h.rows, h.cols, t, out.data);
});
HEBB_KERNEL(rowNorms, [](CMat a, Span<float> out) { row_norms(a.data, a.rows, a.cols, out.data); });
HEBB_KERNEL(normalizeRows, [](CMat a, Mat out, double eps) {
  normalize_rows(a.data, a.rows, a.cols, out.data, eps);
});
HEBB_KERNEL(normalizeRowsBackward, [](CMat a, CMat g, Mat out, double eps) {
  normalize_rows_backward(a.data, g.data, a.rows, a.cols, out.data, eps);
});
HEBB_KERNEL(argmaxRows, [](CMat a, Span<int32_t> out) { argmax_rows(a.data, a.rows, a.cols, out.data); });
HEBB_KERNEL(sum, [](CMat a, int axis, Span<float> out) { sum_axis(a.data, a.rows, a.cols, axis, out.data); });
HEBB_KERNEL(sumSquares, sum_squares);
HEBB_KERNEL(dot, [](CMat a, CMat b) { return dot(a.data, b.data, a.size); });
HEBB_KERNEL(countNonFinite, [](Span<const float> a) { return static_cast<double>(count_non_finite(a.data, a.size)); });
HEBB_KERNEL(absMax, [](CMat a) { return abs_max(a.data, a.size); });

}  // namespace hebb
