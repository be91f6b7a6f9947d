// Dual coordinate descent with shrinking for the squared-hinge linear SVM (Hsieh et al. 2008,
// Alg. 3; liblinear's solve_l2r_l1l2_svc). Same steps as svcDualEpochTs; only the order of the
// dot product's additions differs (partial sums; AVX2 when the CPU has it), so results agree
// to rounding.
#include "linear_svc.h"

#include <omp.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <vector>

#include "glue/kernel.h"

namespace hebb {

namespace {

// Threads only pay off when a pass is long: waking them costs more than a small pass.
constexpr long PAR_SVC = 1L << 18;

double dot_generic(const float* x, const double* w, long n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  long j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += w[j] * x[j];
    s1 += w[j + 1] * x[j + 1];
    s2 += w[j + 2] * x[j + 2];
    s3 += w[j + 3] * x[j + 3];
  }
  for (; j < n; j++) s0 += w[j] * x[j];
  return (s0 + s1) + (s2 + s3);
}

void axpy_generic(double a, const float* x, double* w, long n) {
  for (long j = 0; j < n; j++) w[j] += a * x[j];
}

#if defined(__x86_64__)
// AVX2 versions, chosen at run time: float32 samples widened to float64 four at a time.
__attribute__((target("avx2"))) double dot_avx2(const float* x, const double* w, long n) {
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
  long j = 0;
  for (; j + 8 <= n; j += 8) {
    s0 = _mm256_add_pd(s0, _mm256_mul_pd(_mm256_loadu_pd(w + j), _mm256_cvtps_pd(_mm_loadu_ps(x + j))));
    s1 = _mm256_add_pd(s1, _mm256_mul_pd(_mm256_loadu_pd(w + j + 4), _mm256_cvtps_pd(_mm_loadu_ps(x + j + 4))));
  }
  alignas(32) double t[4];
  _mm256_store_pd(t, _mm256_add_pd(s0, s1));
  double s = (t[0] + t[1]) + (t[2] + t[3]);
  for (; j < n; j++) s += w[j] * x[j];
  return s;
}

__attribute__((target("avx2"))) void axpy_avx2(double a, const float* x, double* w, long n) {
  const __m256d va = _mm256_set1_pd(a);
  long j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256d xj = _mm256_cvtps_pd(_mm_loadu_ps(x + j));
    _mm256_storeu_pd(w + j, _mm256_add_pd(_mm256_loadu_pd(w + j), _mm256_mul_pd(va, xj)));
  }
  for (; j < n; j++) w[j] += a * x[j];
}

// Runs while the addon loads (a static constructor), so initialise the CPU model first.
const bool HAS_AVX2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}();
double dot_fd(const float* x, const double* w, long n) {
  return HAS_AVX2 ? dot_avx2(x, w, n) : dot_generic(x, w, n);
}
void axpy_fd(double a, const float* x, double* w, long n) {
  if (HAS_AVX2)
    axpy_avx2(a, x, w, n);
  else
    axpy_generic(a, x, w, n);
}
#else
double dot_fd(const float* x, const double* w, long n) { return dot_generic(x, w, n); }
void axpy_fd(double a, const float* x, double* w, long n) { axpy_generic(a, x, w, n); }
#endif

struct Pass {
  long count;
  double pg_max_old, pg_max, pg_min;
};

inline void step(const float* xi, long i, long cols, const double* sq_norms, double bias, const SvcProblem& p,
                 Pass& r) {
  const double yi = p.y[i];
  double* w = p.w;
  const double wx = dot_fd(xi, w, cols) + w[cols] * bias;
  const double diag = yi > 0 ? p.diag_pos : p.diag_neg;
  const double a = p.alpha[i];
  const double g = wx * yi - 1 + a * diag;
  double pg = 0;
  if (a == 0) {
    if (g > r.pg_max_old) {
      p.active[i] = 0;  // shrink
      r.count--;
      return;
    }
    if (g < 0) pg = g;
  } else {
    pg = g;
  }
  if (pg > r.pg_max) r.pg_max = pg;
  if (pg < r.pg_min) r.pg_min = pg;
  if (std::fabs(pg) > 1e-12) {
    const double next = std::fmax(a - g / (diag + sq_norms[i] + bias * bias), 0.0);
    p.alpha[i] = next;
    const double s = (next - a) * yi;
    axpy_fd(s, xi, w, cols);
    w[cols] += s * bias;
  }
}

}  // namespace

void svc_dual_epoch(const float* x, long rows, long cols, const double* sq_norms, double bias,
                    const int32_t* order, long order_len, SvcProblem* problems, long count) {
  std::vector<Pass> pass(count);
  for (long t = 0; t < count; t++) {
    const double* st = problems[t].state;
    pass[t] = Pass{static_cast<long>(st[0]), st[1], -INFINITY, INFINITY};
  }
  const bool parallel = count > 1 && rows * cols >= PAR_SVC;
  const int threads = parallel ? static_cast<int>(std::min<long>(count, omp_get_max_threads())) : 1;
#pragma omp parallel num_threads(threads) if (parallel)
  {
    const long tid = omp_get_thread_num(), nt = omp_get_num_threads();
    for (long s = 0; s < order_len; s++) {
      const long i = order[s];
      const float* xi = x + i * cols;
      for (long t = tid; t < count; t += nt)
        if (problems[t].active[i]) step(xi, i, cols, sq_norms, bias, problems[t], pass[t]);
    }
  }
  for (long t = 0; t < count; t++) {
    double* st = problems[t].state;
    st[0] = static_cast<double>(pass[t].count);
    st[1] = pass[t].pg_max;
    st[2] = pass[t].pg_min;
  }
}


HEBB_KERNEL(svcDualEpoch, [](CMat x, Span<const double> sq_norms, double bias, Span<const int32_t> order,
                             Span<SvcProblem> problems) {
  svc_dual_epoch(x.data, x.rows, x.cols, sq_norms.data, bias, order.data, static_cast<long>(order.size),
                 problems.data, static_cast<long>(problems.size));
});

}  // namespace hebb
