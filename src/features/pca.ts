// Principal component analysis as a model of the shared contract: the leading eigenvectors of
// the covariance, found by subspace iteration on the backend (GEMMs) with a small
// Rayleigh–Ritz step, as a fixed feature layer for comparisons (SoftHebb paper, Appendix E.2).
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { ValueError } from '../errors.ts';
import type { FitEvent, FitOptions } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel, UnsupervisedModel } from '../model/model.ts';
import {
  describe,
  integer,
  number,
  seed,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { sizeOf, tensor, type TensorSlots } from '../model/state.ts';

/** Options of PCA. */
export interface PCAOptions {
  /** Number of components (default 100). */
  components?: number;
  /** Subspace iterations at most (default 200). */
  maxIter?: number;
  /** Stop when no wanted Ritz value moves by more than this fraction (default 1e-6). */
  tol?: number;
  /** Seeds the starting subspace. */
  seed?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  components: describe(integer({ min: 1, default: 100 }), 'number of principal components'),
  maxIter: describe(integer({ min: 1, default: 200 }), 'subspace iterations at most'),
  tol: describe(
    number({ min: 0, default: 1e-6 }),
    'stop when no wanted Ritz value moves by more than this fraction',
  ),
  seed: describe(seed(), 'seed of the starting subspace'),
  backend: backendOption(),
} satisfies Record<keyof PCAOptions, unknown>;

const RR_EVERY = 10;

/** Orthonormalises the rows of q in place (modified Gram–Schmidt, float64 sums). */
function orthonormalRows(q: Matrix): void {
  const [k, d] = [q.rows, q.cols];
  for (let i = 0; i < k; i++) {
    const qi = q.row(i);
    for (let j = 0; j < i; j++) {
      const qj = q.row(j);
      let s = 0;
      for (let t = 0; t < d; t++) s += qi[t] * qj[t];
      for (let t = 0; t < d; t++) qi[t] -= s * qj[t];
    }
    let n = 0;
    for (let t = 0; t < d; t++) n += qi[t] * qi[t];
    n = Math.sqrt(n);
    for (let t = 0; t < d; t++) qi[t] = n > 0 ? qi[t] / n : 0;
  }
}

/** Eigen-decomposition of a small symmetric matrix (cyclic Jacobi, float64): values, vectors as rows. */
export function symmetricEigen(
  a: Float64Array,
  n: number,
): {
  /** The eigenvalues, in the order Jacobi leaves them. */
  values: Float64Array;
  /** The eigenvectors as rows, row i belonging to values[i] (n × n, row-major). */
  vectors: Float64Array;
} {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vpk = v[p * n + k];
          const vqk = v[q * n + k];
          v[p * n + k] = c * vpk - s * vqk;
          v[q * n + k] = s * vpk + c * vqk;
        }
      }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return { values, vectors: v };
}

/**
 * Principal component analysis: the leading eigenvectors of the training data's covariance,
 * by subspace iteration; transform gives the centred projections, samples × components.
 * A fixed feature layer for comparisons with Hebbian ones.
 */
