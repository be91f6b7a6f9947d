// Block-sparse locally connected products for similarity matching: each site's dense block
// is one BLAS call on the gathered patch (or, when the site's inputs are contiguous, directly
// on the strided input, with no copy); blocks too small for BLAS use a vectorised kernel.
// Work is split over OpenMP threads so that every output element is still computed by one
// call in one order: forward products and outer products split over sites (each site owns its
// outputs), the transposed product over batch rows (overlapping patches accumulate into the
// same inputs, so sites must stay in order within a row). Results do not depend on the
// thread count.
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "blas_threads.h"
#include "dispatch.h"
#include "elementwise.h"
#include "fastmath.h"
#include "glue/kernel.h"

namespace hebb {

// A LocalMap (src/backend/types.ts): the table's localMap().
struct LocalMapView {
  long sites, n, inputs;
  const int32_t* offsets;  // sites + 1
  const int32_t* indices;  // offsets[sites]
};
template <>
struct Arg<LocalMapView> {
  static LocalMapView Read(Reader& r) {
    const long sites = static_cast<long>(r.Int());
    const long n = static_cast<long>(r.Int());
    const long inputs = static_cast<long>(r.Int());
    const int32_t* offsets = r.I32().data;
    const int32_t* indices = r.I32().data;
    return {sites, n, inputs, offsets, indices};
  }
};
namespace {

// The per-site products are small: they run on one BLAS thread each (SingleThreadBlas) while
// the threads split the sites.

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

// ob[i] += al·Σ_j w[i][j]·a[j] for R rows of a, with the block transposed (wt: P × n) so the
// inner loop runs over the n outputs, contiguous, and vectorises; the R rows give R independent
// accumulator chains. Each output still sums over j in order, as the scalar loop (and the
// portable backend) do, so results are unchanged bit for bit. NN = 0: n known at run time.
template <long NN, long R>
inline __attribute__((always_inline)) void tiny_rows(const float* wt, long n, long P, const float* a, long lda, float al, float* o, long ldo) {
  constexpr long CAP = NN ? NN : 256;
  const long nn = NN ? NN : n;
  float acc[R][CAP];
  for (long r = 0; r < R; r++) std::fill(acc[r], acc[r] + nn, 0.0f);
  for (long j = 0; j < P; j++) {
    const float* wj = wt + j * nn;
    for (long r = 0; r < R; r++) {
      const float x = a[r * lda + j];
#pragma omp simd
      for (long i = 0; i < nn; i++) acc[r][i] += wj[i] * x;
    }
  }
  for (long r = 0; r < R; r++)
#pragma omp simd
    for (long i = 0; i < nn; i++) o[r * ldo + i] += al * acc[r][i];
}

constexpr long TINY = 256;  // n·P at or below which a site's block skips BLAS
// Multiply-adds below which a product stays on one thread: a parallel region's wake-up costs
// tens of microseconds with passive waiting.
constexpr long SERIAL_WORK = 1L << 18;
constexpr long ROWS = 4;    // batch rows per pass over the tiny sites

struct TinySites {
  std::vector<long> site, wt_off;
  std::vector<char> contiguous;
  std::vector<float> wt;  // each tiny block transposed (P × n)
};

// o (B × N) += al · M x on the tiny sites, rows outer: a block of ROWS rows of x and out stays in
// cache while every site's transposed block (all of them together are small) streams past,
// instead of striding through the whole batch once per site.
template <long NN>
inline __attribute__((always_inline)) void tiny_pass(const LocalMapView& m, const TinySites& t, const float* x, long B, float al, float* out) {
  const long N = m.sites * m.n, K = m.inputs, n = m.n;
  const long blocks = (B + ROWS - 1) / ROWS;
  const long work = B * static_cast<long>(t.wt.size());
#pragma omp parallel for schedule(static) if (work > SERIAL_WORK)
  for (long blk = 0; blk < blocks; blk++) {
    float g[ROWS * TINY];
    const long b = blk * ROWS;
    const long rows = std::min(ROWS, B - b);
    for (size_t k = 0; k < t.site.size(); k++) {
      const long s = t.site[k], o0 = m.offsets[s], P = m.offsets[s + 1] - o0;
      const int32_t* idx = m.indices + o0;
      const float* a;
      long lda;
      if (t.contiguous[k]) {
        a = x + b * K + idx[0];
        lda = K;
      } else {
        gather(x + b * K, rows, K, idx, P, g);
        a = g;
        lda = P;
      }
      const float* wt = t.wt.data() + t.wt_off[k];
      float* o = out + b * N + s * n;
      if (NN && rows == ROWS) {
        tiny_rows<NN, ROWS>(wt, n, P, a, lda, al, o, N);
      } else {
        for (long r = 0; r < rows; r++) tiny_rows<NN, 1>(wt, n, P, a + r * lda, lda, al, o + r * N, N);
      }
    }
  }
}

// Built for AVX2 as well (picked at load time); no FMA either way, so the sums are identical.
HEBB_CLONES void tiny_sites(const LocalMapView& m, const TinySites& t, const float* x, long B, float al,
                            float* out) {
  switch (m.n) {
    case 1: tiny_pass<1>(m, t, x, B, al, out); break;
    case 2: tiny_pass<2>(m, t, x, B, al, out); break;
    case 4: tiny_pass<4>(m, t, x, B, al, out); break;
    case 8: tiny_pass<8>(m, t, x, B, al, out); break;
    case 16: tiny_pass<16>(m, t, x, B, al, out); break;
    default: tiny_pass<0>(m, t, x, B, al, out); break;
  }
}

}  // namespace

void local_matmul(const LocalMapView& m, const float* blocks, const float* x, long B, double alpha,
                  double beta, float* out) {
  SingleThreadBlas single;
  const long N = m.sites * m.n, K = m.inputs, n = m.n;
  prepare(out, B * N, beta);
  if (B == 0) return;
  // Tiny blocks (e.g. within-site laterals of a few neurons): a BLAS call costs more than the work.
  TinySites tiny;
  for (long s = 0; s < m.sites; s++) {
    const long o0 = m.offsets[s], P = m.offsets[s + 1] - o0;
    if (P == 0 || n * P > TINY) continue;
    tiny.site.push_back(s);
    tiny.wt_off.push_back(static_cast<long>(tiny.wt.size()));
    tiny.contiguous.push_back(contiguous(m.indices + o0, P));
    const float* w = blocks + n * o0;
    tiny.wt.resize(tiny.wt.size() + n * P);
    float* wt = tiny.wt.data() + tiny.wt_off.back();
    for (long i = 0; i < n; i++)
      for (long j = 0; j < P; j++) wt[j * n + i] = w[i * P + j];
  }
  if (!tiny.site.empty()) {
    tiny_sites(m, tiny, x, B, static_cast<float>(alpha), out);
    if (static_cast<long>(tiny.site.size()) == m.sites) return;
  }
  const long work = B * n * m.offsets[m.sites];
#pragma omp parallel if (work > SERIAL_WORK)
  {
    std::vector<float> g(static_cast<size_t>(B * max_patch(m)));
#pragma omp for schedule(static)
    for (long s = 0; s < m.sites; s++) {
      const long o0 = m.offsets[s], P = m.offsets[s + 1] - o0;
      if (P == 0 || n * P <= TINY) continue;
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
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, n, P, static_cast<float>(alpha), a, lda,
                  blocks + n * o0, P, 1.0f, out + s * n, N);
    }
  }
}

