// The sparse-A GEMM's loops (sparse_gemm.h). Two passes:
// 1. compress: count each row's nonzeros (declining when A is dense), then list each row's
//    nonzero columns and values (alpha folded in), ascending, with where each block of KB
//    columns starts in the list;
// 2. accumulate: for each panel of PANEL columns of C and each block of KB rows of B (12 KB,
//    which stays in L1), every row of A adds its nonzeros' rows of that block to its C segment,
//    held in registers. Threads take contiguous rows of A, so each C element is summed by one
//    thread in one order.
// Only x86-64 CPUs with AVX2 and FMA run them: elsewhere (other CPUs, the WebAssembly build,
// -DHEBB_NO_CLONES) sparse_a_gemm declines and the caller's dense GEMM runs. Scalar loops of the
// same blocking were 2.6× slower than the wasm build's own GEMM at 31 % nonzero (130 against
// 50 ms at 1000 × 2000 · 2000 × 784); the scalar pieces below serve the vector loops' tails.
#include "sparse_gemm.h"

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(HEBB_NO_CLONES)
#include <immintrin.h>

namespace hebb {
namespace {

constexpr long KB = 64;     // rows of B per block: KB × PANEL floats = 12 KB
constexpr long PANEL = 48;  // columns of C per panel: 6 AVX2 accumulators
// Below this many multiply-adds (dense count) one thread does it all.
constexpr long SPARSE_SERIAL = 1L << 18;

struct Compressed {
  std::vector<float> packed;  // B in panels of PANEL columns, each k × width, contiguous
  std::vector<int32_t> col;
  std::vector<float> val;
  std::vector<long> start;  // where each (block, row) list begins, block-major
  std::vector<long> next;   // cursors while listing
};

// c[0:w] += Σ_q val[q]·B[col[q], 0:w], scalar (w ≤ PANEL).
void add_rows_scalar(long w, const int32_t* col, const float* val, long count, const float* b, long ldb,
                     float* c) {
  float acc[PANEL];
  for (long j = 0; j < w; j++) acc[j] = c[j];
  for (long q = 0; q < count; q++) {
    const float v = val[q];
    const float* row = b + static_cast<long>(col[q]) * ldb;
    for (long j = 0; j < w; j++) acc[j] += v * row[j];
  }
  for (long j = 0; j < w; j++) c[j] = acc[j];
}

// The list of A's nonzeros is block-major: entries start[q·m + i] up to start[q·m + i + 1] are
// row i's nonzeros in columns q·KB..(q + 1)·KB − 1, so a pass over one block of B reads the
// list in order.

// count[q·m] = row's nonzeros in block q, from column p on (p a multiple of KB or of 8 within
// the block the vector loop stopped in, whose count so far is kept).
void count_scalar(const float* row, long p, long k, long* count, long m) {
  for (; p < k; p++) count[p / KB * m] += row[p] != 0;
}

// Row's nonzero columns from p on, and their values times alpha, each at its block's cursor
// next[q·m] (advanced).
void list_scalar(const float* row, long p, long k, float alpha, int32_t* col, float* val, long* next, long m) {
  for (; p < k; p++)
    if (row[p] != 0) {
      long& e = next[p / KB * m];
      col[e] = static_cast<int32_t>(p);
      val[e++] = alpha * row[p];
    }
}

#define SPARSE_TARGET __attribute__((target("avx2,fma")))

// acc[0:NV] += Σ val[q]·B[col[q], 0:8·NV] over entries q..e−1 of the list: one row's chains.
template <int NV>
SPARSE_TARGET inline __attribute__((always_inline)) void add_entries(__m256* acc, long q, long e,
                                                                      const int32_t* col, const float* val,
                                                                      const float* b, long ldb) {
  for (; q < e; q++) {
    const __m256 a = _mm256_broadcast_ss(val + q);
    const float* row = b + static_cast<long>(col[q]) * ldb;
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) acc[v] = _mm256_fmadd_ps(a, _mm256_loadu_ps(row + 8 * v), acc[v]);
  }
}

// For rows r0..r1−1 of C, columns 0:8·NV: c_i += Σ_q val[q]·B[col[q], :] over row i's
// nonzeros in block q of its list. Two rows at a time, so that 2·NV accumulator chains hide
// the FMA latency (one row's NV chains would wait on it).
template <int NV>
SPARSE_TARGET void add_block_avx2(long r0, long r1, const long* start, long stride, const int32_t* col,
                                  const float* val, const float* b, long ldb, float* c, long ldc) {
  long i = r0;
  for (; i + 2 <= r1; i += 2) {
    const long *s0 = start + i * stride, *s1 = s0 + stride;
    long q0 = s0[0], q1 = s1[0];
    const long e0 = s0[1], e1 = s1[1];
    if (q0 == e0 && q1 == e1) continue;
    float *c0 = c + i * ldc, *c1 = c0 + ldc;
    __m256 x[NV], y[NV];
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) {
      x[v] = _mm256_loadu_ps(c0 + 8 * v);
      y[v] = _mm256_loadu_ps(c1 + 8 * v);
    }
    for (; q0 < e0 && q1 < e1; q0++, q1++) {
      const __m256 a0 = _mm256_broadcast_ss(val + q0), a1 = _mm256_broadcast_ss(val + q1);
      const float* b0 = b + static_cast<long>(col[q0]) * ldb;
      const float* b1 = b + static_cast<long>(col[q1]) * ldb;
#pragma GCC unroll 6
      for (int v = 0; v < NV; v++) {
        x[v] = _mm256_fmadd_ps(a0, _mm256_loadu_ps(b0 + 8 * v), x[v]);
        y[v] = _mm256_fmadd_ps(a1, _mm256_loadu_ps(b1 + 8 * v), y[v]);
      }
    }
    // The longer list's tail, one row's chains.
    add_entries<NV>(x, q0, e0, col, val, b, ldb);
    add_entries<NV>(y, q1, e1, col, val, b, ldb);
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) {
      _mm256_storeu_ps(c0 + 8 * v, x[v]);
      _mm256_storeu_ps(c1 + 8 * v, y[v]);
    }
  }
  if (i < r1) {
    const long* s0 = start + i * stride;
    float* c0 = c + i * ldc;
    __m256 x[NV];
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) x[v] = _mm256_loadu_ps(c0 + 8 * v);
    add_entries<NV>(x, s0[0], s0[1], col, val, b, ldb);
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) _mm256_storeu_ps(c0 + 8 * v, x[v]);
  }
}

