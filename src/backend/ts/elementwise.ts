// Portable element-wise kernels: unary and binary maps, axpy, scaling, row and column broadcasts.
import type { Matrix } from '../matrix.ts';
import type { BinaryOp, UnaryOp } from '../types.ts';
import type { KernelGroup } from '../kernels/methods.ts';

type Scalar = (x: number) => number;

/** Scalar form of each unary op; p, q as documented on UnaryOp. */
export function unaryScalar(op: UnaryOp, p: number, q: number): Scalar {
  switch (op) {
    case 'copy':
      return (x) => x;
    case 'neg':
      return (x) => -x;
    case 'abs':
      return Math.abs;
    case 'square':
      return (x) => x * x;
    case 'sqrt':
      return Math.sqrt;
    case 'exp':
      return Math.exp;
    case 'log':
      return Math.log;
    case 'tanh':
      return Math.tanh;
    case 'sigmoid':
      return (x) => 1 / (1 + Math.exp(-x));
    case 'relu':
      return (x) => (x > 0 ? x : 0);
    case 'repu':
      return (x) => (x > 0 ? Math.pow(x, p) : 0);
    case 'clip':
      return (x) => (x < p ? p : x > q ? q : x);
    case 'shrink':
      return (x) => (x > p ? x - p : x < -p ? x + p : 0);
    case 'cappedRelu':
      return (x) => (x - p <= 0 ? 0 : x - p >= q ? q : x - p);
    case 'pow':
      return (x) => (x < 0 ? -Math.pow(-x, p) : Math.pow(x, p));
    case 'affine':
      return (x) => p * x + q;
    case 'sign':
      return (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    case 'tanhGrad':
      return (y) => 1 - y * y;
    case 'sigmoidGrad':
      return (y) => y * (1 - y);
    case 'reluGrad':
      return (y) => (y > 0 ? 1 : 0);
  }
}

export function unaryTs(op: UnaryOp, a: Matrix, out: Matrix, p = 0, q = 0): void {
  const f = unaryScalar(op, p, q);
  const x = a.data;
  const y = out.data;
  for (let i = 0; i < x.length; i++) y[i] = f(x[i]);
}

export function binaryTs(op: BinaryOp, a: Matrix, b: Matrix, out: Matrix): void {
  const x = a.data;
  const z = b.data;
  const y = out.data;
  const n = x.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) y[i] = x[i] + z[i];
      break;
    case 'sub':
      for (let i = 0; i < n; i++) y[i] = x[i] - z[i];
      break;
    case 'mul':
      for (let i = 0; i < n; i++) y[i] = x[i] * z[i];
      break;
    case 'div':
      for (let i = 0; i < n; i++) y[i] = x[i] / z[i];
      break;
    case 'max':
      for (let i = 0; i < n; i++) y[i] = x[i] > z[i] ? x[i] : z[i];
      break;
    case 'min':
      for (let i = 0; i < n; i++) y[i] = x[i] < z[i] ? x[i] : z[i];
      break;
    // The derivative rounded to float first: the same bits as the unary *Grad op, then mul.
    case 'mulReluGrad':
      for (let i = 0; i < n; i++) y[i] = z[i] > 0 ? x[i] : 0;
      break;
    case 'mulTanhGrad':
      for (let i = 0; i < n; i++) y[i] = x[i] * Math.fround(1 - z[i] * z[i]);
      break;
    case 'mulSigmoidGrad':
      for (let i = 0; i < n; i++) y[i] = x[i] * Math.fround(z[i] * (1 - z[i]));
      break;
  }
}

export function axpyTs(alpha: number, x: Matrix, y: Matrix): void {
  const xd = x.data;
  const yd = y.data;
  for (let i = 0; i < xd.length; i++) yd[i] += alpha * xd[i];
}

export function signStepClipTs(g: Matrix, alpha: number, lo: Matrix, hi: Matrix, a: Matrix): void {
  const [gd, ld, hd, ad] = [g.data, lo.data, hi.data, a.data];
  // float32 arithmetic as the native kernel: the step rounded to float, one float addition
  const s = Math.fround(alpha);
  for (let i = 0; i < ad.length; i++) {
    const gi = gd[i];
    let v = Math.fround(ad[i] + (gi > 0 ? s : gi < 0 ? -s : 0));
    v = v > ld[i] ? v : ld[i];
    ad[i] = v < hd[i] ? v : hd[i];
  }
}

export function scaleTs(alpha: number, x: Matrix): void {
  const d = x.data;
  for (let i = 0; i < d.length; i++) d[i] *= alpha;
}

export function addRowVectorTs(a: Matrix, v: Float32Array, alpha = 1): void {
  const d = a.data;
  const n = a.cols;
  for (let i = 0; i < a.rows; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) d[o + j] += alpha * v[j];
  }
}

export function scaleColumnsTs(a: Matrix, s: Float32Array): void {
  const d = a.data;
  const n = a.cols;
  for (let i = 0; i < a.rows; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) d[o + j] *= s[j];
  }
}

export function scaleRowsTs(a: Matrix, s: Float32Array): void {
  const d = a.data;
  const n = a.cols;
  for (let i = 0; i < a.rows; i++) {
    const si = s[i];
    const o = i * n;
    for (let j = 0; j < n; j++) d[o + j] *= si;
  }
}

export function addColumnVectorTs(a: Matrix, v: Float32Array, alpha = 1): void {
  const { rows, cols, data } = a;
  for (let i = 0; i < rows; i++) {
    const add = alpha * v[i];
    for (let j = i * cols, end = j + cols; j < end; j++) data[j] += add;
  }
}

export function dropoutTs(x: Matrix, u: Matrix, p: number, out: Matrix): void {
  const [xd, ud, od] = [x.data, u.data, out.data];
  const keep = 1 / (1 - p);
  for (let i = 0; i < od.length; i++) od[i] = ud[i] < p ? 0 : xd[i] * keep;
}

/** The element-wise kernels of the portable backend. */
export const elementwiseKernels = {
  unary: unaryTs,
  binary: binaryTs,
  axpy: axpyTs,
  signStepClip: signStepClipTs,
  dropout: dropoutTs,
  scale: scaleTs,
  addRowVector: addRowVectorTs,
  addColumnVector: addColumnVectorTs,
  scaleRows: scaleRowsTs,
  scaleColumns: scaleColumnsTs,
} satisfies KernelGroup;
