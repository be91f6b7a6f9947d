import { getBackend } from '../backend/index.ts';
import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError, ValueError } from '../errors.ts';
import {
  accuracy,
  checkFeatures,
  checkLabels,
  oneHotInto,
  type Labels,
} from './classifier-inputs.ts';

/**
 * How each unit gets its class:
 * - 'wins' (default, the paper's §3.1): the class whose training samples make the unit win
 *   the WTA competition (largest activation in the layer) most often, as a rate per class
 *   (wins / class size, so unequal class sizes do not bias it). Units that never win fall
 *   back to 'activation'.
 * - 'activation': the class with the highest mean activation of the unit.
 */
export type AssignBy = 'wins' | 'activation';

/**
 * How a sample's class is predicted from its activations:
 * - 'winner' (default, the paper): the class of the unit with the largest activation.
 * - 'sum': the class whose units' activations sum highest.
 * - 'mean': the class whose units' mean activation is highest (classes with no unit never win).
 */
export type VoteBy = 'winner' | 'sum' | 'mean';

export interface LabelAssignmentOptions {
  assignBy?: AssignBy;
  voteBy?: VoteBy;
  /** Number of classes; default max label + 1. */
  classes?: number;
  backend?: Backend;
}

const CHUNK = 4096;

/**
 * The 1-layer SoftHebb read-out (paper §3.1: "for each neuron, we found the label of the
 * training set that makes it win the WTA competition most often"). Input is the layer's
 * activations, samples × units: any output that is monotone in u_k + b_k per sample (the
 * softmax posterior, or u itself) gives the same winners. No weights are learned.
 */
export class LabelAssignment {
  readonly assignBy: AssignBy;
  readonly voteBy: VoteBy;
  readonly backend: Backend;
  private classesOpt: number | undefined;
  private labels: Int32Array | null = null;
  private nClasses = 0;

  constructor(opts: LabelAssignmentOptions = {}) {
    const assignBy = opts.assignBy ?? 'wins';
    const voteBy = opts.voteBy ?? 'winner';
    if (assignBy !== 'wins' && assignBy !== 'activation') {
      throw new ValueError(
        `LabelAssignment: assignBy must be 'wins' or 'activation', got '${String(assignBy)}'`,
      );
    }
    if (voteBy !== 'winner' && voteBy !== 'sum' && voteBy !== 'mean') {
      throw new ValueError(
        `LabelAssignment: voteBy must be 'winner', 'sum' or 'mean', got '${String(voteBy)}'`,
      );
    }
    if (opts.classes !== undefined && !(Number.isInteger(opts.classes) && opts.classes >= 1)) {
      throw new ValueError(
        `LabelAssignment: classes must be a positive integer, got ${opts.classes}`,
      );
    }
    this.assignBy = assignBy;
    this.voteBy = voteBy;
    this.classesOpt = opts.classes;
    this.backend = opts.backend ?? getBackend();
  }

  /** Class assigned to each unit (length = units). */
  get unitLabels(): Int32Array {
    if (!this.labels)
      throw new HebbError('LabelAssignment.unitLabels: not fitted yet; call fit first');
    return this.labels;
  }

  get classes(): number {
    if (!this.labels)
      throw new HebbError('LabelAssignment.classes: not fitted yet; call fit first');
    return this.nClasses;
  }

