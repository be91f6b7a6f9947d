import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HebbError } from '../errors.ts';

/**
 * Root folder for downloaded data sets: $HEBB_DATA when set, else ~/.cache/hebb.
 * `hebb data fetch` writes <root>/cifar-10-batches-bin and <root>/fashion-mnist there.
 */
export function dataDir(): string {
  const env = process.env.HEBB_DATA?.trim();
  return env ? path.resolve(env) : path.join(os.homedir(), '.cache', 'hebb');
}

/** Where Debian's dataset-fashion-mnist package installs the four .gz files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Folder name of the CIFAR-10 binary version, as its official archive names it. */
export const CIFAR10_FOLDER = 'cifar-10-batches-bin';
export const FASHION_MNIST_FOLDER = 'fashion-mnist';

/**
 * The first candidate folder that holds every one of `files` (a file counts when it exists
 * under its own name or with `.gz` added or removed), or null.
 */
export function findFolderWith(candidates: string[], files: string[]): string | null {
  for (const dir of candidates) {
    if (files.every((f) => resolveMaybeGz(dir, f) !== null)) return dir;
  }
  return null;
}

/** `dir/name` if it exists, else its .gz (or un-.gz) twin, else null. */
export function resolveMaybeGz(dir: string, name: string): string | null {
  const plain = name.endsWith('.gz') ? name.slice(0, -3) : name;
  for (const n of [plain, `${plain}.gz`]) {
    const p = path.join(dir, n);
    if (isFile(p)) return p;
  }
  return null;
}

export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * A data file's bytes, or one line naming it, why it cannot be read and the fix: e.g.
 * `CIFAR-10 batch <file> does not exist; <fix>`.
 */
export function readDataFile(file: string, what: string, fix: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HebbError(
      `${what} ${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}; ${fix}`,
    );
  }
}

/** Human size: 162.6 MB (decimal megabytes, as download sizes are usually quoted). */
export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;
}
