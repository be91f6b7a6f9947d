import type { Matrix } from '../matrix.ts';
import type { SvcDualProblem } from '../types.ts';
import type { KernelGroup } from '../kernels/methods.ts';

/**
 * Portable Backend.svcDualEpoch. For each sample i in `order`, for each problem where i is
 * active, one coordinate step of liblinear's solve_l2r_l1l2_svc for the squared hinge (no
 * upper bound on α): G = y_i wᵀx̃_i − 1 + D_ii α_i; projected gradient PG = min(G, 0) at
 * α_i = 0, else G; α_i ← max(α_i − G/Q̃_ii, 0) and w ← w + Δα_i y_i x̃_i when |PG| > 1e−12.
 * Samples outer, problems inner: x_i is read once per pass for all problems.
 */
export function svcDualEpochTs(
  x: Matrix,
  sqNorms: Float64Array,
  bias: number,
  order: Int32Array,
  problems: SvcDualProblem[],
): void {
  const d = x.cols;
  const xd = x.data;
  const bias2 = bias * bias;
  const np = problems.length;
  const count = problems.map((p) => p.state[0]);
  const pgMaxOld = problems.map((p) => p.state[1]);
  const pgMax = problems.map(() => -Infinity);
  const pgMin = problems.map(() => Infinity);
  for (let s = 0; s < order.length; s++) {
    const i = order[s];
    const off = i * d;
    for (let t = 0; t < np; t++) {
      const p = problems[t];
      if (p.active[i] === 0) continue;
      const w = p.w;
      const yi = p.y[i];
      let wx = 0;
      for (let j = 0; j < d; j++) wx += w[j] * xd[off + j];
      wx += w[d] * bias;
      const diag = yi > 0 ? p.diagPos : p.diagNeg;
      const a = p.alpha[i];
      const g = wx * yi - 1 + a * diag;
      let pg = 0;
      if (a === 0) {
        if (g > pgMaxOld[t]) {
          p.active[i] = 0; // shrink
          count[t]--;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g;
      }
      if (pg > pgMax[t]) pgMax[t] = pg;
      if (pg < pgMin[t]) pgMin[t] = pg;
      if (Math.abs(pg) > 1e-12) {
        const next = Math.max(a - g / (diag + sqNorms[i] + bias2), 0);
        p.alpha[i] = next;
        const step = (next - a) * yi;
        for (let j = 0; j < d; j++) w[j] += step * xd[off + j];
        w[d] += step * bias;
      }
    }
  }
  problems.forEach((p, t) => {
    p.state[0] = count[t];
    p.state[1] = pgMax[t];
    p.state[2] = pgMin[t];
  });
}

/** The linear SVM kernel of the portable backend. */
export const linearSvcKernels = {
  svcDualEpoch: svcDualEpochTs,
} satisfies KernelGroup;
