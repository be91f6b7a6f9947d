// Corruptions and attacks on a Pipeline, batched on the backend and seeded.
//
// Conventions (docs/robustness.md): inputs live in [lo, hi] (pixels in [0, 1]); Gaussian noise
// is added and the result clipped to that range; PGD maximises the cross-entropy of the true
// label inside the ε-ball (L∞ or L2) around the clean input, intersected with [lo, hi], from a
// uniform random start in the ball, with step α (default the ratio foolbox uses: 0.01/0.3 · ε
// for L∞, 0.025/0.3 · ε for L2, i.e. ε spread over 30 or 12 steps). A sample is robust only
// if it is classified correctly when clean and no restart ever fools it; a fooled sample stops
// being attacked (it can only stay fooled), and restarts run only on the samples still standing.
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { Pipeline } from './pipeline.ts';
import { count } from '../model/wording.ts';

/** The interval every input value must stay in, e.g. pixels in [0, 1]. */
export interface Range {
  /** The lowest value. */
  lo: number;
  /** The highest value. */
  hi: number;
}
const UNIT: Range = { lo: 0, hi: 1 };

function checkData(where: string, net: Pipeline, x: Matrix, y: ArrayLike<number>): void {
  if (x.cols !== net.inputs) {
    throw new ShapeError(
      `${where}: inputs have ${x.cols} columns, the network takes ${net.inputs}`,
    );
  }
  if (y.length !== x.rows)
    throw new ShapeError(`${where}: ${count(y.length, 'label')} for ${count(x.rows, 'sample')}`);
  if (net.backend.countNonFinite(x.data) > 0) {
    throw new ValueError(`${where}: the inputs hold NaN or Infinity`);
  }
}

/** Fraction of rows of x the network classifies as y. */
export function accuracy(net: Pipeline, x: Matrix, y: ArrayLike<number>, chunk = 1000): number {
  let right = 0;
  for (let i = 0; i < x.rows; i += chunk) {
    const p = net.predict(x.sliceRows(i, Math.min(x.rows, i + chunk)));
    p.forEach((k, j) => (right += k === y[i + j] ? 1 : 0));
  }
  return right / Math.max(x.rows, 1);
}

/** x + N(0, σ²) per entry, clipped to the range. */
export function gaussianNoise(x: Matrix, sigma: number, rng: Rng, range: Range = UNIT): Matrix {
  if (!(sigma >= 0)) throw new ValueError(`gaussianNoise: σ must be ≥ 0, got ${sigma}`);
  const out = new Matrix(x.rows, x.cols, rng.normal(x.rows * x.cols, 0, sigma));
  const be = rng.backend;
  be.binary('add', out, x, out);
  be.unary('clip', out, out, range.lo, range.hi);
  return out;
}

/** Options of a PGD attack (Madry et al. 2018). */
export interface PgdOptions {
  /** The threat model: an L∞ or an L2 ball around each input. */
  norm: 'linf' | 'l2';
  /** The ball's radius ε, in input units. */
  eps: number;
  /** Gradient steps per restart. */
  steps: number;
  /** Random restarts; a sample is robust only if it survives all of them. */
  restarts: number;
  /** Step α; default (0.01/0.3)·ε for L∞, (0.025/0.3)·ε for L2. */
  stepSize?: number;
  /** Start from a uniform random point of the ball (default true). */
  randomStart?: boolean;
  /** Seed of the random starts. */
  seed: number;
  /** The valid input range every iterate is clipped to (default [0, 1]). */
  range?: Range;
  /** Samples attacked together (default 1000: large GEMMs, and fewer, larger shrinking batches). */
  batchSize?: number;
  /** Called after every step with the samples still standing in the current batch. */
  onStep?: (standing: number) => void;
}

/** What a PGD attack found, per sample. */
export interface PgdResult {
  /** 1 = classified correctly under every restart at every step. */
  robust: Uint8Array;
  /** The first input found that fools the network (the clean input when clean is wrong; the
   *  last iterate when none did). */
  adversarial: Matrix;
  /** Gradient evaluations spent (sample·steps), for speed figures. */
  sampleSteps: number;
  /**
   * When each sample was first fooled: restart·(steps + 1) + step (step 0 = the start point);
   * −1 when clean-wrong, −2 when never fooled. With one restart, the accuracy after k steps is
   * the fraction with fooledAt > k or −2 (Fig. 5's convergence check from a single run).
   */
  fooledAt: Int32Array;
}

