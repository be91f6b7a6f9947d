// The sparse-A GEMM's loops (sparse_gemm.h). Two passes:
// 1. compress: count each row's nonzeros (declining when A is dense), then list each row's
//    nonzero columns and values (alpha folded in), ascending, with where each block of KB
//    columns starts in the list;
// 2. accumulate: each thread takes a range of C's columns and, one panel of 6 vectors' columns
//    at a time, packs that panel of B into its own buffer (k × panel, in its L2) and then, for
//    each block of KB rows of the panel (12 KB with AVX2, 24 KB with AVX-512; it stays in L1),
//    every row of A adds its nonzeros' rows of that block to its C segment, held in registers.
//    Each C element is summed by one thread in one order, whatever the thread count.
// Only x86-64 CPUs with AVX2 and FMA, or AVX-512, run them (the widest the CPU has; the loops
// are written once, in sparse_gemm_loops.h): elsewhere (other CPUs, the WebAssembly build,
// -DHEBB_NO_CLONES) sparse_a_gemm declines and the caller's dense GEMM runs. Scalar loops of the
// same blocking were 2.6× slower than the wasm build's own GEMM at 31 % nonzero (130 against
// 50 ms at 1000 × 2000 · 2000 × 784); the scalar pieces below serve the vector loops' tails.
#include "sparse_gemm.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <cstdint>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(HEBB_NO_CLONES)
#include <immintrin.h>

namespace hebb {
namespace {

constexpr long KB = 64;         // rows of B per block: KB × panel floats = 12 KB (AVX2), 24 KB (AVX-512)
constexpr long PANEL_VECTORS = 6;                // vectors of columns per panel of C: one row's accumulators
constexpr long MAX_PANEL = PANEL_VECTORS * 16;  // the widest panel (AVX-512)
// Below this many multiply-adds (dense count) one thread does it all.
constexpr long SPARSE_SERIAL = 1L << 18;

struct Compressed {
  std::vector<int32_t> col;
  std::vector<float> val;
  std::vector<long> start;  // where each (block, row) list begins, block-major
  std::vector<long> next;   // cursors while listing
};

// c[0:w] += Σ_q val[q]·B[col[q], 0:w], scalar (w ≤ MAX_PANEL).
void add_rows_scalar(long w, const int32_t* col, const float* val, long count, const float* b, long ldb,
                     float* c) {
  float acc[MAX_PANEL];
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

using AddBlock = void (*)(long, long, const long*, long, const int32_t*, const float*, const float*, long, float*,
                          long);
// One instruction set's loops (sparse_gemm_loops.h): add_block[NV − 1] adds NV vectors of
// columns; lanes is the floats per vector.
struct Loops {
  const AddBlock* add_block;
  void (*count)(const float* row, long k, long* count, long m);
  void (*list)(const float* row, long k, float alpha, int32_t* col, float* val, long* next, long m);
  long lanes;
};

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
using V = __m256;
constexpr long LANES = 8;
inline V load(const float* p) { return _mm256_loadu_ps(p); }
inline void store(float* p, V x) { _mm256_storeu_ps(p, x); }
inline V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
inline V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
inline unsigned nonzero_mask(const float* p) {
  return _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(p), _mm256_setzero_ps(), _CMP_NEQ_UQ));
}
#include "sparse_gemm_loops.h"
}  // namespace avx2
#pragma GCC pop_options

// 512-bit vectors: twice AVX2's columns per instruction. OpenBLAS uses them on such CPUs
// (its Cooperlake/SkylakeX kernels), so AVX2 loops there lose to its dense GEMM (measured on a
// Zen 5: 1.19× at 1000 × 2000 (31 %) · 2000 × 784, 1.66× at 100 rows).
#pragma GCC push_options
#pragma GCC target("avx512f")
namespace avx512 {
using V = __m512;
constexpr long LANES = 16;
inline V load(const float* p) { return _mm512_loadu_ps(p); }
inline void store(float* p, V x) { _mm512_storeu_ps(p, x); }
inline V broadcast(const float* p) { return _mm512_set1_ps(*p); }
inline V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
inline unsigned nonzero_mask(const float* p) {
  return _mm512_cmp_ps_mask(_mm512_loadu_ps(p), _mm512_setzero_ps(), _CMP_NEQ_UQ);
}
#include "sparse_gemm_loops.h"
}  // namespace avx512
#pragma GCC pop_options

