import path from 'node:path';
import { Matrix } from '../backend/index.ts';
import { HebbError } from '../errors.ts';
import { validateDataset, type Dataset, type Split } from './dataset.ts';
import { CIFAR10_FOLDER, dataDir, isFile, readDataFile } from './paths.ts';

/**
 * The CIFAR-10 binary version: each record is 1 label byte then a 32×32 image stored
 * channel-major (1024 R, 1024 G, 1024 B, each row-major). We convert to HWC rows.
 */
export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
/** The five training batch files, 10 000 images each. */
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
/** The test batch file, 10 000 images. */
export const CIFAR10_TEST_FILE = 'test_batch.bin';
/** All six batch files a complete CIFAR-10 folder holds. */
export const CIFAR10_FILES = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];

const SIDE = 32;
const PLANE = SIDE * SIDE;
/** Bytes per record: 1 label byte and 3 × 32 × 32 pixel bytes. */
export const CIFAR10_RECORD = 1 + 3 * PLANE;

const FIX = 'run `hebb data fetch cifar10` (downloads 170 MB) to get a fresh copy';

function checkLength(buf: Uint8Array, file: string): number {
  if (buf.length === 0 || buf.length % CIFAR10_RECORD !== 0) {
    const whole = Math.floor(buf.length / CIFAR10_RECORD);
    throw new HebbError(
      `CIFAR-10 batch ${file} has ${buf.length} bytes, not a positive multiple of the ${CIFAR10_RECORD}-byte record (${whole} whole records + ${buf.length % CIFAR10_RECORD} bytes; official files hold 10000 records = ${10000 * CIFAR10_RECORD} bytes); the file is truncated or not the binary version, ${FIX}`,
    );
  }
  return buf.length / CIFAR10_RECORD;
}

/** Decodes a batch's records into rows at..at+n−1 of x and y; returns n. */
function decodeInto(buf: Uint8Array, file: string, x: Matrix, y: Uint8Array, at: number): number {
  const n = checkLength(buf, file);
  const out = x.data;
  for (let r = 0; r < n; r++) {
    const rec = r * CIFAR10_RECORD;
    const label = buf[rec];
    if (label >= CIFAR10_CLASSES.length) {
      throw new HebbError(
        `CIFAR-10 batch ${file}: record ${r} has label ${label}, not below 10 (is this the CIFAR-100 version?); ${FIX}`,
      );
    }
    y[at + r] = label;
    const dst = (at + r) * 3 * PLANE;
    // Channel-major source → pixel-major HWC destination: out[p·3 + c] = plane c at pixel p.
    for (let c = 0; c < 3; c++) {
      const src = rec + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) out[dst + p * 3 + c] = buf[src + p] / 255;
    }
  }
  return n;
}

/** Decodes one batch file's bytes (any number of records); `file` names it in errors. */
export function parseCifarBatch(
  buf: Uint8Array,
  file: string,
): {
  /** The images, one HWC row of 3072 values in [0, 1] each. */
  x: Matrix;
  /** Their class indices. */
  y: Uint8Array;
} {
  const n = checkLength(buf, file);
  const x = new Matrix(n, 3 * PLANE);
  const y = new Uint8Array(n);
  decodeInto(buf, file, x, y, 0);
  return { x, y };
}

/** Reads one batch file (data_batch_i.bin or test_batch.bin). */
export function readCifarBatch(file: string): {
  /** The images, one HWC row of 3072 values in [0, 1] each. */
  x: Matrix;
  /** Their class indices. */
  y: Uint8Array;
} {
  return parseCifarBatch(readDataFile(file, 'CIFAR-10 batch', FIX), file);
}

/** Several batch files decoded straight into one matrix (no second 614 MB copy). */
export function readCifarBatches(files: string[]): {
  /** The images of every file in order, one HWC row of 3072 values in [0, 1] each. */
  x: Matrix;
  /** Their class indices. */
  y: Uint8Array;
} {
  const bufs = files.map((f) => readDataFile(f, 'CIFAR-10 batch', FIX));
  const rows = bufs.reduce((s, b, i) => s + checkLength(b, files[i]), 0);
  const x = new Matrix(rows, 3 * PLANE);
  const y = new Uint8Array(rows);
  let at = 0;
  bufs.forEach((b, i) => {
    at += decodeInto(b, files[i], x, y, at);
  });
  return { x, y };
}

/**
 * The folder with the six .bin files: `dir` itself or dir/cifar-10-batches-bin when given,
 * else <dataDir>/cifar-10-batches-bin ($HEBB_DATA or ~/.cache/hebb). Null when incomplete.
 */
export function findCifar10(dir?: string): string | null {
  const candidates = dir ? [dir, path.join(dir, CIFAR10_FOLDER)] : [cifar10DefaultDir()];
  return candidates.find((d) => CIFAR10_FILES.every((f) => isFile(path.join(d, f)))) ?? null;
}

/** Where `hebb data fetch cifar10` puts the files: <dataDir>/cifar-10-batches-bin. */
export function cifar10DefaultDir(): string {
  return path.join(dataDir(), CIFAR10_FOLDER);
}

/**
 * CIFAR-10: train = data_batch_1..5 (50000), test = test_batch (10000), shape [32, 32, 3],
 * values in [0, 1]. Not cached: the float32 training matrix alone is 614 MB.
 */
export function cifar10(opts: { dir?: string } = {}): Split {
  const dir = findCifar10(opts.dir);
  if (!dir) {
    const where = opts.dir ?? cifar10DefaultDir();
    const missing = CIFAR10_FILES.filter((f) => !isFile(path.join(where, f)));
    throw new HebbError(
      `CIFAR-10 not found: ${where} lacks ${missing.join(', ')}; run \`hebb data fetch cifar10\`${opts.dir ? ` --data-dir ${opts.dir}` : ''} (170 MB) or set HEBB_DATA to the folder that holds ${CIFAR10_FOLDER}/`,
    );
  }
  const make = (p: { x: Matrix; y: Uint8Array }): Dataset =>
    validateDataset(
      { ...p, shape: [SIDE, SIDE, 3], classes: [...CIFAR10_CLASSES], name: 'cifar10' },
      'cifar10',
    );
  return {
    train: make(readCifarBatches(CIFAR10_TRAIN_FILES.map((f) => path.join(dir, f)))),
    test: make(readCifarBatches([path.join(dir, CIFAR10_TEST_FILE)])),
  };
}