using AddBlock = void (*)(long, long, const long*, long, const int32_t*, const float*, const float*, long, float*,
                          long);
constexpr AddBlock ADD_BLOCK[6] = {add_block_avx2<1>, add_block_avx2<2>, add_block_avx2<3>,
                                   add_block_avx2<4>, add_block_avx2<5>, add_block_avx2<6>};

SPARSE_TARGET void count_avx2(const float* row, long k, long* count, long m) {
  const __m256 zero = _mm256_setzero_ps();
  long p = 0;
  for (; p + 8 <= k; p += 8)
    count[p / KB * m] +=
        __builtin_popcount(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + p), zero, _CMP_NEQ_UQ)));
  count_scalar(row, p, k, count, m);
}

// Eight columns per mask (KB is a multiple of 8, so the eight share a block).
SPARSE_TARGET void list_avx2(const float* row, long k, float alpha, int32_t* col, float* val, long* next,
                             long m) {
  const __m256 zero = _mm256_setzero_ps();
  long p = 0;
  for (; p + 8 <= k; p += 8) {
    unsigned mask = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + p), zero, _CMP_NEQ_UQ));
    long& e = next[p / KB * m];
    while (mask) {
      const int bit = __builtin_ctz(mask);
      col[e] = static_cast<int32_t>(p + bit);
      val[e++] = alpha * row[p + bit];
      mask &= mask - 1;
    }
  }
  list_scalar(row, p, k, alpha, col, val, next, m);
}

