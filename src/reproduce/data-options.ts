// Your own data on the command line: the flags every training command takes beside --dataset
// (--data and the flags that say how to read it), and the data they select (docs/data.md).
import { DEFAULT_TEST_FRACTION, loadDataSplit, parseShape } from '../data/index.ts';
import type { Split } from '../data/dataset.ts';
import { ValueError } from '../errors.ts';
import { boolean, custom, describe, number, type ParamSpec } from '../model/params.ts';
import { flagName, text } from './options.ts';

/** A shape flag: text such as 8x8x1 (kept as written) or an array, checked when given. */
const shapeText = (dims: 2 | 3) =>
  custom<string | number[]>(dims === 3 ? 'HxWxC' : 'HxW', (v, name) => {
    parseShape(v, name, dims);
    return v as string | number[];
  });

/**
 * The flags of your own data, in --help's order after --dataset and --data-dir. None but --grey
 * (off) has a default, so config.json records only those given.
 */
export const DATA_FILE_OPTIONS = {
  data: describe(
    text('a file or folder'),
    'your own data instead of --dataset: a .npy (with --labels), a .npz (arrays x, y), a .csv (header row, a label column), or a folder of class sub-folders of PNG/JPEG images (docs/data.md)',
    '<file|folder>',
  ),
  labels: describe(
    text('a file'),
    'the labels of a .npy --data: a .npy, or a .csv/.txt with one integer per line',
    '<file>',
  ),
  labelColumn: describe(
    text('a column name'),
    "the label column of a .csv --data (default 'label', else the last column)",
    '<name>',
  ),
  testData: describe(
    text('a file or folder'),
    'a test set of the same kind as --data (default: --test-fraction of --data is held out)',
    '<file|folder>',
  ),
  testLabels: describe(text('a file'), 'the labels of a .npy --test-data', '<file>'),
  testFraction: describe(
    number({ gt: 0, lt: 1 }),
    `share of --data held out for testing, by a seeded shuffle that every --seed shares (default ${DEFAULT_TEST_FRACTION})`,
    '<x>',
  ),
  shape: describe(
    shapeText(3),
    'image shape of flat samples (a .npy of N × D, a .csv), e.g. 8x8x1; default 1×D×1 (a vector)',
    '<HxWxC>',
  ),
  size: describe(
    shapeText(2),
    'resize every image of a folder --data to HxW (bilinear); needed when their sizes differ',
    '<HxW>',
  ),
  grey: describe(boolean({ default: false }), 'a folder --data: colour images as grey (luma)'),
} satisfies ParamSpec;

/** The options a command with DATA_FILE_OPTIONS and a --dataset has, as far as the data goes. */
export interface DataChoice {
  dataset?: string;
  dataDir?: string;
  data?: string;
  labels?: string;
  labelColumn?: string;
  testData?: string;
  testLabels?: string;
  testFraction?: number;
  shape?: string | number[];
  size?: string | number[];
  grey?: boolean;
}

/** The flags that mean something only with --data. */
const WITH_DATA = [
  'labels',
  'labelColumn',
  'testData',
  'testLabels',
  'testFraction',
  'shape',
  'size',
  'grey',
] as const;

/**
 * Your own data when --data is given (the split as loadDataSplit makes it), else null: the
 * command loads its --dataset. A flag of your own data without --data, or --data with a
 * --dataset other than `defaultDataset` or a --data-dir, is a ValueError (exit 2).
 * (The command line refuses --data with any --dataset; see src/cli/options.ts.)
 */
export function ownData(o: DataChoice, defaultDataset = 'mnist'): Split | null {
  if (o.data === undefined) {
    const stray = WITH_DATA.find((k) => o[k] !== undefined && o[k] !== false);
    if (stray) {
      throw new ValueError(
        `${flagName(stray)} is for your own data; give the data with --data <file|folder> (or drop ${flagName(stray)})`,
      );
    }
    return null;
  }
  if ((o.dataset !== undefined && o.dataset !== defaultDataset) || o.dataDir !== undefined) {
    throw new ValueError(
      `--data ${o.data} and ${o.dataDir !== undefined ? '--data-dir' : `--dataset ${o.dataset}`} contradict each other; give your own data (--data) or a named data set (--dataset)`,
    );
  }
  return loadDataSplit(o.data, {
    labels: o.labels,
    labelColumn: o.labelColumn,
    testData: o.testData,
    testLabels: o.testLabels,
    testFraction: o.testFraction,
    shape: o.shape,
    size: o.size,
    grey: o.grey,
  });
}

/** Which data a run trained on, for reports: the --data path, else the data set's name. */
export function dataLabel(o: DataChoice): string {
  return o.data ?? o.dataset ?? 'mnist';
}
