// Portable attention kernels (the transformer of src/emergence), one (sequence, head) pair at
// a time. Sums run in float64 here and in float32 in native/attention.cc, so the two agree to
// float rounding, not bit for bit. Checked in checks/attention.ts.
import type { Matrix } from '../matrix.ts';
import type { KernelGroup } from '../kernels/methods.ts';

export function attentionTs(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  heads: number,
  tokens: number,
  scale: number,
  probs: Matrix,
  out: Matrix,
): void {
  const T = tokens;
  const W = q.cols;
  const d = W / heads;
  const pairs = (q.rows / T) * heads;
  const [qd, kd, vd, pd, od] = [q.data, k.data, v.data, probs.data, out.data];
  for (let bh = 0; bh < pairs; bh++) {
    const base = Math.floor(bh / heads) * T * W + (bh % heads) * d;
    const p0 = bh * T * T;
    for (let t = 0; t < T; t++) {
      const qt = base + t * W;
      const pt = p0 + t * T;
      let m = -Infinity;
      for (let s = 0; s < T; s++) {
        const ks = base + s * W;
        let acc = 0;
        for (let j = 0; j < d; j++) acc += qd[qt + j] * kd[ks + j];
        pd[pt + s] = scale * acc;
        m = Math.max(m, pd[pt + s]);
      }
      let z = 0;
      for (let s = 0; s < T; s++) {
        const e = Math.exp(pd[pt + s] - m);
        pd[pt + s] = e;
        z += e;
      }
      for (let s = 0; s < T; s++) pd[pt + s] = pd[pt + s] / z;
      for (let j = 0; j < d; j++) {
        let acc = 0;
        for (let s = 0; s < T; s++) acc += pd[pt + s] * vd[base + s * W + j];
        od[qt + j] = acc;
      }
    }
  }
}

export function attentionBackwardTs(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  probs: Matrix,
  dOut: Matrix,
  heads: number,
  tokens: number,
  scale: number,
  dq: Matrix,
  dk: Matrix,
  dv: Matrix,
): void {
  const T = tokens;
  const W = q.cols;
  const d = W / heads;
  const pairs = (q.rows / T) * heads;
  const [qd, kd, vd, pd, gd] = [q.data, k.data, v.data, probs.data, dOut.data];
  const ds = new Float64Array(T * T);
  for (let bh = 0; bh < pairs; bh++) {
    const base = Math.floor(bh / heads) * T * W + (bh % heads) * d;
    const p0 = bh * T * T;
    // dS = P ⊙ (dP − rowsum(P ⊙ dP)), dP = dO Vᵀ
    for (let t = 0; t < T; t++) {
      let rs = 0;
      for (let s = 0; s < T; s++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += gd[base + t * W + j] * vd[base + s * W + j];
        ds[t * T + s] = acc;
        rs += pd[p0 + t * T + s] * acc;
      }
      for (let s = 0; s < T; s++) ds[t * T + s] = pd[p0 + t * T + s] * (ds[t * T + s] - rs);
    }
    for (let r = 0; r < T; r++) {
      const row = base + r * W;
      for (let j = 0; j < d; j++) {
        let aq = 0;
        let ak = 0;
        let av = 0;
        for (let s = 0; s < T; s++) {
          const at = base + s * W + j;
          aq += ds[r * T + s] * kd[at]; // dQ = scale · dS K
          ak += ds[s * T + r] * qd[at]; // dK = scale · dSᵀ Q
          av += pd[p0 + s * T + r] * gd[at]; // dV = Pᵀ dO
        }
        dq.data[row + j] = scale * aq;
        dk.data[row + j] = scale * ak;
        dv.data[row + j] = av;
      }
    }
  }
}

/** The attention kernels of the portable backend. */
export const attentionKernels = {
  attention: attentionTs,
  attentionBackward: attentionBackwardTs,
} satisfies KernelGroup;
