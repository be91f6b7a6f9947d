import type { Matrix } from '../matrix.ts';
import { convOutputSize, type ConvGeometry } from '../types.ts';
import type { KernelGroup } from '../kernels/methods.ts';

/** Visits every (patch row, patch column, image offset) pair; offset −1 marks padding. */
function forEachPatchEntry(
  batch: number,
  g: ConvGeometry,
  visit: (row: number, col: number, imageOffset: number) => void,
): void {
  const { outH, outW } = convOutputSize(g);
  const C = g.channels;
  const patchLen = g.kernelH * g.kernelW * C;
  const imageLen = g.inH * g.inW * C;
  const d = g.dilation ?? 1;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const row = (b * outH + oy) * outW + ox;
        for (let ky = 0; ky < g.kernelH; ky++) {
          const iy = oy * g.stride - g.pad + ky * d;
          for (let kx = 0; kx < g.kernelW; kx++) {
            const ix = ox * g.stride - g.pad + kx * d;
            const inside = iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW;
            const col = (ky * g.kernelW + kx) * C;
            const src = b * imageLen + (iy * g.inW + ix) * C;
            for (let ch = 0; ch < C; ch++) visit(row * patchLen, col + ch, inside ? src + ch : -1);
          }
        }
      }
    }
  }
}

export function im2colTs(images: Matrix, g: ConvGeometry, out: Matrix): void {
  const src = images.data;
  const dst = out.data;
  forEachPatchEntry(images.rows, g, (rowBase, col, off) => {
    dst[rowBase + col] = off < 0 ? 0 : src[off];
  });
}

export function col2imTs(cols: Matrix, g: ConvGeometry, out: Matrix): void {
  const src = cols.data;
  const dst = out.data;
  dst.fill(0);
  forEachPatchEntry(out.rows, g, (rowBase, col, off) => {
    if (off >= 0) dst[off] += src[rowBase + col];
  });
}

export function pool2dTs(images: Matrix, g: ConvGeometry, kind: 'max' | 'avg', out: Matrix): void {
  const { outH, outW } = convOutputSize(g);
  const C = g.channels;
  const d = g.dilation ?? 1;
  const imageLen = g.inH * g.inW * C;
  const src = images.data;
  const dst = out.data;
  const isMax = kind === 'max';
  for (let b = 0; b < images.rows; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = ((b * outH + oy) * outW + ox) * C;
        dst.fill(isMax ? -Infinity : 0, o, o + C);
        let n = 0;
        for (let ky = 0; ky < g.kernelH; ky++) {
          const iy = oy * g.stride - g.pad + ky * d;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kernelW; kx++) {
            const ix = ox * g.stride - g.pad + kx * d;
            if (ix < 0 || ix >= g.inW) continue;
            const s = b * imageLen + (iy * g.inW + ix) * C;
            n++;
            for (let c = 0; c < C; c++) {
              dst[o + c] = isMax ? Math.max(dst[o + c], src[s + c]) : dst[o + c] + src[s + c];
            }
          }
        }
        // x·(1/n) as the native kernel computes it, for identical results.
        const inv = Math.fround(1 / n);
        if (!isMax) for (let c = 0; c < C; c++) dst[o + c] = Math.fround(dst[o + c] * inv);
      }
    }
  }
}

/** The convolution kernels of the portable backend. */
export const convKernels = {
  im2col: im2colTs,
  col2im: col2imTs,
  pool2d: pool2dTs,
} satisfies KernelGroup;
