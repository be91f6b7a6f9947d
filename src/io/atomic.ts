import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  statSync,
  renameSync,
  rmSync,
  writeSync,
  type PathLike,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Replaces `path` with `data` so that a reader (or a crash) sees either the old file or the
 * complete new one, never a half-written file: write a temp file in the same directory (a
 * rename is only atomic within one file system), fsync it, rename it over the target, then
 * fsync the directory so the rename itself survives a power loss.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one worth reporting
      }
    }
    rmSync(tmp, { force: true });
    // Report the file the caller asked for, not the temp name beside it.
    if ((e as NodeJS.ErrnoException).path === tmp) (e as NodeJS.ErrnoException).path = path;
    throw e;
  }
  fsyncDir(dir);
}

/** Writes `value` as pretty JSON (2-space indent, trailing newline) through writeFileAtomic. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Best effort: some platforms (Windows) and file systems cannot open or fsync a directory. */
function fsyncDir(dir: PathLike): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // durability of the rename is a bonus, not a requirement
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * mkdir -p that always ends: each missing folder from the deepest existing one down, one mkdir
 * each, so a path the system refuses fails with that error (Node's recursive mkdir retries
 * forever where the parent exists but refuses children, as /proc does).
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ;) {
    try {
      statSync(d);
      break;
    } catch {
      missing.push(d);
    }
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made meanwhile by another process: fine when it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
}
