// Labeled Faces in the Wild, for the similarity-matching faces experiment: the full set
// (13 233 JPEGs of 250×250, downloaded by `hebb data fetch lfw`, decoded to 64×64 grey) and
// the 200-image subset Debian's python3-skimage ships as a NumPy file (25×25).
import fs from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { Matrix } from '../backend/matrix.ts';
import { HebbError } from '../errors.ts';
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { validateDataset, type Dataset, type Split } from './dataset.ts';
import { parseNpy } from './npy.ts';
import { dataDir, isFile } from './paths.ts';
import { count } from '../model/wording.ts';

/** The archive scikit-learn downloads too (a figshare copy of the official lfw.tgz). */
export const LFW_SOURCE = {
  /** Where the archive is downloaded from. */
  url: 'https://ndownloader.figshare.com/files/5976018',
  /** The official address of the same archive. */
  official: 'http://vis-www.cs.umass.edu/lfw/lfw.tgz',
  /** The archive's file name. */
  file: 'lfw.tgz',
  /** Its SHA-256, lower-case hex. */
  sha256: '055f7d9c632d7370e6fb4afc7468d40f970c34a80d4c6f50ffec63f5a8d536c0',
  /** Its size in bytes. */
  bytes: 180_566_744,
};
/** The folder the archive extracts to, under the data root. */
export const LFW_FOLDER = 'lfw';
/** The side of the grey images the full set is decoded to (the paper's 64²). */
export const LFW_SIDE = 64;
/** Fraction of the 250-px LFW frame kept around its centre: the face, 128 px, halved to 64. */
const CROP = 128 / 250;
/** The decoded images, cached beside the extracted folder. */
export const LFW_CACHE = `lfw-${LFW_SIDE}.safetensors`;

/** scikit-image's 200-image subset (100 faces, 100 non-faces, 25 × 25 grey). */
export const LFW_SUBSET_FILE = 'lfw_subset.npy';
/** Where Debian's python3-skimage installs the subset. */
export const LFW_SUBSET_PATHS = ['/usr/lib/python3/dist-packages/skimage/data/lfw_subset.npy'];

/**
 * One LFW picture as a side × side grey image in [0, 1]: luma (0.299 R + 0.587 G + 0.114 B),
 * the central square of CROP × the shorter side, then box-averaged down to side × side (each
 * output pixel the mean of the input pixels that fall in it). The paper states only "64²";
 * the crop keeps the face, which the dataset centres.
 */
export function faceImage(
  rgb: Uint8Array,
  width: number,
  height: number,
  side = LFW_SIDE,
): Float32Array {
  if (rgb.length !== width * height * 3) {
    throw new HebbError(
      `faceImage: ${count(rgb.length, 'value')} for a ${width}×${height} RGB image (need ${width * height * 3})`,
    );
  }
  const c = Math.max(side, Math.floor(Math.min(width, height) * CROP));
  const y0 = Math.floor((height - c) / 2);
  const x0 = Math.floor((width - c) / 2);
  const out = new Float32Array(side * side);
  for (let i = 0; i < side; i++) {
    const ya = Math.floor((i * c) / side);
    const yb = Math.floor(((i + 1) * c) / side);
    for (let j = 0; j < side; j++) {
      const xa = Math.floor((j * c) / side);
      const xb = Math.floor(((j + 1) * c) / side);
      let s = 0;
      for (let y = ya; y < yb; y++) {
        for (let x = xa; x < xb; x++) {
          const p = ((y0 + y) * width + x0 + x) * 3;
          s += 0.299 * rgb[p] + 0.587 * rgb[p + 1] + 0.114 * rgb[p + 2];
        }
      }
      out[i * side + j] = s / ((yb - ya) * (xb - xa) * 255);
    }
  }
  return out;
}

/** The JPEG files of an extracted lfw/ folder (<Name>/<Name>_NNNN.jpg), sorted. */
function jpegs(folder: string): string[] {
  const files: string[] = [];
  for (const person of fs.readdirSync(folder).sort()) {
    const dir = path.join(folder, person);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort())
      if (/\.jpe?g$/i.test(f)) files.push(path.join(dir, f));
  }
  return files;
}

/** The extracted folder: `dir` itself, `dir/lfw`, or `<data root>/lfw`; null when absent. */
export function findLfw(dir?: string): string | null {
  const candidates = dir ? [dir, path.join(dir, LFW_FOLDER)] : [path.join(dataDir(), LFW_FOLDER)];
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isDirectory() && jpegs(c).length > 0) return c;
    } catch {
      // not there
    }
  }
  return null;
}

