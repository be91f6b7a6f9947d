// The WebAssembly build is single-threaded: OpenMP's runtime queries answer one thread, and the
// `omp parallel` pragmas compile to plain loops (-fopenmp-simd keeps only the `omp simd` ones).
#pragma once

inline int omp_get_max_threads() { return 1; }
inline int omp_get_num_threads() { return 1; }
inline int omp_get_thread_num() { return 0; }