/** PGD's default step α: (0.01/0.3)·ε for L∞, (0.025/0.3)·ε for L2 (Madry et al.'s ratios). */
export function defaultStepSize(norm: 'linf' | 'l2', eps: number): number {
  return (norm === 'linf' ? 0.01 / 0.3 : 0.025 / 0.3) * eps;
}

/** L2 projection of each row of a − x0 onto the ε-ball, then clipping to the range, in place. */
function projectL2(
  a: Matrix,
  x0: Matrix,
  eps: number,
  range: Range,
  be: Pipeline['backend'],
): void {
  const d = new Matrix(a.rows, a.cols);
  be.binary('sub', a, x0, d);
  const n = new Float32Array(a.rows);
  be.rowNorms(d, n);
  be.scaleRows(
    d,
    n.map((v) => (v > eps ? eps / v : 1)),
  );
  be.binary('add', x0, d, a);
  be.unary('clip', a, a, range.lo, range.hi);
}

/**
 * Rows idx (increasing) of m moved to the front, in place (idx[k] ≥ k, so nothing is read after
 * it is overwritten): a view of the first idx.length rows. Cheaper than gathering into fresh
 * (zero-filled) matrices on every step where a sample drops out.
 */
function keepRows(m: Matrix, idx: readonly number[]): Matrix {
  const c = m.cols;
  for (let k = 0; k < idx.length; k++) {
    if (idx[k] !== k) m.data.copyWithin(k * c, idx[k] * c, (idx[k] + 1) * c);
  }
  return new Matrix(idx.length, c, m.data.subarray(0, idx.length * c));
}

/** A uniform point of the ball around each row (L∞: per entry; L2: direction × radius). */
function randomStart(x0: Matrix, o: PgdOptions, rng: Rng): Matrix {
  const be = rng.backend;
  const B = x0.rows;
  const D = x0.cols;
  let d: Matrix;
  if (o.norm === 'linf') {
    d = new Matrix(B, D, rng.uniform(B * D));
    be.unary('affine', d, d, 2 * o.eps, -o.eps);
  } else {
    d = new Matrix(B, D, rng.normal(B * D));
    const n = new Float32Array(B);
    be.rowNorms(d, n);
    const radius = rng.uniform(B);
    // Uniform in the ball: radius ε·U^(1/D).
    be.scaleRows(
      d,
      n.map((v, i) => (o.eps * radius[i] ** (1 / D)) / Math.max(v, 1e-12)),
    );
  }
  be.binary('add', d, x0, d);
  return d;
}

/**
 * Projected gradient descent on the cross-entropy (ascent), with random restarts and early
 * stopping per sample. See the conventions at the top of this file.
 */
