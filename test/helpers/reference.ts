// Naive float64 reference implementations the kernels are checked against. Deliberately the
// most literal loops: no blocking, no fusion.
import { Matrix } from '../../src/backend/matrix.ts';
import { convOutputSize, type ConvGeometry } from '../../src/backend/types.ts';

export function refGemm(
  ta: boolean,
  tb: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  beta: number,
  c: Matrix,
): Float64Array {
  const m = c.rows;
  const n = c.cols;
  const k = ta ? a.rows : a.cols;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (ta ? a.get(p, i) : a.get(i, p)) * (tb ? b.get(j, p) : b.get(p, j));
      out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c.get(i, j));
    }
  }
  return out;
}

/** Direct 2-D convolution of HWC images with K filters laid out as rows (ky, kx, c). */
export function refConv(images: Matrix, filters: Matrix, g: ConvGeometry): Float64Array {
  const { outH, outW } = convOutputSize(g);
  const K = filters.rows;
  const d = g.dilation ?? 1;
  const out = new Float64Array(images.rows * outH * outW * K);
  for (let b = 0; b < images.rows; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let f = 0; f < K; f++) {
          let s = 0;
          for (let ky = 0; ky < g.kernelH; ky++)
            for (let kx = 0; kx < g.kernelW; kx++)
              for (let c = 0; c < g.channels; c++) {
                const iy = oy * g.stride - g.pad + ky * d;
                const ix = ox * g.stride - g.pad + kx * d;
                if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) continue;
                s +=
                  images.get(b, (iy * g.inW + ix) * g.channels + c) *
                  filters.get(f, (ky * g.kernelW + kx) * g.channels + c);
              }
          out[((b * outH + oy) * outW + ox) * K + f] = s;
        }
  return out;
}

/** Max or average pooling of HWC images, channel by channel, padding left out of both. */
export function refPool(images: Matrix, g: ConvGeometry, kind: 'max' | 'avg'): Float64Array {
  const { outH, outW } = convOutputSize(g);
  const C = g.channels;
  const out = new Float64Array(images.rows * outH * outW * C);
  for (let b = 0; b < images.rows; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let c = 0; c < C; c++) {
          const seen: number[] = [];
          for (let ky = 0; ky < g.kernelH; ky++)
            for (let kx = 0; kx < g.kernelW; kx++) {
              const iy = oy * g.stride - g.pad + ky;
              const ix = ox * g.stride - g.pad + kx;
              if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW)
                seen.push(images.get(b, (iy * g.inW + ix) * C + c));
            }
          out[((b * outH + oy) * outW + ox) * C + c] =
            kind === 'max' ? Math.max(...seen) : seen.reduce((a, v) => a + v, 0) / seen.length;
        }
  return out;
}

/** SoftHebb Eq. 8 applied sample by sample, all against the W from before the batch. */
export function refSoftHebb(
  w: Matrix,
  x: Matrix,
  y: Matrix,
  u: Matrix,
  eta: number | Float32Array,
): Float64Array {
  const out = Float64Array.from(w.data);
  for (let b = 0; b < x.rows; b++)
    for (let k = 0; k < w.rows; k++) {
      const e = typeof eta === 'number' ? eta : eta[k];
      for (let i = 0; i < w.cols; i++)
        out[k * w.cols + i] += e * y.get(b, k) * (x.get(b, i) - u.get(b, k) * w.get(k, i));
    }
  return out;
}

/** A matrix of uniform values in [lo, hi) from a small LCG (independent of the library's RNG). */
export function randMatrix(rows: number, cols: number, seed: number, lo = -1, hi = 1): Matrix {
  const m = new Matrix(rows, cols);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < m.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    m.data[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return m;
}
