// Your own data from files (Node-only): a .npy of samples with a labels file, a .npz holding x
// and y, a CSV with a label column, or a folder of class sub-folders of PNG/JPEG images; and a
// train/test split of them. Every problem is one error naming the file, the row or column, and
// the fix. The parsers they use work on bytes and text (npy.ts, csv.ts, image-decode.ts).
import fs from 'node:fs';
import path from 'node:path';
import { Matrix } from '../backend/matrix.ts';
import { HebbError, ShapeError, ValueError } from '../errors.ts';
import { count } from '../model/wording.ts';
import { parseCsv } from './csv.ts';
import type { Dataset, Split } from './dataset.ts';
import {
  classIndices,
  datasetFrom,
  parseShape,
  splitDataset,
  type ImageShape3,
} from './from-arrays.ts';
import { decodeImage, resizeBilinear, toGrey, toRgb, type FloatImage } from './image-decode.ts';
import { parseNpy, type NpyArray } from './npy.ts';
import { parseNpz } from './npz.ts';

/** Options of loadData and the loaders of one file or folder (loadNpy, loadCsv, …). */
export interface DataFileOptions {
  /** The labels of a .npy of samples: a .npy, or a .csv / .txt of one label per line. */
  labels?: string;
  /** A CSV's label column; default 'label' when the header has it, else the last column. */
  labelColumn?: string;
  /** The image shape of flat samples (a .npy of N × D, a CSV): 'HxWxC' or [H, W, C]. */
  shape?: string | number[];
  /** Image folders: resize every image to 'HxW' (bilinear); needed when sizes differ. */
  size?: string | number[];
  /** Image folders: colour as grey (luma). */
  grey?: boolean;
}

/** Options of loadDataSplit. */
export interface DataSplitOptions extends DataFileOptions {
  /** A test set of the same kind (its labels: testLabels); else a share of the data is held out. */
  testData?: string;
  /** The labels of testData, as `labels` for the data. */
  testLabels?: string;
  /** The share held out for testing when there is no testData; default 0.2. */
  testFraction?: number;
  /** Seed of the held-out rows' shuffle; default 0 (the same split whatever a model's seed). */
  splitSeed?: number;
}

/** The share of the data held out for testing when no test set is given. */
export const DEFAULT_TEST_FRACTION = 0.2;

/** The image extensions read; others that are images are refused, other files skipped. */
const READ = /\.(png|jpe?g)$/i;
const UNREAD = /\.(gif|bmp|webp|tiff?|heic|avif|pgm|ppm)$/i;

/** A ValueError or ShapeError from checking the data becomes a HebbError: the file is at fault. */
function fromFile<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof ValueError || e instanceof ShapeError) throw new HebbError(e.message);
    throw e;
  }
}

function readBytes(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new HebbError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
}

/** The shape of flat rows of length d: `shape` when given (checked against d), else [1, d, 1]. */
function flatShape(d: number, shape: DataFileOptions['shape'], file: string): ImageShape3 {
  if (shape === undefined) return [1, d, 1];
  const s = parseShape(shape, 'shape') as ImageShape3;
  if (s[0] * s[1] * s[2] !== d) {
    throw new ValueError(
      `${file}: shape ${s.join('×')} is ${s[0] * s[1] * s[2]} values per sample but the samples have ${d}; give a shape whose product is ${d}`,
    );
  }
  return s;
}

/** Samples of an array: N × D (a shape from `o.shape`), N × H × W (grey) or N × H × W × C. */
function samplesOf(
  a: NpyArray,
  file: string,
  o: DataFileOptions,
): { x: Matrix; shape: ImageShape3 } {
  const [n, ...rest] = a.shape;
  if (a.shape.length < 2 || a.shape.length > 4) {
    throw new HebbError(
      `${file}: an array of shape (${a.shape.join(', ')}); the samples must be N × D, N × H × W or N × H × W × C (channels last)`,
    );
  }
  const d = rest.reduce((p, q) => p * q, 1);
  const x = new Matrix(n, d, a.data);
  if (rest.length === 1) return { x, shape: flatShape(d, o.shape, file) };
  if (o.shape !== undefined) {
    throw new ValueError(
      `${file}: shape is for flat samples (N × D); this array's samples are already ${rest.join('×')}`,
    );
  }
  return { x, shape: (rest.length === 2 ? [rest[0], rest[1], 1] : rest) as ImageShape3 };
}

