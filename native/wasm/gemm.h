// The WebAssembly GEMM's pieces that the threaded driver (gemm_threads.cc) shares with the
// single-thread one (gemm.cc).
#pragma once

#include <cstddef>

namespace hebb_wasm {

constexpr int MR = 4, NR = 8;  // C tile: 8 v128 accumulators, leaving registers for A and B
constexpr int KC = 256, MC = 96, NC = 2048;

// C[0:m, 0:n] += alpha·op(A)·op(B), row-major, with the caller's packing buffers.
void gemm_block(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                const float* b, int ldb, float* c, int ldc, float* pa, float* pb);
// Floats in the packing buffers gemm_block needs (B's for n columns).
size_t pack_a_floats();
size_t pack_b_floats(int n);

// Runs C += alpha·op(A)·op(B) on the workers and this thread and returns true, or returns
// false (leaving C alone) when there are no workers or the product is too small to share.
bool gemm_parallel(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                   const float* b, int ldb, float* c, int ldc);

}  // namespace hebb_wasm
