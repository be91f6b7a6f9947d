// NumPy's .npz: a zip archive of .npy files (np.savez stores them, np.savez_compressed deflates
// them). A minimal zip reader: the central directory (with its zip64 fields), stored or deflated
// entries. Node-only (node:zlib inflates).
import { inflateRawSync } from 'node:zlib';
import { HebbError } from '../errors.ts';
import { parseNpy, type NpyArray } from './npy.ts';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The files of a zip archive by name (bytes, inflated). */
export function unzip(bytes: Uint8Array, source = 'zip bytes'): Map<string, Uint8Array> {
  const fail = (what: string): never => {
    throw new HebbError(`${source}: ${what}; the file is corrupt or not a .npz (zip) archive`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65535.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) fail('no end-of-central-directory record');
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const files = new Map<string, Uint8Array>();
  for (let e = 0; e < entries; e++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL)
      fail(`central directory entry ${e} is missing`);
    const method = view.getUint16(at + 10, true);
    let compressed = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    let local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLen));
    // zip64: the fields that overflowed (0xFFFFFFFF) follow in order in extra field 0x0001.
    for (let x = at + 46 + nameLen; x + 4 <= at + 46 + nameLen + extraLen;) {
      const id = view.getUint16(x, true);
      const len = view.getUint16(x + 2, true);
      if (id === 1) {
        let p = x + 4;
        const next = () => {
          const v = Number(view.getBigUint64(p, true));
          p += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressed === 0xffffffff) compressed = next();
        if (local === 0xffffffff) local = next();
      }
      x += 4 + len;
    }
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL)
      fail(`'${name}' has no local header`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressed > bytes.length) fail(`'${name}' runs past the end`);
    const raw = bytes.subarray(start, start + compressed);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (err) {
        return fail(`'${name}' does not inflate (${(err as Error).message})`);
      }
    } else {
      return fail(`'${name}' uses zip method ${method}; only stored (0) and deflate (8) are read`);
    }
    if (data.length !== size) fail(`'${name}' is ${data.length} bytes, its header says ${size}`);
    files.set(name, data);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

/** The arrays of .npz bytes by name (without '.npy'), each parsed by parseNpy. */
export function parseNpz(bytes: Uint8Array, source = 'npz bytes'): Map<string, NpyArray> {
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of unzip(bytes, source)) {
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -4);
    arrays.set(key, parseNpy(data, `${source} (array '${key}')`));
  }
  return arrays;
}
