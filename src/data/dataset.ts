import { getBackend, Matrix, Rng } from '../backend/index.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { count } from '../model/wording.ts';

/**
 * A labelled data set: one sample per row of x (N × D float32), D = H·W·C with images in
 * HWC order (the layout the backend's im2col expects). Labels are class indices < classes.length.
 */
export interface Dataset {
  /** The samples, N × D, one per row. */
  x: Matrix;
  /** The class index of each sample (length N). */
  y: Uint8Array;
  /** [H, W, C]; non-image vectors of length D use [1, D, 1]. */
  shape: [number, number, number];
  /** Class names, by index. */
  classes: string[];
  /** The data set's name, e.g. 'mnist'; errors and run records use it. */
  name: string;
}

/** A data set's training and test parts. */
export interface Split {
  /** The training samples. */
  train: Dataset;
  /** The held-out test samples. */
  test: Dataset;
}

/** Checks a Dataset's invariants; `where` names the caller in the error. Returns ds. */
export function validateDataset(ds: Dataset, where = 'dataset'): Dataset {
  const label = `${where} '${ds.name}'`;
  if (!(ds.x instanceof Matrix)) {
    throw new ShapeError(`${label}: x must be a Matrix; wrap the data in new Matrix(rows, cols)`);
  }
  if (!(ds.y instanceof Uint8Array)) {
    throw new ShapeError(`${label}: y must be a Uint8Array of class indices`);
  }
  if (ds.x.rows !== ds.y.length) {
    throw new ShapeError(
      `${label}: x has ${count(ds.x.rows, 'row')} but y has ${count(ds.y.length, 'label')}; they must match one to one`,
    );
  }
  const [h, w, c] = ds.shape;
  if (h * w * c !== ds.x.cols) {
    throw new ShapeError(
      `${label}: shape ${h}×${w}×${c} = ${count(h * w * c, 'value')} per sample but x has ${ds.x.cols} columns`,
    );
  }
  if (ds.classes.length === 0 || ds.classes.length > 256) {
    throw new ValueError(`${label}: needs 1..256 class names, got ${ds.classes.length}`);
  }
  for (let i = 0; i < ds.y.length; i++) {
    if (ds.y[i] >= ds.classes.length) {
      throw new ValueError(
        `${label}: label ${ds.y[i]} at row ${i} is not below the ${count(ds.classes.length, 'class', 'classes')}`,
      );
    }
  }
  return ds;
}

/** The same metadata with new rows. */
function withRows(ds: Dataset, x: Matrix, y: Uint8Array): Dataset {
  return { x, y, shape: [...ds.shape], classes: [...ds.classes], name: ds.name };
}

/** Rows in the given order, copied. */
export function gather(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const y = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) y[k] = ds.y[indices[k]];
  return withRows(ds, ds.x.gatherRows(indices), y);
}

function checkCount(fn: string, ds: Dataset, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > ds.x.rows) {
    throw new ValueError(
      `${fn}: n must be an integer in 0..${ds.x.rows} (the size of '${ds.name}'), got ${n}`,
    );
  }
}

/**
 * n rows chosen at random, deterministic by seed: the first n entries of the seeded
 * permutation of 0..N−1, kept in that (random) order. Not stratified: class proportions
 * follow the data only on average. A copy; the input is unchanged.
 */
export function subset(ds: Dataset, n: number, seed: number): Dataset {
  checkCount('subset', ds, n);
  const perm = new Rng(seed, getBackend()).permutation(ds.x.rows);
  return gather(ds, perm.subarray(0, n));
}

/** All rows in a seeded random order (subset with n = N). A copy. */
export function shuffle(ds: Dataset, seed: number): Dataset {
  return subset(ds, ds.x.rows, seed);
}

/** The first n rows, copied (so in-place preprocessing of the result never touches ds). */
export function take(ds: Dataset, n: number): Dataset {
  checkCount('take', ds, n);
  return withRows(ds, ds.x.sliceRows(0, n).clone(), ds.y.slice(0, n));
}

/** Number of samples of each class, indexed like ds.classes. */
export function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classes.length).fill(0);
  for (let i = 0; i < ds.y.length; i++) counts[ds.y[i]]++;
  return counts;
}

/** The number of samples. */
export function size(ds: Dataset): number {
  return ds.x.rows;
}
