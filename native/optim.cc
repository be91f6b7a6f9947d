// Fused Adam step: the same float64 expression, in the same order, as adamUpdateTs
// (src/backend/ts/optim.ts); built with -ffp-contract=off so no FMA changes the rounding.
#include "optim.h"

#include <cmath>

namespace hebb {

namespace {
constexpr long PAR_OPTIM = 1 << 15;
}

void adam_update(float* p, const float* g, float* m, float* v, size_t n, double b1, double b2, double eps,
                 double l2, double decay, double step_size, double sqrt_bc2, float* dir) {
  const long N = static_cast<long>(n);
  const double c1 = 1 - b1, c2 = 1 - b2;
#pragma omp parallel for schedule(static) if (N > PAR_OPTIM)
  for (long i = 0; i < N; i++) {
    const double pi = p[i];
    const double gi = g[i] + l2 * pi;
    const float mi = static_cast<float>(b1 * m[i] + c1 * gi);
    const float vi = static_cast<float>(b2 * v[i] + c2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    const double d = (-step_size * mi) / (std::sqrt(static_cast<double>(vi)) / sqrt_bc2 + eps);
    if (dir != nullptr)
      dir[i] = static_cast<float>(d);
    else
      p[i] = static_cast<float>(pi - decay * pi + d);
  }
}

}  // namespace hebb
