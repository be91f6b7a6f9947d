import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HebbError } from '../errors.ts';
import { VERSION } from '../version.ts';

/**
 * A resumable HTTP(S) downloader: bytes go to `<dest>.part`, a retry after a dropped
 * connection asks for the rest with a Range header (and starts over when the server ignores
 * it), the finished file is checked against its md5 (or SHA-256) and only then renamed to `dest`.
 */

/** Called as bytes arrive: bytes received so far, and the total when the server says it. */
export type ProgressFn = (received: number, total: number | undefined) => void;

/** Options of downloadFile. */
export interface DownloadOptions {
  /** Expected md5 (lower-case hex); null or undefined skips the check. */
  md5?: string | null;
  /** Expected SHA-256 (lower-case hex), checked like md5 (both may be given). */
  sha256?: string | null;
  /** Called as bytes arrive. */
  onProgress?: ProgressFn;
  /** Further attempts after a failed one (default 4), each resuming the .part file. */
  retries?: number;
  /** Wait before the first retry, doubled each time (default 1000 ms). */
  retryDelayMs?: number;
  /** Give up on a connection that sends nothing for this long (default 60 s). */
  timeoutMs?: number;
  /** What to tell the user to run again, e.g. 'hebb data fetch cifar10'. */
  rerun?: string;
}

/** A failure worth another attempt (dropped connection, timeout, HTTP 5xx). */
class Transient extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function fileSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}

/** A file's digest as lower-case hex, streamed (archives are hundreds of MB). */
export async function hashFile(p: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  const hash = crypto.createHash(algorithm);
  await pipeline(fs.createReadStream(p), hash);
  return hash.digest('hex');
}

/** GET following redirects; resolves with the final response (body not yet read). */
function get(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  hops = 10,
): Promise<http.IncomingMessage> {
  const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
  if (!mod) {
    return Promise.reject(
      new HebbError(`cannot download ${url.href}: only http:// and https:// URLs are supported`),
    );
  }
  return new Promise((resolve, reject) => {
    const req = mod.get(
      url,
      { headers: { 'User-Agent': `hebb/${VERSION}`, ...headers } },
      (res) => {
        const loc = res.headers.location;
        if (REDIRECTS.has(res.statusCode ?? 0) && loc) {
          res.resume();
          if (hops === 0) {
            reject(new HebbError(`download of ${url.href} redirects more than 10 times`));
            return;
          }
          resolve(get(new URL(loc, url), headers, timeoutMs, hops - 1));
          return;
        }
        resolve(res);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(
        new Transient(
          `no data for ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${timeoutMs / 1000} s`}`,
        ),
      ),
    );
    req.on('error', reject);
  });
}

async function attempt(url: string, part: string, o: DownloadOptions): Promise<void> {
  const start = fileSize(part);
  const res = await get(
    new URL(url),
    start > 0 ? { Range: `bytes=${start}-` } : {},
    o.timeoutMs ?? 60_000,
  );
  const status = res.statusCode ?? 0;
  let from = start;
  if (status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)/.exec(res.headers['content-range'] ?? '');
    if (!m || Number(m[1]) !== start) {
      res.destroy();
      fs.rmSync(part, { force: true }); // a range we did not ask for: start over cleanly
      throw new Transient(`server answered a different range (${res.headers['content-range']})`);
    }
  } else if (status === 200) {
    from = 0; // server ignored Range (or there was none): the body is the whole file
  } else if (status === 416 && start > 0) {
    res.resume();
    fs.rmSync(part, { force: true }); // our .part is longer than the file: start over
    throw new Transient('server rejected the resume range');
  } else {
    res.resume();
    const msg = `HTTP ${status} ${res.statusMessage ?? ''}`.trim();
    if (status >= 500 || status === 408 || status === 429) throw new Transient(msg);
    throw new HebbError(
      `download of ${url} failed: ${msg}; check the URL, or download the file by hand`,
    );
  }
  const len = Number(res.headers['content-length']);
  const total = Number.isFinite(len) && len >= 0 ? from + len : undefined;
  let received = from;
  o.onProgress?.(received, total);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      o.onProgress?.(received, total);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(res, counter, fs.createWriteStream(part, { flags: from > 0 ? 'a' : 'w' }));
  } catch (e) {
    if (e instanceof HebbError) throw e;
    throw new Transient(`connection lost after ${received} bytes (${(e as Error).message})`);
  }
  if (total !== undefined && received !== total) {
    throw new Transient(`connection closed after ${received} of ${total} bytes`);
  }
}

/**
 * Downloads url to dest (atomically: dest appears only complete and verified). A leftover
 * `<dest>.part` from an interrupted run is resumed. On a checksum mismatch the .part file is
 * deleted and a HebbError names expected and actual md5.
 */
export async function downloadFile(
  url: string,
  dest: string,
  opts: DownloadOptions = {},
): Promise<void> {
  const part = `${dest}.part`;
  const retries = opts.retries ?? 4;
  const rerun = opts.rerun ? `run \`${opts.rerun}\` again` : 'run the command again';
  let delay = opts.retryDelayMs ?? 1000;
  for (let i = 0; ; i++) {
    try {
      await attempt(url, part, opts);
      break;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (e instanceof HebbError) throw e;
      const fatal = err.code === 'ENOTFOUND' || err.code === 'ERR_INVALID_URL';
      if (fatal || i >= retries) {
        const kept = fileSize(part);
        throw new HebbError(
          `could not download ${url} after ${i + 1} attempt(s): ${err.message}; check the network connection and ${rerun}` +
            (kept > 0 ? ` (it resumes from the ${kept} bytes kept in ${part})` : ''),
        );
      }
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
  for (const algorithm of ['md5', 'sha256'] as const) {
    const expected = opts[algorithm];
    if (!expected) continue;
    const actual = await hashFile(part, algorithm);
    if (actual !== expected.toLowerCase()) {
      fs.rmSync(part, { force: true });
      throw new HebbError(
        `checksum mismatch for ${dest} downloaded from ${url}: expected ${algorithm} ${expected}, got ${actual}; the download was deleted, ${rerun} (if it fails again, the server sends a different file: use the official URL)`,
      );
    }
  }
  fs.renameSync(part, dest);
}
