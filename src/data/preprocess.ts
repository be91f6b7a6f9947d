import { getBackend, Matrix, type Backend } from '../backend/index.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { Standardize, standardizeInPlace } from '../stack/standardize.ts';
import type { Dataset, Split } from './dataset.ts';

/**
 * Preprocessing. Every function returns a new Dataset and leaves its input alone, unless
 * `inPlace: true` is passed, in which case ds.x is overwritten and ds itself is returned
 * (saves a copy of a 188 MB matrix; never do it on a cached loader result such as mnist()).
 */
export interface PreprocessOptions {
  /** Overwrite ds.x and return ds instead of a copy (default false). */
  inPlace?: boolean;
  /** Backend for the kernels (default getBackend()). */
  backend?: Backend;
}

function target(ds: Dataset, inPlace: boolean | undefined): Dataset {
  if (inPlace) return ds;
  return {
    x: new Matrix(ds.x.rows, ds.x.cols),
    y: ds.y.slice(),
    shape: [...ds.shape],
    classes: [...ds.classes],
    name: ds.name,
  };
}

/**
 * x / max, for data holding raw byte values 0..255 as floats. The built-in loaders already
 * return pixels in [0, 1] (byte/255), so they need no call to this.
 */
export function scaleToUnit(ds: Dataset, opts: PreprocessOptions & { max?: number } = {}): Dataset {
  const max = opts.max ?? 255;
  if (!(max > 0) || !Number.isFinite(max)) {
    throw new ValueError(`scaleToUnit: max must be a positive finite number, got ${max}`);
  }
  const out = target(ds, opts.inPlace);
  const b = opts.backend ?? getBackend();
  if (out.x !== ds.x) out.x.data.set(ds.x.data);
  b.scale(1 / max, out.x);
  return out;
}

/** Each sample divided by its L2 norm (rows of zeros stay zero: the norm is floored at eps). */
export function l2Normalize(ds: Dataset, opts: PreprocessOptions & { eps?: number } = {}): Dataset {
  const out = target(ds, opts.inPlace);
  (opts.backend ?? getBackend()).normalizeRows(ds.x, out.x, opts.eps ?? 1e-12);
  return out;
}

/** Each sample minus its own mean over all its values (per-image DC removal). */
export function subtractSampleMean(ds: Dataset, opts: PreprocessOptions = {}): Dataset {
  const out = target(ds, opts.inPlace);
  const { rows, cols } = ds.x;
  const sums = new Float32Array(rows);
  (opts.backend ?? getBackend()).sum(ds.x, 1, sums);
  const src = ds.x.data;
  const dst = out.x.data;
  for (let i = 0; i < rows; i++) {
    const m = cols > 0 ? sums[i] / cols : 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) dst[base + j] = src[base + j] - m;
  }
  return out;
}

/** Per-feature statistics fitted on a training set. */
export interface Standardizer {
  /** The mean of each feature. */
  mean: Float32Array;
  /** Population standard deviation (divides by N); 1 where the feature is constant. */
  std: Float32Array;
}

/**
 * Per-pixel mean and standard deviation over the samples of ds: a Standardize of statistics
 * 'two-pass' (float64; a float32 sum over 60000 samples would lose ~4 digits). Features whose
 * std is below minStd (constant border pixels of MNIST) get std 1, so they map to x − mean
 * rather than blowing up on test data.
 */
export function fitStandardizer(ds: Dataset, { minStd = 1e-6 } = {}): Standardizer {
  if (ds.x.rows === 0) {
    throw new ShapeError(`fitStandardizer: '${ds.name}' has no samples to fit on`);
  }
  const s = new Standardize({
    inputShape: [1, 1, ds.x.cols],
    statistics: 'two-pass',
    eps: 0,
    minStd,
  }).fit(ds.x);
  return { mean: s.mean, std: s.scale };
}

/** (x − mean) / std feature-wise with stats from fitStandardizer (as Standardize applies them). */
export function applyStandardizer(
  ds: Dataset,
  stats: Standardizer,
  opts: PreprocessOptions = {},
): Dataset {
  if (stats.mean.length !== ds.x.cols || stats.std.length !== ds.x.cols) {
    throw new ShapeError(
      `applyStandardizer: stats have ${stats.mean.length} features but '${ds.name}' has ${ds.x.cols}; fit them on data of the same shape`,
    );
  }
  const out = target(ds, opts.inPlace);
  if (out.x !== ds.x) out.x.data.set(ds.x.data);
  standardizeInPlace(opts.backend ?? getBackend(), out.x, stats.mean, stats.std);
  return out;
}

/** Fits per-pixel mean/std on split.train and applies them to both splits. */
export function standardizePixels(
  split: Split,
  opts: PreprocessOptions & { minStd?: number } = {},
): Split & {
  /** The statistics fitted on split.train. */
  stats: Standardizer;
} {
  const stats = fitStandardizer(split.train, { minStd: opts.minStd });
  return {
    train: applyStandardizer(split.train, stats, opts),
    test: applyStandardizer(split.test, stats, opts),
    stats,
  };
}
