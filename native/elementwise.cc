// Element-wise kernels: unary and binary maps, axpy, scaling, row and column broadcasts.
#include "elementwise.h"

#include <cmath>

#include "dispatch.h"
#include "fastmath.h"
#include "glue/kernel.h"

namespace hebb {
namespace {
// Below this many elements a parallel region costs more than it saves.
constexpr long PAR = 1 << 15;

// The maps below hold no OpenMP pragma: a region in a template helper is outlined once, for the
// baseline ISA only (SSE2), while one in a HEBB_CLONES function is cloned with it. So unary and
// binary split the range between the threads themselves and call the maps, always inlined,
// inside that region (its AVX2 copy then vectorises them 8 wide).
template <typename F>
inline __attribute__((always_inline)) void map1(const float* x, float* y, long n, F f) {
  for (long i = 0; i < n; i++) y[i] = static_cast<float>(f(static_cast<double>(x[i])));
}

// Float maps that GCC vectorises (tanh_f, exp_f: ≤ 3 ulp, fastmath.h); libm's tanh/exp in
// double took 1.7 ms for a 2048×128 tanh, scalar.
template <typename F>
inline __attribute__((always_inline)) void map1f(const float* x, float* y, long n, F f) {
#pragma omp simd
  for (long i = 0; i < n; i++) y[i] = f(x[i]);
}

template <typename F>
inline __attribute__((always_inline)) void map2(const float* a, const float* b, float* y, long n, F f) {
  for (long i = 0; i < n; i++) y[i] = f(a[i], b[i]);
}
}  // namespace

namespace {
inline __attribute__((always_inline)) void unary_range(int op, const float* x, float* y, long n, double p,
                                                       double q) {
  switch (op) {
    case U_COPY: map1(x, y, n, [](double v) { return v; }); break;
    case U_NEG: map1(x, y, n, [](double v) { return -v; }); break;
    case U_ABS: map1(x, y, n, [](double v) { return std::fabs(v); }); break;
    case U_SQUARE: map1(x, y, n, [](double v) { return v * v; }); break;
    case U_SQRT: map1(x, y, n, [](double v) { return std::sqrt(v); }); break;
    case U_EXP: map1(x, y, n, [](double v) { return std::exp(v); }); break;
    case U_LOG: map1(x, y, n, [](double v) { return std::log(v); }); break;
    case U_TANH: map1f(x, y, n, [](float v) { return tanh_f(v); }); break;
    case U_SIGMOID: map1f(x, y, n, [](float v) { return 1.0f / (1.0f + exp_f(-v)); }); break;
    case U_RELU: map1(x, y, n, [](double v) { return v > 0 ? v : 0.0; }); break;
    case U_REPU:
      // p > 0, the activations' case: a float pow that vectorises; else libm's.
      if (p > 0)
        // computed for every v and then selected: a call under a condition does not vectorise
        map1f(x, y, n, [p](float v) {
          const float r = pow_pos_f(v, p);
          return v > 0 ? r : 0.0f;
        });
      else
        map1(x, y, n, [p](double v) { return v > 0 ? std::pow(v, p) : 0.0; });
      break;
    case U_CLIP: map1(x, y, n, [p, q](double v) { return v < p ? p : v > q ? q : v; }); break;
    case U_SHRINK: map1(x, y, n, [p](double v) { return v > p ? v - p : v < -p ? v + p : 0.0; }); break;
    case U_CAPPED_RELU:
      map1(x, y, n, [p, q](double v) { return v - p <= 0 ? 0.0 : v - p >= q ? q : v - p; });
      break;
    case U_POW:
      if (p > 0)
        map1f(x, y, n, [p](float v) {
          const float r = pow_pos_f(v < 0 ? -v : v, p);
          return v < 0 ? -r : r;
        });
      else
        map1(x, y, n, [p](double v) { return v < 0 ? -std::pow(-v, p) : std::pow(v, p); });
      break;
    case U_AFFINE: map1(x, y, n, [p, q](double v) { return p * v + q; }); break;
    case U_SIGN: map1(x, y, n, [](double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; }); break;
    case U_TANH_GRAD: map1(x, y, n, [](double v) { return 1 - v * v; }); break;
    case U_SIGMOID_GRAD: map1(x, y, n, [](double v) { return v * (1 - v); }); break;
    case U_RELU_GRAD: map1(x, y, n, [](double v) { return v > 0 ? 1.0 : 0.0; }); break;
    default: break;
  }
}
}  // namespace

HEBB_CLONES void unary(int op, const float* x, float* y, size_t n, double p, double q) {
  const long N = static_cast<long>(n);
  const bool par = N > PAR;
#pragma omp parallel if (par)
  {
    const Range r = share(N, par);
    unary_range(op, x + r.begin, y + r.begin, r.end - r.begin, p, q);
  }
}

namespace {
inline __attribute__((always_inline)) void binary_range(int op, const float* a, const float* b, float* y, long n) {
  switch (op) {
    case B_ADD: map2(a, b, y, n, [](float u, float v) { return u + v; }); break;
    case B_SUB: map2(a, b, y, n, [](float u, float v) { return u - v; }); break;
    case B_MUL: map2(a, b, y, n, [](float u, float v) { return u * v; }); break;
    case B_DIV: map2(a, b, y, n, [](float u, float v) { return u / v; }); break;
    case B_MAX: map2(a, b, y, n, [](float u, float v) { return u > v ? u : v; }); break;
    case B_MIN: map2(a, b, y, n, [](float u, float v) { return u < v ? u : v; }); break;
    case B_MUL_RELU_GRAD: map2(a, b, y, n, [](float u, float v) { return v > 0 ? u : 0.0f; }); break;
    // The derivative rounded to float first: the same bits as the unary *Grad op then mul.
    case B_MUL_TANH_GRAD:
      map2(a, b, y, n, [](float u, float v) { return u * static_cast<float>(1 - double(v) * v); });
      break;
    case B_MUL_SIGMOID_GRAD:
      map2(a, b, y, n, [](float u, float v) { return u * static_cast<float>(double(v) * (1 - double(v))); });
      break;
    default: break;
  }
}
}  // namespace

HEBB_CLONES void binary(int op, const float* a, const float* b, float* y, size_t n) {
  const long N = static_cast<long>(n);
  const bool par = N > PAR;
#pragma omp parallel if (par)
  {
    const Range r = share(N, par);
    binary_range(op, a + r.begin, b + r.begin, y + r.begin, r.end - r.begin);
  }
}

HEBB_CLONES void axpy(double alpha, const float* x, float* y, size_t n) {
  const long N = static_cast<long>(n);
  const float a = static_cast<float>(alpha);
#pragma omp parallel for schedule(static) if (N > PAR)
  for (long i = 0; i < N; i++) y[i] += a * x[i];
}

HEBB_CLONES void sign_step_clip(const float* g, double alpha, const float* lo, const float* hi, float* a,
                                size_t n) {
  const long N = static_cast<long>(n);
  const float s = static_cast<float>(alpha);
#pragma omp parallel for schedule(static) if (N > PAR)
  for (long i = 0; i < N; i++) {
    float v = a[i] + (g[i] > 0 ? s : g[i] < 0 ? -s : 0.0f);
    v = v > lo[i] ? v : lo[i];
    a[i] = v < hi[i] ? v : hi[i];
  }
}

// Branch-free (a select): with p = 0.5 the comparison is a coin flip, and the branch the
// JavaScript loop compiled to mispredicted half the time (13 ms for a 64 × 13 824 batch).
HEBB_CLONES void dropout(const float* x, const float* u, double p, float* out, size_t n) {
  const long N = static_cast<long>(n);
  const double keep = 1 / (1 - p);
#pragma omp parallel for simd schedule(static) if (N > PAR)
  for (long i = 0; i < N; i++) {
    const float kept = static_cast<float>(static_cast<double>(x[i]) * keep);
    out[i] = static_cast<double>(u[i]) < p ? 0.0f : kept;
  }
}

HEBB_CLONES void scale(double alpha, float* x, size_t n) {
  const long N = static_cast<long>(n);
  const float a = static_cast<float>(alpha);
#pragma omp parallel for schedule(static) if (N > PAR)
  for (long i = 0; i < N; i++) x[i] *= a;
}

HEBB_CLONES void add_row_vector(float* a, size_t rows, size_t cols, const float* v, double alpha) {
  const long R = static_cast<long>(rows);
  const float al = static_cast<float>(alpha);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    float* r = a + i * cols;
    for (size_t j = 0; j < cols; j++) r[j] += al * v[j];
  }
}

