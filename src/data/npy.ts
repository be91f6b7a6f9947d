// NumPy's .npy format (version 1–3): a magic string, a header dict (descr, fortran_order,
// shape), then the array's bytes. parseNpy reads bytes (browser-safe); readNpy a file (Node).
import { HebbError } from '../errors.ts';
import { halfToFloat } from '../io/safetensors.ts';

/** An array read from .npy bytes. */
export interface NpyArray {
  /** Its sizes per axis, as stored. */
  shape: number[];
  /** The values as float32, row-major (C order). */
  data: Float32Array;
  /** The stored dtype, e.g. '<f8'. */
  dtype: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Element readers by dtype (byte order '<' little, '>' big, '|' not applicable). */
const READERS: Record<
  string,
  { size: number; read: (v: DataView, at: number, le: boolean) => number }
> = {
  f8: { size: 8, read: (v, at, le) => v.getFloat64(at, le) },
  f4: { size: 4, read: (v, at, le) => v.getFloat32(at, le) },
  f2: { size: 2, read: (v, at, le) => halfToFloat(v.getUint16(at, le)) },
  i8: { size: 8, read: (v, at, le) => Number(v.getBigInt64(at, le)) },
  i4: { size: 4, read: (v, at, le) => v.getInt32(at, le) },
  i2: { size: 2, read: (v, at, le) => v.getInt16(at, le) },
  i1: { size: 1, read: (v, at) => v.getInt8(at) },
  u8: { size: 8, read: (v, at, le) => Number(v.getBigUint64(at, le)) },
  u4: { size: 4, read: (v, at, le) => v.getUint32(at, le) },
  u2: { size: 2, read: (v, at, le) => v.getUint16(at, le) },
  u1: { size: 1, read: (v, at) => v.getUint8(at) },
  b1: { size: 1, read: (v, at) => v.getUint8(at) },
};

/**
 * Parses .npy bytes, checking the header against the data length before reading any value:
 * a corrupt or truncated file is a clear error naming `source`, never a silently wrong array.
 */
export function parseNpy(bytes: Uint8Array, source = 'npy bytes'): NpyArray {
  const fail = (what: string): never => {
    throw new HebbError(`${source}: ${what}; the file is corrupt or not a NumPy .npy file`);
  };
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m))
    fail('no \\x93NUMPY magic at the start');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('too short for a version 2 header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    return fail(`unknown format version ${major}`);
  }
  if (start + headerLen > bytes.length) fail(`header of ${headerLen} bytes runs past the end`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /'descr':\s*'([<>|=])([A-Za-z]\d*)'/.exec(header);
  const order = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !order || !shapeText)
    fail(`cannot read the header ${JSON.stringify(header.trim())}`);
  const reader = READERS[descr![2]];
  if (!reader) {
    // A readable file of another kind (text, complex, objects): say how to save numbers.
    throw new HebbError(
      `${source}: dtype '${descr![1]}${descr![2]}' is not a number type (float, int, uint or bool); save the array as numbers, e.g. np.save(f, x.astype(np.float32))`,
    );
  }
  if (order![1] === 'True')
    fail('the array is in Fortran order; save it with np.ascontiguousarray first');
  const shape = shapeText![1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`bad shape (${shapeText![1]})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (bytes.length - dataStart !== count * reader.size) {
    fail(
      `shape (${shape.join(', ')}) needs ${count * reader.size} data bytes but the file has ${bytes.length - dataStart}`,
    );
  }
  const le = descr![1] !== '>';
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = reader.read(view, dataStart + i * reader.size, le);
  return { shape, data, dtype: descr![1] + descr![2] };
}
