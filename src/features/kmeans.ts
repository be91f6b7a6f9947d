// k-means (k-means++ seeding, Lloyd's iterations) as a model of the shared contract: the
// centroids are a fixed feature layer for comparisons with Hebbian layers (SoftHebb paper,
// Appendix E.2).
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';
import { ValueError } from '../errors.ts';
import { runFit, type FitEvent, type FitOptions } from '../model/fit-loop.ts';
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
import { tensor, type TensorSlots } from '../model/state.ts';
import { count } from '../model/wording.ts';

/** Options of KMeans. */
export interface KMeansOptions {
  /** Number of centroids (default 100). */
  clusters?: number;
  /** Lloyd iterations at most (default 100). */
  maxIter?: number;
  /** Stop when the inertia falls by less than this fraction in an iteration (default 1e-6). */
  tol?: number;
  /** Seed of the k-means++ seeding (default 0). */
  seed?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  clusters: describe(integer({ min: 1, default: 100 }), 'number of centroids'),
  maxIter: describe(integer({ min: 1, default: 100 }), 'iterations of the Lloyd algorithm at most'),
  tol: describe(
    number({ min: 0, default: 1e-6 }),
    'stop when the inertia falls by less than this fraction in an iteration',
  ),
  seed: describe(seed(), 'seed of the initial centroids'),
  backend: backendOption(),
} satisfies Record<keyof KMeansOptions, unknown>;

const CHUNK = 4096;

/**
 * k-means with k-means++ seeding and Lloyd's iterations. transform gives each sample's dot
 * products with the centroids, predict the nearest one. A fixed feature layer for comparisons
 * with Hebbian ones.
 */
