import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import type { Backend, SvcDualProblem } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { type FitEvent } from '../model/fit-loop.ts';
import { backendOption, registerModel, SupervisedModel } from '../model/model.ts';
import {
  boolean,
  custom,
  describe,
  integer,
  number,
  seed,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { sizeOf, tensor, type TensorSlots } from '../model/state.ts';
import { count } from '../model/wording.ts';

/** Options of LinearSVC. */
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
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  C: describe(
    number({ gt: 0, default: 1 }),
    "inverse regularisation strength C > 0 (scikit-learn's default 1)",
  ),
  tol: describe(
    number({ gt: 0, default: 1e-4 }),
    "stop when the projected gradient's spread max PG − min PG ≤ tol",
  ),
  maxIter: describe(
    integer({ min: 1, default: 1000 }),
    'outer iterations (passes over the samples) per binary problem',
  ),
  classWeight: describe(
    custom<'balanced' | null>(
      "'balanced' or null",
      (v, name) => {
        if (v !== null && v !== 'balanced')
          throw new ValueError(`${name} must be 'balanced' or null, got ${String(v)}`);
        return v;
      },
      null,
    ),
    "'balanced': class k's C × n / (classes present · n_k), as scikit-learn's class_weight; null: every class C",
  ),
  fitIntercept: describe(
    boolean({ default: true }),
    'learn an intercept (a constant feature of value interceptScaling is appended)',
  ),
  interceptScaling: describe(
    number({ gt: 0, default: 1 }),
    'value of that constant feature (its weight is regularised like the others)',
  ),
  seed: describe(seed(), "seed of the coordinate descent's visiting order"),
  classes: describe(integer({ min: 2 }), 'number of classes; default max label + 1 at fit'),
  warn: describe(
    boolean({ default: true }),
    'emit a process warning when a problem stops at maxIter',
  ),
  backend: backendOption(),
} satisfies Record<keyof LinearSVCOptions, unknown>;

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
export class LinearSVC extends SupervisedModel<Resolved<typeof SPEC>, SvcLabels> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'LinearSVC';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;

  /** Fitted weights, classes × features (null before fit). */
  coef: Matrix | null = null;
  /** Fitted intercepts, one per class. */
  intercept: Float32Array | null = null;
  /** Passes over the data each class's problem took (two classes share one problem). */
  nIter: Int32Array | null = null;
  /** True when some problem stopped at maxIter before meeting tol (scikit-learn's ConvergenceWarning). */
  convergenceWarning = false;

  constructor(options: LinearSVCOptions = {}) {
    super(validateOptions(W, SPEC, options));
  }

  get isFitted(): boolean {
    return this.coef !== null;
  }

  /** Number of classes (after fit). */
  get classes(): number {
    return this.fitted('classes').rows;
  }

  /** Solves the one-vs-rest problems on x (samples × features) and labels y. */
  protected *training(x: Matrix, y: SvcLabels): Generator<FitEvent> {
    const where = `${W}.fit`;
    const o = this.options;
    checkX(where, this.backend, x);
    const counts = checkY(where, y, x.rows, o.classes);
    const k = counts.length;
    const present = counts.filter((c) => c > 0).length;
    if (present < 2) {
      throw new ValueError(
        `${where}: all ${count(x.rows, 'sample')} have the same label (${y[0]}); a classifier needs at least two classes`,
      );
    }
    const cOf = (c: number): number =>
      o.classWeight === 'balanced' && counts[c] > 0 ? (o.C * x.rows) / (present * counts[c]) : o.C;
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
        diagNeg: 0.5 / (binary ? cOf(0) : o.C),
        state: Float64Array.of(n, Infinity, -Infinity),
      });
    }
    const iters = problems.map(() => 0);
    const passes = svcDualPasses(
      this.backend,
      x,
      o.fitIntercept ? o.interceptScaling : 0,
      problems,
      iters,
      {
        tol: o.tol,
        maxIter: o.maxIter,
        rng: new Rng(o.seed, this.backend),
      },
    );
    // Progress in passes: the total is the worst case (maxIter); it ends early on convergence.
    let pass = 0;
    for (const _ of passes) {
      pass++;
      yield { done: pass * n, total: o.maxIter * n, epoch: pass, epochs: o.maxIter };
    }
    this.store(problems, iters, k, d, binary);
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
    const o = this.options;
    const scale = o.fitIntercept ? o.interceptScaling : 0;
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
    this.convergenceWarning = iters.some((t) => t >= o.maxIter);
    if (this.convergenceWarning && o.warn) {
      const text =
        `${W}: the coordinate descent stopped at maxIter = ${o.maxIter} before reaching tol = ${o.tol}; ` +
        'raise maxIter, or scale the features (e.g. to unit variance)';
      const proc = (globalThis as { process?: { emitWarning(m: string, t: string): void } })
        .process;
      if (proc?.emitWarning) proc.emitWarning(text, 'ConvergenceWarning');
      else console.warn(text);
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
    if (!this.coef) throw this.notFitted(what);
    return this.coef;
  }

  /** coef (F32 classes × features), intercept (F32) and n_iter (I32). */
  stateSlots(): TensorSlots {
    return {
      coef: tensor.matrix({
        rows: this.options.classes,
        get: () => this.fitted('getState'),
        set: (c) => (this.coef = c),
      }),
      intercept: tensor.vector({
        length: sizeOf('coef', 0),
        get: () => this.intercept!,
        set: (b) => (this.intercept = b),
      }),
      n_iter: tensor.int32({
        length: sizeOf('coef', 0),
        get: () => this.nIter!,
        set: (n) => (this.nIter = n),
      }),
    };
  }

  protected override afterSetState(): void {
    this.convergenceWarning = this.nIter!.some((t) => t >= this.options.maxIter);
  }
}

registerModel(LinearSVC);

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
  const iters = problems.map(() => 0);
  for (const _ of svcDualPasses(backend, x, bias, problems, iters, o));
  return iters;
}

/** solveSvcDual one pass at a time (iters counts each problem's passes as they run). */
function* svcDualPasses(
  backend: Backend,
  x: Matrix,
  bias: number,
  problems: SvcDualProblem[],
  iters: number[],
  o: { tol: number; maxIter: number; rng: Rng },
): Generator<void> {
  const n = x.rows;
  const norms = new Float32Array(n);
  backend.rowNorms(x, norms);
  const sqNorms = new Float64Array(n);
  for (let i = 0; i < n; i++) sqNorms[i] = norms[i] * norms[i];
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
    yield;
  }
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
      `${where}: x has ${count(n, 'row')} but y has ${count(y.length, 'label')}; give one label per row`,
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
