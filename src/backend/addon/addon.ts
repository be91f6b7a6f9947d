// The native addon's functions with named, typed parameters. The compiler checks them
// against ADDON_SIGNATURES (signatures.ts); native/addon.cc reads its arguments by the same
// names and types and throws a TypeError on a mismatch.
import type { SvcDualProblem } from '../types.ts';

/** Parameter groups that several functions share (as the table in signatures.ts does). */
export type ConvParams = [
  batch: number,
  inH: number,
  inW: number,
  channels: number,
  kernelH: number,
  kernelW: number,
  stride: number,
  pad: number,
  dilation: number,
  outH: number,
  outW: number,
];
export type WXParams = [
  w: Float32Array,
  units: number,
  inputs: number,
  x: Float32Array,
  batch: number,
];
export type LocalMapParams = [
  sites: number,
  unitsPerSite: number,
  inputs: number,
  offsets: Int32Array,
  indices: Int32Array,
];
export type StreamParams = [key0: number, key1: number, counter: number];

/**
 * The functions exported by build/Release/hebb_native.node (native/addon.cc), and under the
 * same names by wasm/hebb.wasm (native/wasm/api.cc, seen through src/backend/wasm/addon.ts).
 */
export interface Addon {
  info(): { blas: string; threads: number; ompThreads: number };
  signatures(): Record<string, string[]>;
  setThreads(n: number): void;
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
  unary(op: number, x: Float32Array, y: Float32Array, p: number, q: number): void;
  binary(op: number, a: Float32Array, b: Float32Array, y: Float32Array): void;
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  scale(alpha: number, x: Float32Array): void;
  addRowVector(a: Float32Array, rows: number, cols: number, v: Float32Array, alpha: number): void;
  scaleRows(a: Float32Array, rows: number, cols: number, s: Float32Array): void;
  scaleColumns(a: Float32Array, rows: number, cols: number, s: Float32Array): void;
  softmaxRows(a: Float32Array, rows: number, cols: number, t: number, out: Float32Array): void;
  softmaxRowsBackward(
    h: Float32Array,
    g: Float32Array,
    rows: number,
    cols: number,
    t: number,
    out: Float32Array,
  ): void;
  rowNorms(a: Float32Array, rows: number, cols: number, out: Float32Array): void;
  normalizeRows(a: Float32Array, rows: number, cols: number, out: Float32Array, eps: number): void;
  normalizeRowsBackward(
    a: Float32Array,
    rows: number,
    cols: number,
    g: Float32Array,
    out: Float32Array,
    eps: number,
  ): void;
  argmaxRows(a: Float32Array, rows: number, cols: number, out: Int32Array): void;
  sum(a: Float32Array, rows: number, cols: number, axis: number, out: Float32Array): void;
  dot(a: Float32Array, b: Float32Array): number;
  countNonFinite(a: Float32Array): number;
  im2col(images: Float32Array, ...geometry: [...ConvParams, out: Float32Array]): void;
  col2im(cols: Float32Array, ...geometry: [...ConvParams, out: Float32Array]): void;
  pool2d(images: Float32Array, ...geometry: [...ConvParams, max: boolean, out: Float32Array]): void;
  softHebbUpdate(
    ...wx: [...WXParams, y: Float32Array, u: Float32Array, eta: number, etaVec: Float32Array | null]
  ): void;
  // SoftHebb kernels
  softHebbOnline(
    ...wx: [
      ...WXParams,
      bias: Float32Array | null,
      inverseTemperature: number,
      hard: boolean,
      eta: Float32Array,
      biasRate: Float32Array | null,
      biasInverseTemperature: number,
      preActivations: Float32Array | null,
    ]
  ): void;
  softHebbHardUpdate(
    ...wx: [
      ...WXParams,
      winners: Int32Array,
      u: Float32Array,
      eta: number,
      etaVec: Float32Array | null,
    ]
  ): void;
  softHebbSoftStep(
    ...wx: [
      ...WXParams,
      u: Float32Array,
      bias: Float32Array | null,
      inverseTemperature: number,
      eta: number,
      exact: boolean,
      scale: Float32Array | null,
      y: Float32Array,
    ]
  ): void;
  addColumnVector(
    a: Float32Array,
    rows: number,
    cols: number,
    v: Float32Array,
    alpha: number,
  ): void;
  absMax(a: Float32Array): number;
  randomU32(out: Uint32Array, ...stream: StreamParams): void;
  fillUniform(out: Float32Array, ...stream: [...StreamParams, low: number, high: number]): void;
  fillNormal(out: Float32Array, ...stream: [...StreamParams, mean: number, std: number]): void;
  // SoftHebb read-outs / optim: fused Adam step (native/optim.cc)
  adamUpdate(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    beta1: number,
    beta2: number,
    c1: number,
    c2: number,
    eps: number,
    l2: number,
    decay: number,
    stepSize: number,
    sqrtBc2: number,
    direction: Float32Array | null,
  ): void;
  // similarity matching (native/similarity.cc)
  localMatmul(
    ...map: [
      ...LocalMapParams,
      blocks: Float32Array,
      x: Float32Array,
      batch: number,
      alpha: number,
      beta: number,
      out: Float32Array,
    ]
  ): void;
  localMatmulT(
    ...map: [
      ...LocalMapParams,
      blocks: Float32Array,
      y: Float32Array,
      batch: number,
      alpha: number,
      beta: number,
      out: Float32Array,
    ]
  ): void;
  localOuter(
    ...map: [
      ...LocalMapParams,
      post: Float32Array,
      pre: Float32Array,
      batch: number,
      alpha: number,
      beta: number,
      blocks: Float32Array,
    ]
  ): void;
  smEulerStep(
    u: Float32Array,
    drive: Float32Array,
    bias: Float32Array | null,
    r: Float32Array,
    rows: number,
    cols: number,
    dt: number,
    op: number,
    p: number,
    q: number,
    du2: Float32Array,
    u2: Float32Array,
  ): void;
  // attention (native/attention.cc)
  attention(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    rows: number,
    width: number,
    heads: number,
    tokens: number,
    scale: number,
    probs: Float32Array,
    out: Float32Array,
  ): void;
  attentionBackward(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    probs: Float32Array,
    dOut: Float32Array,
    rows: number,
    width: number,
    heads: number,
    tokens: number,
    scale: number,
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
  ): void;
  // linear SVM read-out (native/linear_svc.cc)
  svcDualEpoch(
    x: Float32Array,
    rows: number,
    cols: number,
    sqNorms: Float64Array,
    bias: number,
    order: Int32Array,
    problems: readonly SvcDualProblem[],
  ): void;
}
