// Convolution patches of HWC images (im2col and its adjoint) and pooling.
#include <cmath>

#include "dispatch.h"
#include "glue/kernel.h"

namespace hebb {

// The geometry of a convolution over a batch of images (ConvGeometry in src/backend/types.ts).
struct Conv {
  long batch, inH, inW, C, kH, kW, stride, pad, dilation, outH, outW;
};

// The table's convGeometry(): every field but the batch, which a kernel takes from a matrix.
template <>
struct Arg<Conv> {
  static Conv Read(Reader& r) {
    Conv g{};
    for (long* f : {&g.inH, &g.inW, &g.C, &g.kH, &g.kW, &g.stride, &g.pad, &g.dilation, &g.outH, &g.outW})
      *f = static_cast<long>(r.Int());
    return g;
  }
};

namespace {
// Below this many elements a parallel region costs more than it saves.
constexpr long PAR = 1 << 15;

Conv WithBatch(Conv g, long batch) {
  g.batch = batch;
  return g;
}
}  // namespace

HEBB_CLONES void im2col(const float* images, const Conv& g, float* out) {
  const long P = g.kH * g.kW * g.C, img = g.inH * g.inW * g.C, rows = g.batch * g.outH * g.outW;
#pragma omp parallel for schedule(static) if (rows * P > PAR)
  for (long r = 0; r < rows; r++) {
    const long b = r / (g.outH * g.outW), oy = (r / g.outW) % g.outH, ox = r % g.outW;
    float* dst = out + r * P;
    const long ix0 = ox * g.stride - g.pad, span = g.kW * g.C;
    if (g.dilation == 1 && ix0 >= 0 && ix0 + g.kW <= g.inW) {
      // The patch's columns all inside the image: each kernel row is one contiguous run of
      // kW·C values (with C = 1 the per-pixel loop below cost 10 % of a conv layer's epoch).
      for (long ky = 0; ky < g.kH; ky++) {
        const long iy = oy * g.stride - g.pad + ky;
        float* d = dst + ky * span;
        if (iy < 0 || iy >= g.inH) {
          for (long i = 0; i < span; i++) d[i] = 0;
        } else {
          const float* s = images + b * img + (iy * g.inW + ix0) * g.C;
          for (long i = 0; i < span; i++) d[i] = s[i];
        }
      }
      continue;
    }
    for (long ky = 0; ky < g.kH; ky++) {
      const long iy = oy * g.stride - g.pad + ky * g.dilation;
      for (long kx = 0; kx < g.kW; kx++) {
        const long ix = ox * g.stride - g.pad + kx * g.dilation;
        float* d = dst + (ky * g.kW + kx) * g.C;
        if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) {
          for (long c = 0; c < g.C; c++) d[c] = 0;
        } else {
          const float* s = images + b * img + (iy * g.inW + ix) * g.C;
          for (long c = 0; c < g.C; c++) d[c] = s[c];
        }
      }
    }
  }
}

HEBB_CLONES void col2im(const float* cols, const Conv& g, float* out) {
  const long P = g.kH * g.kW * g.C, img = g.inH * g.inW * g.C;
  // One image per thread: patches of different images never write the same pixel.
#pragma omp parallel for schedule(static) if (g.batch > 1 && g.batch * img > PAR / 4)
  for (long b = 0; b < g.batch; b++) {
    float* dst = out + b * img;
    for (long i = 0; i < img; i++) dst[i] = 0;
    for (long oy = 0; oy < g.outH; oy++)
      for (long ox = 0; ox < g.outW; ox++) {
        const float* src = cols + ((b * g.outH + oy) * g.outW + ox) * P;
        for (long ky = 0; ky < g.kH; ky++) {
          const long iy = oy * g.stride - g.pad + ky * g.dilation;
          if (iy < 0 || iy >= g.inH) continue;
          for (long kx = 0; kx < g.kW; kx++) {
            const long ix = ox * g.stride - g.pad + kx * g.dilation;
            if (ix < 0 || ix >= g.inW) continue;
            float* d = dst + (iy * g.inW + ix) * g.C;
            const float* s = src + (ky * g.kW + kx) * g.C;
            for (long c = 0; c < g.C; c++) d[c] += s[c];
          }
        }
      }
  }
}

HEBB_CLONES void pool2d(const float* images, const Conv& g, bool is_max, float* out) {
  const long C = g.C, img = g.inH * g.inW * C, rows = g.batch * g.outH * g.outW;
#pragma omp parallel for schedule(static) if (rows * C * g.kH * g.kW > PAR)
  for (long r = 0; r < rows; r++) {
    const long b = r / (g.outH * g.outW), oy = (r / g.outW) % g.outH, ox = r % g.outW;
    float* d = out + r * C;
    for (long c = 0; c < C; c++) d[c] = is_max ? -INFINITY : 0.0f;
    long n = 0;
    for (long ky = 0; ky < g.kH; ky++) {
      const long iy = oy * g.stride - g.pad + ky * g.dilation;
      if (iy < 0 || iy >= g.inH) continue;
      for (long kx = 0; kx < g.kW; kx++) {
        const long ix = ox * g.stride - g.pad + kx * g.dilation;
        if (ix < 0 || ix >= g.inW) continue;
        const float* s = images + b * img + (iy * g.inW + ix) * C;
        n++;
        if (is_max)
          for (long c = 0; c < C; c++) d[c] = s[c] > d[c] ? s[c] : d[c];
        else
          for (long c = 0; c < C; c++) d[c] += s[c];
      }
    }
    if (!is_max) {
      const float inv = 1.0f / static_cast<float>(n);
      for (long c = 0; c < C; c++) d[c] *= inv;
    }
  }
}

HEBB_KERNEL(im2col, [](CMat images, Conv g, Mat out) { im2col(images.data, WithBatch(g, images.rows), out.data); });
HEBB_KERNEL(col2im, [](CMat cols, Conv g, Mat out) { col2im(cols.data, WithBatch(g, out.rows), out.data); });
// kind: the index in ['max', 'avg'].
HEBB_KERNEL(pool2d, [](CMat images, Conv g, int kind, Mat out) {
  pool2d(images.data, WithBatch(g, images.rows), kind == 0, out.data);
});

}  // namespace hebb