  /** Assigns a class to every unit from training activations (samples × units) and labels. */
  fit(activations: Matrix, y: Labels): this {
    const where = 'LabelAssignment.fit';
    const be = this.backend;
    checkFeatures(where, be, activations, undefined, 'activations');
    const C = checkLabels(where, y, activations.rows, this.classesOpt);
    const K = activations.cols;
    const N = activations.rows;
    const classSize = new Float64Array(C);
    for (let i = 0; i < N; i++) classSize[y[i]]++;
    // Class sums of activations S = Tᵀ A (C×K), over row chunks (T one-hot, B×C).
    const sums = Matrix.zeros(C, K);
    const t = Matrix.zeros(Math.min(CHUNK, N), C);
    const wins = new Float64Array(C * K);
    const winner = new Int32Array(Math.min(CHUNK, N));
    for (let s = 0; s < N; s += CHUNK) {
      const a = activations.sliceRows(s, Math.min(s + CHUNK, N));
      const tb = t.sliceRows(0, a.rows);
      oneHotInto(y, null, s, tb);
      be.gemm(true, false, 1, tb, a, 1, sums);
      const wv = winner.subarray(0, a.rows);
      be.argmaxRows(a, wv);
      for (let i = 0; i < a.rows; i++) wins[y[s + i] * K + wv[i]]++;
    }
    const labels = new Int32Array(K);
    for (let k = 0; k < K; k++) {
      let best = -1;
      let bestWin = 0;
      let bestAct = -Infinity;
      let bestActClass = 0;
      for (let c = 0; c < C; c++) {
        if (classSize[c] === 0) continue;
        const rate = wins[c * K + k] / classSize[c];
        if (rate > bestWin) {
          bestWin = rate;
          best = c;
        }
        const mean = sums.data[c * K + k] / classSize[c];
        if (mean > bestAct) {
          bestAct = mean;
          bestActClass = c;
        }
      }
      labels[k] = this.assignBy === 'wins' && best >= 0 ? best : bestActClass;
    }
    this.labels = labels;
    this.nClasses = C;
    return this;
  }

  /** Starts from given unit labels (e.g. from a checkpoint). */
  setUnitLabels(labels: Int32Array, classes: number): this {
    checkLabels('LabelAssignment.setUnitLabels', labels, labels.length, classes);
    this.labels = labels.slice();
    this.nClasses = classes;
    return this;
  }

  /**
   * Class scores (samples × classes): 'sum' and 'mean' votes as the product A M, where
   * M (units × classes) holds 1 (or 1/units-of-class) where a unit is assigned to the class;
   * 'winner' scores are one-hot.
   */
  scores(activations: Matrix): Matrix {
    const labels = this.unitLabels;
    const where = 'LabelAssignment.scores';
    checkFeatures(where, this.backend, activations, labels.length, 'activations');
    const C = this.nClasses;
    const out = Matrix.zeros(activations.rows, C);
    if (this.voteBy === 'winner') {
      const w = new Int32Array(activations.rows);
      this.backend.argmaxRows(activations, w);
      for (let i = 0; i < w.length; i++) out.data[i * C + labels[w[i]]] = 1;
      return out;
    }
    const count = new Float64Array(C);
    for (const c of labels) count[c]++;
    const m = Matrix.zeros(labels.length, C);
    for (let k = 0; k < labels.length; k++) {
      m.data[k * C + labels[k]] = this.voteBy === 'mean' ? 1 / count[labels[k]] : 1;
    }
    // scores = A M  (N×K · K×C → N×C); classes without units score −∞ under 'mean'
    this.backend.gemm(false, false, 1, activations, m, 0, out);
    if (this.voteBy === 'mean') {
      for (let c = 0; c < C; c++) {
        if (count[c] > 0) continue;
        for (let i = 0; i < out.rows; i++) out.data[i * C + c] = -Infinity;
      }
    }
    return out;
  }

  predict(activations: Matrix): Int32Array {
    const s = this.scores(activations);
    const out = new Int32Array(activations.rows);
    // −∞ scores are not finite: argmax by hand over C (≤ 256) columns when 'mean' set them.
    if (this.voteBy === 'mean') {
      for (let i = 0; i < s.rows; i++) {
        let best = 0;
        for (let c = 1; c < s.cols; c++)
          if (s.data[i * s.cols + c] > s.data[i * s.cols + best]) best = c;
        out[i] = best;
      }
    } else {
      this.backend.argmaxRows(s, out);
    }
    return out;
  }

  /** Accuracy on (activations, y). */
  score(activations: Matrix, y: Labels): number {
    checkLabels('LabelAssignment.score', y, activations.rows, this.classes);
    return accuracy(this.predict(activations), y);
  }
}
