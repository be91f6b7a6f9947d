import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';

/** Class indices, one per sample (a Dataset's `y` is a Uint8Array). */
export type Labels = ArrayLike<number>;

/**
 * Checks a feature matrix: a Matrix of finite values with `cols` columns when given.
 * `where` names the caller (e.g. 'SoftmaxClassifier.fit').
 */
export function checkFeatures(
  where: string,
  backend: Backend,
  x: unknown,
  cols?: number,
  name = 'features',
): asserts x is Matrix {
  if (!(x instanceof Matrix)) {
    throw new ValueError(
      `${where}: ${name} must be a Matrix (samples × features), got ${x === null ? 'null' : typeof x}`,
    );
  }
  if (x.rows === 0) throw new ShapeError(`${where}: ${name} has no rows; pass at least one sample`);
  if (cols !== undefined && x.cols !== cols) {
    throw new ShapeError(
      `${where}: ${name} is ${x.rows}×${x.cols} but the model was fitted on ${cols} features per sample; pass ${x.rows}×${cols}`,
    );
  }
  const bad = backend.countNonFinite(x.data);
  if (bad > 0) {
    throw new ValueError(
      `${where}: ${name} (${x.rows}×${x.cols}) contains ${bad} NaN or ±Inf value${bad > 1 ? 's' : ''}; clean the input (or lower the learning rate upstream if training diverged)`,
    );
  }
}

/**
 * Checks labels: n integers in [0, classes). With classes undefined, the number of classes is
 * inferred as max + 1 and returned.
 */
export function checkLabels(where: string, y: unknown, n: number, classes?: number): number {
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<number>).length !== 'number') {
    throw new ValueError(`${where}: labels must be an array of class indices (e.g. a Uint8Array)`);
  }
  const labels = y as ArrayLike<number>;
  if (labels.length !== n) {
    throw new ShapeError(
      `${where}: ${n} samples but ${labels.length} labels; give exactly one label per row`,
    );
  }
  let max = -1;
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || (classes !== undefined && c >= classes)) {
      const range =
        classes === undefined ? 'a non-negative integer' : `an integer in 0..${classes - 1}`;
      throw new ValueError(`${where}: label ${i} is ${c} but must be ${range}`);
    }
    if (c > max) max = c;
  }
  return classes ?? max + 1;
}

/** Checks a positive integer option. */
export function positiveInt(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ValueError(`${where}: ${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/** Checks a finite non-negative number option. */
export function nonNegative(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ValueError(`${where}: ${name} must be a finite number ≥ 0, got ${String(v)}`);
  }
  return v;
}

/** out (B×C) ← one-hot rows of labels[idx[i]] (or labels[start + i] when idx is null). */
export function oneHotInto(
  labels: Labels,
  idx: ArrayLike<number> | null,
  start: number,
  out: Matrix,
): void {
  out.data.fill(0);
  const c = out.cols;
  for (let i = 0; i < out.rows; i++) {
    out.data[i * c + labels[idx ? idx[i] : start + i]] = 1;
  }
}

/** Fraction of predictions equal to the labels. */
export function accuracy(pred: ArrayLike<number>, labels: Labels): number {
  let hit = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) hit++;
  return pred.length === 0 ? 0 : hit / pred.length;
}

/**
 * Mean cross-entropy −(1/B)Σ log p[i, y_i] of probability rows (float64 sum; p clamped at
 * 1e-30 so a confident mistake gives a large finite loss, not Infinity).
 */
export function meanCrossEntropy(
  p: Matrix,
  labels: Labels,
  idx: ArrayLike<number> | null,
  start: number,
): number {
  let s = 0;
  for (let i = 0; i < p.rows; i++) {
    const y = labels[idx ? idx[i] : start + i];
    s -= Math.log(Math.max(p.data[i * p.cols + y], 1e-30));
  }
  return s / p.rows;
}

/** Step schedule: lr0 · 2^(−⌊epoch / every⌋) (epoch counted from 0); every = 0 keeps lr0. */
export function halvingLr(lr0: number, epoch: number, every: number): number {
  return every > 0 ? lr0 * Math.pow(0.5, Math.floor(epoch / every)) : lr0;
}