export class KMeans extends UnsupervisedModel<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'KMeans';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  private c: Matrix | null = null;
  /** Sum of squared distances to the nearest centroid after the last iteration. */
  inertia = NaN;
  /** Lloyd iterations run by the last fit. */
  iterations = 0;

  constructor(options: KMeansOptions = {}) {
    super(validateOptions('KMeans', SPEC, options));
  }

  get isFitted(): boolean {
    return this.c !== null;
  }

  /** clusters × features (a live reference). */
  get centroids(): Matrix {
    if (!this.c) throw this.notFitted('centroids');
    return this.c;
  }

  protected *training(x: Matrix, _opts: FitOptions): Iterable<FitEvent> {
    const where = 'KMeans.fit';
    checkSamples(where, this.backend, x);
    const k = this.options.clusters;
    if (x.rows < k) {
      throw new ValueError(
        `${where}: ${count(x.rows, 'sample')} cannot make ${k} clusters; lower clusters`,
      );
    }
    this.c = this.seedCentroids(x);
    let prev = Infinity;
    const total = this.options.maxIter;
    for (let it = 1; it <= total; it++) {
      const { assign, inertia } = this.nearest(x);
      this.update(x, assign);
      this.inertia = inertia;
      this.iterations = it;
      // The first iteration always runs on (prev = ∞ would read as "no progress").
      const done = (it > 1 && prev - inertia <= this.options.tol * prev) || it === total;
      prev = inertia;
      yield { done: it, total, epoch: it, epochs: total, epochEnd: true };
      if (done) break;
    }
    this.inertia = this.nearest(x).inertia;
  }

  /** k-means++: the first centroid uniform, each next one drawn ∝ squared distance to the nearest. */
  private seedCentroids(x: Matrix): Matrix {
    const be = this.backend;
    const rng = new Rng(this.options.seed, be);
    const k = this.options.clusters;
    const c = Matrix.zeros(k, x.cols);
    const xx = new Float32Array(x.rows);
    be.rowNorms(x, xx);
    const d2 = new Float64Array(x.rows).fill(Infinity);
    let pick = Math.floor(rng.uniform(1)[0] * x.rows);
    const dots = Matrix.zeros(x.rows, 1);
    for (let j = 0; j < k; j++) {
      c.data.set(x.row(pick), j * x.cols);
      const cj = c.sliceRows(j, j + 1);
      be.gemm(false, true, 1, x, cj, 0, dots);
      const cc = be.dot(cj, cj);
      let sum = 0;
      for (let i = 0; i < x.rows; i++) {
        const d = Math.max(0, xx[i] * xx[i] - 2 * dots.data[i] + cc);
        if (d < d2[i]) d2[i] = d;
        sum += d2[i];
      }
      if (j + 1 === k) break;
      let r = rng.uniform(1)[0] * sum;
      pick = x.rows - 1;
      for (let i = 0; i < x.rows; i++) {
        r -= d2[i];
        if (r < 0) {
          pick = i;
          break;
        }
      }
    }
    return c;
  }

  /** Nearest centroid of every row (argmax of x·c − ‖c‖²/2) and the inertia. */
  private nearest(x: Matrix): { assign: Int32Array; inertia: number } {
    const be = this.backend;
    const c = this.c!;
    const half = new Float32Array(c.rows);
    be.rowNorms(c, half);
    half.forEach((v, j) => (half[j] = -0.5 * v * v));
    const assign = new Int32Array(x.rows);
    const xx = new Float32Array(x.rows);
    be.rowNorms(x, xx);
    let inertia = 0;
    const s = Matrix.zeros(Math.min(CHUNK, x.rows), c.rows);
    for (let i0 = 0; i0 < x.rows; i0 += CHUNK) {
      const xb = x.sliceRows(i0, Math.min(x.rows, i0 + CHUNK));
      const sb = s.sliceRows(0, xb.rows);
      be.gemm(false, true, 1, xb, c, 0, sb);
      be.addRowVector(sb, half);
      const a = assign.subarray(i0, i0 + xb.rows);
      be.argmaxRows(sb, a);
      for (let i = 0; i < xb.rows; i++) {
        // ‖x − c‖² = ‖x‖² − 2s with the score s = x·c − ‖c‖²/2.
        const sc = sb.data[i * c.rows + a[i]];
        inertia += Math.max(0, xx[i0 + i] ** 2 - 2 * sc);
      }
    }
    return { assign, inertia };
  }

  /** Each centroid the mean of its rows (Aᵀ X / counts); an empty cluster keeps its centroid. */
  private update(x: Matrix, assign: Int32Array): void {
    const be = this.backend;
    const k = this.c!.rows;
    const sums = Matrix.zeros(k, x.cols);
    const counts = new Float32Array(k);
    const a = Matrix.zeros(Math.min(CHUNK, x.rows), k);
    for (let i0 = 0; i0 < x.rows; i0 += CHUNK) {
      const xb = x.sliceRows(i0, Math.min(x.rows, i0 + CHUNK));
      const ab = a.sliceRows(0, xb.rows);
      ab.data.fill(0);
      for (let i = 0; i < xb.rows; i++) {
        ab.data[i * k + assign[i0 + i]] = 1;
        counts[assign[i0 + i]]++;
      }
      be.gemm(true, false, 1, ab, xb, 1, sums);
    }
    for (let j = 0; j < k; j++) {
      if (counts[j] > 0)
        this.c!.data.set(
          sums.row(j).map((v) => v / counts[j]),
          j * x.cols,
        );
    }
  }

  /** Index of the nearest centroid of each row. */
  predict(x: Matrix): Int32Array {
    checkSamples('KMeans.predict', this.backend, x, this.centroids.cols);
    return this.nearest(x).assign;
  }

  /** Dot products with the centroids, samples × clusters (the feature layer's u). */
  transform(x: Matrix): Matrix {
    checkSamples('KMeans.transform', this.backend, x, this.centroids.cols);
    const out = Matrix.zeros(x.rows, this.centroids.rows);
    this.backend.gemm(false, true, 1, x, this.centroids, 0, out);
    return out;
  }

  /** One more Lloyd iteration from the current centroids (seeding them on first use). */
  partialFit(x: Matrix): this {
    checkSamples('KMeans.partialFit', this.backend, x, this.c?.cols);
    if (!this.c) {
      runFit(this.training(x, {}));
      return this;
    }
    this.update(x, this.nearest(x).assign);
    this.inertia = this.nearest(x).inertia;
    return this;
  }

  stateSlots(): TensorSlots {
    return {
      centroids: tensor.matrix({
        rows: this.options.clusters,
        get: () => this.centroids,
        set: (c) => (this.c = c),
      }),
      iterations: tensor.count({ get: () => this.iterations, set: (n) => (this.iterations = n) }),
    };
  }
}

registerModel(KMeans);