const bool HAS_AVX2_FMA = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");

// Rows r0..r1−1 of C, columns 0:w (w ≤ PANEL), add their nonzeros' rows of B in block q of
// their lists (start: the rows' block starts, stride apart).
void add_block(long w, long r0, long r1, const long* start, long stride, const int32_t* col, const float* val,
               const float* b, long ldb, float* c, long ldc) {
  const long done = w / 8 * 8;  // columns in whole vectors
  if (done > 0) ADD_BLOCK[done / 8 - 1](r0, r1, start, stride, col, val, b, ldb, c, ldc);
  if (done == w) return;
  for (long i = r0; i < r1; i++) {
    const long* s = start + i * stride;
    add_rows_scalar(w - done, col + s[0], val + s[0], s[1] - s[0], b + done, ldb, c + i * ldc + done);
  }
}

}  // namespace

bool sparse_a_gemm(long m, long n, long k, float alpha, const float* a, long lda, const float* b, long ldb,
                   float beta, float* c, long ldc) {
  if (!HAS_AVX2_FMA) return false;
  thread_local Compressed z;
  const long blocks = (k + KB - 1) / KB, cells = blocks * m;
  const bool par = m > 1 && m * n * k > SPARSE_SERIAL;
  z.start.assign(cells + 1, 0);
  z.next.resize(cells);
  long* start = z.start.data();
#pragma omp parallel for schedule(static) if (par)
  for (long i = 0; i < m; i++) count_avx2(a + i * lda, k, start + i, m);
  long nnz = 0;
  for (long e = 0; e < cells; e++) {
    const long count = start[e];
    start[e] = nnz;
    nnz += count;
  }
  start[cells] = nnz;
  if (static_cast<double>(nnz) > SPARSE_A_MAX_DENSITY * static_cast<double>(m) * static_cast<double>(k))
    return false;
  z.col.resize(std::max(nnz, 1L));
  z.val.resize(std::max(nnz, 1L));
  z.packed.resize(n * k + 16);
  int32_t* col = z.col.data();
  float* val = z.val.data();
  long* next = z.next.data();
  // On a 64-byte boundary: each packed row (a multiple of 8 floats wide) then loads in whole
  // vectors that never straddle two cache lines.
  float* packed = z.packed.data() + (16 - reinterpret_cast<uintptr_t>(z.packed.data()) / 4 % 16) % 16;
  std::copy(start, start + cells, next);
  const long panels = (n + PANEL - 1) / PANEL;
#pragma omp parallel if (par)
  {
    // B's rows lie a page apart (784 floats): a block of KB of them in place would need KB TLB
    // entries. Packed, a block is KB × PANEL contiguous floats.
#pragma omp for schedule(static)
    for (long jb = 0; jb < panels; jb++) {
      const long j0 = jb * PANEL, w = std::min(PANEL, n - j0);
      for (long p = 0; p < k; p++) std::copy(b + p * ldb + j0, b + p * ldb + j0 + w, packed + j0 * k + p * w);
    }
    const int threads = omp_get_num_threads(), id = omp_get_thread_num();
    const long r0 = m * id / threads, r1 = m * (id + 1) / threads;
    for (long i = r0; i < r1; i++) {
      list_avx2(a + i * lda, k, alpha, col, val, next + i, m);
      float* ci = c + i * ldc;
      if (beta == 0)
        std::fill(ci, ci + n, 0.0f);
      else if (beta != 1)
        for (long j = 0; j < n; j++) ci[j] *= beta;
    }
    for (long j0 = 0; j0 < n; j0 += PANEL) {
      const long w = std::min(PANEL, n - j0);
      for (long q = 0; q < blocks; q++)
        add_block(w, r0, r1, start + q * m, 1, col, val, packed + j0 * k, w, c + j0, ldc);
    }
  }
  return true;
}

}  // namespace hebb

#else

namespace hebb {
bool sparse_a_gemm(long, long, long, float, const float*, long, const float*, long, float, float*, long) {
  return false;
}
}  // namespace hebb

#endif
