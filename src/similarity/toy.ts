// Sec. 6.1 / Fig. 2 of structured similarity matching, the computation (browser-safe): two
// first-layer sub-networks (own Gaussian input each) feeding one second layer with feedback γ;
// f = clip(u, 0, 1). Both sub-networks see the same cluster identity; the bottom one then gets
// ambiguous inputs (the midpoint of its two cluster means plus noise), and with feedback its
// output should follow the cluster the top sub-network sees. γ = 0 is the control.
// The CLI's `hebb reproduce sm-toy` (experiments/toy.ts) and the playground both run this.
import type { Backend } from '../backend/types.ts';
import { Matrix, Rng } from '../backend/index.ts';
import { cost } from './dynamics.ts';
import { SimilarityNetwork } from './network.ts';
import { columns, similarityMatrix } from './similarity-matrix.ts';

export interface ToyOptions {
  gamma: number;
  /** Training samples (online, one update per sample). */
  samples: number;
  dim: number;
  units: number;
  /** Norm of each cluster mean and of the input noise. */
  meanNorm: number;
  noise: number;
  /** Ambiguous perturbation trials. */
  trials: number;
  evalEvery: number;
  /** Threshold λ of f(u) = min(max(u − λ, 0), 1) (λ = 0 is the paper's clip(u, 0, 1)); the
   *  regulariser F(r) = λr sparsifies, standing in for the paper's decorrelating regulariser. */
  threshold: number;
  /**
   * α of the decorrelating regulariser (ref. [31]; homeostatic thresholds θ → α·E[r]) of layer 1
   * and layer 2. Layer 2's must stay below the drive the top network alone gives it, or the
   * feedback is silent when the bottom input is ambiguous (docs/math/similarity-matching.md).
   */
  alpha: [number, number];
  seed: number;
  backend: Backend;
  log: (s: string) => void;
}

export interface ToyData {
  means: Float32Array[][]; // [sub-network][cluster]
  sample(rng: Rng, cluster: number, ambiguousBottom: boolean): Float32Array;
}

export function makeToyData(o: ToyOptions, rng: Rng): ToyData {
  const D = o.dim;
  const means = [0, 1].map(() => [0, 1].map(() => rng.normal(D, 0, o.meanNorm / Math.sqrt(D))));
  return {
    means,
    sample(r: Rng, c: number, amb: boolean) {
      const x = new Float32Array(2 * D);
      const n = r.normal(2 * D, 0, o.noise / Math.sqrt(D));
      for (let j = 0; j < D; j++) {
        x[j] = means[0][c][j] + n[j];
        x[D + j] = (amb ? (means[1][0][j] + means[1][1][j]) / 2 : means[1][c][j]) + n[D + j];
      }
      return x;
    },
  };
}

export function toyBatch(data: ToyData, rng: Rng, clusters: number[], amb: boolean): Matrix {
  const rows = clusters.map((c) => data.sample(rng, c, amb));
  const m = Matrix.zeros(rows.length, rows[0].length);
  rows.forEach((r, i) => m.data.set(r, i * r.length));
  return m;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++)
    [ab, aa, bb] = [ab + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]];
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export interface ToyRun {
  gamma: number;
  followRate: number;
  /** Trials where the bottom output was silent or equally close to both clusters. */
  ties: number;
  costCurve: { samples: number[]; cost: number[] };
  net: SimilarityNetwork;
  meanSteps: number;
}

export function trainToy(o: ToyOptions, gamma: number, data: ToyData): ToyRun {
  const net = new SimilarityNetwork({
    layers: [
      { type: 'separate', inputs: [o.dim, o.dim], units: o.units },
      { type: 'dense', units: o.units },
    ],
    activation: o.threshold > 0 ? { name: 'cappedRelu', threshold: o.threshold, cap: 1 } : 'clip',
    feedback: gamma,
    homeostasis: [...o.alpha],
    batchSize: 1,
    seed: o.seed,
    backend: o.backend,
  });
  const rng = new Rng(o.seed + 1, o.backend); // same data stream for every γ
  const evalRng = new Rng(o.seed + 2, o.backend);
  const evalClusters = Array.from({ length: 200 }, (_, i) => i % 2);
  const evalX = toyBatch(data, evalRng, evalClusters, false);
  const curve = { samples: [0], cost: [cost(net, evalX)] };
  let steps = 0;
  for (let done = 0; done < o.samples;) {
    const n = Math.min(o.evalEvery, o.samples - done);
    const cl = Array.from(rng.u32(n), (v) => v & 1);
    steps += net.partialFit(toyBatch(data, rng, cl, false)).eulerSteps;
    done += n;
    curve.samples.push(done);
    curve.cost.push(cost(net, evalX));
  }
  // Reference bottom-network representation of each cluster (in-distribution inputs).
  const U = o.units;
  const rEval = columns(net.solve(evalX).r[0], U, 2 * U);
  const ref = [0, 1].map((c) => {
    const m = new Float32Array(U);
    evalClusters.forEach((cc, i) => {
      if (cc === c) for (let k = 0; k < U; k++) m[k] += rEval.data[i * U + k];
    });
    return m;
  });
  const probeRng = new Rng(o.seed + 3, o.backend);
  const trialClusters = Array.from({ length: o.trials }, (_, i) => i % 2);
  const rB = columns(net.solve(toyBatch(data, probeRng, trialClusters, true)).r[0], U, 2 * U);
  let follow = 0;
  let ties = 0;
  trialClusters.forEach((c, i) => {
    const r = rB.data.subarray(i * U, (i + 1) * U);
    const d = cosine(r, ref[c]) - cosine(r, ref[1 - c]);
    if (Math.abs(d) < 1e-6) {
      ties++;
      follow += 0.5;
    } else if (d > 0) follow++;
  });
  return {
    gamma,
    followRate: follow / o.trials,
    ties,
    costCurve: curve,
    net,
    meanSteps: steps / o.samples,
  };
}

/** The pairwise similarities of 5 + 5 probe patterns at every stage (Fig. 2A; 2B when ambiguous). */
export function toySimilarities(
  o: Pick<ToyOptions, 'seed' | 'backend' | 'dim' | 'units'>,
  run: ToyRun,
  data: ToyData,
  ambiguous: boolean,
): { title: string; m: Matrix }[] {
  const clusters = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
  const U = o.units;
  const x = toyBatch(data, new Rng(o.seed + 4, o.backend), clusters, ambiguous);
  const r = run.net.solve(x).r;
  return [
    { title: 'input top', m: similarityMatrix(columns(x, 0, o.dim)) },
    {
      title: ambiguous ? 'input bottom (ambig.)' : 'input bottom',
      m: similarityMatrix(columns(x, o.dim, 2 * o.dim)),
    },
    { title: 'layer 1 top', m: similarityMatrix(columns(r[0], 0, U)) },
    { title: 'layer 1 bottom', m: similarityMatrix(columns(r[0], U, 2 * U)) },
    { title: 'layer 2', m: similarityMatrix(r[1]) },
  ];
}
