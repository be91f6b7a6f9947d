// Philox4x32-10 and the word→float transforms; mirrors src/backend/philox.ts operation for
// operation so the float32 streams are identical on both backends (built with
// -ffp-contract=off: an FMA would change the last bit).
#pragma once
#include <cstddef>
#include <cstdint>

namespace hebb {
void random_u32(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t counter);
void fill_uniform(float* out, size_t n, uint32_t k0, uint32_t k1, uint64_t counter, double low, double high);
void fill_normal(float* out, size_t n, uint32_t k0, uint32_t k1, uint64_t counter, double mean, double stdev);
}  // namespace hebb
