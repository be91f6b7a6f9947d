// Fused optimizer steps of the native backend (SoftHebb read-outs / src/optim). Arguments are
// validated in TypeScript (src/backend/checked.ts); the scalars come from adamScalars() in
// src/backend/ts/optim.ts so that both backends compute bit-identical results.
#pragma once
#include <cstddef>

namespace hebb {

// One Adam step over n elements; dir == nullptr applies it to p, else writes it to dir.
void adam_update(float* p, const float* g, float* m, float* v, size_t n, double b1, double b2, double eps,
                 double l2, double decay, double step_size, double sqrt_bc2, float* dir);

}  // namespace hebb
