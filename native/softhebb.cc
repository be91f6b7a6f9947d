// SoftHebb plasticity kernels (src/softhebb/): the batch update, its fused soft-WTA and hard-WTA
// forms, and the online rule.
#include <cblas.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "blas_threads.h"
#include "dispatch.h"
#include "elementwise.h"
#include "fastmath.h"
#include "glue/kernel.h"

namespace hebb {

namespace {
constexpr long PAR = 1 << 15;

// Always inlined: each HEBB_CLONES copy of a caller gets its own (native/dispatch.h).
inline __attribute__((always_inline)) float dot_row(const float* a, const float* b, long n) {
  float acc = 0;
#pragma omp simd reduction(+ : acc)
  for (long j = 0; j < n; j++) acc += a[j] * b[j];
  return acc;
}
}  // namespace

// Online SoftHebb: per sample one sweep over W. Row k's update for sample s only needs y_k and
// u_k, and row k's pre-activation for sample s+1 only needs the updated row k, so both happen
// while the row is in cache; the only serial step per sample is the softmax over K units.
// bias and eta_b may be null; u_out (B × K, may be null) receives each sample's u + bias
// before its update.
HEBB_CLONES void softhebb_online(float* w, long K, long n, const float* x, long B, float* bias, double t,
                                 bool hard, const float* eta, const float* eta_b, double bias_t, float* u_out) {
  if (B == 0 || K == 0) return;
  std::vector<float> u(K), y(K);
  // Without a bias the softmax reads zeros: one loop that vectorises (a conditional load does not).
  std::vector<float> zeros(bias ? 0 : K, 0.0f);
  const float* prior = bias ? bias : zeros.data();
  // Two barriers per sample: on a busy machine a descheduled thread stalls every sample
  // (measured at 784×2000 with the other core loaded: 1 thread 0.44 ms/sample steadily,
  // 2 threads 0.8–9 ms). One thread is also within 2× of a cache-resident copy of W, so
  // threads are used only when W is too large for the cache anyway (> 16 MB).
  const bool par = K * n > (1L << 22);
#pragma omp parallel if (par)
  {
#pragma omp for schedule(static)
    for (long k = 0; k < K; k++) u[k] = dot_row(w + k * n, x, n);
    for (long s = 0; s < B; s++) {
#pragma omp single
      {
        if (u_out) {
          float* o = u_out + s * K;
          for (long k = 0; k < K; k++) o[k] = u[k] + prior[k];
        }
        long arg = 0;
        double best = -INFINITY;
        for (long k = 0; k < K; k++) {
          const double a = static_cast<double>(u[k]) + prior[k];
          if (a > best) best = a, arg = k;
        }
        if (hard) {
          std::fill(y.begin(), y.end(), 0.0f);
          y[arg] = 1.0f;
        } else {
          double z = 0;
          float* yp = y.data();
          const float* up = u.data();
#pragma omp simd reduction(+ : z)
          for (long k = 0; k < K; k++) {
            const float e = exp_fd(t * (static_cast<double>(up[k]) + prior[k] - best));
            yp[k] = e;
            z += e;
          }
          const float inv = static_cast<float>(1 / z);
#pragma omp simd
          for (long k = 0; k < K; k++) yp[k] *= inv;
        }
        if (bias && eta_b) {
          const double eb = eta_b[s];
          for (long k = 0; k < K; k++)
            bias[k] = static_cast<float>(bias[k] + eb * (y[k] * std::exp(-bias_t * bias[k]) - 1.0));
        }
      }  // implicit barrier: y is ready
      const float* xs = x + s * n;
      const float* xn = s + 1 < B ? xs + n : nullptr;
      const double e = eta[s];
#pragma omp for schedule(static)
      for (long k = 0; k < K; k++) {
        float* wk = w + k * n;
        if (y[k] != 0.0f) {
          const float sc = static_cast<float>(1.0 - e * static_cast<double>(y[k]) * u[k]);
          const float a = static_cast<float>(e * y[k]);
          if (xn) {
            float acc = 0;
#pragma omp simd reduction(+ : acc)
            for (long j = 0; j < n; j++) {
              const float v = sc * wk[j] + a * xs[j];
              wk[j] = v;
              acc += v * xn[j];
            }
            u[k] = acc;
          } else {
            for (long j = 0; j < n; j++) wk[j] = sc * wk[j] + a * xs[j];
          }
        } else if (xn) {
          u[k] = dot_row(wk, xn, n);
        }
      }  // implicit barrier: u holds the next sample's pre-activations
    }
  }
}

HEBB_CLONES void softhebb_hard_update(float* w, long K, long n, const float* x, long B, const int32_t* win,
                                      const float* u, double eta, const float* eta_vec) {
  // Counting sort of the rows by winner; each group summed in batch order (as the portable
  // backend does), so the result does not depend on the thread count.
  std::vector<long> start(K + 1, 0), order(B);
  for (long b = 0; b < B; b++) start[win[b] + 1]++;
  for (long k = 0; k < K; k++) start[k + 1] += start[k];
  std::vector<long> fill(start.begin(), start.end() - 1);
  for (long b = 0; b < B; b++) order[fill[win[b]]++] = b;
  std::vector<long> active;
  for (long k = 0; k < K; k++)
    if (start[k + 1] > start[k]) active.push_back(k);
  const long A = static_cast<long>(active.size());
#pragma omp parallel if (A * n * 4 > PAR && A > 1)
  {
    std::vector<float> sum(n);
#pragma omp for schedule(static)
    for (long i = 0; i < A; i++) {
      const long k = active[i];
      double c = 0;
      std::fill(sum.begin(), sum.end(), 0.0f);
      for (long q = start[k]; q < start[k + 1]; q++) {
        const long b = order[q];
        c += u[b * K + k];
        const float* xb = x + b * n;
        for (long j = 0; j < n; j++) sum[j] += xb[j];
      }
      const double e = eta_vec ? eta_vec[k] : eta;
      const float s = static_cast<float>(1 - e * c);
      const float a = static_cast<float>(e);
      float* wk = w + k * n;
      for (long j = 0; j < n; j++) wk[j] = s * wk[j] + a * sum[j];
    }
  }
}

namespace {
// What the posteriors add to u: z = u∘s + bias. A missing scale or bias reads ones or zeros, so
// one loop vectorises; without either (shift false) z is u itself, no copy.
struct Prior {
  std::vector<float> ones, zeros;
  const float* sc;
  const float* bias;
  bool shift;
  Prior(long K, const float* scale, const float* b)
      : ones(scale ? 0 : K, 1.0f),
        zeros(b ? 0 : K, 0.0f),
        sc(scale ? scale : ones.data()),
        bias(b ? b : zeros.data()),
        shift(scale || b) {}
  Prior(const Prior&) = delete;
  Prior& operator=(const Prior&) = delete;
};

// One row's posteriors y = softmax(t·(u∘s + bias)) (the same as softmax_rows) and its share of
// c_k += y_k u_k; zbuf holds K floats when p.shift. Always inlined: each HEBB_CLONES copy of a
// caller gets its own.
inline __attribute__((always_inline)) void posterior_row(const float* u, long K, double t, const Prior& p,
                                                         float* zbuf, float* y, double* c) {
  const float* z = u;
  if (p.shift) {
#pragma omp simd
    for (long k = 0; k < K; k++) zbuf[k] = u[k] * p.sc[k] + p.bias[k];
    z = zbuf;
  }
  softmax_row(z, K, t, y);
#pragma omp simd
  for (long k = 0; k < K; k++) c[k] += static_cast<double>(y[k]) * u[k];
}

// From c_k = Σ_b y_bk u_bk of the batch (u of the unscaled weights): the per-unit rates r_k
// (exact: (1 − e^(−η c))/c, else η), W's decay diag(1 − r∘c) and coef_k, the factor of unit k's
// row of Yᵀ X in the update. The decay goes into the row scale when `lazy` allows it and it
// stays positive and within [1e-3, 1e3]; else it is folded into W (scale, if any, reset to
// ones). Returns whether it went into the scale.
bool decay_and_coefficients(float* w, long K, long n, double eta, bool exact, bool lazy, float* scale,
                            const double* c_unscaled, float* coef) {
  std::vector<double> rate(K), keep(K), ck(K);
  for (long k = 0; k < K; k++) {
    const double s = scale ? scale[k] : 1.0;
    ck[k] = c_unscaled[k] * s;  // Σ y u∘s: c of the scaled weights
    const double zk = eta * ck[k];
    // (1 − e^(−η c))/c, with its series where c is tiny (the same formula as the layer's).
    const double r = !exact ? eta : std::abs(zk) < 1e-6 ? eta * (1 - zk / 2) : -std::expm1(-zk) / ck[k];
    rate[k] = r;
    keep[k] = 1 - r * ck[k];
    const double kept = s * keep[k];
    lazy = lazy && keep[k] > 0 && kept >= 1e-3 && kept <= 1e3;
  }
  if (lazy) {
    for (long k = 0; k < K; k++) {
      scale[k] = static_cast<float>(scale[k] * keep[k]);
      coef[k] = static_cast<float>(rate[k] / scale[k]);
    }
    return true;
  }
  std::vector<float> rows(K);
  for (long k = 0; k < K; k++) {
    rows[k] = static_cast<float>((scale ? scale[k] : 1.0) * keep[k]);
    coef[k] = static_cast<float>(rate[k]);
  }
  if (scale) std::fill(scale, scale + K, 1.0f);
  scale_rows(w, K, n, rows.data());
  return false;
}

// w_k += coef_k · g_k for each of the K rows (length n).
inline __attribute__((always_inline)) void add_scaled_rows(float* w, long K, long n, const float* coef,
                                                           const float* g) {
  for (long k = 0; k < K; k++) {
    float* wk = w + k * n;
    const float* gk = g + k * n;
    const float ck = coef[k];
#pragma omp simd
    for (long j = 0; j < n; j++) wk[j] += ck * gk[j];
  }
}
}  // namespace

// The step of Eq. 8 summed over a batch with as few passes over the B × K posteriors as the
// math allows: the softmax of each row and that row's share of c_k = Σ_b y_bk u_bk happen
// while the row is in cache (per-thread partial sums, reduced after), then one pass scales Y's
// columns by the per-unit rates (none for a scalar rate: it goes into the GEMM's alpha), and
// the decay diag(1 − r∘c) is applied to W before one sgemm adds Yᵀ X on top (beta = 1).
// With a row scale s (the weights are diag(s)·w) the decay only changes s and the GEMM adds
// diag(r/s) Yᵀ X to w: no pass over w (6 MB at 2000 × 784). s is folded into w instead (one
// pass, as without s) when a factor 1 − r c is not positive or s would leave [1e-3, 1e3], and
// for a scalar rate with B ≥ n, where the pass over Y that s needs costs more than it saves.
HEBB_CLONES void softhebb_soft_step(float* w, long K, long n, const float* x, long B, const float* u,
                                    const float* bias, double t, double eta, bool exact, float* scale, float* y) {
  if (B == 0 || K == 0) return;
  const bool par = B * K > PAR / 8;
  const int threads = par ? omp_get_max_threads() : 1;
  std::vector<double> partial(static_cast<size_t>(threads) * K, 0.0);
  const Prior prior(K, scale, bias);
#pragma omp parallel num_threads(threads) if (par)
  {
    double* c = partial.data() + static_cast<size_t>(omp_get_thread_num()) * K;
    std::vector<float> zbuf(prior.shift ? K : 0);
#pragma omp for schedule(static)
    for (long b = 0; b < B; b++) posterior_row(u + b * K, K, t, prior, zbuf.data(), y + b * K, c);
  }
  std::vector<double> c(K, 0.0);
  for (int i = 0; i < threads; i++)
    for (long k = 0; k < K; k++) c[k] += partial[static_cast<size_t>(i) * K + k];
  std::vector<float> coef(K);
  const bool lazy = decay_and_coefficients(w, K, n, eta, exact, scale && (exact || B < n), scale, c.data(), coef.data());
  if (!lazy && !exact) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, n, B, static_cast<float>(eta), y, K, x, n, 1.0f, w, n);
    return;
  }
  const float* cf = coef.data();
  if (B >= 4 * n) {
    // Many short rows (a conv layer's patches: 5760 × 25 against 96 units): Yᵀ X is only K × n,
    // so the rates scale its rows, w += diag(coef)·(Yᵀ X), instead of a pass over the B × K
    // posteriors, diag(coef) folded into Y first. The same sums, each product rounded once
    // more or less (coef·Σ y x for Σ (coef·y) x).
    thread_local std::vector<float> g;
    if (g.size() < static_cast<size_t>(K * n)) g.resize(static_cast<size_t>(K * n));
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, n, B, 1.0f, y, K, x, n, 0.0f, g.data(), n);
    add_scaled_rows(w, K, n, cf, g.data());
    return;
  }
  // Kept between calls: a fresh B × K buffer per step would cost a pass of page faults.
  thread_local std::vector<float> ys;
  if (ys.size() < static_cast<size_t>(B * K)) ys.resize(static_cast<size_t>(B * K));
  float* yr = ys.data();
