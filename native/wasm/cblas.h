// The one BLAS routine the kernels call, for the WebAssembly build (no OpenBLAS there):
// cblas_sgemm's row-major subset, implemented in gemm.cc.
#pragma once

enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };

extern "C" void cblas_sgemm(CBLAS_ORDER order, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n,
                            int k, float alpha, const float* a, int lda, const float* b, int ldb,
                            float beta, float* c, int ldc);