void local_matmul_t(const LocalMapView& m, const float* blocks, const float* y, long B, double alpha,
                    double beta, float* out) {
  SingleThreadBlas single;
  const long N = m.sites * m.n, K = m.inputs, n = m.n;
  prepare(out, B * K, beta);
  if (B == 0) return;
  // Fixed chunks of rows (not one per thread: BLAS may round a row differently for another row
  // count, and results must not depend on the thread count); within a chunk the sites run in
  // order, so overlapping patches accumulate as in the portable backend.
  constexpr long CHUNK = 32;
  const long chunks = (B + CHUNK - 1) / CHUNK;
  const long work = B * n * m.offsets[m.sites];
#pragma omp parallel if (work > SERIAL_WORK && chunks > 1)
  {
    std::vector<float> t(static_cast<size_t>(CHUNK * max_patch(m)));
#pragma omp for schedule(static)
    for (long c = 0; c < chunks; c++) {
      const long b0 = c * CHUNK, rows = std::min(CHUNK, B - b0);
      const float* yc = y + b0 * N;
      float* oc = out + b0 * K;
      for (long s = 0; s < m.sites; s++) {
        const long o0 = m.offsets[s], P = m.offsets[s + 1] - o0;
        if (P == 0) continue;
        const int32_t* idx = m.indices + o0;
        if (contiguous(idx, P)) {
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, P, n, static_cast<float>(alpha),
                      yc + s * n, N, blocks + n * o0, P, 1.0f, oc + idx[0], K);
          continue;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, P, n, static_cast<float>(alpha),
                    yc + s * n, N, blocks + n * o0, P, 0.0f, t.data(), P);
        for (long b = 0; b < rows; b++) {
          float* ob = oc + b * K;
          const float* tb = t.data() + b * P;
          for (long j = 0; j < P; j++) ob[idx[j]] += tb[j];
        }
      }
    }
  }
}

