// SoftHebb plasticity kernels (src/softhebb/): the batch update, its fused soft-WTA and hard-WTA
// forms, and the online rule.
#include <cblas.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

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
  // Missing scale or bias read ones or zeros: one loop that vectorises.
  const bool shift = bias || scale;
  std::vector<float> ones(scale ? 0 : K, 1.0f), zeros(bias ? 0 : K, 0.0f);
  const float* sc = scale ? scale : ones.data();
  const float* prior = bias ? bias : zeros.data();
#pragma omp parallel num_threads(threads) if (par)
  {
    double* c = partial.data() + static_cast<size_t>(omp_get_thread_num()) * K;
    std::vector<float> zbuf(shift ? K : 0);
#pragma omp for schedule(static)
    for (long b = 0; b < B; b++) {
      const float* ub = u + b * K;
      float* yb = y + b * K;
      // z = u∘s + bias (u itself without either: no copy)
      const float* z = ub;
      if (shift) {
#pragma omp simd
        for (long k = 0; k < K; k++) zbuf[k] = ub[k] * sc[k] + prior[k];
        z = zbuf.data();
      }
      softmax_row(z, K, t, yb);  // the same posteriors as softmax_rows
#pragma omp simd
      for (long k = 0; k < K; k++) c[k] += static_cast<double>(yb[k]) * ub[k];
    }
  }
  std::vector<double> rate(K), keep(K);
  bool lazy = scale && (exact || B < n);
  for (long k = 0; k < K; k++) {
    double ck = 0;
    for (int i = 0; i < threads; i++) ck += partial[static_cast<size_t>(i) * K + k];
    ck *= sc[k];  // Σ y u∘s: c of the scaled weights
    const double zk = eta * ck;
    // (1 − e^(−η c))/c, with its series where c is tiny (the same formula as the layer's).
    const double r = !exact ? eta : std::abs(zk) < 1e-6 ? eta * (1 - zk / 2) : -std::expm1(-zk) / ck;
    rate[k] = r;
    keep[k] = 1 - r * ck;
    const double s = sc[k] * keep[k];
    lazy = lazy && keep[k] > 0 && s >= 1e-3 && s <= 1e3;
  }
  std::vector<float> coef(K);
  if (lazy) {
    for (long k = 0; k < K; k++) {
      scale[k] = static_cast<float>(scale[k] * keep[k]);
      coef[k] = static_cast<float>(rate[k] / scale[k]);
    }
  } else {
    std::vector<float> rows(K);
    for (long k = 0; k < K; k++) {
      rows[k] = static_cast<float>(sc[k] * keep[k]);
      coef[k] = static_cast<float>(rate[k]);
    }
    if (scale) std::fill(scale, scale + K, 1.0f);
    scale_rows(w, K, n, rows.data());
    if (!exact) {
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, n, B, static_cast<float>(eta), y, K, x, n, 1.0f, w,
                  n);
      return;
    }
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
    for (long k = 0; k < K; k++) {
      float* wk = w + k * n;
      const float* gk = g.data() + k * n;
      const float ck = cf[k];
#pragma omp simd
      for (long j = 0; j < n; j++) wk[j] += ck * gk[j];
    }
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

}  // namespace hebb
