import { getBackend } from '../backend/index.ts';
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend, SvcDualProblem } from '../backend/types.ts';
import { HebbError, ShapeError, ValueError } from '../errors.ts';

export interface LinearSVCOptions {
  /** Inverse regularisation strength (default 1, scikit-learn's). */
  C?: number;
  /** Stop when the projected gradient's spread max PG − min PG ≤ tol (default 1e-4). */
  tol?: number;
  /** Outer iterations (passes over the samples) per binary problem (default 1000). */
  maxIter?: number;
  /**
   * 'balanced': class k's C is multiplied by n / (classes present · n_k), as scikit-learn's
   * class_weight='balanced'. Like liblinear, the weight applies to the positive side of each
   * one-vs-rest problem (the rest keep C); for two classes each side gets its own weight.
   */
  classWeight?: 'balanced' | null;
  /** Learn an intercept (default true): a constant feature of value interceptScaling is appended. */
  fitIntercept?: boolean;
  /** Value of that constant feature (default 1). Its weight is regularised like the others. */
  interceptScaling?: number;
  /** Seeds the visiting order of the coordinate descent (default 0). */
  seed?: number;
  /** Number of classes; default max label + 1 at fit. */
  classes?: number;
  /** Emit a process warning when a problem stops at maxIter (default true). */
  warn?: boolean;
  backend?: Backend;
}

/** Class labels, one per sample: integers in [0, classes). */
export type SvcLabels = Uint8Array | Int32Array;

const W = 'LinearSVC';

/**
 * Linear support vector classifier equal to scikit-learn's LinearSVC with its defaults:
 * L2 penalty, squared hinge loss, C = 1, one-vs-rest, intercept as a regularised constant
 * feature, solved in the dual by liblinear's coordinate descent (Hsieh et al. 2008: a random
 * order each pass, shrinking, projected-gradient stopping rule). The one-vs-rest problems run
 * together (Backend.svcDualEpoch): each pass draws one random order of the samples and every
 * problem visits its own active samples in it — for each problem a random permutation of its
 * active set, as in liblinear — so X is streamed once per pass for all classes. The dual
 * optimum is unique, so results match scikit-learn's up to the stopping tolerance; the
 * random order, and so the pass count, differs.
 *
 * With two classes, one problem is solved (class 1 positive) as in scikit-learn; `coef` and
 * `decisionFunction` still have one row / column per class: row 1 is scikit-learn's coef_[0]
 * and column 1 its decision_function, row 0 and column 0 are their negatives.
 */
export class LinearSVC {
  readonly C: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly classWeight: 'balanced' | null;
  readonly fitIntercept: boolean;
  readonly interceptScaling: number;
  readonly seed: number;
  readonly warn: boolean;
  readonly backend: Backend;
  private readonly classesOpt: number | undefined;

  /** Fitted weights, classes × features (null before fit). */
  coef: Matrix | null = null;
  /** Fitted intercepts, one per class. */
  intercept: Float32Array | null = null;
  /** Passes over the data each class's problem took (two classes share one problem). */
  nIter: Int32Array | null = null;
  /** True when some problem stopped at maxIter before meeting tol (scikit-learn's ConvergenceWarning). */
  convergenceWarning = false;

