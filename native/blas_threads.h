// OpenBLAS's own thread count, set to one for the life of a scope. Kernels whose threads each
// call sgemm on their own small block use it: BLAS threads there would only add a hand-off per
// call (costly on a shared machine). The caller's setting is restored afterwards. The wasm
// build's cblas (native/wasm/gemm.cc) answers these two calls as one thread.
#pragma once

extern "C" {
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
}

namespace hebb {

struct SingleThreadBlas {
  int saved;
  SingleThreadBlas() : saved(openblas_get_num_threads()) {
    if (saved != 1) openblas_set_num_threads(1);
  }
  ~SingleThreadBlas() {
    if (saved != 1) openblas_set_num_threads(saved);
  }
  SingleThreadBlas(const SingleThreadBlas&) = delete;
  SingleThreadBlas& operator=(const SingleThreadBlas&) = delete;
};

}  // namespace hebb
