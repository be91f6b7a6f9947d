// GEMM through cblas_sgemm: OpenBLAS in the native build, native/wasm/gemm.cc in the wasm one;
// a few rows of C by thin_gemm.h's loops where the CPU has them.
#include <cblas.h>

#include "glue/kernel.h"
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

}  // namespace

HEBB_KERNEL(gemm, gemm);

}  // namespace hebb
