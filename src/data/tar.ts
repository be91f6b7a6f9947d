import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { HebbError } from '../errors.ts';

/**
 * A small tar reader/writer (POSIX ustar, 512-byte blocks) over node:zlib: enough for the
 * CIFAR-10 archive. Regular files and folders are extracted; links and devices are skipped
 * (a data set needs none, and skipping them keeps extraction inside the target folder).
 * GNU long names ('L') and pax 'path' records are honoured.
 */

const BLOCK = 512;

/** A damaged or truncated archive (as opposed to an I/O failure while writing). */
export class ArchiveError extends HebbError {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

function field(h: Buffer, off: number, len: number): string {
  const end = h.indexOf(0, off);
  return h.toString('utf8', off, end >= 0 && end < off + len ? end : off + len);
}

function parseSize(h: Buffer): number {
  // GNU base-256 for sizes ≥ 8 GiB: high bit of the first byte set.
  if (h[124] & 0x80) {
    let v = h[124] & 0x7f;
    for (let i = 125; i < 136; i++) v = v * 256 + h[i];
    return v;
  }
  const s = field(h, 124, 12).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = parseInt(field(h, 148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return stored === sum;
}

/** Incremental tar parser writing files under `dest`; feed it chunks, then call end(). */
export class TarExtractor {
  readonly files: string[] = [];
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private remaining = 0; // data bytes left in the current entry
  private padding = 0; // zero bytes after it up to the block boundary
  private fd: number | null = null;
  private longName: string | null = null;
  private meta: { kind: 'L' | 'x'; size: number } | null = null;
  private metaBuf: Buffer[] = [];
  private done = false;

  constructor(
    private readonly dest: string,
    private readonly source: string,
  ) {}

  push(chunk: Uint8Array): void {
    this.pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.pendingLen += chunk.length;
    for (;;) {
      if (this.remaining > 0) {
        if (this.pendingLen === 0) return;
        this.consumeData();
      } else if (this.padding > 0) {
        const n = Math.min(this.padding, this.pendingLen);
        if (n === 0) return;
        this.take(n);
        this.padding -= n;
      } else if (this.done) {
        this.take(this.pendingLen); // trailing zero blocks after the end marker
        return;
      } else {
        if (this.pendingLen < BLOCK) return;
        this.header(this.take(BLOCK));
      }
    }
  }

  /** Call after the last chunk: fails when the archive stopped inside an entry. */
  end(): string[] {
    this.closeFile();
    if (this.remaining > 0 || this.pendingLen > 0) {
      throw new ArchiveError(
        `tar archive ${this.source} is truncated: it ends inside an entry (${this.remaining || this.pendingLen} bytes missing or left over)`,
      );
    }
    return this.files;
  }

  /** Closes any open file (after an error, so no descriptor leaks). */
  abort(): void {
    this.closeFile();
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length ? [rest] : [];
    this.pendingLen = rest.length;
    return out;
  }

  private consumeData(): void {
    const chunk = this.take(Math.min(this.remaining, this.pendingLen));
    this.remaining -= chunk.length;
    if (this.meta) this.metaBuf.push(Buffer.from(chunk));
    else if (this.fd !== null) fs.writeSync(this.fd, chunk);
    if (this.remaining === 0) {
      this.closeFile();
      if (this.meta) this.finishMeta();
    }
  }

  private header(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      this.done = true; // end-of-archive marker; what follows is padding
      return;
    }
    if (!checksumOk(h)) {
      throw new ArchiveError(
        `tar archive ${this.source} is corrupt: header checksum mismatch after ${this.files.length} files`,
      );
    }
    const type = String.fromCharCode(h[156] || 0x30);
    const size = parseSize(h);
    const prefix = h.toString('latin1', 257, 263).startsWith('ustar') ? field(h, 345, 155) : '';
    let name = this.longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    this.longName = null;
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'L' || type === 'x') {
      this.meta = { kind: type, size };
      this.metaBuf = [];
      if (size === 0) this.finishMeta();
      return;
    }
    if (type !== '0' && type !== '5' && type !== '7') return; // links etc.: skip their data
    name = name.replace(/\/+$/, '');
    const target = this.safePath(name);
    if (type === '5') {
      fs.mkdirSync(target, { recursive: true });
      return;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    this.fd = fs.openSync(target, 'w');
    this.files.push(name);
    if (size === 0) this.closeFile();
  }

  private finishMeta(): void {
    const text = Buffer.concat(this.metaBuf).toString('utf8');
    if (this.meta?.kind === 'L') {
      this.longName = text.replace(/\0+$/, '');
    } else {
      // pax records: "<len> key=value\n"
      for (const m of text.matchAll(/\d+ path=([^\n]*)\n/g)) this.longName = m[1];
    }
    this.meta = null;
  }

  private safePath(name: string): string {
    const parts = name.split('/');
    if (name.startsWith('/') || parts.includes('..')) {
      throw new ArchiveError(
        `tar archive ${this.source} has an unsafe entry name '${name}' (absolute or with ..); refusing to extract it`,
      );
    }
    return path.join(this.dest, ...parts);
  }

  private closeFile(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}

/**
 * Extracts a .tar.gz (or plain .tar) into `dest` (created if needed); returns the entry
 * names. Damaged input raises ArchiveError naming the file; the caller cleans `dest` up.
 */
export async function extractTarGz(archive: string, dest: string): Promise<string[]> {
  fs.mkdirSync(dest, { recursive: true });
  const tar = new TarExtractor(dest, archive);
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      try {
        tar.push(chunk);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
  const head = Buffer.alloc(2);
  const fd = fs.openSync(archive, 'r');
  fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  try {
    if (gz) await pipeline(fs.createReadStream(archive), zlib.createGunzip(), sink);
    else await pipeline(fs.createReadStream(archive), sink);
    return tar.end();
  } catch (e) {
    tar.abort();
    if (e instanceof HebbError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith('Z_') || err.code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new ArchiveError(`archive ${archive} is not a valid gzip file (${err.message})`);
    }
    throw e;
  }
}

/**
 * Builds an uncompressed ustar archive from in-memory files (for tests and small bundles).
 * (A Buffer, typed as Uint8Array so that the declarations need no @types/node.)
 */
export function createTar(entries: { name: string; data: Uint8Array }[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const { name, data } of entries) {
    const h = Buffer.alloc(BLOCK);
    let base = name;
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      const cut = name.lastIndexOf('/', 155);
      if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) {
        throw new HebbError(`createTar: name '${name}' is too long for a ustar header`);
      }
      prefix = name.slice(0, cut);
      base = name.slice(cut + 1);
    }
    h.write(base, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h[156] = 0x30;
    h.write('ustar\0' + '00', 257, 'latin1');
    h.write(prefix, 345, 155, 'utf8');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += h[i];
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(h, Buffer.from(data));
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}