#pragma omp parallel for schedule(static) if (par)
  for (long b = 0; b < B; b++) {
    const float* yb = y + b * K;
    float* o = yr + b * K;
#pragma omp simd
    for (long k = 0; k < K; k++) o[k] = yb[k] * cf[k];
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, n, B, 1.0f, yr, K, x, n, 1.0f, w, n);
}

// softhebb_soft_step with its forward GEMM, for few long rows and many units (the dense trainer:
// 100 × 784 against 2000): the threads split the units. Each makes its units' columns of U and
// then, after the posteriors (rows split between the threads, as in softhebb_soft_step), its
// units' rows of W with a one-thread sgemm: one parallel region instead of OpenBLAS's threads
// waking for each GEMM and handing over to OpenMP's in between. Each element of U and of the
// update sums the same products, but OpenBLAS may round a slice's sums apart from the whole's
// (other kernels or blocking for the narrower shape): the same step within float rounding.
HEBB_CLONES void unit_split_step(float* w, long K, long n, const float* x, long B, float* u, const float* bias,
                                 double t, double eta, bool exact, float* scale, float* y) {
  const int threads = omp_get_max_threads();
  std::vector<double> partial(static_cast<size_t>(threads) * K, 0.0);
  std::vector<double> c(K, 0.0);
  std::vector<float> coef(K);
  const Prior prior(K, scale, bias);
  thread_local std::vector<float> ys;
  if (ys.size() < static_cast<size_t>(B * K)) ys.resize(static_cast<size_t>(B * K));
  float* yr = ys.data();
  bool lazy = false;
  SingleThreadBlas single;
#pragma omp parallel num_threads(threads)
  {
    const long id = omp_get_thread_num();
    // Whole blocks of 16 units per thread: no two threads write one cache line of U or Y.
    const Range units = share(K, true);
    const long k0 = units.begin, k1 = units.end;
    if (k1 > k0)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, k1 - k0, n, 1.0f, x, n, w + k0 * n, n, 0.0f, u + k0,
                  K);
#pragma omp barrier
    double* cp = partial.data() + static_cast<size_t>(id) * K;
    std::vector<float> zbuf(prior.shift ? K : 0);
#pragma omp for schedule(static)
    for (long b = 0; b < B; b++) posterior_row(u + b * K, K, t, prior, zbuf.data(), y + b * K, cp);
#pragma omp single
    {
      for (int i = 0; i < threads; i++)
        for (long k = 0; k < K; k++) c[k] += partial[static_cast<size_t>(i) * K + k];
      lazy = decay_and_coefficients(w, K, n, eta, exact, scale && (exact || B < n), scale, c.data(), coef.data());
    }
    if (k1 > k0) {
      if (!lazy && !exact) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k1 - k0, n, B, static_cast<float>(eta), y + k0, K, x,
                    n, 1.0f, w + k0 * n, n);
      } else {
        for (long b = 0; b < B; b++) {
#pragma omp simd
          for (long k = k0; k < k1; k++) yr[b * K + k] = y[b * K + k] * coef[k];
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k1 - k0, n, B, 1.0f, yr + k0, K, x, n, 1.0f,
                    w + k0 * n, n);
      }
    }
  }
}

