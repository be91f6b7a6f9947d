// GEMM through cblas_sgemm: OpenBLAS in the native build, native/wasm/gemm.cc in the wasm one;
// a few rows of C by thin_gemm.h's loops where the CPU has them; a mostly-zero A by
// sparse_gemm.h's.
#include <cblas.h>

#include "glue/kernel.h"
#include "sparse_gemm.h"
#include "thin_gemm.h"

namespace hebb {
namespace {

void gemm(bool ta, bool tb, double alpha_in, CMat a, CMat b, double beta_in, Mat c) {
  const long m = c.rows, n = c.cols, k = ta ? a.rows : a.cols;
  const float alpha = static_cast<float>(alpha_in), beta = static_cast<float>(beta_in);
  if (m == 0 || n == 0) return;
  if (k == 0) {
    // BLAS leaves C alone for k = 0 only when beta = 1; make beta's meaning hold.
    for (long i = 0; i < m * n; i++) c.data[i] = beta == 0 ? 0.0f : beta * c.data[i];
    return;
  }
#if !defined(__wasm__)  // the wasm build's cblas has sgemm only
  if (!ta && m == 1) {
    // One row: a matrix-vector product, which BLAS runs without packing B.
    if (tb)
      cblas_sgemv(CblasRowMajor, CblasNoTrans, n, k, alpha, b.data, b.cols, a.data, 1, beta, c.data, 1);
    else
      cblas_sgemv(CblasRowMajor, CblasTrans, k, n, alpha, b.data, b.cols, a.data, 1, beta, c.data, 1);
    return;
  }
#endif
  if (!ta && thin_gemm(tb, m, n, k, alpha, a.data, a.cols, b.data, b.cols, beta, c.data, c.cols)) return;
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a.data,
              a.cols, b.data, b.cols, beta, c.data, c.cols);
}

// C = alpha·A·B + beta·C for an A that is mostly zeros; the dense GEMM when it is not.
void gemm_sparse_a(double alpha_in, CMat a, CMat b, double beta_in, Mat c) {
  const long m = c.rows, n = c.cols, k = a.cols;
  // Up to THIN_AXPY_ROWS rows the thin loops, which read B once, beat copying it into panels.
  if (m > THIN_AXPY_ROWS && n > 0 && k > 0 &&
      sparse_a_gemm(m, n, k, static_cast<float>(alpha_in), a.data, a.cols, b.data, b.cols,
                    static_cast<float>(beta_in), c.data, c.cols))
    return;
  gemm(false, false, alpha_in, a, b, beta_in, c);
}

}  // namespace

HEBB_KERNEL(gemm, gemm);
HEBB_KERNEL(gemmSparseA, gemm_sparse_a);

}  // namespace hebb
