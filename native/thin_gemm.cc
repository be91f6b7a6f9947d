// The thin GEMM's loops (thin_gemm.h). Two forms, both reading B where it lies:
// - op(B) = Bᵀ (x Wᵀ, a layer's forward pass): each C(i, j) is a dot product of row i of A
//   with row j of B; a 3 × 4 tile of them runs in 12 vector accumulators, summed across lanes
//   at the end. Threads split the rows of B, or the rows of A when B has only a few.
// - op(B) = B (g W, the gradient back through a layer): each row of C is a sum of rows of B
//   scaled by A's entries; a 4-row × 24-column tile runs in 12 accumulators, 128 steps of the
//   24 columns of B (12 KB) staying in L1 for every row tile. Threads split the columns, or the
//   rows of A when B has only a few rows.
#include "thin_gemm.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(HEBB_NO_CLONES)
#include <immintrin.h>

#include <algorithm>

namespace hebb {
namespace {

#define THIN_TARGET __attribute__((target("avx2,fma")))

// Below this many multiply-adds one thread does it all: a parallel region costs more.
constexpr long THIN_SERIAL = 1L << 16;

inline void put(float* c, float v, float alpha, float beta) {
  *c = beta == 0 ? alpha * v : alpha * v + beta * *c;
}

THIN_TARGET inline float lane_sum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// C[0:MR, 0:NR] from rows of A (MR) and rows of B (NR), both of length k.
template <int MR, int NR>
THIN_TARGET void dot_tile(long k, const float* a, long lda, const float* b, long ldb, float* c, long ldc,
                          float alpha, float beta) {
  __m256 acc[MR][NR];
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int s = 0; s < NR; s++) acc[r][s] = _mm256_setzero_ps();
  long p = 0;
  for (; p + 8 <= k; p += 8) {
    __m256 bv[NR];
    #pragma GCC unroll 4
    for (int s = 0; s < NR; s++) bv[s] = _mm256_loadu_ps(b + s * ldb + p);
    #pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      const __m256 av = _mm256_loadu_ps(a + r * lda + p);
      #pragma GCC unroll 4
      for (int s = 0; s < NR; s++) acc[r][s] = _mm256_fmadd_ps(av, bv[s], acc[r][s]);
    }
  }
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int s = 0; s < NR; s++) {
      float v = lane_sum(acc[r][s]);
      for (long q = p; q < k; q++) v += a[r * lda + q] * b[s * ldb + q];
      put(c + r * ldc + s, v, alpha, beta);
    }
}

// C[0:MR, 0:8·NV] = A[0:MR, 0:k] · B[0:k, 0:8·NV].
template <int MR, int NV>
THIN_TARGET void axpy_tile(long k, const float* a, long lda, const float* b, long ldb, float* c, long ldc,
                           float alpha, float beta) {
  __m256 acc[MR][NV];
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int s = 0; s < NV; s++) acc[r][s] = _mm256_setzero_ps();
  for (long p = 0; p < k; p++) {
    __m256 bv[NV];
    #pragma GCC unroll 4
    for (int s = 0; s < NV; s++) bv[s] = _mm256_loadu_ps(b + p * ldb + 8 * s);
    #pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      const __m256 av = _mm256_broadcast_ss(a + r * lda + p);
      #pragma GCC unroll 4
      for (int s = 0; s < NV; s++) acc[r][s] = _mm256_fmadd_ps(av, bv[s], acc[r][s]);
    }
  }
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int s = 0; s < NV; s++) {
      float* out = c + r * ldc + 8 * s;
      __m256 v = _mm256_mul_ps(va, acc[r][s]);
      if (beta != 0) v = _mm256_add_ps(v, _mm256_mul_ps(vb, _mm256_loadu_ps(out)));
      _mm256_storeu_ps(out, v);
    }
}

// The last n mod 8 columns, one at a time (B read down a column: at most 7 such per call).
void column_tail(long m, long cols, long k, const float* a, long lda, const float* b, long ldb, float* c,
                 long ldc, float alpha, float beta) {
  for (long i = 0; i < m; i++)
    for (long j = 0; j < cols; j++) {
      float v = 0;
      for (long p = 0; p < k; p++) v += a[i * lda + p] * b[p * ldb + j];
      put(c + i * ldc + j, v, alpha, beta);
    }
}

using Tile = void (*)(long, const float*, long, const float*, long, float*, long, float, float);

