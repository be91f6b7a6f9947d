import { getBackend, Matrix, Rng } from '../backend/index.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { validateDataset, type Dataset } from './dataset.ts';

/** Options of gaussianClusters. */
export interface GaussianClustersOptions {
  /** Number of clusters K (= classes). */
  clusters: number;
  /** Samples per cluster; with priors, the total clusters·perCluster is shared by priors. */
  perCluster: number;
  /** Dimension of the samples. */
  dim: number;
  /** Standard deviation of the isotropic noise around each center. */
  spread: number;
  /** Seed of every random draw. */
  seed: number;
  /** Relative cluster weights (normalised here); counts use largest-remainder rounding. */
  priors?: number[];
  /** clusters × dim centers; default: random unit vectors drawn from the seed. */
  centers?: Matrix;
  /** Shuffle the rows (default true); false keeps them grouped by cluster. */
  shuffle?: boolean;
}

/** Samples per cluster: exact proportions of total, remainders to the largest fractions. */
export function allocate(total: number, priors: number[]): number[] {
  const sum = priors.reduce((a, b) => a + b, 0);
  const exact = priors.map((p) => (p / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, k) => [e - Math.floor(e), k])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let i = 0; left > 0; i++, left--) counts[order[i][1]]++;
  return counts;
}

/**
 * Isotropic Gaussian clusters: sample = center[k] + spread·N(0, I), label = k. All randomness
 * comes from one Rng(seed), drawn in a fixed order (centers, noise, shuffle), so the result is
 * bit-identical for a seed on every backend. Shape [1, dim, 1]; classes '0'..'K−1'.
 * The centers used are returned alongside the Dataset fields.
 */
export function gaussianClusters(opts: GaussianClustersOptions): Dataset & {
  /** The clusters' centers, clusters × dim. */
  centers: Matrix;
} {
  const { clusters: k, perCluster, dim, spread, seed } = opts;
  const posInt = (v: number, what: string): void => {
    if (!Number.isInteger(v) || v < 1) {
      throw new ValueError(`gaussianClusters: ${what} must be a positive integer, got ${v}`);
    }
  };
  posInt(k, 'clusters');
  posInt(perCluster, 'perCluster');
  posInt(dim, 'dim');
  if (k > 256) throw new ValueError(`gaussianClusters: at most 256 clusters (labels are bytes)`);
  if (!(spread >= 0) || !Number.isFinite(spread)) {
    throw new ValueError(`gaussianClusters: spread must be a finite number ≥ 0, got ${spread}`);
  }
  const priors = opts.priors ?? new Array<number>(k).fill(1);
  if (priors.length !== k || priors.some((p) => !(p >= 0) || !Number.isFinite(p))) {
    throw new ValueError(
      `gaussianClusters: priors must be ${k} finite non-negative weights, got [${priors.join(', ')}]`,
    );
  }
  if (!(priors.reduce((a, b) => a + b, 0) > 0)) {
    throw new ValueError('gaussianClusters: priors sum to 0; give at least one positive weight');
  }
  const rng = new Rng(seed, getBackend());
  const b = rng.backend;
  let centers: Matrix;
  if (opts.centers) {
    if (opts.centers.rows !== k || opts.centers.cols !== dim) {
      throw new ShapeError(
        `gaussianClusters: centers are ${opts.centers.rows}×${opts.centers.cols}, expected clusters×dim = ${k}×${dim}`,
      );
    }
    centers = opts.centers.clone();
  } else {
    centers = new Matrix(k, dim, rng.normal(k * dim));
    b.normalizeRows(centers, centers);
  }
  const counts = allocate(k * perCluster, priors);
  const n = k * perCluster;
  const x = new Matrix(n, dim, rng.normal(n * dim, 0, spread));
  const y = new Uint8Array(n);
  for (let c = 0, row = 0; c < k; c++) {
    for (let i = 0; i < counts[c]; i++, row++) {
      y[row] = c;
      const r = x.row(row);
      const ctr = centers.row(c);
      for (let j = 0; j < dim; j++) r[j] += ctr[j];
    }
  }
  let ds: Dataset = {
    x,
    y,
    shape: [1, dim, 1],
    classes: Array.from({ length: k }, (_, c) => String(c)),
    name: 'gaussian-clusters',
  };
  if (opts.shuffle ?? true) {
    const perm = rng.permutation(n);
    const yy = new Uint8Array(n);
    for (let i = 0; i < n; i++) yy[i] = y[perm[i]];
    ds = { ...ds, x: x.gatherRows(perm), y: yy };
  }
  return { ...validateDataset(ds, 'gaussianClusters'), centers };
}
