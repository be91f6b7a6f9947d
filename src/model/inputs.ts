// Checks every model applies to what it is given, with one wording across models.
import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { show } from './params.ts';
import type { FitOptions } from './fit-loop.ts';

/** The largest float32 buffer hebb allocates in one piece (4 GiB). */
export const MAX_ELEMENTS = 2 ** 30;

/**
 * fit(x, opts) and fit(x, y, opts) in one: unsupervised models accept (and ignore) labels in
 * the second place, as scikit-learn's do, so pipelines can pass them along.
 */
export function fitArgs<O extends FitOptions>(a: unknown, b: O | undefined): O {
  const isOpts =
    a !== null &&
    typeof a === 'object' &&
    !Array.isArray(a) &&
    !ArrayBuffer.isView(a) &&
    !(a instanceof Matrix);
  return (b ?? (isOpts ? (a as O) : {})) as O;
}

/**
 * x must be a Matrix of samples (rows) with finite values, at least one row, and `cols`
 * columns when the model already knows its input width.
 */
export function checkSamples(
  where: string,
  be: Backend,
  x: unknown,
  cols?: number,
  name = 'x',
): asserts x is Matrix {
  if (!(x instanceof Matrix)) {
    throw new ValueError(
      `${where}: ${name} must be a Matrix (samples × features), got ${show(x)}; wrap data with new Matrix(rows, cols, Float32Array)`,
    );
  }
  if (x.rows === 0) throw new ShapeError(`${where}: ${name} has no rows; pass at least one sample`);
  if (cols !== undefined && x.cols !== cols) {
    throw new ShapeError(
      `${where}: ${name} is ${x.rows}×${x.cols} but the model was fitted on ${cols} features per sample; pass ${x.rows}×${cols}`,
    );
  }
  const bad = be.countNonFinite(x.data);
  if (bad > 0) {
    throw new ValueError(
      `${where}: ${name} (${x.rows}×${x.cols}) contains ${bad} NaN or ±Inf value${bad > 1 ? 's' : ''}; clean the data first`,
    );
  }
}

/**
 * Refuses, before anything is computed, a rows × cols float32 buffer larger than one buffer
 * can hold: `what` names it, `fix` says which setting to change.
 */
export function checkAllocation(
  rows: number,
  cols: number,
  where: string,
  what: string,
  fix: string,
): void {
  const n = rows * cols;
  if (!(n <= MAX_ELEMENTS)) {
    throw new ValueError(
      `${where}: ${what} = ${rows} × ${cols} = ${n.toExponential(2)} values is more than one buffer can hold (${MAX_ELEMENTS.toExponential(2)} float32, 4 GiB); ${fix}`,
    );
  }
}

/** A zeroed rows × cols Matrix, or a clear error when it is too large to allocate. */
export function allocateMatrix(
  rows: number,
  cols: number,
  where: string,
  what: string,
  fix: string,
): Matrix {
  checkAllocation(rows, cols, where, what, fix);
  try {
    return Matrix.zeros(rows, cols);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ValueError(
        `${where}: cannot allocate ${what} (${rows} × ${cols} float32): ${e.message}; ${fix}`,
      );
    }
    throw e;
  }
}