export function pgd(net: Pipeline, x: Matrix, y: ArrayLike<number>, o: PgdOptions): PgdResult {
  const where = 'pgd';
  checkData(where, net, x, y);
  if (o.norm !== 'linf' && o.norm !== 'l2') {
    throw new ValueError(`${where}: norm must be 'linf' or 'l2', got '${String(o.norm)}'`);
  }
  if (!(o.eps >= 0) || !Number.isFinite(o.eps))
    throw new ValueError(`${where}: ε must be a finite number ≥ 0, got ${o.eps}`);
  for (const [k, v] of [
    ['steps', o.steps],
    ['restarts', o.restarts],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError(`${where}: ${k} must be an integer ≥ 1, got ${v}`);
  }
  const range = o.range ?? UNIT;
  const alpha = o.stepSize ?? defaultStepSize(o.norm, o.eps);
  if (!(alpha > 0) && o.eps > 0)
    throw new ValueError(`${where}: the step size must be > 0, got ${alpha}`);
  const be = net.backend;
  const rng = new Rng(o.seed, be);
  const B = o.batchSize ?? 1000;
  const robust = new Uint8Array(x.rows);
  const adversarial = x.clone();
  let sampleSteps = 0;
  const fooledAt = new Int32Array(x.rows).fill(-2);
  for (let start = 0; start < x.rows; start += B) {
    const end = Math.min(x.rows, start + B);
    // Standing: rows (global indices) still classified correctly.
    let rows: number[] = [];
    const clean = net.predict(x.sliceRows(start, end));
    clean.forEach((k, j) => {
      if (k === y[start + j]) rows.push(start + j);
      else fooledAt[start + j] = -1;
    });
    for (let r = 0; r < o.restarts && rows.length > 0 && o.eps > 0; r++) {
      // One restart over the standing rows; `live` are the rows not yet fooled in it.
      let live = rows;
      let x0 = x.gatherRows(live);
      let labels = live.map((i) => y[i]);
      // L∞: the feasible box [max(x0 − ε, lo), min(x0 + ε, hi)], built once per restart, so a
      // projection is two passes (the same form as torch.min(torch.max(·)) followed by clamp).
      let box = o.norm === 'linf' ? linfBox(x0) : null;
      let a = o.randomStart === false ? x0.clone() : randomStart(x0, o, rng);
      if (o.randomStart !== false) projectTo(a, x0, box);
      for (let s = 0; live.length > 0; s++) {
        // Check the current iterate (the random start at s = 0), then step. The last iterate
        // needs only its class: a forward pass, no gradient.
        const last = s === o.steps;
        let grad: Matrix | null = null;
        let pred: Int32Array;
        if (last) pred = net.predict(a);
        else {
          const lg = net.lossGradient(a, labels, { copy: false });
          grad = lg.grad;
          pred = new Int32Array(a.rows);
          be.argmaxRows(lg.logits, pred);
        }
        const idx: number[] = [];
        live.forEach((i, j) => {
          if (pred[j] === labels[j]) idx.push(j);
          else {
            adversarial.data.set(a.row(j), i * x.cols);
            fooledAt[i] = r * (o.steps + 1) + s;
          }
        });
        const dropped = idx.length < live.length;
        if (dropped) {
          live = idx.map((j) => live[j]);
          labels = idx.map((j) => labels[j]);
        }
        if (last || live.length === 0) break;
        let g = grad!;
        if (dropped) {
          // In place: a, x0 and the box are this restart's own, g the pipeline's scratch (the
          // step overwrites it anyway); L∞ steps need only the box, not x0.
          a = keepRows(a, idx);
          g = keepRows(g, idx);
          if (box) box = { lo: keepRows(box.lo, idx), hi: keepRows(box.hi, idx) };
          else x0 = keepRows(x0, idx);
        }
        sampleSteps += live.length;
        step(a, g, x0, box);
        o.onStep?.(live.length);
      }
      rows = live;
    }
    // Rows still standing after every restart keep their clean input as "adversarial".
    for (const i of rows) robust[i] = 1;
  }
  return { robust, adversarial, sampleSteps, fooledAt };

  function linfBox(x0: Matrix): { lo: Matrix; hi: Matrix } {
    const lo = new Matrix(x0.rows, x0.cols);
    const hi = new Matrix(x0.rows, x0.cols);
    be.unary('affine', x0, lo, 1, -o.eps);
    be.unary('clip', lo, lo, range.lo, range.hi);
    be.unary('affine', x0, hi, 1, o.eps);
    be.unary('clip', hi, hi, range.lo, range.hi);
    return { lo, hi };
  }

  function projectTo(a: Matrix, x0: Matrix, box: { lo: Matrix; hi: Matrix } | null): void {
    if (!box) {
      projectL2(a, x0, o.eps, range, be);
      return;
    }
    be.binary('max', a, box.lo, a);
    be.binary('min', a, box.hi, a);
  }

  /** One ascent step and projection; g (the pipeline's scratch gradient) may be overwritten. */
  function step(a: Matrix, g: Matrix, x0: Matrix, box: { lo: Matrix; hi: Matrix } | null): void {
    if (box) {
      // a + α·sign(g), then max(·, lo) and min(·, hi), in one pass
      be.signStepClip(g, alpha, box.lo, box.hi, a);
      return;
    }
    const n = new Float32Array(g.rows);
    be.rowNorms(g, n);
    be.scaleRows(
      g,
      n.map((v) => alpha / Math.max(v, 1e-12)),
    );
    be.binary('add', a, g, a);
    projectL2(a, x0, o.eps, range, be);
  }
}
