import type { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { count } from '../model/wording.ts';

/** Class indices, one per sample (a Dataset's `y` is a Uint8Array). */
export type Labels = ArrayLike<number>;

/** What a classifier records after each epoch of fit (its `history`). */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean training cross-entropy over the epoch's mini-batches (before each step). */
  loss: number;
  /** Training accuracy over the epoch's mini-batches (before each step). */
  accuracy: number;
  /** The learning rate the epoch used. */
  lr: number;
  /** Wall-clock time of the epoch, in seconds. */
  seconds: number;
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
      `${where}: ${count(n, 'sample')} but ${count(labels.length, 'label')}; give exactly one label per row`,
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

/**
 * A softmax output layer's error from its probabilities p (B×C): the mean cross-entropy and
 * the hits of the predictions, then p ← G = (P − T)/B in place (t and pred are scratch: B×C
 * and at least B). Labels are labels[idx[i]], or labels[i] when idx is null.
 */
export function softmaxOutputError(
  be: Backend,
  p: Matrix,
  labels: Labels,
  idx: ArrayLike<number> | null,
  t: Matrix,
  pred: Int32Array,
): { loss: number; hits: number } {
  const B = p.rows;
  const loss = meanCrossEntropy(p, labels, idx, 0);
  const pb = pred.subarray(0, B);
  be.argmaxRows(p, pb);
  let hits = 0;
  for (let i = 0; i < B; i++) if (pb[i] === labels[idx ? idx[i] : i]) hits++;
  oneHotInto(labels, idx, 0, t);
  be.binary('sub', p, t, p);
  be.scale(1 / B, p);
  return { loss, hits };
}