/** Labels of an array: N values (or N × 1). */
function labelsOf(a: NpyArray, file: string): Float32Array {
  if (a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1)) return a.data;
  throw new HebbError(
    `${file}: labels of shape (${a.shape.join(', ')}); they must be one integer per sample (shape (N,))`,
  );
}

/**
 * Labels from a file: a .npy of N integers, or a .csv / .txt with one label per line (a first
 * line that is not a number is a header; a CSV with several columns gives its label column).
 */
export function readLabels(
  file: string,
  o: Pick<DataFileOptions, 'labelColumn'> = {},
): {
  /** The class index of each label. */
  y: Uint8Array;
  /** Class names, by index. */
  classes: string[];
} {
  if (/\.npy$/i.test(file)) {
    const a = parseNpy(readBytes(file), file);
    return fromFile(() => classIndices(labelsOf(a, file), file, (i) => `label ${i}`));
  }
  const text = readBytes(file);
  const lines = new TextDecoder()
    .decode(text)
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first >= 0 && lines[first].includes(',')) {
    const t = parseCsv(lines.join('\n'), { source: file, labelColumn: o.labelColumn });
    return fromFile(() => classIndices(t.labels, file, (i) => `line ${t.lines[i]}`));
  }
  const rows: { line: number; text: string }[] = [];
  lines.forEach((l, k) => l.trim() !== '' && rows.push({ line: k + 1, text: l.trim() }));
  if (rows.length > 0 && Number.isNaN(Number(rows[0].text))) rows.shift(); // a header
  if (rows.length === 0) throw new HebbError(`${file}: no labels in it`);
  return fromFile(() =>
    classIndices(
      rows.map((r) => r.text),
      file,
      (i) => `line ${rows[i].line}`,
    ),
  );
}

function noFlag(o: DataFileOptions, keys: (keyof DataFileOptions)[], file: string, why: string) {
  for (const k of keys) {
    if (o[k] !== undefined && o[k] !== false) {
      throw new ValueError(`${file}: the ${k} option does not apply: ${why}`);
    }
  }
}

/** A .npy of samples (N × D, N × H × W or N × H × W × C) with its labels file (`o.labels`). */
export function loadNpy(file: string, o: DataFileOptions = {}): Dataset {
  noFlag(o, ['size', 'grey', 'labelColumn'], file, 'a .npy holds arrays, not images or columns');
  if (o.labels === undefined) {
    throw new ValueError(
      `${file} holds no labels; give a labels file (--labels y.npy, or a .csv with one integer per sample), or save both in one .npz: np.savez(f, x=x, y=y)`,
    );
  }
  const { x, shape } = samplesOf(parseNpy(readBytes(file), file), file, o);
  const { y, classes } = readLabels(o.labels);
  if (y.length !== x.rows) {
    throw new HebbError(
      `${o.labels} has ${count(y.length, 'label')} but ${file} has ${count(x.rows, 'sample')}; give one label per sample, in the same order`,
    );
  }
  return fromFile(() =>
    datasetFrom(x, y, { name: path.basename(file), source: file, shape, classes }),
  );
}

/** The names an .npz's samples may have, in the order looked for. */
export const NPZ_SAMPLES = ['x', 'X'];
/** The names an .npz's labels may have, in the order looked for. */
export const NPZ_LABELS = ['y', 'Y'];

