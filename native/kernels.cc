#include "kernels.h"

#include "fastmath.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace hebb {
namespace {
// Below this many elements a parallel region costs more than it saves.
constexpr long PAR = 1 << 15;

template <typename F>
inline void map1(const float* x, float* y, size_t n, F f) {
  const long N = static_cast<long>(n);
#pragma omp parallel for schedule(static) if (N > PAR)
  for (long i = 0; i < N; i++) y[i] = static_cast<float>(f(static_cast<double>(x[i])));
}

template <typename F>
inline void map2(const float* a, const float* b, float* y, size_t n, F f) {
  const long N = static_cast<long>(n);
#pragma omp parallel for schedule(static) if (N > PAR)
  for (long i = 0; i < N; i++) y[i] = f(a[i], b[i]);
}
}  // namespace

void unary(int op, const float* x, float* y, size_t n, double p, double q) {
  switch (op) {
    case U_COPY: map1(x, y, n, [](double v) { return v; }); break;
    case U_NEG: map1(x, y, n, [](double v) { return -v; }); break;
    case U_ABS: map1(x, y, n, [](double v) { return std::fabs(v); }); break;
    case U_SQUARE: map1(x, y, n, [](double v) { return v * v; }); break;
    case U_SQRT: map1(x, y, n, [](double v) { return std::sqrt(v); }); break;
    case U_EXP: map1(x, y, n, [](double v) { return std::exp(v); }); break;
    case U_LOG: map1(x, y, n, [](double v) { return std::log(v); }); break;
    case U_TANH: map1(x, y, n, [](double v) { return std::tanh(v); }); break;
    case U_SIGMOID: map1(x, y, n, [](double v) { return 1 / (1 + std::exp(-v)); }); break;
    case U_RELU: map1(x, y, n, [](double v) { return v > 0 ? v : 0.0; }); break;
    case U_REPU: map1(x, y, n, [p](double v) { return v > 0 ? std::pow(v, p) : 0.0; }); break;
    case U_CLIP: map1(x, y, n, [p, q](double v) { return v < p ? p : v > q ? q : v; }); break;
    case U_SHRINK: map1(x, y, n, [p](double v) { return v > p ? v - p : v < -p ? v + p : 0.0; }); break;
    case U_CAPPED_RELU:
      map1(x, y, n, [p, q](double v) { return v - p <= 0 ? 0.0 : v - p >= q ? q : v - p; });
      break;
    case U_POW: map1(x, y, n, [p](double v) { return v < 0 ? -std::pow(-v, p) : std::pow(v, p); }); break;
    case U_AFFINE: map1(x, y, n, [p, q](double v) { return p * v + q; }); break;
    case U_SIGN: map1(x, y, n, [](double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; }); break;
    case U_TANH_GRAD: map1(x, y, n, [](double v) { return 1 - v * v; }); break;
    case U_SIGMOID_GRAD: map1(x, y, n, [](double v) { return v * (1 - v); }); break;
    case U_RELU_GRAD: map1(x, y, n, [](double v) { return v > 0 ? 1.0 : 0.0; }); break;
    default: break;
  }
}

void binary(int op, const float* a, const float* b, float* y, size_t n) {
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

void axpy(double alpha, const float* x, float* y, size_t n) {
  const long N = static_cast<long>(n);
  const float a = static_cast<float>(alpha);
#pragma omp parallel for schedule(static) if (N > PAR)
  for (long i = 0; i < N; i++) y[i] += a * x[i];
}

void scale(double alpha, float* x, size_t n) {
  const long N = static_cast<long>(n);
  const float a = static_cast<float>(alpha);
#pragma omp parallel for schedule(static) if (N > PAR)
  for (long i = 0; i < N; i++) x[i] *= a;
}

void add_row_vector(float* a, size_t rows, size_t cols, const float* v, double alpha) {
  const long R = static_cast<long>(rows);
  const float al = static_cast<float>(alpha);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    float* r = a + i * cols;
    for (size_t j = 0; j < cols; j++) r[j] += al * v[j];
  }
}

