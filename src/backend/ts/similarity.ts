// Portable kernels of the similarity-matching system (src/similarity): block-sparse locally
// connected products and the fused Euler step. Arguments are validated in checks/similarity.ts.
import type { Matrix } from '../matrix.ts';
import type { LocalMap, UnaryOp } from '../types.ts';
import { unaryTs } from './elementwise.ts';
import type { KernelGroup } from '../kernels/methods.ts';

function prepareOut(out: Matrix, beta: number): void {
  const d = out.data;
  if (beta === 0) d.fill(0);
  else if (beta !== 1) for (let i = 0; i < d.length; i++) d[i] *= beta;
}

export function localMatmulTs(
  map: LocalMap,
  blocks: Float32Array,
  x: Matrix,
  alpha: number,
  beta: number,
  out: Matrix,
): void {
  prepareOut(out, beta);
  const { sites, unitsPerSite: n, offsets, indices } = map;
  const B = x.rows;
  const K = x.cols;
  const N = out.cols;
  const xd = x.data;
  const od = out.data;
  let maxP = 0;
  for (let s = 0; s < sites; s++) maxP = Math.max(maxP, offsets[s + 1] - offsets[s]);
  const g = new Float32Array(maxP);
  for (let s = 0; s < sites; s++) {
    const o0 = offsets[s];
    const P = offsets[s + 1] - o0;
    const w0 = n * o0;
    for (let b = 0; b < B; b++) {
      const xb = b * K;
      for (let j = 0; j < P; j++) g[j] = xd[xb + indices[o0 + j]];
      const ob = b * N + s * n;
      for (let i = 0; i < n; i++) {
        const wi = w0 + i * P;
        let acc = 0;
        for (let j = 0; j < P; j++) acc += blocks[wi + j] * g[j];
        od[ob + i] += alpha * acc;
      }
    }
  }
}

export function localMatmulTTs(
  map: LocalMap,
  blocks: Float32Array,
  y: Matrix,
  alpha: number,
  beta: number,
  out: Matrix,
): void {
  prepareOut(out, beta);
  const { sites, unitsPerSite: n, offsets, indices } = map;
  const B = y.rows;
  const N = y.cols;
  const K = out.cols;
  const yd = y.data;
  const od = out.data;
  for (let s = 0; s < sites; s++) {
    const o0 = offsets[s];
    const P = offsets[s + 1] - o0;
    const w0 = n * o0;
    for (let b = 0; b < B; b++) {
      const yb = b * N + s * n;
      const ob = b * K;
      for (let j = 0; j < P; j++) {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += yd[yb + i] * blocks[w0 + i * P + j];
        od[ob + indices[o0 + j]] += alpha * acc;
      }
    }
  }
}

export function localOuterTs(
  map: LocalMap,
  post: Matrix,
  pre: Matrix,
  alpha: number,
  beta: number,
  blocks: Float32Array,
): void {
  const { sites, unitsPerSite: n, offsets, indices } = map;
  const B = post.rows;
  const N = post.cols;
  const K = pre.cols;
  const pd = post.data;
  const xd = pre.data;
  for (let s = 0; s < sites; s++) {
    const o0 = offsets[s];
    const P = offsets[s + 1] - o0;
    const w0 = n * o0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < P; j++) {
        const col = indices[o0 + j];
        let acc = 0;
        for (let b = 0; b < B; b++) acc += pd[b * N + s * n + i] * xd[b * K + col];
        const k = w0 + i * P + j;
        blocks[k] = alpha * acc + (beta === 0 ? 0 : beta * blocks[k]);
      }
    }
  }
}

export function smEulerStepTs(
  u: Matrix,
  drive: Matrix,
  bias: Matrix | null,
  r: Matrix,
  dt: number,
  op: UnaryOp,
  p: number,
  q: number,
  du2: Float32Array,
  u2: Float32Array,
): void {
  const { rows, cols } = u;
  const ud = u.data;
  const dd = drive.data;
  const rd = r.data;
  const cd = bias ? bias.data : null;
  for (let b = 0; b < rows; b++) {
    let sd = 0;
    let su = 0;
    for (let i = b * cols, e = i + cols; i < e; i++) {
      const t = Math.fround(cd ? Math.fround(cd[i] + dd[i]) + rd[i] : dd[i] + rd[i]);
      const step = Math.fround(dt * (t - ud[i]));
      const v = Math.fround(ud[i] + step);
      const d = v - ud[i];
      sd += d * d;
      su += v * v;
      ud[i] = v;
    }
    du2[b] = sd;
    u2[b] = su;
  }
  unaryTs(op, u, r, p, q);
}

/** The similarity-matching kernels of the portable backend. */
export const similarityKernels = {
  localMatmul: localMatmulTs,
  localMatmulT: localMatmulTTs,
  localOuter: localOuterTs,
  smEulerStep: smEulerStepTs,
} satisfies KernelGroup;
