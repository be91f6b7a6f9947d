// What the classic rules share (docs/math/classic-rules.md): the training options, the epoch
// loop over mini-batches with a rate schedule, resume, partialFit and the sample counters. Each
// rule supplies how it starts from data (`begin`) and one mini-batch step (`learn`).
import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { ValueError } from '../errors.ts';
import { epochBatches } from '../model/batches.ts';
import {
  checkResumeHorizon,
  epochPlan,
  type FitEvent,
  type FitOptions,
} from '../model/fit-loop.ts';
import { checkSamples } from '../model/inputs.ts';
import { backendOption, UnsupervisedModel } from '../model/model.ts';
import { MAX_EPOCHS, boolean, describe, integer, seed, type Resolved } from '../model/params.ts';
import { rateAt, schedule, type Schedule } from '../model/schedule.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import { count } from '../model/wording.ts';

/** The training options every classic rule takes. */
export interface ClassicTrainingOptions {
  /** Rate η: a number or a schedule over the samples of fit (e.g. 'linear:0.05'). */
  lr?: number | Schedule | string;
  /** Samples per update; the update is the batch's mean (default 1, online learning). */
  batchSize?: number;
  /** Passes over the data in fit. */
  epochs?: number;
  /** Visit the samples in a seeded random order each epoch of fit (default true). */
  shuffle?: boolean;
  /** Seed of the initial weights and the sample order (default 0). */
  seed?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

/** The option table of ClassicTrainingOptions, with a rule's own defaults. */
export function trainingSpec(d: { lr: Schedule; batchSize: number; epochs: number }) {
  return {
    lr: describe(
      schedule({ default: d.lr }),
      'rate η: a number or a schedule over the samples of fit',
    ),
    batchSize: describe(
      integer({ min: 1, default: d.batchSize }),
      "samples per update (the update is the batch's mean); 1 is online learning",
    ),
    epochs: describe(
      integer({ min: 1, max: MAX_EPOCHS, default: d.epochs }),
      'passes over the data in fit',
    ),
    shuffle: describe(
      boolean({ default: true }),
      'visit the samples in a seeded random order each epoch',
    ),
    seed: describe(seed(), 'seed of the initial weights and the sample order'),
    backend: backendOption(),
  };
}

type TrainingResolved = Resolved<ReturnType<typeof trainingSpec>>;

/**
 * Base of the classic rules: fit runs `epochs` passes of mini-batches (a fresh start, or with
 * `resume` the rest of an interrupted fit), partialFit one pass in the order given. The rate
 * schedule runs over the samples of fit (`horizon`); in partialFit a schedule stays at η₀
 * unless a fit set the horizon.
 */
export abstract class ClassicRule<O extends TrainingResolved> extends UnsupervisedModel<O> {
  /** Samples learnt from so far (drives the rate schedule). */
  samplesSeen = 0;
  /** Samples the rate schedule spans (epochs × rows of the last fit; 0 before any fit). */
  horizon = 0;

  /** Input width once fitted. */
  protected abstract get inputs(): number | undefined;
  /** Starts afresh from data: initial weights (and anything measured on x, like a mean). */
  protected abstract begin(x: Matrix): void;
  /** One update from the mini-batch xb (rows are samples; a copy it may overwrite) at rate eta. */
  protected abstract learn(xb: Matrix, eta: number): void;

  protected *training(x: Matrix, opts: FitOptions): Iterable<FitEvent> {
    const where = `${this.modelName}.fit`;
    const o = this.options;
    const resume = opts.resume === true && this.isFitted;
    checkSamples(where, this.backend, x, resume ? this.inputs : undefined);
    const N = x.rows;
    if (!resume) {
      this.begin(x);
      this.samplesSeen = 0;
      this.horizon = o.epochs * N;
    } else checkResumeHorizon(where, this.horizon, o.epochs, N);
    const { first, total } = epochPlan(N, o.epochs, this.samplesSeen, resume);
    const batches = epochBatches({
      n: N,
      epochs: o.epochs,
      first,
      batchSize: o.batchSize,
      seed: o.seed,
      shuffle: o.shuffle,
      backend: this.backend,
    });
    let done = 0;
    for (const b of batches) {
      this.step(x.gatherRows(b.rows));
      done += b.rows.length;
      yield { done, total, epoch: b.epoch + 1, epochs: o.epochs, epochEnd: b.epochEnd };
    }
  }

  /** Learns from the rows once, in order, in batches of batchSize (starting afresh on first use). */
  partialFit(x: Matrix): this {
    checkSamples(`${this.modelName}.partialFit`, this.backend, x, this.inputs);
    if (!this.isFitted) {
      this.begin(x);
      this.samplesSeen = 0;
      this.horizon = 0;
    }
    const B = this.options.batchSize;
    for (let s = 0; s < x.rows; s += B) this.step(x.sliceRows(s, Math.min(x.rows, s + B)).clone());
    return this;
  }

  private step(xb: Matrix): void {
    const perEpoch = this.horizon > 0 ? this.horizon / this.options.epochs : undefined;
    const eta = rateAt(this.options.lr, {
      samples: this.samplesSeen,
      total: this.horizon,
      perEpoch,
    });
    this.learn(xb, eta);
    this.samplesSeen += xb.rows;
    this.checkFinite();
  }

  /** A step too large for the data sends the weights to ±Inf and NaN: say so at once. */
  private checkFinite(): void {
    for (const [name, slot] of Object.entries(this.stateSlots())) {
      if (slot.kind !== 'matrix' && slot.kind !== 'vector') continue;
      const v = slot.get();
      if (this.backend.countNonFinite(v instanceof Matrix ? v.data : v) > 0) {
        throw new ValueError(
          `${this.modelName}: training diverged after ${count(this.samplesSeen, 'sample')}: ${name} holds NaN or ±Inf; lower lr`,
        );
      }
    }
  }

  /** The counters every classic rule saves: samples_seen and horizon (F64 scalars). */
  protected counterSlots(): TensorSlots {
    return {
      samples_seen: tensor.count({
        get: () => this.samplesSeen,
        set: (n) => (this.samplesSeen = n),
      }),
      horizon: tensor.count({ get: () => this.horizon, set: (n) => (this.horizon = n) }),
    };
  }
}

/** Rows of a seeded normal matrix scaled to unit length: the usual start of a Hebbian unit. */
export function unitRows(rows: number, cols: number, normals: Float32Array): Matrix {
  const w = new Matrix(rows, cols, normals);
  for (let i = 0; i < rows; i++) {
    const r = w.row(i);
    let n = 0;
    for (let j = 0; j < cols; j++) n += r[j] * r[j];
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    for (let j = 0; j < cols; j++) r[j] *= inv;
  }
  return w;
}
