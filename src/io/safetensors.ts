import { Matrix, describeType } from '../backend/matrix.ts';
import { ShapeError, ValueError } from '../errors.ts';

/**
 * The safetensors checkpoint format: an 8-byte little-endian u64 header length N, N bytes of
 * JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {k: v}}`, then
 * the tensor bytes (offsets relative to the start of that byte buffer), all little-endian.
 * F16 tensors are carried as raw half-precision bits (Uint16Array); see halfToFloat.
 * Pure bytes in and out (browser-safe); files are read and written by safetensors-file.ts.
 * DTYPES gives each dtype's bytes per element (`size`) and the typed array holding it (`array`).
 */
export const DTYPES = {
  /** 64-bit float. */
  F64: { size: 8, array: Float64Array },
  /** 64-bit signed integer. */
  I64: { size: 8, array: BigInt64Array },
  /** 32-bit float. */
  F32: { size: 4, array: Float32Array },
  /** 32-bit signed integer. */
  I32: { size: 4, array: Int32Array },
  /** 16-bit float, carried as its raw bits. */
  F16: { size: 2, array: Uint16Array },
  /** Unsigned byte. */
  U8: { size: 1, array: Uint8Array },
} as const;
/** A dtype hebb reads and writes: a key of DTYPES. */
export type Dtype = keyof typeof DTYPES;

/**
 * One tensor of a safetensors file: its dtype, its sizes per axis (`shape`, [] for a scalar)
 * and its elements in row-major order (`data`, the typed array DTYPES gives the dtype).
 */
export type Tensor =
  | { dtype: 'F32'; shape: number[]; data: Float32Array }
  | { dtype: 'F64'; shape: number[]; data: Float64Array }
  | { dtype: 'I32'; shape: number[]; data: Int32Array }
  | { dtype: 'U8'; shape: number[]; data: Uint8Array }
  | { dtype: 'I64'; shape: number[]; data: BigInt64Array }
  | { dtype: 'F16'; shape: number[]; data: Uint16Array };

/** What a safetensors file holds. */
export interface SafetensorsFile {
  /** The tensors, by name. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__`: string keys to string values ({} when absent). */
  metadata: Record<string, string>;
}

/** Same limit as the reference implementation: a larger header means a corrupt file. */
export const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// Writing

/** A Matrix as a 2-D F32 tensor sharing its storage. */
export function matrixToTensor(m: Matrix): Tensor {
  return { dtype: 'F32', shape: [m.rows, m.cols], data: m.data };
}

/** A 2-D F32 tensor as a Matrix sharing its storage; anything else is a clear error. */
export function tensorToMatrix(t: Tensor, name = 'tensor'): Matrix {
  if (t.dtype !== 'F32') {
    throw new ValueError(
      `${name} has dtype ${t.dtype} but a Matrix needs F32; convert it with Float32Array.from(data) first`,
    );
  }
  if (t.shape.length !== 2) {
    throw new ShapeError(
      `${name} has shape [${t.shape.join(', ')}] but a Matrix needs 2 dimensions [rows, cols]; reshape it first`,
    );
  }
  return new Matrix(t.shape[0], t.shape[1], t.data);
}

/**
 * Serialises tensors (or Matrices) to safetensors bytes. Tensors are laid out by element size,
 * largest first, then by name: deterministic, and with the header padded to 8 bytes every
 * tensor starts aligned to its element size, so readers can view instead of copy.
 */
export function encodeSafetensors(
  tensors: Record<string, Tensor | Matrix>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = Object.entries(tensors).map(([name, t]): [string, Tensor] => [
    name,
    t instanceof Matrix ? matrixToTensor(t) : t,
  ]);
  for (const [name, t] of entries) checkTensor(name, t);
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') {
      throw new ValueError(
        `saveSafetensors: metadata '${k}' is ${describeType(v)}, but metadata values must be strings; use String(value) or JSON.stringify(value)`,
      );
    }
  }
  entries.sort(([na, a], [nb, b]) => {
    const bySize = DTYPES[b.dtype].size - DTYPES[a.dtype].size;
    return bySize !== 0 ? bySize : na < nb ? -1 : na > nb ? 1 : 0;
  });

  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen); // space padding, as the reference writer does
  let pos = 8 + headerLen;
  for (const [, t] of entries) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, pos);
    if (!LITTLE_ENDIAN) swapBytes(out, pos, t.data.byteLength, DTYPES[t.dtype].size);
    pos += t.data.byteLength;
  }
  return out;
}