/** Every 10th picture (in sorted order) is the test split: the faces set has no official one. */
function split(x: Matrix, side: number, name: string, classes: string[]): Split {
  const test: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < x.rows; i++) (i % 10 === 9 ? test : train).push(i);
  const make = (rows: number[]): Dataset =>
    validateDataset({
      x: x.gatherRows(rows),
      y: new Uint8Array(rows.length),
      shape: [side, side, 1],
      classes,
      name,
    });
  return { train: make(train), test: make(test) };
}

/**
 * The full LFW set as 64×64 grey faces (one class, 'face'): decoded once from the JPEGs
 * (a few minutes) and cached beside them as lfw-64.safetensors.
 */
export function lfw(opts: { dir?: string } = {}): Split {
  const folder = findLfw(opts.dir);
  if (!folder) {
    throw new HebbError(
      `LFW not found (looked in ${opts.dir ?? path.join(dataDir(), LFW_FOLDER)}); run \`hebb data fetch lfw\` (181 MB), or use the 200-face lfw-subset`,
    );
  }
  const cache = path.join(path.dirname(folder), LFW_CACHE);
  const files = jpegs(folder);
  let x: Matrix | null = null;
  if (isFile(cache)) {
    const t = decodeSafetensors(fs.readFileSync(cache), cache).tensors.images;
    if (t && t.dtype === 'F32' && t.shape[0] === files.length && t.shape[1] === LFW_SIDE * LFW_SIDE)
      x = new Matrix(t.shape[0], t.shape[1], t.data as Float32Array);
  }
  if (!x) {
    x = new Matrix(files.length, LFW_SIDE * LFW_SIDE);
    files.forEach((f, i) => {
      let img: { width: number; height: number; data: Uint8Array };
      try {
        img = jpeg.decode(fs.readFileSync(f), { useTArray: true, formatAsRGBA: false });
      } catch (e) {
        throw new HebbError(
          `${f}: not a readable JPEG (${(e as Error).message}); run \`hebb data fetch lfw --force\``,
        );
      }
      x!.data.set(faceImage(img.data, img.width, img.height), i * x!.cols);
    });
    writeFileAtomic(cache, encodeSafetensors({ images: x }, { source: LFW_SOURCE.file }));
  }
  return split(x, LFW_SIDE, 'lfw', ['face']);
}

/** The subset file: `dir` (a file or a folder holding it), else the data root, else skimage's. */
export function findLfwSubset(dir?: string): string | null {
  const candidates = dir
    ? [dir, path.join(dir, LFW_SUBSET_FILE)]
    : [path.join(dataDir(), LFW_SUBSET_FILE), ...LFW_SUBSET_PATHS];
  return candidates.find(isFile) ?? null;
}

/**
 * skimage's LFW subset: 100 faces then 100 non-face patches, 25×25 grey in [0, 1]; classes
 * 'face' and 'non-face'. Every 10th image of each half is the test split.
 */
export function lfwSubset(opts: { dir?: string } = {}): Split {
  const file = findLfwSubset(opts.dir);
  if (!file) {
    throw new HebbError(
      `lfw-subset not found (looked for ${LFW_SUBSET_FILE} in ${opts.dir ?? [dataDir(), ...LFW_SUBSET_PATHS].join(', ')}); install Debian's python3-skimage, or copy the file into the data root`,
    );
  }
  const a = parseNpy(fs.readFileSync(file), file);
  if (a.shape.length !== 3 || a.shape[1] !== a.shape[2] || a.shape[0] % 2 !== 0) {
    throw new HebbError(
      `${file}: expected an array of N square grey images (N even), got shape (${a.shape.join(', ')})`,
    );
  }
  const [n, side] = a.shape;
  const s = split(new Matrix(n, side * side, a.data), side, 'lfw-subset', ['face', 'non-face']);
  // Labels: the first half of the file are faces.
  const label = (ds: Dataset, rows: number[]) =>
    rows.forEach((r, k) => (ds.y[k] = r < n / 2 ? 0 : 1));
  const rows = Array.from({ length: n }, (_, i) => i);
  label(
    s.train,
    rows.filter((i) => i % 10 !== 9),
  );
  label(
    s.test,
    rows.filter((i) => i % 10 === 9),
  );
  return s;
}