// The widest loops the CPU runs; null: none (sparse_a_gemm declines). HEBB_SPARSE_GEMM=avx2
// caps them at AVX2 and =off turns them off, so that the tests reach the narrower loops on an
// AVX-512 CPU (test/backend/gemm-sparse.test.ts).
const Loops* pick_loops() {
  const char* cap = std::getenv("HEBB_SPARSE_GEMM");
  const std::string want = cap ? cap : "";
  if (want == "off") return nullptr;
  if (want != "avx2" && __builtin_cpu_supports("avx512f")) return &avx512::LOOPS;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &avx2::LOOPS;
  return nullptr;
}
const Loops* const LOOPS = pick_loops();

// Rows r0..r1−1 of C, columns 0:w (w ≤ the panel), add their nonzeros' rows of B in block q of
// their lists (start: the rows' block starts, stride apart).
void add_block(const Loops& loops, long lanes, long w, long r0, long r1, const long* start, long stride,
               const int32_t* col, const float* val, const float* b, long ldb, float* c, long ldc) {
  const long done = w / lanes * lanes;  // columns in whole vectors
  if (done > 0) loops.add_block[done / lanes - 1](r0, r1, start, stride, col, val, b, ldb, c, ldc);
  if (done == w) return;
  for (long i = r0; i < r1; i++) {
    const long* s = start + i * stride;
    add_rows_scalar(w - done, col + s[0], val + s[0], s[1] - s[0], b + done, ldb, c + i * ldc + done);
  }
}

}  // namespace

bool sparse_a_gemm(long m, long n, long k, float alpha, const float* a, long lda, const float* b, long ldb,
                   float beta, float* c, long ldc) {
  if (!LOOPS) return false;
  const Loops& loops = *LOOPS;
  const long lanes = loops.lanes, panel = PANEL_VECTORS * lanes;
  thread_local Compressed z;
  const long blocks = (k + KB - 1) / KB, cells = blocks * m;
  const bool par = m > 1 && m * n * k > SPARSE_SERIAL;
  z.start.assign(cells + 1, 0);
  z.next.resize(cells);
  long* start = z.start.data();
#pragma omp parallel for schedule(static) if (par)
  for (long i = 0; i < m; i++) loops.count(a + i * lda, k, start + i, m);
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
  int32_t* col = z.col.data();
  float* val = z.val.data();
  long* next = z.next.data();
  std::copy(start, start + cells, next);
#pragma omp parallel if (par)
  {
#pragma omp for schedule(static)
    for (long i = 0; i < m; i++) {
      loops.list(a + i * lda, k, alpha, col, val, next + i, m);
      float* ci = c + i * ldc;
      if (beta == 0)
        std::fill(ci, ci + n, 0.0f);
      else if (beta != 1)
        for (long j = 0; j < n; j++) ci[j] *= beta;
    }
    // (the barrier: every row's list is complete.) Each thread takes a range of C's columns,
    // whole vectors wide, and packs its panels of B one at a time into its own buffer: k × panel
    // floats (768 KB at k = 2000 with AVX-512) that stay in its L2 while every row adds them. B
    // is read once in all, and the copy never goes back to memory.
    const int threads = omp_get_num_threads(), id = omp_get_thread_num();
    const long c0 = std::min(n, (n * id / threads + lanes - 1) / lanes * lanes);
    const long c1 = id + 1 == threads ? n : std::min(n, (n * (id + 1) / threads + lanes - 1) / lanes * lanes);
    thread_local std::vector<float> buffer;
    buffer.resize(k * panel + 16);
    // On a 64-byte boundary: each packed row (whole vectors wide) then loads in whole vectors
    // that never straddle two cache lines.
    float* packed = buffer.data() + (16 - reinterpret_cast<uintptr_t>(buffer.data()) / 4 % 16) % 16;
    for (long j0 = c0; j0 < c1; j0 += panel) {
      const long w = std::min(panel, c1 - j0);
      for (long p = 0; p < k; p++) std::copy(b + p * ldb + j0, b + p * ldb + j0 + w, packed + p * w);
      for (long q = 0; q < blocks; q++)
        add_block(loops, lanes, w, 0, m, start + q * m, 1, col, val, packed, w, c + j0, ldc);
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