  constructor(opts: LinearSVCOptions = {}) {
    this.C = positive('C', opts.C ?? 1);
    this.tol = positive('tol', opts.tol ?? 1e-4);
    this.maxIter = positiveInt('maxIter', opts.maxIter ?? 1000);
    const cw = opts.classWeight ?? null;
    if (cw !== null && cw !== 'balanced') {
      throw new ValueError(`${W}: classWeight must be 'balanced' or null, got ${String(cw)}`);
    }
    this.classWeight = cw;
    this.fitIntercept = opts.fitIntercept ?? true;
    if (typeof this.fitIntercept !== 'boolean') {
      throw new ValueError(
        `${W}: fitIntercept must be true or false, got ${String(opts.fitIntercept)}`,
      );
    }
    this.interceptScaling = positive('interceptScaling', opts.interceptScaling ?? 1);
    const seed = opts.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ValueError(`${W}: seed must be a non-negative integer, got ${String(seed)}`);
    }
    this.seed = seed;
    if (opts.classes !== undefined && (positiveInt('classes', opts.classes) as number) < 2) {
      throw new ValueError(`${W}: classes must be at least 2, got ${opts.classes}`);
    }
    this.classesOpt = opts.classes;
    this.warn = opts.warn ?? true;
    this.backend = opts.backend ?? getBackend();
  }

  /** Number of classes (after fit). */
  get classes(): number {
    return this.fitted('classes').rows;
  }

  /** Trains on x (samples × features) and labels y. Returns this. */
  fit(x: Matrix, y: SvcLabels): this {
    const where = `${W}.fit`;
    checkX(where, this.backend, x);
    const counts = checkY(where, y, x.rows, this.classesOpt);
    const k = counts.length;
    const present = counts.filter((c) => c > 0).length;
    if (present < 2) {
      throw new ValueError(
        `${where}: all ${x.rows} samples have the same label (${y[0]}); a classifier needs at least two classes`,
      );
    }
    const cOf = (c: number): number =>
      this.classWeight === 'balanced' && counts[c] > 0
        ? (this.C * x.rows) / (present * counts[c])
        : this.C;
    const n = x.rows;
    const d = x.cols;
    const binary = k === 2;
    const problems: SvcDualProblem[] = [];
    for (let c = binary ? 1 : 0; c < k; c++) {
      const yy = new Int8Array(n);
      for (let i = 0; i < n; i++) yy[i] = y[i] === c ? 1 : -1;
      problems.push({
        y: yy,
        alpha: new Float64Array(n),
        w: new Float64Array(d + 1),
        active: new Uint8Array(n).fill(1),
        diagPos: 0.5 / cOf(c),
        diagNeg: 0.5 / (binary ? cOf(0) : this.C),
        state: Float64Array.of(n, Infinity, -Infinity),
      });
    }
    const iters = solveSvcDual(
      this.backend,
      x,
      this.fitIntercept ? this.interceptScaling : 0,
      problems,
      {
        tol: this.tol,
        maxIter: this.maxIter,
        rng: new Rng(this.seed, this.backend),
      },
    );
    this.store(problems, iters, k, d, binary);
    return this;
  }

  private store(
    problems: SvcDualProblem[],
    iters: number[],
    k: number,
    d: number,
    binary: boolean,
  ) {
    const coef = Matrix.zeros(k, d);
    const intercept = new Float32Array(k);
    const scale = this.fitIntercept ? this.interceptScaling : 0;
    const put = (row: number, w: Float64Array, sign: number) => {
      for (let j = 0; j < d; j++) coef.data[row * d + j] = sign * w[j];
      intercept[row] = sign * scale * w[d];
    };
    if (binary) {
      put(1, problems[0].w, 1);
      put(0, problems[0].w, -1);
    } else {
      problems.forEach((p, c) => put(c, p.w, 1));
    }
    this.coef = coef;
    this.intercept = intercept;
    this.nIter = Int32Array.from(binary ? [iters[0], iters[0]] : iters);
    this.convergenceWarning = iters.some((t) => t >= this.maxIter);
    if (this.convergenceWarning && this.warn && typeof process !== 'undefined') {
      process.emitWarning(
        `${W}: the coordinate descent stopped at maxIter = ${this.maxIter} before reaching tol = ${this.tol}; ` +
          'raise maxIter, or scale the features (e.g. to unit variance)',
        'ConvergenceWarning',
      );
    }
  }

  /** Scores x·coefᵀ + intercept: samples × classes (see the class note for two classes). */
  decisionFunction(x: Matrix): Matrix {
    const coef = this.fitted('decisionFunction');
    checkX(`${W}.decisionFunction`, this.backend, x, coef.cols);
    const out = Matrix.zeros(x.rows, coef.rows);
    this.backend.gemm(false, true, 1, x, coef, 0, out);
    this.backend.addRowVector(out, this.intercept as Float32Array);
    return out;
  }

  /** The class with the largest score for each row of x (two classes: 1 when its score > 0). */
  predict(x: Matrix): Int32Array {
    const f = this.decisionFunction(x);
    const pred = new Int32Array(x.rows);
    if (f.cols === 2) {
      for (let i = 0; i < x.rows; i++) pred[i] = f.data[2 * i + 1] > 0 ? 1 : 0;
    } else {
      this.backend.argmaxRows(f, pred);
    }
    return pred;
  }

  /** Accuracy of predict(x) against y. */
  score(x: Matrix, y: SvcLabels): number {
    const coef = this.fitted('score');
    checkX(`${W}.score`, this.backend, x, coef.cols);
    checkY(`${W}.score`, y, x.rows, coef.rows);
    const pred = this.predict(x);
    let hit = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) hit++;
    return hit / pred.length;
  }

  private fitted(what: string): Matrix {
    if (!this.coef) throw new HebbError(`${W}.${what}: not fitted yet; call fit(x, y) first`);
    return this.coef;
  }
}

