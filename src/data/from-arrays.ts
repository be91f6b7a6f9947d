// Your own data in code: a Dataset from a Matrix (or nested arrays) and labels, class names
// from labels, a seeded train/test split, and image shapes written as text ('28x28x1').
// Browser-safe; the file loaders (own-data.ts) build their data sets with these.
import { getBackend, Matrix, Rng } from '../backend/index.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { count } from '../model/wording.ts';
import { validateDataset, type Dataset, type Split } from './dataset.ts';
import { numericCell } from './csv.ts';

/** [height, width, channels] of a sample. */
export type ImageShape3 = [number, number, number];

/** Options of datasetFrom. */
export interface DatasetFromOptions {
  /** Names the data in reports (and messages); default 'data'. */
  name?: string;
  /** Names the data in messages (a file's path); default the name. */
  source?: string;
  /** [H, W, C] of each row (HWC order); default [1, D, 1], a plain vector. */
  shape?: ImageShape3;
  /** Class names, indexed by label; default '0', '1', … up to the largest label. */
  classes?: string[];
}

/** The most classes a Dataset holds (its labels are bytes). */
export const MAX_CLASSES = 256;

/**
 * A Dataset from samples and their labels: x a Matrix (N × D) or nested arrays (N rows of D
 * numbers), y one integer class index 0..255 per row (number[], Int32Array, Uint8Array, …).
 * Every value must be finite in float32 and every label an integer; the first one that is not
 * is named (x[i, j] or y[i], 0-based). x is used as it is (not copied) when it is a Matrix.
 */
export function datasetFrom(
  x: Matrix | ArrayLike<ArrayLike<number>>,
  y: ArrayLike<number>,
  o: DatasetFromOptions = {},
): Dataset {
  const name = o.source ?? o.name ?? 'data';
  let m: Matrix;
  if (x instanceof Matrix) m = x;
  else {
    try {
      m = Matrix.from(x);
    } catch (e) {
      throw new ShapeError(`${name}: ${(e as Error).message}; every sample needs the same length`);
    }
  }
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    if (!Number.isFinite(d[k])) {
      const i = Math.floor(k / m.cols);
      throw new ValueError(
        `${name}: x[${i}, ${k - i * m.cols}] is ${d[k]} (as float32); every value must be finite — fill or drop sample ${i}`,
      );
    }
  }
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new ValueError(
      `${name}: labels must be an array of class indices (number[], Int32Array)`,
    );
  }
  if (y.length !== m.rows) {
    throw new ShapeError(
      `${name}: ${count(m.rows, 'sample')} but ${count(y.length, 'label')}; give exactly one label per sample`,
    );
  }
  const labels = new Uint8Array(y.length);
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= MAX_CLASSES) {
      throw new ValueError(
        `${name}: label y[${i}] is ${c}; labels must be integer class indices 0..${MAX_CLASSES - 1}`,
      );
    }
    labels[i] = c;
    if (c > max) max = c;
  }
  const classes = o.classes ?? Array.from({ length: max + 1 }, (_, k) => String(k));
  if (classes.length <= max) {
    throw new ValueError(
      `${name}: label ${max} needs ${max + 1} class names, but ${count(classes.length, 'is', 'are')} given`,
    );
  }
  return validateDataset(
    {
      x: m,
      y: labels,
      shape: o.shape ?? [1, m.cols, 1],
      classes: [...classes],
      name: o.name ?? 'data',
    },
    'datasetFrom',
  );
}

/**
 * Class indices from labels as written: when every label is a number they must be integers
 * 0..255 and are the indices themselves (classes '0'…'max'); otherwise the labels are class
 * names, numbered in sorted order. Messages name `source` and label i as `where(i)` (a file's line).
 */
export function classIndices(
  labels: ArrayLike<string | number>,
  source = 'labels',
  where: (i: number) => string = (i) => `label ${i}`,
): {
  /** The class index of each label. */
  y: Uint8Array;
  /** Class names, by index. */
  classes: string[];
} {
  const n = labels.length;
  const values = Array.from(labels, (l) => (typeof l === 'number' ? l : numericCell(l.trim())));
  if (values.every((v) => !Number.isNaN(v))) {
    const y = new Uint8Array(n);
    let max = -1;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < 0 || v >= MAX_CLASSES) {
        throw new ValueError(
          `${source}: ${where(i)} is ${labels[i]}; numeric labels must be integer class indices 0..${MAX_CLASSES - 1} (a CSV label column may hold class names instead)`,
        );
      }
      y[i] = v;
      max = Math.max(max, v);
    }
    return { y, classes: Array.from({ length: max + 1 }, (_, k) => String(k)) };
  }
  const classes = [...new Set(Array.from(labels, (l) => String(l).trim()))].sort();
  if (classes.length > MAX_CLASSES) {
    throw new ValueError(
      `${source}: the labels name ${classes.length} classes; hebb takes at most ${MAX_CLASSES}`,
    );
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = Uint8Array.from(labels, (l) => index.get(String(l).trim())!);
  return { y, classes };
}

/**
 * `ds` split into training and test rows by a seeded shuffle: the first round(N · testFraction)
 * rows of the permutation (at least 1) are the test set, the rest training, both in that shuffled
 * order (so the first rows of either are a fair sample even of data sorted by class). The same
 * seed gives the same split on every backend. Not stratified.
 */
export function splitDataset(ds: Dataset, testFraction: number, seed = 0): Split {
  const n = ds.x.rows;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new ValueError(`splitDataset: testFraction must be in (0, 1), got ${testFraction}`);
  }
  const nTest = Math.max(1, Math.round(n * testFraction));
  if (n < 2 || nTest >= n) {
    throw new ValueError(
      `${ds.name}: ${count(n, 'sample')} cannot be split ${testFraction} for testing and the rest for training; give more samples, or a separate test set`,
    );
  }
  const perm = new Rng(seed, getBackend()).permutation(n);
  const test = perm.subarray(0, nTest);
  const train = perm.subarray(nTest);
  const part = (rows: Int32Array): Dataset => ({
    x: ds.x.gatherRows(rows),
    y: Uint8Array.from(rows, (r) => ds.y[r]),
    shape: [...ds.shape],
    classes: [...ds.classes],
    name: ds.name,
  });
  return { train: part(train), test: part(test) };
}

/**
 * A shape written as text, 'HxWxC' or 'HxW' (C = 1), with x, × or * between the numbers, or
 * given as an array; each a positive integer. `dims` 2 reads an image size H×W (no channels).
 */
export function parseShape(v: unknown, name: string, dims: 2 | 3 = 3): number[] {
  const example = dims === 3 ? "'28x28x1' (height × width × channels)" : "'28x28' (height × width)";
  const parts =
    typeof v === 'string'
      ? v
          .trim()
          .split(/\s*[x×*]\s*/i)
          .map(Number)
      : Array.isArray(v)
        ? v
        : [];
  const ok =
    (parts.length === dims || (dims === 3 && parts.length === 2)) &&
    parts.every((p) => typeof p === 'number' && Number.isSafeInteger(p) && p > 0);
  if (!ok) {
    throw new ValueError(
      `${name} must be like ${example}, got ${typeof v === 'string' ? `'${v}'` : JSON.stringify(v)}`,
    );
  }
  return dims === 3 && parts.length === 2 ? [...parts, 1] : [...parts];
}