void scale_rows(float* a, size_t rows, size_t cols, const float* s) {
  const long R = static_cast<long>(rows);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    float* r = a + i * cols;
    const float si = s[i];
    for (size_t j = 0; j < cols; j++) r[j] *= si;
  }
}

void scale_columns(float* a, size_t rows, size_t cols, const float* s) {
  const long R = static_cast<long>(rows);
#pragma omp parallel for schedule(static) if (R * static_cast<long>(cols) > PAR)
  for (long i = 0; i < R; i++) {
    float* r = a + i * cols;
    for (size_t j = 0; j < cols; j++) r[j] *= s[j];
  }
}

void softmax_rows(const float* a, size_t rows, size_t cols, double t, float* out) {
  const long R = static_cast<long>(rows), C = static_cast<long>(cols);
#pragma omp parallel for schedule(static) if (R * C > PAR / 8)
  for (long i = 0; i < R; i++) softmax_row(a + i * C, C, t, out + i * C);
}

void softmax_rows_backward(const float* h, const float* g, size_t rows, size_t cols, double t, float* out) {
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

void normalize_rows_backward(const float* a, const float* g, size_t rows, size_t cols, float* out, double eps) {
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

void row_norms(const float* a, size_t rows, size_t cols, float* out) {
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

void normalize_rows(const float* a, size_t rows, size_t cols, float* out, double eps) {
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

double dot(const float* a, const float* b, size_t n) {
  double s = 0;
  const long N = static_cast<long>(n);
#pragma omp parallel for schedule(static) reduction(+ : s) if (N > PAR)
  for (long i = 0; i < N; i++) s += static_cast<double>(a[i]) * b[i];
  return s;
}

size_t count_non_finite(const float* a, size_t n) {
  long c = 0;
  const long N = static_cast<long>(n);
#pragma omp parallel for schedule(static) reduction(+ : c) if (N > PAR)
  for (long i = 0; i < N; i++) c += std::isfinite(a[i]) ? 0 : 1;
  return static_cast<size_t>(c);
}

void im2col(const float* images, const Conv& g, float* out) {
  const long P = g.kH * g.kW * g.C, img = g.inH * g.inW * g.C, rows = g.batch * g.outH * g.outW;
#pragma omp parallel for schedule(static) if (rows * P > PAR)
  for (long r = 0; r < rows; r++) {
    const long b = r / (g.outH * g.outW), oy = (r / g.outW) % g.outH, ox = r % g.outW;
    float* dst = out + r * P;
    for (long ky = 0; ky < g.kH; ky++) {
      const long iy = oy * g.stride - g.pad + ky * g.dilation;
      for (long kx = 0; kx < g.kW; kx++) {
        const long ix = ox * g.stride - g.pad + kx * g.dilation;
        float* d = dst + (ky * g.kW + kx) * g.C;
        if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) {
          for (long c = 0; c < g.C; c++) d[c] = 0;
        } else {
          const float* s = images + b * img + (iy * g.inW + ix) * g.C;
          for (long c = 0; c < g.C; c++) d[c] = s[c];
        }
      }
    }
  }
}

void col2im(const float* cols, const Conv& g, float* out) {
  const long P = g.kH * g.kW * g.C, img = g.inH * g.inW * g.C;
  // One image per thread: patches of different images never write the same pixel.
#pragma omp parallel for schedule(static) if (g.batch > 1 && g.batch * img > PAR / 4)
  for (long b = 0; b < g.batch; b++) {
    float* dst = out + b * img;
    for (long i = 0; i < img; i++) dst[i] = 0;
    for (long oy = 0; oy < g.outH; oy++)
      for (long ox = 0; ox < g.outW; ox++) {
        const float* src = cols + ((b * g.outH + oy) * g.outW + ox) * P;
        for (long ky = 0; ky < g.kH; ky++) {
          const long iy = oy * g.stride - g.pad + ky * g.dilation;
          if (iy < 0 || iy >= g.inH) continue;
          for (long kx = 0; kx < g.kW; kx++) {
            const long ix = ox * g.stride - g.pad + kx * g.dilation;
            if (ix < 0 || ix >= g.inW) continue;
            float* d = dst + (iy * g.inW + ix) * g.C;
            const float* s = src + (ky * g.kW + kx) * g.C;
            for (long c = 0; c < g.C; c++) d[c] += s[c];
          }
        }
      }
  }
}

void pool2d(const float* images, const Conv& g, bool is_max, float* out) {
  const long C = g.C, img = g.inH * g.inW * C, rows = g.batch * g.outH * g.outW;
#pragma omp parallel for schedule(static) if (rows * C * g.kH * g.kW > PAR)
  for (long r = 0; r < rows; r++) {
    const long b = r / (g.outH * g.outW), oy = (r / g.outW) % g.outH, ox = r % g.outW;
    float* d = out + r * C;
    for (long c = 0; c < C; c++) d[c] = is_max ? -INFINITY : 0.0f;
    long n = 0;
    for (long ky = 0; ky < g.kH; ky++) {
      const long iy = oy * g.stride - g.pad + ky * g.dilation;
      if (iy < 0 || iy >= g.inH) continue;
      for (long kx = 0; kx < g.kW; kx++) {
        const long ix = ox * g.stride - g.pad + kx * g.dilation;
        if (ix < 0 || ix >= g.inW) continue;
        const float* s = images + b * img + (iy * g.inW + ix) * C;
        n++;
        if (is_max)
          for (long c = 0; c < C; c++) d[c] = s[c] > d[c] ? s[c] : d[c];
        else
          for (long c = 0; c < C; c++) d[c] += s[c];
      }
    }
    if (!is_max) {
      const float inv = 1.0f / static_cast<float>(n);
      for (long c = 0; c < C; c++) d[c] *= inv;
    }
  }
}

void softhebb_update(float* w, size_t K, size_t n, const float* x, size_t B, const float* y,
                     const float* u, double eta, const float* eta_vec) {
  const long Kl = static_cast<long>(K);
  const long nl = static_cast<long>(n);
  if (B == 1) {
    // Online path: one pass over W, w_k ← (1 − η_k y_k u_k) w_k + η_k y_k x.
#pragma omp parallel for schedule(static) if (Kl * nl > PAR)
    for (long k = 0; k < Kl; k++) {
      const double e = eta_vec ? eta_vec[k] : eta;
      const float s = static_cast<float>(1 - e * static_cast<double>(y[k]) * u[k]);
      const float a = static_cast<float>(e * y[k]);
      float* wk = w + k * n;
      for (long j = 0; j < nl; j++) wk[j] = s * wk[j] + a * x[j];
    }
    return;
  }
  // c_k = Σ_b y_bk u_bk over column blocks (rows read contiguously), then W ← diag(1 − η c) W,
  // then W += η Yᵀ X in one sgemm.
  std::vector<float> rowscale(K);
  constexpr long CB = 256;
#pragma omp parallel for schedule(static) if (Kl * static_cast<long>(B) > PAR)
  for (long k0 = 0; k0 < Kl; k0 += CB) {
    const long k1 = std::min(Kl, k0 + CB);
    double acc[CB] = {0};
    for (size_t b = 0; b < B; b++) {
      const float* yb = y + b * K;
      const float* ub = u + b * K;
      for (long k = k0; k < k1; k++) acc[k - k0] += static_cast<double>(yb[k]) * ub[k];
    }
    for (long k = k0; k < k1; k++) rowscale[k] = static_cast<float>(1 - (eta_vec ? eta_vec[k] : eta) * acc[k - k0]);
  }
  scale_rows(w, K, n, rowscale.data());
  if (eta_vec == nullptr) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, n, B, static_cast<float>(eta), y, K, x, n, 1.0f,
                w, n);
  } else {
    std::vector<float> ys(B * K);
    const long Bl = static_cast<long>(B);
#pragma omp parallel for schedule(static) if (Bl * Kl > PAR)
    for (long b = 0; b < Bl; b++)
      for (long k = 0; k < Kl; k++) ys[b * Kl + k] = y[b * Kl + k] * eta_vec[k];
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, n, B, 1.0f, ys.data(), K, x, n, 1.0f, w, n);
  }
}

}  // namespace hebb
