// The Philox4x32-10 stream and the word→float transforms; mirrors src/backend/philox.ts
// operation for operation so the float32 streams are identical on every backend (built with
// -ffp-contract=off: an FMA would change the last bit).
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "glue/kernel.h"

namespace hebb {
namespace {

constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;

inline void philox_block(uint64_t block, uint32_t k0, uint32_t k1, uint32_t out[4]) {
  uint32_t c0 = static_cast<uint32_t>(block), c1 = static_cast<uint32_t>(block >> 32), c2 = 0, c3 = 0;
  for (int r = 0; r < 10; r++) {
    const uint64_t p0 = static_cast<uint64_t>(M0) * c0;
    const uint64_t p1 = static_cast<uint64_t>(M1) * c2;
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += W0;
    k1 += W1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

struct Tables {
  double pow2[35];
  double inv_fact[22];
  Tables() {
    pow2[0] = 1;
    for (int i = 1; i <= 34; i++) pow2[i] = pow2[i - 1] * 2;
    inv_fact[0] = 1;
    for (int k = 1; k <= 21; k++) inv_fact[k] = inv_fact[k - 1] / k;
  }
};
const Tables T;

constexpr double LN2 = 0.6931471805599453;
constexpr double SQRT_HALF = 0.7071067811865476;
constexpr double HALF_PI = 1.5707963267948966;

inline int clz32(uint32_t v) { return v == 0 ? 32 : __builtin_clz(v); }

double log_uniform_word(uint32_t w) {
  const double v = 2.0 * w + 1.0;
  int e = w >= 0x80000000u ? 33 : 32 - clz32(2u * w + 1u);
  double m = v / T.pow2[e];
  if (m < SQRT_HALF) {
    m = m * 2;
    e = e - 1;
  }
  const double s = (m - 1) / (m + 1);
  const double s2 = s * s;
  double poly = 1.0 / 23;
  for (int k = 10; k >= 0; k--) poly = 1.0 / (2 * k + 1) + s2 * poly;
  return 2 * s * poly + (e - 33) * LN2;
}

double sin_small(double x) {
  const double x2 = x * x;
  double p = T.inv_fact[21];
  for (int j = 9; j >= 0; j--) p = (j % 2 == 0 ? T.inv_fact[2 * j + 1] : -T.inv_fact[2 * j + 1]) + x2 * p;
  return x * p;
}

double cos_small(double x) {
  const double x2 = x * x;
  double p = T.inv_fact[20];
  for (int j = 9; j >= 0; j--) p = (j % 2 == 0 ? T.inv_fact[2 * j] : -T.inv_fact[2 * j]) + x2 * p;
  return p;
}

void cos_sin_word(uint32_t w, double* c_out, double* s_out) {
  const uint32_t q = w >> 30;
  const double f = static_cast<double>(w & 0x3FFFFFFFu) / T.pow2[30];
  double c, s;
  if (f <= 0.5) {
    const double x = f * HALF_PI;
    c = cos_small(x);
    s = sin_small(x);
  } else {
    const double x = (1 - f) * HALF_PI;
    c = sin_small(x);
    s = cos_small(x);
  }
  switch (q) {
    case 0: *c_out = c; *s_out = s; break;
    case 1: *c_out = -s; *s_out = c; break;
    case 2: *c_out = -c; *s_out = -s; break;
    default: *c_out = s; *s_out = -c; break;
  }
}

}  // namespace

void random_u32(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t counter) {
  const long nb = static_cast<long>((n + 3) / 4);
#pragma omp parallel for schedule(static) if (nb > 4096)
  for (long b = 0; b < nb; b++) {
    uint32_t w[4];
    philox_block(counter + b, k0, k1, w);
    for (size_t j = 0; j < 4 && 4 * b + j < n; j++) out[4 * b + j] = w[j];
  }
}

void fill_uniform(float* out, size_t n, uint32_t k0, uint32_t k1, uint64_t counter, double low, double high) {
  const double span = high - low;
  const long nb = static_cast<long>((n + 3) / 4);
#pragma omp parallel for schedule(static) if (nb > 4096)
  for (long b = 0; b < nb; b++) {
    uint32_t w[4];
    philox_block(counter + b, k0, k1, w);
    for (size_t j = 0; j < 4 && 4 * b + j < n; j++)
      out[4 * b + j] = static_cast<float>(low + span * (static_cast<double>(w[j] >> 8) / T.pow2[24]));
  }
}

void fill_normal(float* out, size_t n, uint32_t k0, uint32_t k1, uint64_t counter, double mean, double stdev) {
  const long nb = static_cast<long>((n + 3) / 4);
#pragma omp parallel for schedule(static) if (nb > 1024)
  for (long b = 0; b < nb; b++) {
    uint32_t w[4];
    double z[4];
    philox_block(counter + b, k0, k1, w);
    for (int pair = 0; pair < 2; pair++) {
      const double r = std::sqrt(-2 * log_uniform_word(w[2 * pair]));
      double c, s;
      cos_sin_word(w[2 * pair + 1], &c, &s);
      z[2 * pair] = r * c;
      z[2 * pair + 1] = r * s;
    }
    for (size_t j = 0; j < 4 && 4 * b + j < n; j++) out[4 * b + j] = static_cast<float>(mean + stdev * z[j]);
  }
}


// The table's rngKey(): two 32-bit words.
struct RngKey {
  uint32_t k0, k1;
};
template <>
struct Arg<RngKey> {
  static RngKey Read(Reader& r) {
    const auto k0 = static_cast<uint32_t>(r.Num());
    const auto k1 = static_cast<uint32_t>(r.Num());
    return {k0, k1};
  }
};

// The counter is read as a double, exact up to 2^53 (the checks' safe integers).
HEBB_KERNEL(randomU32, [](Span<uint32_t> out, RngKey key, double counter) {
  random_u32(out.data, out.size, key.k0, key.k1, static_cast<uint64_t>(counter));
});
HEBB_KERNEL(fillUniform, [](Span<float> out, RngKey key, double counter, double low, double high) {
  fill_uniform(out.data, out.size, key.k0, key.k1, static_cast<uint64_t>(counter), low, high);
});
HEBB_KERNEL(fillNormal, [](Span<float> out, RngKey key, double counter, double mean, double std) {
  fill_normal(out.data, out.size, key.k0, key.k1, static_cast<uint64_t>(counter), mean, std);
});

}  // namespace hebb