/**
 * liblinear's outer loop around Backend.svcDualEpoch for several problems at once: draw a
 * random order of the samples still active in some problem, run one pass, then apply the
 * stopping rule to each problem (PGmax − PGmin ≤ tol on the full set; when met on a shrunk
 * set, un-shrink and go on). Returns the passes each problem took.
 */
export function solveSvcDual(
  backend: Backend,
  x: Matrix,
  bias: number,
  problems: SvcDualProblem[],
  o: { tol: number; maxIter: number; rng: Rng },
): number[] {
  const n = x.rows;
  const norms = new Float32Array(n);
  backend.rowNorms(x, norms);
  const sqNorms = new Float64Array(n);
  for (let i = 0; i < n; i++) sqNorms[i] = norms[i] * norms[i];
  const iters = problems.map(() => 0);
  let running = problems;
  const order = new Int32Array(n);
  const anyActive = new Uint8Array(n);
  while (running.length > 0) {
    anyActive.fill(0);
    for (const p of running) for (let i = 0; i < n; i++) anyActive[i] |= p.active[i];
    const perm = o.rng.permutation(n);
    let m = 0;
    for (let s = 0; s < n; s++) if (anyActive[perm[s]] !== 0) order[m++] = perm[s];
    backend.svcDualEpoch(x, sqNorms, bias, order.subarray(0, m), running);
    running = running.filter((p) => {
      const t = problems.indexOf(p);
      const s = p.state;
      iters[t]++;
      if (s[1] - s[2] <= o.tol) {
        if (s[0] === n) return false;
        p.active.fill(1); // converged on the shrunk set: check again on all samples
        s[0] = n;
        s[1] = Infinity;
        s[2] = -Infinity;
      } else {
        if (s[1] <= 0) s[1] = Infinity;
        if (s[2] >= 0) s[2] = -Infinity;
      }
      return iters[t] < o.maxIter;
    });
  }
  return iters;
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ValueError(`${W}: ${name} must be a finite number > 0, got ${String(v)}`);
  }
  return v;
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new ValueError(`${W}: ${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

function checkX(where: string, backend: Backend, x: unknown, cols?: number): asserts x is Matrix {
  if (!(x instanceof Matrix)) {
    throw new ValueError(
      `${where}: x must be a Matrix (samples × features), got ${x === null ? 'null' : typeof x}`,
    );
  }
  if (x.rows === 0 || x.cols === 0) {
    throw new ShapeError(
      `${where}: x is ${x.rows}×${x.cols}; pass at least one sample with at least one feature`,
    );
  }
  if (cols !== undefined && x.cols !== cols) {
    throw new ShapeError(
      `${where}: x has ${x.cols} features per sample but the model was fitted on ${cols}; pass ${x.rows}×${cols}`,
    );
  }
  const bad = backend.countNonFinite(x.data);
  if (bad > 0) {
    throw new ValueError(
      `${where}: x (${x.rows}×${x.cols}) contains ${bad} NaN or ±Inf value${bad > 1 ? 's' : ''}; clean or impute the features first`,
    );
  }
}

/** Checks labels and returns the sample count of each class 0..classes−1. */
function checkY(where: string, y: unknown, n: number, classes?: number): number[] {
  if (!(y instanceof Uint8Array || y instanceof Int32Array)) {
    throw new ValueError(
      `${where}: y must be a Uint8Array or Int32Array of class indices, got ${y === null ? 'null' : ((y as object)?.constructor?.name ?? typeof y)}`,
    );
  }
  if (y.length !== n) {
    throw new ShapeError(
      `${where}: x has ${n} rows but y has ${y.length} labels; give one label per row`,
    );
  }
  let max = 0;
  for (let i = 0; i < n; i++) {
    const c = y[i];
    if (c < 0 || (classes !== undefined && c >= classes)) {
      const range = classes === undefined ? '≥ 0' : `in 0..${classes - 1}`;
      throw new ValueError(
        `${where}: label y[${i}] = ${c} is out of range; labels must be ${range}`,
      );
    }
    if (c > max) max = c;
  }
  const counts = new Array<number>(classes ?? max + 1).fill(0);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  return counts;
}
