import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { runFit, type FitEvent } from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, registerModel, SupervisedModel } from '../model/model.ts';
import {
  boolean,
  describe,
  integer,
  oneOf,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { sizeOf, tensor, type TensorSlots } from '../model/state.ts';
import { accuracy, checkLabels, oneHotInto, type Labels } from './classifier-inputs.ts';

/**
 * How each unit gets its class:
 * - 'wins' (default, the paper's): the class whose training samples make the unit win the WTA
 *   competition (largest activation in the layer) most often, as a rate per class (wins /
 *   class size, so unequal class sizes do not bias it). Units that never win fall back to
 *   'activation'.
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

/** Options of LabelAssignment. */
export interface LabelAssignmentOptions {
  /** How a unit gets its class (default 'wins'). */
  assignBy?: AssignBy;
  /** How a sample's class is predicted (default 'winner'). */
  voteBy?: VoteBy;
  /**
   * Divide wins and summed activations by each class's size before comparing classes (default
   * true). false: raw counts and sums, as the authors' code (engine.py get_neuron_labels).
   */
  perClass?: boolean;
  /** Number of classes; default max label + 1. */
  classes?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const SPEC = {
  assignBy: describe(
    oneOf(['wins', 'activation'] as const, { default: 'wins' }),
    "how a unit gets its class: 'wins' (the class that makes it win most often, per class size; the paper's) or 'activation' (highest mean activation)",
  ),
  voteBy: describe(
    oneOf(['winner', 'sum', 'mean'] as const, { default: 'winner' }),
    "how a sample's class is predicted: 'winner' (the class of the most active unit; the paper's), 'sum' or 'mean' of each class's units' activations",
  ),
  perClass: describe(
    boolean({ default: true }),
    "compare classes by wins and activations per class size; off: raw counts and sums (the authors' code)",
  ),
  classes: describe(integer({ min: 1 }), 'number of classes; default max label + 1'),
  backend: backendOption(),
} satisfies Record<keyof LabelAssignmentOptions, unknown>;

const CHUNK = 4096;

/**
 * The 1-layer SoftHebb read-out (the paper: "for each neuron, we found the label of the
 * training set that makes it win the WTA competition most often"). Input is the layer's
 * activations, samples × units: any output that is monotone in u_k + b_k per sample (the
 * softmax posterior, or u itself) gives the same winners. No weights are learnt: fit counts
 * wins and sums activations per class; partialFit adds more samples to those counts.
 */
export class LabelAssignment extends SupervisedModel<Resolved<typeof SPEC>, Labels> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'LabelAssignment';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  /** Per class × unit: wins and summed activations; per class: samples seen. */
  private wins: Matrix | null = null;
  private sums: Matrix | null = null;
  private sizes: Float32Array | null = null;
  private labels: Int32Array | null = null;

  constructor(options: LabelAssignmentOptions = {}) {
    super(validateOptions('LabelAssignment', SPEC, options));
  }

  get isFitted(): boolean {
    return this.labels !== null;
  }

  /** Class assigned to each unit (length = units). */
  get unitLabels(): Int32Array {
    if (!this.labels) throw this.notFitted('unitLabels');
    return this.labels;
  }

  /** Number of classes. */
  get classes(): number {
    if (!this.sizes) throw this.notFitted('classes');
    return this.sizes.length;
  }

  /** Assigns a class to every unit from training activations (samples × units) and labels. */
  protected training(activations: Matrix, y: Labels): Iterable<FitEvent> {
    return this.count(activations, y, false);
  }

  /** Adds these samples to the counts (starting them on first use) and re-assigns the units. */
  partialFit(activations: Matrix, y: Labels): this {
    runFit(this.count(activations, y, true));
    return this;
  }

  private *count(activations: Matrix, y: Labels, keep: boolean): Generator<FitEvent> {
    const where = keep ? 'LabelAssignment.partialFit' : 'LabelAssignment.fit';
    const be = this.backend;
    const cont = keep && this.wins !== null;
    checkSamples(where, be, activations, cont ? this.wins!.cols : undefined, 'activations');
    const C = checkLabels(
      where,
      y,
      activations.rows,
      cont ? this.sizes!.length : this.options.classes,
    );
    const K = activations.cols;
    const N = activations.rows;
    if (!cont) {
      this.wins = Matrix.zeros(C, K);
      this.sums = Matrix.zeros(C, K);
      this.sizes = new Float32Array(C);
    }
    const [wins, sums, sizes] = [this.wins!, this.sums!, this.sizes!];
    // Class sums of activations S = Tᵀ A (C×K), over row chunks (T one-hot, B×C).
    const t = Matrix.zeros(Math.min(CHUNK, N), C);
    const winner = new Int32Array(Math.min(CHUNK, N));
    for (let s = 0; s < N; s += CHUNK) {
      const a = activations.sliceRows(s, Math.min(s + CHUNK, N));
      const tb = t.sliceRows(0, a.rows);
      oneHotInto(y, null, s, tb);
      be.gemm(true, false, 1, tb, a, 1, sums);
      const wv = winner.subarray(0, a.rows);
      be.argmaxRows(a, wv);
      for (let i = 0; i < a.rows; i++) {
        wins.data[y[s + i] * K + wv[i]]++;
        sizes[y[s + i]]++;
      }
      const end = s + a.rows === N;
      if (end) this.assign();
      yield { done: s + a.rows, total: N, epoch: 1, epochs: 1, epochEnd: end };
    }
  }

  /** Each unit's class from the counts. */
  private assign(): void {
    const [wins, sums, sizes] = [this.wins!, this.sums!, this.sizes!];
    const [C, K] = [wins.rows, wins.cols];
    const labels = new Int32Array(K);
    const perClass = this.options.perClass;
    for (let k = 0; k < K; k++) {
      let best = -1;
      let bestWin = 0;
      let bestAct = -Infinity;
      let bestActClass = 0;
      for (let c = 0; c < C; c++) {
        if (sizes[c] === 0) continue;
        const rate = perClass ? wins.data[c * K + k] / sizes[c] : wins.data[c * K + k];
        if (rate > bestWin) {
          bestWin = rate;
          best = c;
        }
        const mean = perClass ? sums.data[c * K + k] / sizes[c] : sums.data[c * K + k];
        if (mean > bestAct) {
          bestAct = mean;
          bestActClass = c;
        }
      }
      labels[k] = this.options.assignBy === 'wins' && best >= 0 ? best : bestActClass;
    }
    this.labels = labels;
  }

  /**
   * Class scores (samples × classes): 'sum' and 'mean' votes as the product A M, where
   * M (units × classes) holds 1 (or 1/units-of-class) where a unit is assigned to the class;
   * 'winner' scores are one-hot.
   */
  scores(activations: Matrix): Matrix {
    const labels = this.unitLabels;
    checkSamples('LabelAssignment.scores', this.backend, activations, labels.length, 'activations');
    const C = this.classes;
    const out = Matrix.zeros(activations.rows, C);
    if (this.options.voteBy === 'winner') {
      const w = new Int32Array(activations.rows);
      this.backend.argmaxRows(activations, w);
      for (let i = 0; i < w.length; i++) out.data[i * C + labels[w[i]]] = 1;
      return out;
    }
    const count = new Float64Array(C);
    for (const c of labels) count[c]++;
    const m = Matrix.zeros(labels.length, C);
    for (let k = 0; k < labels.length; k++) {
      m.data[k * C + labels[k]] = this.options.voteBy === 'mean' ? 1 / count[labels[k]] : 1;
    }
    // scores = A M  (N×K · K×C → N×C); classes without units score −∞ under 'mean'
    this.backend.gemm(false, false, 1, activations, m, 0, out);
    if (this.options.voteBy === 'mean') {
      for (let c = 0; c < C; c++) {
        if (count[c] > 0) continue;
        for (let i = 0; i < out.rows; i++) out.data[i * C + c] = -Infinity;
      }
    }
    return out;
  }

  /** The predicted class of each sample (row of activations), by voteBy. */
  predict(activations: Matrix): Int32Array {
    const s = this.scores(activations);
    const out = new Int32Array(activations.rows);
    // −∞ scores are not finite: argmax by hand over C (≤ 256) columns when 'mean' set them.
    if (this.options.voteBy === 'mean') {
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

  /** wins and sums (F32 classes × units) and class_sizes (F32): the counts the labels come from. */
  stateSlots(): TensorSlots {
    const fitted = () => {
      if (!this.wins) throw this.notFitted('getState');
      return { wins: this.wins, sums: this.sums!, sizes: this.sizes! };
    };
    return {
      wins: tensor.matrix({
        rows: this.options.classes,
        get: () => fitted().wins,
        set: (w) => (this.wins = w),
      }),
      sums: tensor.matrix({
        rows: sizeOf('wins', 0),
        cols: sizeOf('wins', 1),
        get: () => fitted().sums,
        set: (s) => (this.sums = s),
      }),
      class_sizes: tensor.vector({
        length: sizeOf('wins', 0),
        get: () => fitted().sizes,
        set: (n) => (this.sizes = n),
        check: (n) =>
          n.some((v) => v < 0 || !Number.isInteger(v))
            ? 'must hold counts (non-negative integers)'
            : undefined,
      }),
    };
  }

  protected override afterSetState(): void {
    this.assign();
  }
}

registerModel(LabelAssignment);
