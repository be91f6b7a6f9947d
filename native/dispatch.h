// Run-time dispatch of the hot loops on x86-64: HEBB_CLONES before a function compiles it twice,
// for AVX2 and for the build's baseline, and the loader picks the AVX2 copy where the CPU has it
// (GCC's target_clones; an ifunc resolved once, when the addon loads). So one addon built for
// the x86-64 baseline (the prebuilt one) runs the softmax and the fused SoftHebb loops about as
// fast as one compiled with -march=native, and still loads on any x86-64 CPU. No AVX-512 copy:
// GCC's own tuning for AVX-512 CPUs prefers 256-bit vectors, and there is no AVX-512 CPU here to
// measure one on. The OpenMP regions inside such a function are cloned with it. No FMA either
// way (-ffp-contract=off), so both copies round alike wherever the order of a sum is the same.
// Elsewhere (other CPUs, the WebAssembly build) it is empty, and with -DHEBB_NO_CLONES (to
// measure what the copies bring: scripts/prebuild.mjs --no-clones).
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(HEBB_NO_CLONES)
#define HEBB_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define HEBB_CLONES
#endif