function checkTensor(name: string, t: Tensor): void {
  const where = `saveSafetensors: tensor '${name}'`;
  if (name === '' || name === '__metadata__') {
    throw new ValueError(`saveSafetensors: '${name}' cannot be a tensor name; rename it`);
  }
  const spec = (DTYPES as Record<string, (typeof DTYPES)[Dtype]>)[t?.dtype];
  if (!spec) {
    throw new ValueError(
      `${where} has dtype ${String(t?.dtype)}; use one of ${Object.keys(DTYPES).join(', ')}`,
    );
  }
  if (!(t.data instanceof spec.array)) {
    throw new ValueError(
      `${where} is ${t.dtype} but its data is ${describeType(t.data)}; pass a ${spec.array.name}`,
    );
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(
      `${where} has shape ${JSON.stringify(t.shape)}; a shape is an array of non-negative integers`,
    );
  }
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (n !== t.data.length) {
    throw new ShapeError(
      `${where} has shape [${t.shape.join(', ')}] (${n} elements) but ${t.data.length} values; make them agree`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Parses safetensors bytes, validating everything against the file's actual size before
 * allocating, so a lying header is an error, never a crash or a huge allocation. Tensors whose
 * data is aligned view `buffer` (no copy); unaligned ones are copied.
 */
export function decodeSafetensors(buffer: Uint8Array, sourceName = 'buffer'): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new ValueError(
      `${sourceName}: ${problem}; the file is corrupt or not a safetensors file; re-save the checkpoint`,
    );
  };
  if (buffer.length < 8) fail(`only ${buffer.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    fail(`header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLen = Number(n);
  if (8 + headerLen > buffer.length) {
    fail(`header length ${headerLen} runs past the end of the ${buffer.length}-byte file`);
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(8, 8 + headerLen)),
    );
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) fail(`header is ${describeJson(header)}, not a JSON object`);
  const hdr = header as Record<string, unknown>;

  const dataStart = 8 + headerLen;
  const dataLen = buffer.length - dataStart;
  const metadata = readMetadata(hdr.__metadata__, fail);
  const ranges: { name: string; begin: number; end: number }[] = [];
  const tensors: [string, Tensor][] = [];
  for (const [name, raw] of Object.entries(hdr)) {
    if (name === '__metadata__') continue;
    const where = `tensor '${name}'`;
    if (!isPlainObject(raw)) fail(`${where} entry is ${describeJson(raw)}, not an object`);
    const entry = raw as Record<string, unknown>;
    const dtype = entry.dtype;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
      fail(
        `${where} has unknown dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(DTYPES).join(', ')})`,
      );
    }
    const spec = DTYPES[dtype as Dtype];
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`${where} has shape ${JSON.stringify(shape)}, not an array of non-negative integers`);
    }
    const offs = entry.data_offsets;
    if (
      !Array.isArray(offs) ||
      offs.length !== 2 ||
      !offs.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      fail(`${where} has data_offsets ${JSON.stringify(offs)}, not two non-negative integers`);
    }
    const [begin, end] = offs as [number, number];
    if (begin > end) fail(`${where} has reversed data_offsets [${begin}, ${end}]`);
    if (end > dataLen) {
      fail(`${where} data_offsets [${begin}, ${end}] run past the ${dataLen}-byte data buffer`);
    }
    // Products of huge dims lose precision but can then never equal a byte count that fits.
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (count * spec.size !== end - begin) {
      fail(
        `${where} is ${dtype} [${(shape as number[]).join(', ')}] = ${count * spec.size} bytes but data_offsets span ${end - begin}`,
      );
    }
    ranges.push({ name, begin, end });
    const data = readTyped(buffer, dataStart + begin, count, dtype as Dtype);
    tensors.push([name, { dtype, shape: [...(shape as number[])], data } as Tensor]);
  }
  // Zero-length tensors occupy no bytes and overlap nothing; the rest must be disjoint.
  const used = ranges.filter((r) => r.end > r.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < used.length; i++) {
    const p = used[i - 1];
    const r = used[i];
    if (r.begin < p.end) {
      fail(
        `tensors '${p.name}' [${p.begin}, ${p.end}] and '${r.name}' [${r.begin}, ${r.end}] overlap`,
      );
    }
  }
  // fromEntries defines own properties, so a tensor named '__proto__' cannot touch the prototype.
  return { tensors: Object.fromEntries(tensors), metadata };
}

function readMetadata(raw: unknown, fail: (p: string) => never): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) fail(`__metadata__ is ${describeJson(raw)}, not an object`);
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string')
      fail(`__metadata__ value '${k}' is ${describeJson(v)}, not a string`);
    out.push([k, v as string]);
  }
  return Object.fromEntries(out);
}

function readTyped(buffer: Uint8Array, at: number, count: number, dtype: Dtype): Tensor['data'] {
  const { size, array } = DTYPES[dtype];
  const abs = buffer.byteOffset + at;
  if (LITTLE_ENDIAN && abs % size === 0) return new array(buffer.buffer as ArrayBuffer, abs, count);
  // Unaligned (or big-endian host): typed arrays cannot view it, so copy the bytes out.
  // (Not buffer.slice: on a Node Buffer that is a view, not a copy.)
  const bytes = new Uint8Array(count * size);
  bytes.set(buffer.subarray(at, at + count * size));
  if (!LITTLE_ENDIAN) swapBytes(bytes, 0, bytes.length, size);
  return new array(bytes.buffer, 0, count);
}

function swapBytes(b: Uint8Array, from: number, len: number, size: number): void {
  if (size === 1) return;
  for (let i = from; i < from + len; i += size) b.subarray(i, i + size).reverse();
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** IEEE half-precision bits → number (for inspecting F16 tensors). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
