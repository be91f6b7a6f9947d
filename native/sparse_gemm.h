// GEMM whose left operand is mostly exact zeros: a gradient coming back through a ReLU (in a
// trained 784 → 2000 MNIST MLP, 31 % of g's entries are nonzero). BLAS multiplies every zero;
// these loops compress A's rows to their nonzero entries and add only those rows of B, so the
// work falls with A's density. gemm.cc's gemmSparseA calls them.
#pragma once

namespace hebb {

// Above this share of nonzero entries the dense GEMM is as fast (measured on a 2000 × 784
// layer, 2 cores): sparse_a_gemm declines, after one counting pass over A.
constexpr double SPARSE_A_MAX_DENSITY = 0.5;

// Row-major C (m × n) = alpha·A (m × k)·B (k × n) + beta·C, where A's zero entries contribute
// nothing (even against an infinite B entry, which BLAS would turn into NaN). Returns false,
// having done nothing, when A is too dense, the CPU lacks AVX2 and FMA, or HEBB_SPARSE_GEMM=off. Each element of C is
// beta·C then the products in ascending k, whatever the thread count.
bool sparse_a_gemm(long m, long n, long k, float alpha, const float* a, long lda, const float* b, long ldb,
                   float beta, float* c, long ldc);

}  // namespace hebb
