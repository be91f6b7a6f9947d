import type { Matrix } from '../matrix.ts';
import type { SoftHebbOnlineOptions } from '../types.ts';

/**
 * Online SoftHebb, one sample after another (see Backend.softHebbOnline). Dot products
 * accumulate in float64 so the result does not depend on summation order beyond float32
 * rounding of the stored weights.
 */
export function softHebbOnlineTs(
  w: Matrix,
  x: Matrix,
  bias: Float32Array | null,
  o: SoftHebbOnlineOptions,
): void {
  const K = w.rows;
  const n = w.cols;
  const W = w.data;
  const u = new Float64Array(K);
  const y = new Float64Array(K);
  for (let s = 0; s < x.rows; s++) {
    const xs = x.data.subarray(s * n, (s + 1) * n);
    let best = -Infinity;
    let arg = 0;
    for (let k = 0; k < K; k++) {
      let acc = 0;
      const off = k * n;
      for (let j = 0; j < n; j++) acc += W[off + j] * xs[j];
      u[k] = Math.fround(acc);
      const a = u[k] + (bias ? bias[k] : 0);
      if (a > best) [best, arg] = [a, k];
    }
    if (o.preActivations)
      for (let k = 0; k < K; k++) o.preActivations.data[s * K + k] = u[k] + (bias ? bias[k] : 0);
    if (o.hard) {
      y.fill(0);
      y[arg] = 1;
    } else {
      // Max-subtracted softmax of t·(u + b).
      let z = 0;
      for (let k = 0; k < K; k++) {
        y[k] = Math.exp(o.inverseTemperature * (u[k] + (bias ? bias[k] : 0) - best));
        z += y[k];
      }
      for (let k = 0; k < K; k++) y[k] = Math.fround(y[k] / z);
    }
    const e = o.eta[s];
    for (let k = 0; k < K; k++) {
      if (y[k] === 0) continue;
      const sc = Math.fround(1 - e * y[k] * u[k]);
      const a = Math.fround(e * y[k]);
      const off = k * n;
      for (let j = 0; j < n; j++) W[off + j] = sc * W[off + j] + a * xs[j];
    }
    if (bias && o.biasRate) {
      const eb = o.biasRate[s];
      const t = o.biasInverseTemperature;
      for (let k = 0; k < K; k++) bias[k] += eb * (y[k] * Math.exp(-t * bias[k]) - 1);
    }
  }
}

export function addColumnVectorTs(a: Matrix, v: Float32Array, alpha = 1): void {
  const { rows, cols, data } = a;
  for (let i = 0; i < rows; i++) {
    const add = alpha * v[i];
    for (let j = i * cols, end = j + cols; j < end; j++) data[j] += add;
  }
}

export function absMaxTs(a: Matrix): number {
  let m = 0;
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]);
    if (v > m) m = v;
  }
  return m;
}

/**
 * Hard-WTA mini-batch update (see Backend.softHebbHardUpdate): rows grouped by winner, each
 * group's inputs summed in batch order in float32, then one pass over the winner's row —
 * the same operation order as the native kernel, so both give the same bits.
 */
export function softHebbHardUpdateTs(
  w: Matrix,
  x: Matrix,
  winners: Int32Array,
  u: Matrix,
  eta: number | Float32Array,
): void {
  const K = w.rows;
  const n = w.cols;
  const B = x.rows;
  const start = new Int32Array(K + 1);
  for (let b = 0; b < B; b++) start[winners[b] + 1]++;
  for (let k = 0; k < K; k++) start[k + 1] += start[k];
  const order = new Int32Array(B);
  const fill = start.slice(0, K);
  for (let b = 0; b < B; b++) order[fill[winners[b]]++] = b;
  const sum = new Float32Array(n);
  const wd = w.data;
  for (let k = 0; k < K; k++) {
    if (start[k] === start[k + 1]) continue;
    let c = 0;
    sum.fill(0);
    for (let i = start[k]; i < start[k + 1]; i++) {
      const b = order[i];
      c += u.data[b * K + k];
      for (let j = 0; j < n; j++) sum[j] += x.data[b * n + j];
    }
    const e = typeof eta === 'number' ? eta : eta[k];
    const s = Math.fround(1 - e * c);
    const a = Math.fround(e);
    const o = k * n;
    for (let j = 0; j < n; j++) wd[o + j] = Math.fround(s * wd[o + j]) + Math.fround(a * sum[j]);
  }
}
