// Branch-free float exp and tanh that GCC vectorises inside `#pragma omp simd` loops (libm's
// scalar calls do not vectorise and dominated the softmax and tanh passes). Cephes' polynomials:
// exp within 2 ulp on [-87, 88], tanh within 3 ulp; exp(z) for z < -87.3 flushes to 0.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace hebb {

// e^r · 2^n for |r| ≤ ln2/2: Cephes' expf polynomial, then the exponent bits of 2^n
// (n = −127 gives the bit pattern of 0, so arguments ≤ −88 flush to 0).
inline float exp_reduced(float r, float n) {
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

inline float exp_f(float z) {
  z = std::min(std::max(z, -88.0f), 88.0f);
  // n = round(z / ln 2) by the 1.5·2^23 trick (exact in round-to-nearest; no SSE4 needed).
  const float n = (z * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  // ln 2 split in two so that z − n·ln2 is exact in float.
  const float r = (z - n * 0.693359375f) - n * -2.12194440e-4f;
  return exp_reduced(r, n);
}

// e^z for a double argument, to float accuracy (≤ 2 ulp) whatever |z|: the range reduction
// z = n·ln2 + r runs in double, so a large |z| loses nothing to float rounding before the exp.
inline float exp_fd(double z) {
  z = std::min(std::max(z, -88.0), 88.0);
  const double n = (z * 1.4426950408889634 + 6755399441055744.0) - 6755399441055744.0;
  return exp_reduced(static_cast<float>(z - n * 0.6931471805599453), static_cast<float>(n));
}

// ln x for a float x > 0, in double (relative error ~1e-12): x (exact as a double, subnormals
// included) = m·2^e with m in [√½, √2), then ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172,
// by its odd series to s^15. Branch-free, so it vectorises (4 doubles per AVX2 register).
inline double log_pos_d(float x) {
  const double xd = x;
  uint64_t bits;
  std::memcpy(&bits, &xd, sizeof bits);
  const uint64_t mbits = (bits & 0xfffffffffffffull) | 0x3ff0000000000000ull;
  double m;
  std::memcpy(&m, &mbits, sizeof m);
  const bool high = m > 1.4142135623730951;
  m *= high ? 0.5 : 1.0;
  // The exponent field as a double by the 2^52 trick (AVX2 has no int64 → double conversion).
  const uint64_t ebits = (bits >> 52) | 0x4330000000000000ull;
  double ef;
  std::memcpy(&ef, &ebits, sizeof ef);
  const double e = (ef - 4503599627370496.0 - 1023.0) + (high ? 1.0 : 0.0);
  const double s = (m - 1.0) / (m + 1.0);
  const double z = s * s;
  double q = 1.0 / 15;
  q = q * z + 1.0 / 13;
  q = q * z + 1.0 / 11;
  q = q * z + 1.0 / 9;
  q = q * z + 1.0 / 7;
  q = q * z + 1.0 / 5;
  q = q * z + 1.0 / 3;
  q = q * z + 1.0;
  return 2.0 * s * q + e * 0.6931471805599453;
}

// x^p for float x ≥ 0 (or NaN) and p > 0, to float accuracy (exp_fd's ≤ 2 ulp; the log adds
// ~1e-12 relative before the exponent): 0^p = 0, ∞^p = ∞, NaN stays NaN, overflow gives ∞;
// results below float's normal range (p·ln x < −87.3) flush to 0. libm's pow in double was
// scalar and took ~9 % of the deep network's epoch (the triangle activation's power).
inline float pow_pos_f(float x, double p) {
  const double z = p * log_pos_d(x);
  // exp_fd clamps at 88: results between e^88 and float's largest are e^(z − 2 ln 2)·4.
  const bool high = z > 87.0;
  const float r = exp_fd(z - (high ? 1.3862943611198906 : 0.0)) * (high ? 4.0f : 1.0f);
  const float inf = __builtin_inff();
  const float big = z > 88.72283935546875 ? inf : r;
  const float edge = x == 0.0f ? 0.0f : x == inf ? inf : big;
  return x != x ? x : edge;
}

// y = softmax(t·z) over n entries (y may be z), max-subtracted in double (reduce.cc). Not
// inline: GCC declined to inline it into some callers, and the out-of-line copy was then
// compiled for the baseline only; defined once, its HEBB_CLONES copies (dispatch.h) serve all.
void softmax_row(const float* z, long n, double t, float* y);

inline float tanh_f(float x) {
  const float a = x < 0 ? -x : x;
  // |x| ≥ 0.625: 1 − 2/(e^{2|x|} + 1), sign restored; below: odd polynomial (no cancellation).
  const float big = 1.0f - 2.0f / (exp_f(2.0f * a) + 1.0f);
  const float z = x * x;
  const float small =
      ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z -
       3.33332819422e-1f) *
          z * x +
      x;
  const float signed_big = x < 0 ? -big : big;
  return a >= 0.625f ? signed_big : small;
}

}  // namespace hebb
