// Fused Adam step in float32: the same operations, in the same order, as adamUpdateTs
// (src/backend/ts/optim.ts), which rounds each one with Math.fround; built with
// -ffp-contract=off so no FMA changes the rounding. Two loops (apply / direction) so that
// each vectorises.
// binding.gyp passes -fno-math-errno (results unchanged; no errno side effect), so the
// square root vectorises (sqrtps) instead of branching to sqrtf for errno.
#include <cmath>
#include <cstddef>

#include "dispatch.h"
#include "glue/kernel.h"

namespace hebb {

// The scalars of one step, from adamScalars() in src/backend/ts/optim.ts (already rounded to
// float32) so that every backend gives the same bits.
struct AdamScalars {
  float beta1, beta2, c1, c2, eps, l2, decay, step_size, sqrt_bc2;
};
template <>
struct Arg<AdamScalars> {
  static AdamScalars Read(Reader& r) {
    AdamScalars s;
    for (float* f : {&s.beta1, &s.beta2, &s.c1, &s.c2, &s.eps, &s.l2, &s.decay, &s.step_size, &s.sqrt_bc2})
      *f = static_cast<float>(r.Num());
    return s;
  }
};

namespace {
constexpr long PAR_OPTIM = 1 << 15;
}

HEBB_CLONES void adam_update(float* p, const float* g, float* m, float* v, size_t n, const AdamScalars& s,
                             float* dir) {
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


// direction: null applies the step to param, else writes it there.
HEBB_KERNEL(adamUpdate, [](Mat p, CMat g, Mat m, Mat v, AdamScalars s, OrNull<Mat> direction) {
  adam_update(p.data, g.data, m.data, v.data, p.size, s, direction.data);
});

}  // namespace hebb
