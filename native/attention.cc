// Attention for short sequences (tens of tokens, head widths of a few to tens): each
// (sequence, head) pair is a handful of tiny products, far below where a BLAS call pays, so
// the pairs are split over OpenMP threads and each runs plain loops. Every pair owns its slice
// of the outputs, so results do not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <vector>

#include "dispatch.h"
#include "fastmath.h"
#include "glue/kernel.h"

namespace hebb {
namespace {
constexpr long SERIAL_WORK = 1L << 16;

// The helpers are always inlined: each HEBB_CLONES copy of a caller gets its own (dispatch.h).
// One (sequence, head) pair's T × d slice of a (batch·tokens) × width matrix, transposed into
// dst (d × T): a row of scores is then d vector multiply-adds over T.
inline __attribute__((always_inline)) void transposed_slice(const float* src, long base, long width, long T, long d,
                                                             float* dst) {
  for (long u = 0; u < T; u++)
    for (long j = 0; j < d; j++) dst[j * T + u] = src[base + u * width + j];
}

// out (T) = a (d) · bt (d × T): one row of scores from a transposed slice.
inline __attribute__((always_inline)) void row_times(const float* a, const float* bt, long d, long T, float* out) {
  for (long u = 0; u < T; u++) out[u] = 0;
  for (long j = 0; j < d; j++) {
    const float aj = a[j];
    const float* bj = bt + j * T;
#pragma omp simd
    for (long u = 0; u < T; u++) out[u] += aj * bj[u];
  }
}
}  // namespace

HEBB_CLONES void attention(const float* q, const float* k, const float* v, long rows, long width, long heads,
                           long tokens, double scale, float* probs, float* out) {
  const long T = tokens, d = width / heads, pairs = (rows / tokens) * heads;
  const long work = pairs * T * T * d;
#pragma omp parallel if (work > SERIAL_WORK)
  {
    std::vector<float> kt(d * T), s(T);
#pragma omp for schedule(static)
    for (long bh = 0; bh < pairs; bh++) {
      const long base = (bh / heads) * T * width + (bh % heads) * d;
      float* p = probs + bh * T * T;
      transposed_slice(k, base, width, T, d, kt.data());
      for (long t = 0; t < T; t++) {
        row_times(q + base + t * width, kt.data(), d, T, s.data());
        softmax_row(s.data(), T, scale, p + t * T);
        float* ot = out + base + t * width;
        for (long j = 0; j < d; j++) ot[j] = 0;
        for (long u = 0; u < T; u++) {
          const float pu = p[t * T + u];
          const float* vu = v + base + u * width;
#pragma omp simd
          for (long j = 0; j < d; j++) ot[j] += pu * vu[j];
        }
      }
    }
  }
}

HEBB_CLONES void attention_backward(const float* q, const float* k, const float* v, const float* probs,
                                    const float* d_out, long rows, long width, long heads, long tokens, double scale,
                                    float* dq, float* dk, float* dv) {
  const long T = tokens, d = width / heads, pairs = (rows / tokens) * heads;
  const long work = pairs * T * T * d;
  const float sc = static_cast<float>(scale);
#pragma omp parallel if (work > SERIAL_WORK)
  {
    // One pair's V transposed (d × T), dS (T × T) and its three gradients (T × d each).
    std::vector<float> vt(d * T), ds(T * T), gq(T * d), gk(T * d), gv(T * d);
#pragma omp for schedule(static)
    for (long bh = 0; bh < pairs; bh++) {
      const long base = (bh / heads) * T * width + (bh % heads) * d;
      const float* p = probs + bh * T * T;
      transposed_slice(v, base, width, T, d, vt.data());
      std::fill(gq.begin(), gq.end(), 0.0f);
      std::fill(gk.begin(), gk.end(), 0.0f);
      std::fill(gv.begin(), gv.end(), 0.0f);
      for (long t = 0; t < T; t++) {
        const float* go = d_out + base + t * width;
        float* dst = ds.data() + t * T;
        const float* pt = p + t * T;
        // dP = dO Vᵀ, then dS = P ⊙ (dP − rowsum(P ⊙ dP))
        row_times(go, vt.data(), d, T, dst);
        float rs = 0;
#pragma omp simd reduction(+ : rs)
        for (long u = 0; u < T; u++) rs += pt[u] * dst[u];
#pragma omp simd
        for (long u = 0; u < T; u++) dst[u] = pt[u] * (dst[u] - rs);
        const float* qt = q + base + t * width;
        for (long u = 0; u < T; u++) {
          const float s = dst[u], pu = pt[u];
          const float* ku = k + base + u * width;
          float *gqt = gq.data() + t * d, *gku = gk.data() + u * d, *gvu = gv.data() + u * d;
#pragma omp simd
          for (long j = 0; j < d; j++) {
            gqt[j] += s * ku[j];   // dQ = dS K
            gku[j] += s * qt[j];   // dK = dSᵀ Q
            gvu[j] += pu * go[j];  // dV = Pᵀ dO
          }
        }
      }
      for (long r = 0; r < T; r++)
        for (long j = 0; j < d; j++) {
          const long at = base + r * width + j;
          dq[at] = sc * gq[r * d + j];
          dk[at] = sc * gk[r * d + j];
          dv[at] = gv[r * d + j];
        }
    }
  }
}


HEBB_KERNEL(attention, [](CMat q, CMat k, CMat v, long heads, long tokens, double scale, Mat probs, Mat out) {
  attention(q.data, k.data, v.data, q.rows, q.cols, heads, tokens, scale, probs.data, out.data);
});
HEBB_KERNEL(attentionBackward, [](CMat q, CMat k, CMat v, CMat probs, CMat d_out, long heads, long tokens,
                                  double scale, Mat dq, Mat dk, Mat dv) {
  attention_backward(q.data, k.data, v.data, probs.data, d_out.data, q.rows, q.cols, heads, tokens, scale, dq.data,
                     dk.data, dv.data);
});

}  // namespace hebb
