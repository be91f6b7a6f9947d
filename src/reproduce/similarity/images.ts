// The image data of the MNIST-like similarity experiments: per-image mean subtraction (the
// paper's preprocessing), training and test subsets drawn by seed.
import { loadDataset, subtractSampleMean, subset, type Dataset } from '../../data/index.ts';
import { ownData, type DataChoice } from '../data-options.ts';

export interface Images {
  train: Dataset;
  test: Dataset;
}

/** Seeded subsets of a split (all images when n is absent or too large), mean-subtracted. */
export function pickImages(
  split: Images,
  trainSamples: number | undefined,
  testSamples: number | undefined,
  seed: number,
): Images {
  const pick = (ds: Dataset, n: number | undefined) =>
    n === undefined || n >= ds.x.rows ? ds : subset(ds, n, seed);
  return {
    train: subtractSampleMean(pick(split.train, trainSamples)),
    test: subtractSampleMean(pick(split.test, testSamples)),
  };
}

/** pickImages of the named data set, or of your own data (--data). */
export function loadImages(
  data: DataChoice & { dataset: string },
  trainSamples: number | undefined,
  testSamples: number | undefined,
  seed: number,
): Images {
  const split = ownData(data) ?? loadDataset(data.dataset, { dir: data.dataDir });
  return pickImages(split, trainSamples, testSamples, seed);
}

/**
 * The images of each seed, drawn once and kept: a reproduction's points draw their subsets by
 * their own seed, as a point run alone draws them.
 */
export function imagesBySeed(
  split: Images,
  trainSamples: number | undefined,
  testSamples: number | undefined,
): (seed: number) => Images {
  const drawn = new Map<number, Images>();
  return (seed) => {
    if (!drawn.has(seed)) drawn.set(seed, pickImages(split, trainSamples, testSamples, seed));
    return drawn.get(seed)!;
  };
}