/** A .npz holding the samples as x (or X) and the labels as y (or Y): np.savez(f, x=x, y=y). */
export function loadNpz(file: string, o: DataFileOptions = {}): Dataset {
  noFlag(o, ['size', 'grey', 'labelColumn'], file, 'a .npz holds arrays, not images or columns');
  noFlag(o, ['labels'], file, 'the labels are the .npz array y');
  const arrays = parseNpz(readBytes(file), file);
  const xKey = NPZ_SAMPLES.find((k) => arrays.has(k));
  const yKey = NPZ_LABELS.find((k) => arrays.has(k));
  if (!xKey || !yKey) {
    const have = arrays.size ? [...arrays.keys()].join(', ') : 'none';
    throw new HebbError(
      `${file}: no array ${xKey ? "'y' (or 'Y')" : "'x' (or 'X')"} (it has: ${have}); save the samples as x and the labels as y: np.savez(f, x=x, y=y)`,
    );
  }
  const { x, shape } = samplesOf(arrays.get(xKey)!, `${file} (array '${xKey}')`, o);
  const source = `${file} (array '${yKey}')`;
  const { y, classes } = fromFile(() =>
    classIndices(labelsOf(arrays.get(yKey)!, source), source, (i) => `label ${i}`),
  );
  if (y.length !== x.rows) {
    throw new HebbError(
      `${file}: ${count(x.rows, 'sample')} in '${xKey}' but ${count(y.length, 'label')} in '${yKey}'; give one label per sample`,
    );
  }
  return fromFile(() =>
    datasetFrom(x, y, { name: path.basename(file), source: file, shape, classes }),
  );
}

/**
 * A CSV: a header row, one sample per line, numeric columns and one label column (`labelColumn`,
 * default 'label', else the last column) of integer class indices or class names.
 */
export function loadCsv(file: string, o: DataFileOptions = {}): Dataset {
  noFlag(o, ['size', 'grey'], file, 'a CSV holds numbers, not images');
  noFlag(o, ['labels'], file, 'a CSV holds its labels in its label column');
  const t = parseCsv(new TextDecoder().decode(readBytes(file)), {
    source: file,
    labelColumn: o.labelColumn,
  });
  const { y, classes } = fromFile(() =>
    classIndices(t.labels, `${file}, column '${t.labelColumn}'`, (i) => `line ${t.lines[i]}`),
  );
  const shape = flatShape(t.x.cols, o.shape, file);
  return fromFile(() =>
    datasetFrom(t.x, y, { name: path.basename(file), source: file, shape, classes }),
  );
}

/** The visible entries of a folder, sorted. */
function entries(dir: string): fs.Dirent[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A folder of class sub-folders of PNG and JPEG images (dir/cat/1.png, dir/dog/2.jpg): one class
 * per sub-folder (sorted by name), the images in [0, 1] (decodeImage), resized to `o.size` by
 * bilinear interpolation and made grey with `o.grey`. One channel when every image is grey, else
 * three (grey ones copied to R, G and B). Without `o.size` every image must have the same size.
 */
export function loadImageFolder(dir: string, o: DataFileOptions = {}): Dataset {
  noFlag(o, ['labels', 'labelColumn'], dir, 'the sub-folders are the classes');
  noFlag(o, ['shape'], dir, 'images have their shape; resize them with size (--size HxW)');
  const size = o.size === undefined ? undefined : parseShape(o.size, 'size', 2);
  const top = entries(dir);
  const classes = top.filter((e) => e.isDirectory()).map((e) => e.name);
  if (classes.length === 0) {
    const loose = top.some((e) => READ.test(e.name));
    throw new HebbError(
      `${dir}: no class folders${loose ? ' (the images lie in it directly)' : ''}; put each class's images in a sub-folder of its own: ${path.join(dir, 'cat', '1.png')}, ${path.join(dir, 'dog', '2.jpg')}`,
    );
  }
  const images: { file: string; img: FloatImage; label: number }[] = [];
  classes.forEach((name, label) => {
    const folder = path.join(dir, name);
    const files = entries(folder).filter((e) => e.isFile());
    const bad = files.find((e) => UNREAD.test(e.name));
    if (bad) {
      throw new HebbError(
        `${path.join(folder, bad.name)}: hebb reads PNG and JPEG images only; convert it (e.g. to PNG) or move it out`,
      );
    }
    const pictures = files.filter((e) => READ.test(e.name));
    if (pictures.length === 0) {
      throw new HebbError(
        `${folder}: class folder '${name}' holds no PNG or JPEG images; add its images or remove the folder`,
      );
    }
    for (const e of pictures) {
      const file = path.join(folder, e.name);
      let img = decodeImage(readBytes(file), file);
      if (o.grey) img = toGrey(img);
      if (size) img = resizeBilinear(img, size[0], size[1]);
      else if (images.length > 0) {
        const first = images[0];
        if (img.height !== first.img.height || img.width !== first.img.width) {
          throw new HebbError(
            `${file} is ${img.height}×${img.width} (height×width) but ${first.file} is ${first.img.height}×${first.img.width}; pass --size ${first.img.height}x${first.img.width} (size option) to resize every image to one size`,
          );
        }
      }
      images.push({ file, img, label });
    }
  });
  if (classes.length > 256) {
    throw new HebbError(`${dir}: ${classes.length} class folders; hebb takes at most 256 classes`);
  }
  const channels = images.some((i) => i.img.channels === 3) ? 3 : 1;
  const { height, width } = images[0].img;
  const x = new Matrix(images.length, height * width * channels);
  images.forEach(({ img }, i) => {
    x.data.set((channels === 3 ? toRgb(img) : img).data, i * x.cols);
  });
  return fromFile(() =>
    datasetFrom(
      x,
      images.map((i) => i.label),
      {
        name: path.basename(path.resolve(dir)),
        source: dir,
        shape: [height, width, channels],
        classes,
      },
    ),
  );
}

/** What `file` is: a folder, or a file by its extension. */
export function dataKind(file: string): 'folder' | 'npy' | 'npz' | 'csv' {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new HebbError(
      `${file}: no such file or folder (paths are relative to ${process.cwd()}); give a .npy, .npz, .csv or a folder of class sub-folders of images`,
    );
  }
  if (stat.isDirectory()) return 'folder';
  const ext = path.extname(file).toLowerCase().slice(1);
  if (ext === 'npy' || ext === 'npz' || ext === 'csv') return ext;
  throw new HebbError(
    `${file}: hebb reads .npy, .npz and .csv files and folders of images, not .${ext || '(no extension)'}; convert it (a TSV: replace the tabs with commas and name it .csv)`,
  );
}

