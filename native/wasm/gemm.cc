// Single-precision GEMM for the WebAssembly build, C = alpha·op(A)·op(B) + beta·C, row-major.
// BLIS-style: op(B) is packed into KC × NR column slivers and op(A) into MC × KC row slivers, so
// the micro-kernel reads both contiguously whatever the transposes; the MR × NR micro-kernel
// keeps its tile of C in SIMD128 registers (wasm has no FMA: a multiply and an add per lane).
#include <wasm_simd128.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "cblas.h"
#include "gemm.h"

namespace {

using hebb_wasm::KC;
using hebb_wasm::MC;
using hebb_wasm::MR;
using hebb_wasm::NC;
using hebb_wasm::NR;

// op(X)(i, p) for a row-major X with leading dimension ld.
inline float at(const float* x, int ld, bool t, int i, int p) { return t ? x[p * ld + i] : x[i * ld + p]; }

// Packs op(A)[i0 : i0+mc, p0 : p0+kc] into slivers of MR rows: sliver s holds, for each p, the MR
// values op(A)(i0 + s·MR + r, p0 + p); rows past mc are zero.
void pack_a(const float* a, int lda, bool ta, int i0, int mc, int p0, int kc, float* dst) {
  for (int s = 0; s < mc; s += MR) {
    const int rows = std::min(MR, mc - s);
    for (int p = 0; p < kc; p++) {
      for (int r = 0; r < rows; r++) dst[r] = at(a, lda, ta, i0 + s + r, p0 + p);
      for (int r = rows; r < MR; r++) dst[r] = 0.0f;
      dst += MR;
    }
  }
}

// Packs op(B)[p0 : p0+kc, j0 : j0+nc] into slivers of NR columns (zero past nc).
void pack_b(const float* b, int ldb, bool tb, int p0, int kc, int j0, int nc, float* dst) {
  for (int s = 0; s < nc; s += NR) {
    const int cols = std::min(NR, nc - s);
    if (!tb && cols == NR) {
      for (int p = 0; p < kc; p++) {
        std::memcpy(dst, b + (p0 + p) * ldb + j0 + s, NR * sizeof(float));
        dst += NR;
      }
      continue;
    }
    for (int p = 0; p < kc; p++) {
      for (int c = 0; c < cols; c++) dst[c] = at(b, ldb, tb, p0 + p, j0 + s + c);
      for (int c = cols; c < NR; c++) dst[c] = 0.0f;
      dst += NR;
    }
  }
}

// a·b + c per lane. The relaxed-SIMD build (-mrelaxed-simd) fuses it where the machine has FMA.
// clang 14 knows the instruction by its prototype name and opcode (f32x4.fma, 0xfd 0xaf):
// scripts/build-wasm.mjs renumbers it to the standard f32x4.relaxed_madd (0xfd 0x105), whose
// operands are (a, b, c) for a·b + c.
inline v128_t madd(v128_t a, v128_t b, v128_t c) {
#ifdef __wasm_relaxed_simd__
  return __builtin_wasm_fma_f32x4(a, b, c);
#else
  return wasm_f32x4_add(c, wasm_f32x4_mul(a, b));
#endif
}

// C[0:rows, 0:cols] += alpha · (packed A sliver)(packed B sliver) over kc.
void micro_kernel(int kc, const float* ap, const float* bp, float alpha, float* c, int ldc, int rows,
                  int cols) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00;
  for (int p = 0; p < kc; p++) {
    const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
    v128_t a = wasm_v128_load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = wasm_v128_load32_splat(ap + 1);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = wasm_v128_load32_splat(ap + 2);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = wasm_v128_load32_splat(ap + 3);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += MR;
    bp += NR;
  }
  const v128_t al = wasm_f32x4_splat(alpha);
  const v128_t acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  if (rows == MR && cols == NR) {
    for (int r = 0; r < MR; r++) {
      float* cr = c + r * ldc;
      wasm_v128_store(cr, wasm_f32x4_add(wasm_v128_load(cr), wasm_f32x4_mul(al, acc[r][0])));
      wasm_v128_store(cr + 4, wasm_f32x4_add(wasm_v128_load(cr + 4), wasm_f32x4_mul(al, acc[r][1])));
    }
    return;
  }
  alignas(16) float tile[MR * NR];
  for (int r = 0; r < MR; r++) {
    wasm_v128_store(tile + r * NR, wasm_f32x4_mul(al, acc[r][0]));
    wasm_v128_store(tile + r * NR + 4, wasm_f32x4_mul(al, acc[r][1]));
  }
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < cols; j++) c[r * ldc + j] += tile[r * NR + j];
}

}  // namespace

