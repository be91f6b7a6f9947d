// STL-10, binary version (stl10_binary/: train_X.bin, train_y.bin, test_X.bin, test_y.bin).
import path from 'node:path';
import { Matrix } from '../backend/index.ts';
import { HebbError } from '../errors.ts';
import { validateDataset, type Dataset, type Split } from './dataset.ts';
import { dataDir, isFile, readDataFile } from './paths.ts';

/** The ten classes, labels 1–10 in the files (0–9 here). */
export const STL10_CLASSES = [
  'airplane',
  'bird',
  'car',
  'cat',
  'deer',
  'dog',
  'horse',
  'monkey',
  'ship',
  'truck',
];
/** Folder name of the binary version, as its official archive names it. */
export const STL10_FOLDER = 'stl10_binary';
/** The labelled files a complete folder holds (unlabeled_X.bin is not read). */
export const STL10_FILES = ['train_X.bin', 'train_y.bin', 'test_X.bin', 'test_y.bin'];

const SIDE = 96;
const PLANE = SIDE * SIDE;
/** Bytes per image: 3 planes of 96 × 96, each stored column by column. */
export const STL10_IMAGE_BYTES = 3 * PLANE;

const FIX =
  'download stl10_binary.tar.gz (2.6 GB) from https://cs.stanford.edu/~acoates/stl10/ and extract it';

/**
 * Decodes an images file: per image 3 planes (R, G, B) of 96 × 96 bytes, each plane
 * column-major (byte x·96 + y is the pixel at row y, column x), into HWC rows in [0, 1].
 */
export function parseStl10Images(buf: Uint8Array, file: string): Matrix {
  if (buf.length === 0 || buf.length % STL10_IMAGE_BYTES !== 0)
    throw new HebbError(
      `STL-10 images ${file} has ${buf.length} bytes, not a positive multiple of ${STL10_IMAGE_BYTES} (3 × 96 × 96); the file is truncated or not the binary version; ${FIX}`,
    );
  const n = buf.length / STL10_IMAGE_BYTES;
  const x = new Matrix(n, STL10_IMAGE_BYTES);
  const out = x.data;
  for (let i = 0; i < n; i++) {
    const src = i * STL10_IMAGE_BYTES;
    for (let c = 0; c < 3; c++)
      for (let col = 0; col < SIDE; col++) {
        const s = src + c * PLANE + col * SIDE;
        for (let row = 0; row < SIDE; row++)
          out[src + (row * SIDE + col) * 3 + c] = buf[s + row] / 255;
      }
  }
  return x;
}

/** Decodes a labels file (one byte 1–10 per image) into class indices 0–9. */
export function parseStl10Labels(buf: Uint8Array, file: string): Uint8Array {
  const y = new Uint8Array(buf.length);
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] < 1 || buf[i] > 10)
      throw new HebbError(
        `STL-10 labels ${file}: entry ${i} is ${buf[i]}, not 1–10; the file is not STL-10's train_y.bin/test_y.bin; ${FIX}`,
      );
    y[i] = buf[i] - 1;
  }
  return y;
}

/** Where the files are looked for: `dir` and dir/stl10_binary, else <dataDir>/stl10_binary. */
export function findStl10(dir?: string): string | null {
  const candidates = dir
    ? [dir, path.join(dir, STL10_FOLDER)]
    : [path.join(dataDir(), STL10_FOLDER)];
  return candidates.find((d) => STL10_FILES.every((f) => isFile(path.join(d, f)))) ?? null;
}

/**
 * STL-10's labelled images: train 5000, test 8000, shape [96, 96, 3], values in [0, 1]. The
 * 100 000 unlabelled images are not read.
 */
export function stl10(opts: { dir?: string } = {}): Split {
  const dir = findStl10(opts.dir);
  if (!dir) {
    const where = opts.dir ?? path.join(dataDir(), STL10_FOLDER);
    throw new HebbError(
      `STL-10 not found: ${where} lacks ${STL10_FILES.join(', ')}; ${FIX}${opts.dir ? '' : `, into ${dataDir()}`}`,
    );
  }
  const part = (split: 'train' | 'test'): Dataset => {
    const xf = path.join(dir, `${split}_X.bin`);
    const yf = path.join(dir, `${split}_y.bin`);
    const x = parseStl10Images(readDataFile(xf, 'STL-10 file', FIX), xf);
    const y = parseStl10Labels(readDataFile(yf, 'STL-10 file', FIX), yf);
    if (y.length !== x.rows)
      throw new HebbError(
        `STL-10 ${split}: ${x.rows} images in ${xf} but ${y.length} labels in ${yf}; the files do not belong together; ${FIX}`,
      );
    return validateDataset(
      { x, y, shape: [SIDE, SIDE, 3], classes: [...STL10_CLASSES], name: 'stl10' },
      'stl10',
    );
  };
  return { train: part('train'), test: part('test') };
}