HEBB_CLONES void scale_rows(float* a, size_t rows, size_t cols, const float* s) {
  const long R = static_cast<long>(rows);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    float* r = a + i * cols;
    const float si = s[i];
    for (size_t j = 0; j < cols; j++) r[j] *= si;
  }
}

HEBB_CLONES void scale_columns(float* a, size_t rows, size_t cols, const float* s) {
  const long R = static_cast<long>(rows);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    float* r = a + i * cols;
    for (size_t j = 0; j < cols; j++) r[j] *= s[j];
  }
}

HEBB_CLONES void add_column_vector(float* a, size_t rows, size_t cols, const float* v, double alpha) {
  const long R = static_cast<long>(rows), C = static_cast<long>(cols);
#pragma omp parallel for schedule(static) if (R * C > PAR)
  for (long i = 0; i < R; i++) {
    const float add = static_cast<float>(alpha * v[i]);
    float* r = a + i * C;
    for (long j = 0; j < C; j++) r[j] += add;
  }
}


HEBB_KERNEL(unary, [](int op, CMat a, Mat out, double p, double q) { unary(op, a.data, out.data, a.size, p, q); });
HEBB_KERNEL(binary, [](int op, CMat a, CMat b, Mat out) { binary(op, a.data, b.data, out.data, a.size); });
HEBB_KERNEL(axpy, [](double alpha, CMat x, Mat y) { axpy(alpha, x.data, y.data, x.size); });
HEBB_KERNEL(signStepClip, [](CMat g, double alpha, CMat lo, CMat hi, Mat a) {
  sign_step_clip(g.data, alpha, lo.data, hi.data, a.data, a.size);
});
HEBB_KERNEL(dropout, [](CMat x, CMat u, double p, Mat out) { dropout(x.data, u.data, p, out.data, out.size); });
HEBB_KERNEL(scale, [](double alpha, Mat x) { scale(alpha, x.data, x.size); });
HEBB_KERNEL(addRowVector, [](Mat a, Span<const float> v, double alpha) {
  add_row_vector(a.data, a.rows, a.cols, v.data, alpha);
});
HEBB_KERNEL(addColumnVector, [](Mat a, Span<const float> v, double alpha) {
  add_column_vector(a.data, a.rows, a.cols, v.data, alpha);
});
HEBB_KERNEL(scaleRows, [](Mat a, Span<const float> s) { scale_rows(a.data, a.rows, a.cols, s.data); });
HEBB_KERNEL(scaleColumns, [](Mat a, Span<const float> s) { scale_columns(a.data, a.rows, a.cols, s.data); });

}  // namespace hebb
