// The element-wise loops other kernels build on (similarity.cc applies unary ops, softhebb.cc
// scales rows). Arguments are validated in TypeScript (src/backend/checks/) before any run.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstddef>

namespace hebb {

// Same order as UNARY_OPS / BINARY_OPS in src/backend/types.ts (the table's choice index).
enum UnaryOp {
  U_COPY, U_NEG, U_ABS, U_SQUARE, U_SQRT, U_EXP, U_LOG, U_TANH, U_SIGMOID, U_RELU, U_REPU, U_CLIP,
  U_SHRINK, U_CAPPED_RELU, U_POW, U_AFFINE, U_SIGN, U_TANH_GRAD, U_SIGMOID_GRAD, U_RELU_GRAD, U_COUNT
};
enum BinaryOp {
  B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_MUL_RELU_GRAD, B_MUL_TANH_GRAD, B_MUL_SIGMOID_GRAD,
  B_COUNT
};

void unary(int op, const float* x, float* y, size_t n, double p, double q);

// Inside a parallel region (par), this thread's share [begin, end) of n elements, in whole
// blocks of 16 floats (64 bytes), so no two threads write into one cache line; else all n.
struct Range {
  long begin, end;
};
inline __attribute__((always_inline)) Range share(long n, bool par) {
  if (!par) return {0, n};
  const long t = omp_get_thread_num(), T = omp_get_num_threads();
  const long per = ((n + T - 1) / T + 15) / 16 * 16;
  const long b = std::min(n, t * per);
  return {b, std::min(n, b + per)};
}
void scale_rows(float* a, size_t rows, size_t cols, const float* s);

}  // namespace hebb
