// Kernels of the similarity-matching system (src/similarity): block-sparse locally connected
// products and the fused Euler step. Arguments are validated in src/backend/checks/.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hebb {

struct LocalMapView {
  long sites, n, inputs;
  const int32_t* offsets;  // sites + 1
  const int32_t* indices;  // offsets[sites]
};

// out (B × sites·n) ← alpha·M·x + beta·out, x (B × inputs).
void local_matmul(const LocalMapView& m, const float* blocks, const float* x, long B, double alpha,
                  double beta, float* out);
// out (B × inputs) ← alpha·Mᵀ·y + beta·out, y (B × sites·n).
void local_matmul_t(const LocalMapView& m, const float* blocks, const float* y, long B, double alpha,
                    double beta, float* out);
// blocks_s ← alpha·post_sᵀ·gather_s(pre) + beta·blocks_s.
void local_outer(const LocalMapView& m, const float* post, const float* pre, long B, double alpha,
                 double beta, float* blocks);
// u ← u + dt·((bias + drive + r) − u) (bias may be null), per-row Σ(Δu)² and Σu², r ← op(u).
void sm_euler_step(float* u, const float* drive, const float* bias, float* r, long rows, long cols, double dt,
                   int op, double p, double q, float* du2, float* u2);

}  // namespace hebb