/** One data set from a .npy (+ labels), .npz, .csv or image folder (see each loader). */
export function loadData(file: string, o: DataFileOptions = {}): Dataset {
  const kind = dataKind(file);
  if (kind === 'folder') return loadImageFolder(file, o);
  if (kind === 'npy') return loadNpy(file, o);
  if (kind === 'npz') return loadNpz(file, o);
  return loadCsv(file, o);
}

/**
 * Test labels renumbered to the training set's classes (by name), the names the training set
 * lacks added after its own; numeric labels (classes '0', '1', …) are kept as they are.
 */
function alignClasses(train: Dataset, test: Dataset): Split {
  // Classes '0', '1', … named by their index (numeric labels): the indices stand as they are.
  const numeric = (c: string[]) => c.every((s, k) => s === String(k));
  if (numeric(train.classes) && numeric(test.classes)) {
    const n = Math.max(train.classes.length, test.classes.length);
    const classes = Array.from({ length: n }, (_, k) => String(k));
    return { train: { ...train, classes }, test: { ...test, classes: [...classes] } };
  }
  const classes = [...train.classes];
  for (const c of test.classes) if (!classes.includes(c)) classes.push(c);
  const y = Uint8Array.from(test.y, (k) => classes.indexOf(test.classes[k]));
  return { train: { ...train, classes }, test: { ...test, y, classes: [...classes] } };
}

/**
 * Training and test sets from your files: `data` and `o.testData` when a test set is given,
 * else `data` split by a seeded shuffle, `o.testFraction` (0.2) of it held out.
 */
export function loadDataSplit(data: string, o: DataSplitOptions = {}): Split {
  if (o.testData !== undefined && o.testFraction !== undefined) {
    throw new ValueError(
      'a test set (--test-data) and a test fraction (--test-fraction) contradict each other; give one',
    );
  }
  if (o.testData === undefined && o.testLabels !== undefined) {
    throw new ValueError('test labels (--test-labels) need a test set (--test-data)');
  }
  const train = loadData(data, o);
  if (o.testData === undefined) {
    return fromFile(() =>
      splitDataset(train, o.testFraction ?? DEFAULT_TEST_FRACTION, o.splitSeed ?? 0),
    );
  }
  const test = loadData(o.testData, { ...o, labels: o.testLabels });
  if (train.shape.join() !== test.shape.join()) {
    throw new HebbError(
      `${o.testData}: samples of ${test.shape.join('×')} but ${data} has ${train.shape.join('×')}; the test set needs the training set's shape`,
    );
  }
  return alignClasses(train, test);
}
