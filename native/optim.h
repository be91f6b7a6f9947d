// Fused optimizer steps of the native backend (SoftHebb read-outs / src/optim). Arguments are
// validated in TypeScript (src/backend/checks/); the scalars come from adamScalars() in
// src/backend/ts/optim.ts (already rounded to float32) so both backends give the same bits.
#pragma once
#include <cstddef>

namespace hebb {

struct AdamScalars {
  float beta1, beta2, c1, c2, eps, l2, decay, step_size, sqrt_bc2;
};

// One Adam step over n elements; dir == nullptr applies it to p, else writes it to dir.
void adam_update(float* p, const float* g, float* m, float* v, size_t n, const AdamScalars& s, float* dir);

}  // namespace hebb
