// GEMM through cblas_sgemm: OpenBLAS in the native build, native/wasm/gemm.cc in the wasm one.
#include <cblas.h>

#include "glue/kernel.h"

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
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a.data,
              a.cols, b.data, b.cols, beta, c.data, c.cols);
}

}  // namespace

HEBB_KERNEL(gemm, gemm);

}  // namespace hebb
