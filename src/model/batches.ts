import { Rng } from '../backend/rng.ts';
import type { Backend } from '../backend/types.ts';

/** One mini-batch of an epoch: the row indices it holds and where it stands. */
export interface Batch {
  /** 0-based epoch. */
  epoch: number;
  /** Row indices of the batch, in visiting order (a view; copy to keep). */
  rows: Int32Array;
  /** True for an epoch's first batch. */
  epochStart: boolean;
  /** True for an epoch's last batch. */
  epochEnd: boolean;
}

/**
 * The batches of epochs first..epochs−1 over n rows. Epoch e visits the rows in permutation e
 * of the seed (or in row order without shuffle), so the order of an epoch does not depend on
 * the ones before it and a run resumed at an epoch boundary equals an uninterrupted one.
 */
export function* epochBatches(o: {
  n: number;
  epochs: number;
  first: number;
  batchSize: number;
  seed: number;
  shuffle: boolean;
  backend: Backend;
}): Generator<Batch> {
  const identity = o.shuffle ? null : Int32Array.from({ length: o.n }, (_, i) => i);
  for (let epoch = o.first; epoch < o.epochs; epoch++) {
    const order = identity ?? new Rng(o.seed, o.backend).fork(1000 + epoch).permutation(o.n);
    for (let s = 0; s < o.n; s += o.batchSize) {
      const e = Math.min(o.n, s + o.batchSize);
      yield { epoch, rows: order.subarray(s, e), epochStart: s === 0, epochEnd: e === o.n };
    }
  }
}
