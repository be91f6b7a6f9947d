// The sparse-A GEMM's vector loops, written once and compiled once per instruction set:
// sparse_gemm.cc includes this file twice, inside `#pragma GCC target` regions, into the
// namespaces avx2 and avx512, each of which first defines
//   V (the vector type), LANES (floats per V), load, store, broadcast, fmadd, and
//   nonzero_mask (bit j set where p[j] ≠ 0, j < LANES).
// No include guard, on purpose. Scalar helpers (add_rows_scalar, count_scalar, list_scalar),
// KB and Compressed come from sparse_gemm.cc.

// acc[0:NV] += Σ val[q]·B[col[q], 0:LANES·NV] over entries q..e−1 of the list: one row's chains.
template <int NV>
inline __attribute__((always_inline)) void add_entries(V* acc, long q, long e, const int32_t* col,
                                                       const float* val, const float* b, long ldb) {
  for (; q < e; q++) {
    const V a = broadcast(val + q);
    const float* row = b + static_cast<long>(col[q]) * ldb;
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) acc[v] = fmadd(a, load(row + LANES * v), acc[v]);
  }
}

// For rows r0..r1−1 of C, columns 0:LANES·NV: c_i += Σ_q val[q]·B[col[q], :] over row i's
// nonzeros in block q of its list. Two rows at a time, so that 2·NV accumulator chains hide
// the FMA latency (one row's NV chains would wait on it).
template <int NV>
void add_block_vec(long r0, long r1, const long* start, long stride, const int32_t* col, const float* val,
                   const float* b, long ldb, float* c, long ldc) {
  long i = r0;
  for (; i + 2 <= r1; i += 2) {
    const long *s0 = start + i * stride, *s1 = s0 + stride;
    long q0 = s0[0], q1 = s1[0];
    const long e0 = s0[1], e1 = s1[1];
    if (q0 == e0 && q1 == e1) continue;
    float *c0 = c + i * ldc, *c1 = c0 + ldc;
    V x[NV], y[NV];
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) {
      x[v] = load(c0 + LANES * v);
      y[v] = load(c1 + LANES * v);
    }
    for (; q0 < e0 && q1 < e1; q0++, q1++) {
      const V a0 = broadcast(val + q0), a1 = broadcast(val + q1);
      const float* b0 = b + static_cast<long>(col[q0]) * ldb;
      const float* b1 = b + static_cast<long>(col[q1]) * ldb;
#pragma GCC unroll 6
      for (int v = 0; v < NV; v++) {
        x[v] = fmadd(a0, load(b0 + LANES * v), x[v]);
        y[v] = fmadd(a1, load(b1 + LANES * v), y[v]);
      }
    }
    // The longer list's tail, one row's chains.
    add_entries<NV>(x, q0, e0, col, val, b, ldb);
    add_entries<NV>(y, q1, e1, col, val, b, ldb);
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) {
      store(c0 + LANES * v, x[v]);
      store(c1 + LANES * v, y[v]);
    }
  }
  if (i < r1) {
    const long* s0 = start + i * stride;
    float* c0 = c + i * ldc;
    V x[NV];
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) x[v] = load(c0 + LANES * v);
    add_entries<NV>(x, s0[0], s0[1], col, val, b, ldb);
#pragma GCC unroll 6
    for (int v = 0; v < NV; v++) store(c0 + LANES * v, x[v]);
  }
}

constexpr AddBlock ADD_BLOCK[PANEL_VECTORS] = {add_block_vec<1>, add_block_vec<2>, add_block_vec<3>,
                                   add_block_vec<4>, add_block_vec<5>, add_block_vec<6>};

void count_vec(const float* row, long k, long* count, long m) {
  long p = 0;
  for (; p + LANES <= k; p += LANES) count[p / KB * m] += __builtin_popcount(nonzero_mask(row + p));
  count_scalar(row, p, k, count, m);
}

// LANES columns per mask (KB is a multiple of LANES, so they share a block).
void list_vec(const float* row, long k, float alpha, int32_t* col, float* val, long* next, long m) {
  long p = 0;
  for (; p + LANES <= k; p += LANES) {
    unsigned mask = nonzero_mask(row + p);
    long& e = next[p / KB * m];
    while (mask) {
      const int bit = __builtin_ctz(mask);
      col[e] = static_cast<int32_t>(p + bit);
      val[e++] = alpha * row[p + bit];
      mask &= mask - 1;
    }
  }
  list_scalar(row, p, k, alpha, col, val, next, m);
}

// The loops of this instruction set, for sparse_a_gemm.
constexpr Loops LOOPS = {ADD_BLOCK, count_vec, list_vec, LANES};
