// Fused Adam step in float32: the same operations, in the same order, as adamUpdateTs
// (src/backend/ts/optim.ts), which rounds each one with Math.fround; built with
// -ffp-contract=off so no FMA changes the rounding. Two loops (apply / direction) so that
// each vectorises.
// binding.gyp passes -fno-math-errno (results unchanged; no errno side effect), so the
// square root vectorises (sqrtps) instead of branching to sqrtf for errno.
#include "optim.h"

#include <cmath>

namespace hebb {

namespace {
constexpr long PAR_OPTIM = 1 << 15;
}

void adam_update(float* p, const float* g, float* m, float* v, size_t n, const AdamScalars& s, float* dir) {
  const long N = static_cast<long>(n);
  const float b1 = s.beta1, b2 = s.beta2, c1 = s.c1, c2 = s.c2, eps = s.eps, l2 = s.l2, decay = s.decay,
              step = s.step_size, sb2 = s.sqrt_bc2;
  if (dir == nullptr) {
#pragma omp parallel for schedule(static) if (N > PAR_OPTIM)
    for (long i = 0; i < N; i++) {
      const float pi = p[i];
      const float gi = g[i] + l2 * pi;
      const float mi = b1 * m[i] + c1 * gi;
      const float vi = b2 * v[i] + (c2 * gi) * gi;
      m[i] = mi;
      v[i] = vi;
      const float d = (-step * mi) / (std::sqrt(vi) / sb2 + eps);
      p[i] = (pi - decay * pi) + d;
    }
  } else {
#pragma omp parallel for schedule(static) if (N > PAR_OPTIM)
    for (long i = 0; i < N; i++) {
      const float gi = g[i] + l2 * p[i];
      const float mi = b1 * m[i] + c1 * gi;
      const float vi = b2 * v[i] + (c2 * gi) * gi;
      m[i] = mi;
      v[i] = vi;
      dir[i] = (-step * mi) / (std::sqrt(vi) / sb2 + eps);
    }
  }
}

}  // namespace hebb