// softhebb_soft_step with the forward pass U = X Wᵀ inside, for many short rows (B ≥ 4n: a conv
// layer's patches, 5760 × 25 against 96 units). The threads take blocks of ROWS rows; for each,
// one-thread sgemm calls make its U and its share of G = Yᵀ X, with the posteriors and its
// share of c in between, while the block is in cache. The blocks' c and G are then summed in
// block order, so the result does not depend on the thread count. Unlike the forward GEMM and
// the step as two calls, no B × K matrix has to leave the cache (y, when given, is written
// once) and OpenBLAS's threads never hand over between calls: on 2 cores that hand-off was
// most of a conv step's spread. Other shapes: the forward GEMM, then softhebb_soft_step.
HEBB_CLONES void softhebb_forward_step(float* w, long K, long n, const float* x, long B, const float* bias,
                                       double t, double eta, bool exact, float* scale, float* y) {
  if (B == 0 || K == 0) return;
  if (B < 4 * n) {
    thread_local std::vector<float> ub, yb;
    if (ub.size() < static_cast<size_t>(B * K)) ub.resize(static_cast<size_t>(B * K));
    if (!y && yb.size() < static_cast<size_t>(B * K)) yb.resize(static_cast<size_t>(B * K));
    float* yo = y ? y : yb.data();
    if (omp_get_max_threads() > 1 && K >= 256 && B * K * n > (1L << 22)) {
      unit_split_step(w, K, n, x, B, ub.data(), bias, t, eta, exact, scale, yo);
      return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, K, n, 1.0f, x, n, w, n, 0.0f, ub.data(), K);
    softhebb_soft_step(w, K, n, x, B, ub.data(), bias, t, eta, exact, scale, yo);
    return;
  }
  constexpr long ROWS = 256;
  const long blocks = (B + ROWS - 1) / ROWS;
  std::vector<double> cb(static_cast<size_t>(blocks * K), 0.0);
  std::vector<float> gb(static_cast<size_t>(blocks * K * n));
  const Prior prior(K, scale, bias);
  {
    SingleThreadBlas single;
#pragma omp parallel if (blocks > 1 && B * K > PAR / 8)
    {
      std::vector<float> ubuf(static_cast<size_t>(ROWS * K)), ybuf(y ? 0 : static_cast<size_t>(ROWS * K)),
          zbuf(prior.shift ? K : 0);
#pragma omp for schedule(static)
      for (long blk = 0; blk < blocks; blk++) {
        const long b0 = blk * ROWS, rows = std::min(ROWS, B - b0);
        const float* xb = x + b0 * n;
        float* ub = ubuf.data();
        float* yb = y ? y + b0 * K : ybuf.data();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, K, n, 1.0f, xb, n, w, n, 0.0f, ub, K);
        double* c = cb.data() + blk * K;
        for (long b = 0; b < rows; b++) posterior_row(ub + b * K, K, t, prior, zbuf.data(), yb + b * K, c);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, n, rows, 1.0f, yb, K, xb, n, 0.0f,
                    gb.data() + blk * K * n, n);
      }
    }
  }
  std::vector<double> c(cb.begin(), cb.begin() + K);
  std::vector<float> g(gb.begin(), gb.begin() + K * n);
  for (long blk = 1; blk < blocks; blk++) {
    const double* cs = cb.data() + blk * K;
    for (long k = 0; k < K; k++) c[k] += cs[k];
    const float* gs = gb.data() + blk * K * n;
#pragma omp simd
    for (long i = 0; i < K * n; i++) g[i] += gs[i];
  }
  std::vector<float> coef(K);
  decay_and_coefficients(w, K, n, eta, exact, scale && exact, scale, c.data(), coef.data());
  add_scaled_rows(w, K, n, coef.data(), g.data());
}