void local_outer(const LocalMapView& m, const float* post, const float* pre, long B, double alpha,
                 double beta, float* blocks) {
  SingleThreadBlas single;
  const long N = m.sites * m.n, K = m.inputs, n = m.n;
  const long work = B * n * m.offsets[m.sites];
#pragma omp parallel if (work > SERIAL_WORK)
  {
    std::vector<float> g(static_cast<size_t>(std::max<long>(B, 1) * max_patch(m)));
#pragma omp for schedule(static)
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
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, P, B, static_cast<float>(alpha),
                  post + s * n, N, a, lda, static_cast<float>(beta), w, P);
    }
  }
}

namespace {

// One row of the Euler step. The arithmetic mirrors the portable backend exactly: float sums
// (what Math.fround of a double sum of two floats gives), the step dt·(t − u) in double, and
// the norms accumulated in double. omp simd lets the norms' sums be reordered (they only feed
// the convergence test) so the row vectorises; tanh is the vectorising tanh_f (≤ 3 ulp)
// instead of a serial libm call per element, which dominated the step.
template <bool Bias, bool Tanh>
inline __attribute__((always_inline)) void euler_row(float* ub, const float* db, const float* cb, float* rb, long cols, double dt, float* du2,
               float* u2) {
  double sd = 0, su = 0;
#pragma omp simd reduction(+ : sd, su)
  for (long i = 0; i < cols; i++) {
    const float t = Bias ? (cb[i] + db[i]) + rb[i] : db[i] + rb[i];
    const float u0 = ub[i];
    const float v = u0 + static_cast<float>(dt * (static_cast<double>(t) - u0));
    const double d = static_cast<double>(v) - u0;
    sd += d * d;
    su += static_cast<double>(v) * v;
    ub[i] = v;
    if (Tanh) rb[i] = tanh_f(v);
  }
  *du2 = static_cast<float>(sd);
  *u2 = static_cast<float>(su);
}

// Built for AVX2 as well (picked at load time where the CPU has it): the step is compute-bound in
// tanh_f. No FMA either way (-ffp-contract=off), so u and r are the same on both paths.
HEBB_CLONES void euler_rows(float* u, const float* drive, const float* bias, float* r, long rows, long cols,
                            double dt, bool tanh, float* du2, float* u2) {
#pragma omp parallel for schedule(static) if (rows * cols > SERIAL_WORK / 8)
  for (long b = 0; b < rows; b++) {
    float* ub = u + b * cols;
    float* rb = r + b * cols;
    const float* db = drive + b * cols;
    const float* cb = bias ? bias + b * cols : nullptr;
    if (cb) {
      if (tanh) euler_row<true, true>(ub, db, cb, rb, cols, dt, du2 + b, u2 + b);
      else euler_row<true, false>(ub, db, cb, rb, cols, dt, du2 + b, u2 + b);
    } else {
      if (tanh) euler_row<false, true>(ub, db, cb, rb, cols, dt, du2 + b, u2 + b);
      else euler_row<false, false>(ub, db, cb, rb, cols, dt, du2 + b, u2 + b);
    }
  }
}

}  // namespace

void sm_euler_step(float* u, const float* drive, const float* bias, float* r, long rows, long cols, double dt,
                   int op, double p, double q, float* du2, float* u2) {
  const bool tanh = op == U_TANH;
  euler_rows(u, drive, bias, r, rows, cols, dt, tanh, du2, u2);
  if (!tanh) unary(op, u, r, static_cast<size_t>(rows * cols), p, q);
}


HEBB_KERNEL(localMatmul, [](LocalMapView m, Span<const float> blocks, CMat x, double alpha, double beta, Mat out) {
  local_matmul(m, blocks.data, x.data, x.rows, alpha, beta, out.data);
});
HEBB_KERNEL(localMatmulT, [](LocalMapView m, Span<const float> blocks, CMat y, double alpha, double beta, Mat out) {
  local_matmul_t(m, blocks.data, y.data, y.rows, alpha, beta, out.data);
});
HEBB_KERNEL(localOuter, [](LocalMapView m, CMat post, CMat pre, double alpha, double beta, Span<float> blocks) {
  local_outer(m, post.data, pre.data, post.rows, alpha, beta, blocks.data);
});
// op: the index in UNARY_OPS.
HEBB_KERNEL(smEulerStep, [](Mat u, CMat drive, OrNull<CMat> bias, Mat r, double dt, int op, double p, double q,
                            Span<float> du2, Span<float> u2) {
  sm_euler_step(u.data, drive.data, bias.data, r.data, u.rows, u.cols, dt, op, p, q, du2.data, u2.data);
});

}  // namespace hebb