export class PCA extends UnsupervisedModel<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'PCA';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  private v: Matrix | null = null;
  private m: Float32Array | null = null;
  /** Variance along each component, largest first. */
  explainedVariance: Float32Array = new Float32Array(0);
  /** Subspace iterations the last fit ran. */
  iterations = 0;

  constructor(options: PCAOptions = {}) {
    super(validateOptions('PCA', SPEC, options));
  }

  get isFitted(): boolean {
    return this.v !== null;
  }

  /** components × features, orthonormal rows, by decreasing variance (a live reference). */
  get components(): Matrix {
    if (!this.v) throw this.notFitted('components');
    return this.v;
  }

  /** The training data's mean of each feature (a live reference). */
  get mean(): Float32Array {
    if (!this.m) throw this.notFitted('mean');
    return this.m;
  }

  protected *training(x: Matrix, _opts: FitOptions): Iterable<FitEvent> {
    const where = 'PCA.fit';
    const be = this.backend;
    checkSamples(where, be, x);
    const k = this.options.components;
    const D = x.cols;
    if (k > D || x.rows < 2) {
      throw new ValueError(
        `${where}: ${k} components need ≥ ${k} features and ≥ 2 samples (got ${D}, ${x.rows})`,
      );
    }
    const mean = new Float32Array(D);
    be.sum(x, 0, mean);
    mean.forEach((v, j) => (mean[j] = v / x.rows));
    const xc = x.clone();
    be.addRowVector(xc, mean, -1);
    const cov = Matrix.zeros(D, D);
    be.gemm(true, false, 1 / (x.rows - 1), xc, xc, 0, cov);
    // Subspace iteration with a few extra vectors (they speed up the last wanted ones).
    const b = Math.min(D, k + Math.max(5, Math.ceil(k / 5)));
    let q = new Matrix(b, D, new Rng(this.options.seed, be).normal(b * D));
    orthonormalRows(q);
    let y = Matrix.zeros(b, D);
    const h = Matrix.zeros(b, b);
    let prev = new Float64Array(b);
    let values = new Float64Array(b);
    const total = this.options.maxIter;
    for (let it = 1; it <= total; it++) {
      be.gemm(false, false, 1, q, cov, 0, y); // rows of Q·C = (C Qᵀ)ᵀ
      orthonormalRows(y);
      [q, y] = [y, q];
      this.iterations = it;
      yield { done: it, total, epoch: it, epochs: total, epochEnd: true };
      // Every RR_EVERY iterations (and at the end): Rayleigh–Ritz, H = Q C Qᵀ, rotate Q by
      // H's eigenvectors (largest first); stop when the wanted Ritz values have settled.
      if (it % RR_EVERY !== 0 && it !== total) continue;
      const qc = Matrix.zeros(b, D);
      be.gemm(false, false, 1, q, cov, 0, qc);
      be.gemm(false, true, 1, qc, q, 0, h);
      const sym = Float64Array.from(
        h.data,
        (v, i) => (v + h.data[(i % b) * b + Math.floor(i / b)]) / 2,
      );
      const e = symmetricEigen(sym, b);
      const order = Array.from({ length: b }, (_, i) => i).sort(
        (i, j) => e.values[j] - e.values[i],
      );
      const rot = new Matrix(
        b,
        b,
        Float32Array.from(
          { length: b * b },
          (_, t) => e.vectors[order[Math.floor(t / b)] * b + (t % b)],
        ),
      );
      const rotated = Matrix.zeros(b, D);
      be.gemm(false, false, 1, rot, q, 0, rotated);
      q = rotated;
      values = Float64Array.from(order, (i) => e.values[i]);
      let move = 0;
      for (let i = 0; i < k; i++)
        move = Math.max(move, Math.abs(values[i] - prev[i]) / Math.max(Math.abs(values[i]), 1e-30));
      prev = values;
      if (move <= this.options.tol) break;
    }
    this.v = q.sliceRows(0, k).clone();
    this.m = mean;
    this.explainedVariance = Float32Array.from(values.subarray(0, k));
  }

  /** Coordinates along the components, (x − mean) Vᵀ: samples × components. */
  transform(x: Matrix): Matrix {
    const v = this.components;
    checkSamples('PCA.transform', this.backend, x, v.cols);
    const out = Matrix.zeros(x.rows, v.rows);
    this.backend.gemm(false, true, 1, x, v, 0, out);
    this.backend.addRowVector(out, this.offset());
    return out;
  }

  /** −V·mean: the bias that makes x Vᵀ + bias the centred projection. */
  offset(): Float32Array {
    const v = this.components;
    const vm = Matrix.zeros(1, v.rows);
    this.backend.gemm(false, true, -1, new Matrix(1, v.cols, this.mean), v, 0, vm);
    return vm.data;
  }

  /** The same as fit: PCA has no incremental form here, so it learns from x alone, afresh. */
  partialFit(x: Matrix): this {
    return this.fit(x);
  }

  stateSlots(): TensorSlots {
    return {
      components: tensor.matrix({
        rows: this.options.components,
        get: () => this.components,
        set: (v) => (this.v = v),
      }),
      mean: tensor.vector({
        length: sizeOf('components', 1),
        get: () => this.mean,
        set: (m) => (this.m = m),
      }),
      explained_variance: tensor.vector({
        length: sizeOf('components', 0),
        get: () => this.explainedVariance,
        set: (v) => (this.explainedVariance = v),
      }),
    };
  }
}

registerModel(PCA);
