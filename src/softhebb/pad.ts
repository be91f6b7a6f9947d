// Reflect padding of HWC images, as PyTorch's F.pad(x, (p, p, p, p), 'reflect').
import { Matrix } from '../backend/matrix.ts';
import { ValueError } from '../errors.ts';
import type { ImageShape } from '../model/image-shape.ts';

/** Index i of an axis of length n, mirrored at the edges without repeating them (−1 → 1, n → n − 2). */
function mirror(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/**
 * The images (rows, HWC) with p pixels reflected onto each side: B × (H+2p)·(W+2p)·C. The
 * border pixel itself is not repeated, so p must be below H and W.
 */
export function reflectPad(x: Matrix, [H, W, C]: ImageShape, p: number, out?: Matrix): Matrix {
  if (p >= H || p >= W)
    throw new ValueError(
      `reflectPad: padding ${p} needs images larger than ${p} pixels on each side, got ${H}×${W}; use less padding or zero padding`,
    );
  const H2 = H + 2 * p;
  const W2 = W + 2 * p;
  const size = H2 * W2 * C;
  const res = out ?? new Matrix(x.rows, size);
  const src = x.data;
  const dst = res.data;
  for (let b = 0; b < x.rows; b++) {
    const s0 = b * H * W * C;
    let d = b * size;
    for (let y = 0; y < H2; y++) {
      const row = s0 + mirror(y - p, H) * W * C;
      for (let xx = 0; xx < W2; xx++) {
        const s = row + mirror(xx - p, W) * C;
        for (let c = 0; c < C; c++) dst[d++] = src[s + c];
      }
    }
  }
  return res;
}

/**
 * The adjoint of reflectPad: the gradient of padded images (B × (H+2p)·(W+2p)·C) summed back
 * onto the pixels each padded pixel copies, B × H·W·C (what attacks through a reflect-padded
 * convolution need).
 */
export function reflectPadBackward(g: Matrix, [H, W, C]: ImageShape, p: number): Matrix {
  const H2 = H + 2 * p;
  const W2 = W + 2 * p;
  const size = H2 * W2 * C;
  const res = new Matrix(g.rows, H * W * C);
  const src = g.data;
  const dst = res.data;
  for (let b = 0; b < g.rows; b++) {
    const d0 = b * H * W * C;
    let s = b * size;
    for (let y = 0; y < H2; y++) {
      const row = d0 + mirror(y - p, H) * W * C;
      for (let xx = 0; xx < W2; xx++) {
        const d = row + mirror(xx - p, W) * C;
        for (let c = 0; c < C; c++) dst[d + c] += src[s++];
      }
    }
  }
  return res;
}