// Tiles by their shape: [rows − 1][cols − 1].
constexpr Tile DOT[3][4] = {
    {dot_tile<1, 1>, dot_tile<1, 2>, dot_tile<1, 3>, dot_tile<1, 4>},
    {dot_tile<2, 1>, dot_tile<2, 2>, dot_tile<2, 3>, dot_tile<2, 4>},
    {dot_tile<3, 1>, dot_tile<3, 2>, dot_tile<3, 3>, dot_tile<3, 4>},
};
constexpr Tile AXPY[4][3] = {
    {axpy_tile<1, 1>, axpy_tile<1, 2>, axpy_tile<1, 3>},
    {axpy_tile<2, 1>, axpy_tile<2, 2>, axpy_tile<2, 3>},
    {axpy_tile<3, 1>, axpy_tile<3, 2>, axpy_tile<3, 3>},
    {axpy_tile<4, 1>, axpy_tile<4, 2>, axpy_tile<4, 3>},
};

void dots(long m, long n, long k, float alpha, const float* a, long lda, const float* b, long ldb, float beta,
          float* c, long ldc) {
  constexpr long MR = 3, NR = 4;
  const auto tile = [&](long i, long j) {
    DOT[std::min(MR, m - i) - 1][std::min(NR, n - j) - 1](k, a + i * lda, lda, b + j * ldb, ldb, c + i * ldc + j,
                                                          ldc, alpha, beta);
  };
  const bool par = m * n * k > THIN_SERIAL;
  if (n <= THIN_FEW) {
    // Many rows, few columns (a read-out): threads take rows of A, each read once, and all of
    // B (at most THIN_FEW rows) stays in L2.
#pragma omp parallel for schedule(static) if (par)
    for (long ib = 0; ib < (m + MR - 1) / MR; ib++)
      for (long j = 0; j < n; j += NR) tile(ib * MR, j);
    return;
  }
#pragma omp parallel for schedule(static) if (par)
  for (long jb = 0; jb < (n + NR - 1) / NR; jb++)
    for (long i = 0; i < m; i += MR) tile(i, jb * NR);
}

void axpys(long m, long n, long k, float alpha, const float* a, long lda, const float* b, long ldb,
           float beta, float* c, long ldc) {
  // KC steps of B's 24 columns (12 KB) stay in L1 for every row tile.
  constexpr long MR = 4, NV = 3, W = 8 * NV, KC = 128;
  const long vec = n / 8 * 8;  // columns in whole vectors
  const auto tile = [&](long i, long j, long p) {
    AXPY[std::min(MR, m - i) - 1][std::min(W, vec - j) / 8 - 1](
        std::min(KC, k - p), a + i * lda + p, lda, b + p * ldb + j, ldb, c + i * ldc + j, ldc, alpha,
        p == 0 ? beta : 1.0f);
  };
  const bool par = m * n * k > THIN_SERIAL;
  if (k <= THIN_FEW) {
    // Back from a read-out: all of B (at most THIN_FEW rows) stays in L2, and threads take rows
    // of C, written whole, one after the other.
#pragma omp parallel for schedule(static) if (par)
    for (long ib = 0; ib < (m + MR - 1) / MR; ib++) {
      const long i = ib * MR;
      for (long j = 0; j < vec; j += W) tile(i, j, 0);
      if (vec < n)
        column_tail(std::min(MR, m - i), n - vec, k, a + i * lda, lda, b + vec, ldb, c + i * ldc + vec, ldc,
                    alpha, beta);
    }
    return;
  }
#pragma omp parallel for schedule(static) if (par)
  for (long jb = 0; jb < (vec + W - 1) / W; jb++)
    for (long p = 0; p < k; p += KC)
      for (long i = 0; i < m; i += MR) tile(i, jb * W, p);
  if (vec < n) column_tail(m, n - vec, k, a, lda, b + vec, ldb, c + vec, ldc, alpha, beta);
}

const bool HAS_AVX2_FMA = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");

}  // namespace

bool thin_gemm(bool tb, long m, long n, long k, float alpha, const float* a, long lda, const float* b,
               long ldb, float beta, float* c, long ldc) {
  if (!HAS_AVX2_FMA) return false;
  if (tb && k >= 8 && (m <= THIN_DOT_ROWS || n <= THIN_FEW)) {
    dots(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return true;
  }
  if (!tb && ((m <= THIN_AXPY_ROWS && k >= 8) || k <= THIN_FEW)) {
    axpys(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return true;
  }
  return false;
}

}  // namespace hebb

#else

namespace hebb {
bool thin_gemm(bool, long, long, long, float, const float*, long, const float*, long, float, float*, long) {
  return false;
}
}  // namespace hebb

#endif
