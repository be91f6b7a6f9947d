import type { Backend } from '../backend/types.ts';
import type { Matrix } from '../backend/matrix.ts';
import { ShapeError } from '../errors.ts';
import { count } from '../model/wording.ts';

/** The losses a network is trained on: mean squared error, softmax cross-entropy. */
export const LOSSES = ['mse', 'cross-entropy'] as const;
/** A loss of LOSSES. */
export type LossName = (typeof LOSSES)[number];

/**
 * Mean squared error over every entry, ℓ = (1/(B·D)) Σ_b Σ_d (ŷ_bd − y_bd)² (the convention of
 * torch.nn.MSELoss). Writes dOut = ∂ℓ/∂ŷ = 2(ŷ − y)/(B·D) (B × D) and returns ℓ.
 */
export function mseLoss(be: Backend, out: Matrix, target: Matrix, dOut: Matrix): number {
  if (out.rows !== target.rows || out.cols !== target.cols) {
    throw new ShapeError(
      `mseLoss: output is ${out.rows}×${out.cols} but target is ${target.rows}×${target.cols}`,
    );
  }
  const n = out.rows * out.cols;
  // dOut (B×D) = ŷ − y
  be.binary('sub', out, target, dOut);
  const loss = be.dot(dOut, dOut) / n;
  be.scale(2 / n, dOut);
  return loss;
}

/**
 * Softmax cross-entropy over logits (B × C) with integer labels, ℓ = −(1/B) Σ_b log p_b[y_b].
 * `probs` (B × C) receives softmax(logits); dOut = (p − onehot(y))/B. Returns ℓ.
 */
export function softmaxCrossEntropy(
  be: Backend,
  logits: Matrix,
  labels: ArrayLike<number>,
  probs: Matrix,
  dOut: Matrix,
): number {
  const B = logits.rows;
  const C = logits.cols;
  if (labels.length !== B) {
    throw new ShapeError(
      `softmaxCrossEntropy: ${B} logit rows but ${count(labels.length, 'label')}`,
    );
  }
  // probs (B×C) = softmax(logits) row-wise, max-subtracted
  be.softmaxRows(logits, 1, probs);
  be.unary('copy', probs, dOut);
  // bookkeeping over B entries: the label's log-probability and the one-hot subtraction
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const k = labels[b];
    if (!(k >= 0 && k < C)) {
      throw new ShapeError(`softmaxCrossEntropy: label ${k} at row ${b} is not below ${C}`);
    }
    loss -= Math.log(Math.max(probs.data[b * C + k], 1e-30));
    dOut.data[b * C + k] -= 1;
  }
  be.scale(1 / B, dOut);
  return loss / B;
}