namespace hebb_wasm {

// C[0:m, 0:n] += alpha·op(A)·op(B) for one block of the output, with packing buffers pa
// ((MC + MR)·KC floats) and pb ((NC + NR)·KC). Each element's sum runs over the same KC blocks
// in the same order wherever the block starts, so splitting C into blocks (MR-aligned rows,
// NR-aligned columns) across threads gives bit-identical results.
void gemm_block(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                const float* b, int ldb, float* c, int ldc, float* pa, float* pb) {
  for (int j0 = 0; j0 < n; j0 += NC) {
    const int nc = std::min(NC, n - j0);
    for (int p0 = 0; p0 < k; p0 += KC) {
      const int kc = std::min(KC, k - p0);
      pack_b(b, ldb, tb, p0, kc, j0, nc, pb);
      for (int i0 = 0; i0 < m; i0 += MC) {
        const int mc = std::min(MC, m - i0);
        pack_a(a, lda, ta, i0, mc, p0, kc, pa);
        for (int js = 0; js < nc; js += NR) {
          const float* bp = pb + static_cast<size_t>(js) * kc;
          for (int is = 0; is < mc; is += MR) {
            micro_kernel(kc, pa + static_cast<size_t>(is) * kc, bp, alpha,
                         c + (i0 + is) * ldc + j0 + js, ldc, std::min(MR, mc - is),
                         std::min(NR, nc - js));
          }
        }
      }
    }
  }
}

size_t pack_a_floats() { return static_cast<size_t>(MC + MR) * KC; }
size_t pack_b_floats(int n) { return static_cast<size_t>(std::min(n, NC) + NR) * KC; }

}  // namespace hebb_wasm

extern "C" void cblas_sgemm(CBLAS_ORDER, CBLAS_TRANSPOSE ta_, CBLAS_TRANSPOSE tb_, int m, int n, int k,
                            float alpha, const float* a, int lda, const float* b, int ldb, float beta,
                            float* c, int ldc) {
  const bool ta = ta_ == CblasTrans, tb = tb_ == CblasTrans;
  if (beta != 1.0f) {
    for (int i = 0; i < m; i++) {
      float* ci = c + i * ldc;
      if (beta == 0.0f)
        std::fill(ci, ci + n, 0.0f);
      else
        for (int j = 0; j < n; j++) ci[j] *= beta;
    }
  }
  if (m == 0 || n == 0 || k == 0 || alpha == 0.0f) return;
  if (hebb_wasm::gemm_parallel(ta, tb, m, n, k, alpha, a, lda, b, ldb, c, ldc)) return;
  // Packing buffers live for the module's lifetime: one allocation, grown on demand.
  static std::vector<float> pa, pb;
  pa.resize(hebb_wasm::pack_a_floats());
  pb.resize(hebb_wasm::pack_b_floats(n));
  hebb_wasm::gemm_block(ta, tb, m, n, k, alpha, a, lda, b, ldb, c, ldc, pa.data(), pb.data());
}

// OpenBLAS's thread controls, which the similarity kernels call around their own loops: the
// workers (gemm_threads.cc) serve the GEMM alone, so the kernels' own loops see one thread.
extern "C" int openblas_get_num_threads(void) { return 1; }
extern "C" void openblas_set_num_threads(int) {}
