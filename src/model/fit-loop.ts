// One training loop for every model. A model writes its training as a generator that yields
// after each mini-batch; `fit` runs it to the end synchronously, `fitAsync` runs it in slices
// that give the event loop a turn (a page stays responsive, Ctrl-C is seen), report progress
// and stop at the next batch boundary when the AbortSignal fires.

import { ValueError } from '../errors.ts';
import { count } from './wording.ts';

/** Where a fit stands, yielded after every batch (samples of this fit, 1-based epochs). */
export interface FitEvent {
  /** Samples processed so far in this call. */
  done: number;
  /** Samples this call will process. */
  total: number;
  /** The epoch in progress or just finished (1-based, counted over the whole training). */
  epoch: number;
  /** Epochs of the whole training. */
  epochs: number;
  /** True on the event that finishes an epoch. */
  epochEnd?: boolean;
}

/** Options of fit (and of fitAsync). */
export interface FitOptions {
  /** Called after every mini-batch. */
  onProgress?: (p: FitEvent) => void;
  /** Called after every finished epoch (1-based), e.g. to save a checkpoint. */
  onEpoch?: (epoch: number) => void;
  /**
   * Continue training from the current state (a checkpoint loaded with setState) up to the
   * `epochs` option, instead of starting over. The result equals an uninterrupted fit.
   */
  resume?: boolean;
}

/** An AbortSignal, by the one method used (so that these types need no DOM lib). */
export interface AbortSignalLike {
  /** Throws the signal's reason once it has fired. */
  throwIfAborted(): void;
}

/** Options of fitAsync. */
export interface AsyncFitOptions extends FitOptions {
  /** Stops training at the next batch boundary; fitAsync then rejects with signal.reason. */
  signal?: AbortSignalLike;
  /** Longest stretch of work between two turns of the event loop, in ms. Default 25. */
  yieldEveryMs?: number;
}

function notify(e: FitEvent, o: FitOptions): void {
  o.onProgress?.(e);
  if (e.epochEnd) o.onEpoch?.(e.epoch);
}

/** Runs a model's training steps to the end. */
export function runFit(steps: Iterable<FitEvent>, o: FitOptions = {}): void {
  for (const e of steps) notify(e, o);
}

type Scheduler = (cb: () => void) => unknown;

/** A macrotask turn: setImmediate in Node, a MessageChannel message in a browser. */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: Scheduler }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) {
      immediate(resolve);
      return;
    }
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** Runs a model's training steps, yielding to the event loop between batches. */
export async function runFitAsync(
  steps: Iterable<FitEvent>,
  o: AsyncFitOptions = {},
): Promise<void> {
  const slice = o.yieldEveryMs ?? 25;
  o.signal?.throwIfAborted();
  let last = performance.now();
  for (const e of steps) {
    notify(e, o);
    if (performance.now() - last >= slice) {
      await nextTurn();
      o.signal?.throwIfAborted();
      last = performance.now();
    }
  }
}

/** The (epoch, sample) plan of a fit over n rows: which epochs to run and how many samples. */
export function epochPlan(
  n: number,
  epochs: number,
  samplesSeen: number,
  resume: boolean | undefined,
): {
  /** The first epoch to run, 0-based (past the epochs samplesSeen completes, when resuming). */
  first: number;
  /** Samples the fit will process. */
  total: number;
} {
  const first = resume ? Math.min(epochs, Math.floor(samplesSeen / n)) : 0;
  return { first, total: (epochs - first) * n };
}

/**
 * Refuses to resume a fit whose decaying rate schedule was planned over another number of
 * samples (`horizon` in the state) than epochs × rows now: other options or other data.
 */
export function checkResumeHorizon(
  where: string,
  horizon: number,
  epochs: number,
  n: number,
): void {
  if (horizon === epochs * n) return;
  throw new ValueError(
    `${where}: cannot resume: the state's rate schedule covers ${count(horizon, 'sample')} but epochs × rows = ${epochs} × ${n}; resume with the options and data of the interrupted run`,
  );
}
