// GEMM with few rows of C (a batch of a few samples against a layer's weights), without packing.
// OpenBLAS packs the whole of op(B) on every call; with a handful of rows of A that copy costs
// as much as the arithmetic (8 × 784 · (2000 × 784)ᵀ ran at 26–38 GFLOPS). These loops read B in
// place, once per call, keeping tiles of C in AVX2 registers with FMA. gemm.cc calls them for
// C = alpha·A·op(B) + beta·C (A not transposed) in the shapes below, on x86-64 CPUs with AVX2
// and FMA; everywhere else (other CPUs, the WebAssembly build, -DHEBB_NO_CLONES) they decline
// and gemm.cc calls BLAS. One row never reaches them: gemm.cc hands it to cblas_sgemv.
#pragma once

namespace hebb {

// Rows of C up to which each form beat OpenBLAS on a 784 × 2000 layer, 2 cores (the dot
// products up to 16 rows: 0.44 against 0.59 ms at 16, a tie at 32; the sums of rows up to 8:
// 0.40 against 0.68 ms at 8 rows, 0.69 against 0.48 at 16).
constexpr long THIN_DOT_ROWS = 16;
constexpr long THIN_AXPY_ROWS = 8;
// And any number of rows where op(B) has at most this many columns (x Wᵀ into a read-out's 10
// classes) or rows (g W back from them): there OpenBLAS reached 23 GFLOPS at 1000 rows.
constexpr long THIN_FEW = 16;

// Row-major C (m × n) = alpha·A (m × k)·op(B) + beta·C, op(B) = B (k × n) or Bᵀ (B: n × k).
// Returns false, having done nothing, where the thin loops do not apply. Each element of C is
// the same sum in the same order whatever the thread count.
bool thin_gemm(bool tb, long m, long n, long k, float alpha, const float* a, long lda, const float* b,
               long ldb, float beta, float* c, long ldc);

}  // namespace hebb