HEBB_CLONES void softhebb_update(float* w, size_t K, size_t n, const float* x, size_t B, const float* y,
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

// The table's rate(): one rate for every unit, or one per unit (per_unit, length K).
struct Rate {
  double eta;
  const float* per_unit;
};
template <>
struct Arg<Rate> {
  static Rate Read(Reader& r) {
    const double eta = r.Num();
    const float* per_unit = r.F32(true).data;
    return {eta, per_unit};
  }
};

HEBB_KERNEL(softHebbUpdate, [](Mat w, CMat x, CMat y, CMat u, Rate eta) {
  softhebb_update(w.data, w.rows, w.cols, x.data, x.rows, y.data, u.data, eta.eta, eta.per_unit);
});
HEBB_KERNEL(softHebbOnline, [](Mat w, CMat x, OrNull<Span<float>> bias, double t, bool hard,
                               Span<const float> eta, OrNull<Span<const float>> bias_rate, double bias_t,
                               OrNull<Mat> u_out) {
  softhebb_online(w.data, w.rows, w.cols, x.data, x.rows, bias.data, t, hard, eta.data, bias_rate.data, bias_t,
                  u_out.data);
});
HEBB_KERNEL(softHebbHardUpdate, [](Mat w, CMat x, Span<const int32_t> winners, CMat u, Rate eta) {
  softhebb_hard_update(w.data, w.rows, w.cols, x.data, x.rows, winners.data, u.data, eta.eta, eta.per_unit);
});
HEBB_KERNEL(softHebbSoftStep, [](Mat w, CMat x, CMat u, OrNull<Span<const float>> bias, double t, double eta,
                                 bool exact, OrNull<Span<float>> scale, Mat y) {
  softhebb_soft_step(w.data, w.rows, w.cols, x.data, x.rows, u.data, bias.data, t, eta, exact, scale.data, y.data);
});
HEBB_KERNEL(softHebbForwardStep, [](Mat w, CMat x, OrNull<Span<const float>> bias, double t, double eta, bool exact,
                                    OrNull<Span<float>> scale, OrNull<Mat> y) {
  softhebb_forward_step(w.data, w.rows, w.cols, x.data, x.rows, bias.data, t, eta, exact, scale.data, y.data);
});

}  // namespace hebb
