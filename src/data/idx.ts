import zlib from 'node:zlib';
import { HebbError } from '../errors.ts';
import { readDataFile } from './paths.ts';

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type, ndims),
 * ndims big-endian uint32 sizes, then the values. Only type 0x08 (unsigned byte) occurs in
 * those data sets, so only it is supported. Files may be raw or gzip-compressed.
 */

export interface IdxArray {
  /** Sizes, outermost first: [count, rows, cols] for images, [count] for labels. */
  dims: number[];
  /** The values, row-major, straight from the file (a view on the file's buffer). */
  data: Uint8Array;
}

/** What readIdx checks the file against. */
export interface IdxExpect {
  /** 'images' needs magic 0x00000803 (3 dims), 'labels' 0x00000801 (1 dim). */
  kind?: 'images' | 'labels';
  /** Sizes the caller knows in advance; -1 leaves one free. */
  dims?: number[];
  /** How to get a good copy, appended to every error (default: re-download the file). */
  fix?: string;
}

const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** True when the buffer starts with the gzip magic 0x1f 0x8b. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Reads and validates an IDX file (raw or .gz: detected from the bytes, not the name). */
export function readIdx(file: string, expect: IdxExpect = {}): IdxArray {
  const fix = expect.fix ?? 're-download the file';
  const raw = readDataFile(file, 'IDX file', fix);
  let buf: Uint8Array = raw;
  let gz = false;
  if (isGzip(raw)) {
    gz = true;
    try {
      buf = zlib.gunzipSync(raw);
    } catch (e) {
      throw new HebbError(
        `IDX file ${file} is a damaged gzip file (${(e as Error).message}); ${fix}`,
      );
    }
  }
  return parseIdx(buf, gz ? `${file} (after gunzip)` : file, expect);
}

/** Validates and decodes IDX bytes already in memory; `where` names them in errors. */
export function parseIdx(buf: Uint8Array, where: string, expect: IdxExpect = {}): IdxArray {
  const fix = expect.fix ?? 're-download the file';
  const fail = (what: string): never => {
    throw new HebbError(`IDX file ${where}: ${what}; ${fix}`);
  };
  if (buf.length < 4) fail(`only ${buf.length} bytes, too short for the 4-byte magic number`);
  const magic = hex(readU32(buf, 0));
  if (buf[0] !== 0 || buf[1] !== 0) {
    fail(`bad magic number ${magic} (IDX files start with two zero bytes); not an IDX file`);
  }
  if (buf[2] !== UBYTE) {
    const t = TYPE_NAMES[buf[2]];
    fail(
      t
        ? `element type ${t} (magic ${magic}) is not supported, only unsigned byte (0x08)`
        : `bad magic number ${magic}: unknown element type 0x${buf[2].toString(16)}`,
    );
  }
  const nd = buf[3];
  const wantNd = expect.kind === 'images' ? 3 : expect.kind === 'labels' ? 1 : undefined;
  if (nd === 0 || (wantNd !== undefined && nd !== wantNd)) {
    const want = wantNd === 3 ? '0x00000803 (images)' : '0x00000801 (labels)';
    fail(
      wantNd === undefined
        ? `magic ${magic} declares 0 dimensions`
        : `magic number ${magic} but ${expect.kind} files have ${want}`,
    );
  }
  const header = 4 + 4 * nd;
  if (buf.length < header) {
    fail(`only ${buf.length} bytes, too short for the ${header}-byte header of ${nd} dims`);
  }
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(readU32(buf, 4 + 4 * i));
  if (expect.dims) {
    const ok = expect.dims.length === nd && expect.dims.every((d, i) => d === -1 || d === dims[i]);
    if (!ok) {
      const want = expect.dims.map((d) => (d === -1 ? '*' : String(d))).join('×');
      fail(`dimensions ${dims.join('×')}, expected ${want}`);
    }
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = header + count;
  if (buf.length !== expected) {
    const what = expect.kind ?? `${nd}-d values`;
    fail(`expected ${expected} bytes for ${dims.join('×')} ${what}, file has ${buf.length}`);
  }
  return { dims, data: buf.subarray(header, expected) };
}

function readU32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Encodes bytes as an IDX file (the inverse of parseIdx); used to write small test files.
 * (A Buffer, typed as Uint8Array so that the declarations need no @types/node.)
 */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new HebbError(`encodeIdx: ${data.length} values do not fill ${dims.join('×')}`);
  }
  const out = Buffer.alloc(4 + 4 * dims.length + count);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** float32 v/255 for every byte value, so conversion is one table lookup per pixel. */
const UNIT = new Float32Array(256).map((_, i) => i / 255);

/** Bytes 0..255 → float32 in [0, 1] (v/255, rounded to float32). */
export function bytesToUnit(bytes: Uint8Array, out = new Float32Array(bytes.length)): Float32Array {
  for (let i = 0; i < bytes.length; i++) out[i] = UNIT[bytes[i]];
  return out;
}
