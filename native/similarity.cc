// Block-sparse locally connected products for similarity matching: each site's dense block
// is one BLAS call on the gathered patch (or, when the site's inputs are contiguous, directly
// on the strided input, with no copy). Sites run in order so overlapping patches accumulate
// deterministically.
#include "similarity.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"

extern "C" {
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
}

namespace hebb {
namespace {

// The per-site products are small; BLAS threads would only add a barrier per site (costly on
// a shared machine). Run them single-threaded and restore the caller's setting afterwards.
struct SingleThreadBlas {
  int saved;
  SingleThreadBlas() : saved(openblas_get_num_threads()) {
    if (saved != 1) openblas_set_num_threads(1);
  }
  ~SingleThreadBlas() {
    if (saved != 1) openblas_set_num_threads(saved);
  }
};

void prepare(float* out, long len, double beta) {
  if (beta == 0) std::fill(out, out + len, 0.0f);
  else if (beta != 1) {
    const float b = static_cast<float>(beta);
    for (long i = 0; i < len; i++) out[i] *= b;
  }
}

bool contiguous(const int32_t* idx, long P) {
  for (long j = 1; j < P; j++)
    if (idx[j] != idx[0] + j) return false;
  return true;
}

long max_patch(const LocalMapView& m) {
  long p = 0;
  for (long s = 0; s < m.sites; s++) p = std::max<long>(p, m.offsets[s + 1] - m.offsets[s]);
  return p;
}

// g (B × P) ← x[:, idx]
void gather(const float* x, long B, long K, const int32_t* idx, long P, float* g) {
  for (long b = 0; b < B; b++) {
    const float* xb = x + b * K;
    float* gb = g + b * P;
    for (long j = 0; j < P; j++) gb[j] = xb[idx[j]];
  }
}

}  // namespace

void local_matmul(const LocalMapView& m, const float* blocks, const float* x, long B, double alpha,
                  double beta, float* out) {
  SingleThreadBlas single;
  const long N = m.sites * m.n, K = m.inputs, n = m.n;
  prepare(out, B * N, beta);
  if (B == 0) return;
  std::vector<float> g(static_cast<size_t>(B * max_patch(m)));
  for (long s = 0; s < m.sites; s++) {
    const long o0 = m.offsets[s], P = m.offsets[s + 1] - o0;
    if (P == 0) continue;
    const int32_t* idx = m.indices + o0;
    const float* a;
    long lda;
    if (contiguous(idx, P)) {
      a = x + idx[0];
      lda = K;
    } else {
      gather(x, B, K, idx, P, g.data());
      a = g.data();
      lda = P;
    }
    const float* w = blocks + n * o0;
    if (n * P <= 256) {
      // Tiny blocks (e.g. within-site laterals of a few neurons): a BLAS call costs more than the work.
      const float al = static_cast<float>(alpha);
      for (long b = 0; b < B; b++) {
        const float* ab = a + b * lda;
        float* ob = out + b * N + s * n;
        for (long i = 0; i < n; i++) {
          const float* wi = w + i * P;
          float acc = 0;
          for (long j = 0; j < P; j++) acc += wi[j] * ab[j];
          ob[i] += al * acc;
        }
      }
      continue;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, n, P, static_cast<float>(alpha), a, lda, w, P,
                1.0f, out + s * n, N);
  }
}

void local_matmul_t(const LocalMapView& m, const float* blocks, const float* y, long B, double alpha,
                    double beta, float* out) {
  SingleThreadBlas single;
  const long N = m.sites * m.n, K = m.inputs, n = m.n;
  prepare(out, B * K, beta);
  if (B == 0) return;
  std::vector<float> t(static_cast<size_t>(B * max_patch(m)));
  for (long s = 0; s < m.sites; s++) {
    const long o0 = m.offsets[s], P = m.offsets[s + 1] - o0;
    if (P == 0) continue;
    const int32_t* idx = m.indices + o0;
    if (contiguous(idx, P)) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, P, n, static_cast<float>(alpha),
                  y + s * n, N, blocks + n * o0, P, 1.0f, out + idx[0], K);
      continue;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, P, n, static_cast<float>(alpha), y + s * n,
                N, blocks + n * o0, P, 0.0f, t.data(), P);
    for (long b = 0; b < B; b++) {
      float* ob = out + b * K;
      const float* tb = t.data() + b * P;
      for (long j = 0; j < P; j++) ob[idx[j]] += tb[j];
    }
  }
}

void local_outer(const LocalMapView& m, const float* post, const float* pre, long B, double alpha,
                 double beta, float* blocks) {
  SingleThreadBlas single;
  const long N = m.sites * m.n, K = m.inputs, n = m.n;
  std::vector<float> g(static_cast<size_t>(std::max<long>(B, 1) * max_patch(m)));
  for (long s = 0; s < m.sites; s++) {
    const long o0 = m.offsets[s], P = m.offsets[s + 1] - o0;
    if (P == 0) continue;
    float* w = blocks + n * o0;
    if (B == 0) {
      prepare(w, n * P, beta);
      continue;
    }
    const int32_t* idx = m.indices + o0;
    const float* a;
    long lda;
    if (contiguous(idx, P)) {
      a = pre + idx[0];
      lda = K;
    } else {
      gather(pre, B, K, idx, P, g.data());
      a = g.data();
      lda = P;
    }
    if (beta == 0) std::fill(w, w + n * P, 0.0f);  // BLAS must not read stale NaN with beta = 0
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, P, B, static_cast<float>(alpha), post + s * n,
                N, a, lda, static_cast<float>(beta), w, P);
  }
}

void sm_euler_step(float* u, const float* drive, const float* bias, float* r, long rows, long cols, double dt,
                   int op, double p, double q, float* du2, float* u2) {
  // Serial on purpose: the step is memory-bound and short, and on a shared 2-core machine an
  // OpenMP barrier per step costs more than it saves. The activation runs row by row.
  for (long b = 0; b < rows; b++) {
    double sd = 0, su = 0;
    float* ub = u + b * cols;
    float* rb = r + b * cols;
    const float* db = drive + b * cols;
    const float* cb = bias ? bias + b * cols : nullptr;
    for (long i = 0; i < cols; i++) {
      double target = static_cast<double>(db[i]) + rb[i];
      if (cb) target = static_cast<float>(static_cast<double>(cb[i]) + db[i]) + static_cast<double>(rb[i]);
      const float t = static_cast<float>(target);
      const float step = static_cast<float>(dt * (static_cast<double>(t) - ub[i]));
      const float v = static_cast<float>(static_cast<double>(ub[i]) + step);
      const double d = static_cast<double>(v) - ub[i];
      sd += d * d;
      su += static_cast<double>(v) * v;
      ub[i] = v;
    }
    du2[b] = static_cast<float>(sd);
    u2[b] = static_cast<float>(su);
    if (op == U_TANH) {
      for (long i = 0; i < cols; i++) rb[i] = std::tanh(ub[i]);  // float tanh: within 1 ulp of the portable backend
    } else {
      unary(op, ub, rb, static_cast<size_t>(cols), p, q);
    }
  }
}

}  // namespace hebb
