// What a layer of a Sequential stack provides beside the model contract.
import type { Matrix } from '../backend/matrix.ts';
import type { Model } from '../model/model.ts';

/**
 * A layer a stack can train and run: the model contract plus the few facts a container needs.
 * SoftHebb, SoftHebbConv2d, Pool2d and Standardize are stack layers.
 */
export interface StackLayer extends Model {
  /** Passes over the data greedy training gives the layer (0: it learns nothing). */
  readonly fitPasses: number;
  /** Values per sample the layer reads (undefined: any, fixed by the first data it sees). */
  readonly inputSize: number | undefined;
  /** Values per sample it writes for `inputs` values per sample. */
  outputSize(inputs: number): number;
  /**
   * Starts training from scratch: fresh parameters for `inputs` values per sample, and rate
   * schedules that run over `samples` samples in all.
   */
  beginFit(inputs: number, samples: number): void;
  /** Learns from the rows once (continuing the current state). */
  partialFit(x: Matrix): this;
  /** The layer's output for the next layer (its `activation` option where it has one). */
  transform(x: Matrix): Matrix;
}

/** True when the model has what a stack needs. */
export function isStackLayer(m: unknown): m is StackLayer {
  const l = m as Partial<StackLayer>;
  return (
    typeof l === 'object' &&
    l !== null &&
    typeof l.beginFit === 'function' &&
    typeof l.outputSize === 'function' &&
    typeof l.partialFit === 'function' &&
    typeof l.transform === 'function' &&
    typeof l.fitPasses === 'number'
  );
}
