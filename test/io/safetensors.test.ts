import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { HebbError, ShapeError, ValueError } from '../../src/errors.ts';
import {
  decodeSafetensors,
  encodeSafetensors,
  halfToFloat,
  tensorToMatrix,
  type Tensor,
} from '../../src/io/safetensors.ts';
import { loadSafetensors, saveSafetensors } from '../../src/io/safetensors-file.ts';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'hebb-st-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Bytes of a file with the given header object (or raw header string) and data buffer. */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), lenOverride?: bigint) {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lenOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function rejects(bytes: Uint8Array, ...patterns: RegExp[]): void {
  assert.throws(
    () => decodeSafetensors(bytes, 'bad.safetensors'),
    (e: unknown) => {
      assert.ok(e instanceof ValueError, `expected ValueError, got ${String(e)}`);
      const msg = (e as Error).message;
      assert.match(msg, /^bad\.safetensors: /);
      assert.match(msg, /corrupt or not a safetensors file; re-save the checkpoint/);
      for (const p of patterns) assert.match(msg, p);
      return true;
    },
  );
}

const f32 = (shape: number[], data: number[] | Float32Array): Tensor => ({
  dtype: 'F32',
  shape,
  data: Float32Array.from(data),
});

describe('safetensors round trips', () => {
  const all: Record<string, Tensor> = {
    f32: f32([2, 3], [1, -2, 3.5, 0, -0, 1e-30]),
    f64: { dtype: 'F64', shape: [4], data: Float64Array.from([Math.PI, -1e300, 0, 1 / 3]) },
    i32: { dtype: 'I32', shape: [2, 2], data: Int32Array.from([1, -1, 2 ** 31 - 1, -(2 ** 31)]) },
    u8: { dtype: 'U8', shape: [5], data: Uint8Array.from([0, 1, 127, 128, 255]) },
    i64: { dtype: 'I64', shape: [2], data: BigInt64Array.from([-(2n ** 63n), 2n ** 40n]) },
    f16: { dtype: 'F16', shape: [1], data: Uint16Array.from([0x3c00]) },
    scalar: { dtype: 'F64', shape: [], data: Float64Array.from([7]) },
    empty: f32([0], []),
    zeros: { dtype: 'I32', shape: [3, 0, 2], data: new Int32Array(0) },
    u8odd: { dtype: 'U8', shape: [3], data: Uint8Array.from([9, 8, 7]) },
  };

  it('every dtype, scalars, empty tensors and zero dims survive encode → decode', () => {
    const bytes = encodeSafetensors(all, { note: 'hi', 'hebb.version': '0.1.0' });
    const { tensors, metadata } = decodeSafetensors(bytes);
    assert.deepEqual(metadata, { note: 'hi', 'hebb.version': '0.1.0' });
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(all).sort());
    for (const [name, t] of Object.entries(all)) {
      assert.equal(tensors[name].dtype, t.dtype, name);
      assert.deepEqual(tensors[name].shape, t.shape, name);
      assert.deepEqual(tensors[name].data, t.data, name);
    }
  });

  it('the layout is deterministic, header padded to 8 with spaces, every tensor aligned', () => {
    const reversed = Object.fromEntries(Object.entries(all).reverse());
    const a = encodeSafetensors(all);
    assert.deepEqual(encodeSafetensors(reversed), a);
    const n = Number(new DataView(a.buffer).getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const json = Buffer.from(a.subarray(8, 8 + n)).toString();
    assert.match(json, /\} *$/);
    const header = JSON.parse(json) as Record<string, { dtype: string; data_offsets: number[] }>;
    const size: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, U8: 1 };
    for (const [name, e] of Object.entries(header)) {
      assert.equal(e.data_offsets[0] % size[e.dtype], 0, `${name} aligned`);
    }
    assert.ok(!('__metadata__' in header), 'no metadata key when there is none');
  });

  it('save/load through a file with Matrices, leaving no temp files behind', () => {
    const path = join(tmp, 'm.safetensors');
    const w = Matrix.from([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    saveSafetensors(path, { w, b: f32([3], [7, 8, 9]) }, { epoch: '3' });
    saveSafetensors(path, { w, b: f32([3], [7, 8, 9]) }, { epoch: '4' });
    const { tensors, metadata } = loadSafetensors(path);
    assert.equal(metadata.epoch, '4');
    assert.deepEqual(tensorToMatrix(tensors.w, 'w').toArray(), w.toArray());
    assert.deepEqual(readdirSync(tmp), ['m.safetensors']);
  });

  it('decodes from a buffer that is a subarray at an odd byte offset', () => {
    const bytes = encodeSafetensors({ x: f32([2], [1.5, -2.5]) });
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const { tensors } = decodeSafetensors(shifted.subarray(1));
    assert.deepEqual(Array.from(tensors.x.data as Float32Array), [1.5, -2.5]);
  });

  it('halfToFloat decodes normals, subnormals, infinities and NaN', () => {
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0xb800), -0.5);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0xfc00), -Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  });
});

describe('safetensors writer rejects bad tensors', () => {
  it('data length that does not match the shape', () => {
    assert.throws(() => encodeSafetensors({ w: f32([2, 2], [1, 2, 3]) }), ShapeError);
    assert.throws(() => encodeSafetensors({ w: f32([2, 2], [1, 2, 3]) }), /'w'.*4 elements.*3/);
  });
  it('data of the wrong typed array, bad dtype, bad shape, bad name, bad metadata', () => {
    const bad = (t: unknown) => encodeSafetensors({ t: t as Tensor });
    assert.throws(() => bad({ dtype: 'F32', shape: [1], data: new Float64Array(1) }), /Float32/);
    assert.throws(() => bad({ dtype: 'BF16', shape: [1], data: new Uint16Array(1) }), /BF16/);
    assert.throws(() => bad({ dtype: 'U8', shape: [-1], data: new Uint8Array(0) }), ShapeError);
    assert.throws(() => encodeSafetensors({ __metadata__: f32([0], []) }), ValueError);
    assert.throws(
      () => encodeSafetensors({}, { n: 3 as unknown as string }),
      /metadata 'n'.*must be strings/,
    );
  });
  it('tensorToMatrix wants 2-D F32', () => {
    assert.throws(() => tensorToMatrix(f32([6], [1, 2, 3, 4, 5, 6]), 'w'), /w has shape \[6\]/);
    assert.throws(
      () => tensorToMatrix({ dtype: 'U8', shape: [1, 1], data: new Uint8Array(1) }),
      /dtype U8 but a Matrix needs F32/,
    );
  });
});

describe('safetensors reader rejects corrupt files with a clear error', () => {
  const ok = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const eight = new Uint8Array(8);

  it('shorter than 8 bytes', () => rejects(new Uint8Array(5), /only 5 bytes/));
  it('header length past the end of the file', () =>
    rejects(craft({}, eight, 1000n), /header length 1000 runs past the end/));
  it('header length over 100 MB, checked before allocating', () => {
    rejects(craft({}, eight, 2n ** 63n), /exceeds the 100000000-byte limit/);
    rejects(craft({}, eight, 100_000_001n), /exceeds/);
  });
  it('header not JSON, not UTF-8, or not an object', () => {
    rejects(craft('{"a": '), /not valid JSON/);
    rejects(craft(Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1')), /not valid JSON/);
    rejects(craft('[1, 2]'), /header is an array, not a JSON object/);
    rejects(craft('null'), /header is null/);
    rejects(craft({ x: 5 }), /tensor 'x' entry is number 5, not an object/);
  });
  it('unknown dtype', () => rejects(craft({ x: { ...ok, dtype: 'Q7' } }, eight), /"Q7"/));
  it('bad shapes', () => {
    for (const shape of [3, [2, -1], [1.5], ['2'], null]) {
      rejects(craft({ x: { ...ok, shape } }, eight), /shape .* not an array of non-negative/);
    }
  });
  it('bad data_offsets', () => {
    for (const data_offsets of [[0], [0, 8, 9], [0, '8'], [-1, 7], [0.5, 8], null]) {
      rejects(craft({ x: { ...ok, data_offsets } }, eight), /not two non-negative integers/);
    }
    rejects(craft({ x: { ...ok, data_offsets: [8, 0] } }, eight), /reversed data_offsets \[8, 0\]/);
    rejects(craft({ x: { ...ok, data_offsets: [4, 12] } }, eight), /run past the 8-byte data/);
    rejects(craft({ x: { ...ok, shape: [3] } }, eight), /12 bytes but data_offsets span 8/);
    rejects(craft({ x: { ...ok, shape: [2 ** 40, 2 ** 40] } }, eight), /data_offsets span 8/);
  });
  it('overlapping tensors', () => {
    const h = {
      a: ok,
      z: { dtype: 'U8', shape: [0], data_offsets: [2, 2] },
      b: { dtype: 'U8', shape: [4], data_offsets: [4, 8] },
    };
    rejects(craft(h, eight), /'a' \[0, 8\] and 'b' \[4, 8\] overlap/);
    const fine = { ...h, b: { dtype: 'U8', shape: [0], data_offsets: [4, 4] } };
    assert.equal(Object.keys(decodeSafetensors(craft(fine, eight)).tensors).length, 3);
  });
  it('metadata that is not a string map', () => {
    rejects(craft({ __metadata__: { n: 1 } }), /__metadata__ value 'n' is number 1/);
    rejects(craft({ __metadata__: ['x'] }), /__metadata__ is an array/);
  });
  it('a tensor named __proto__ is data, not a prototype', () => {
    const { tensors } = decodeSafetensors(
      craft('{"__proto__": ' + JSON.stringify(ok) + '}', eight),
    );
    assert.ok(Object.hasOwn(tensors, '__proto__'));
    assert.equal(Object.getPrototypeOf(tensors), Object.prototype);
  });
  it('a missing file is a HebbError naming the path', () => {
    const p = join(tmp, 'nope.safetensors');
    assert.throws(
      () => loadSafetensors(p),
      (e: unknown) => {
        assert.ok(e instanceof HebbError);
        assert.match((e as Error).message, /nope\.safetensors: no such file/);
        return true;
      },
    );
  });
});

describe('interop with numpy', () => {
  it('reads the fixture written by test/fixtures/make_safetensors_fixture.py', () => {
    const expected = JSON.parse(
      readFileSync(new URL('numpy.safetensors.json', FIXTURES), 'utf8'),
    ) as {
      metadata: Record<string, string>;
      tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
    };
    const { tensors, metadata } = loadSafetensors(new URL('numpy.safetensors', FIXTURES).pathname);
    assert.deepEqual(metadata, expected.metadata);
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected.tensors).sort());
    for (const [name, e] of Object.entries(expected.tensors)) {
      const t = tensors[name];
      assert.equal(t.dtype, e.dtype, name);
      assert.deepEqual(t.shape, e.shape, name);
      const values =
        t.dtype === 'F16'
          ? Array.from(t.data, halfToFloat)
          : Array.from(t.data as ArrayLike<number | bigint>, Number);
      assert.deepEqual(values, e.values, name);
    }
    assert.deepEqual(tensorToMatrix(tensors.weights).shape, [2, 3]);
  });

  it('numpy parses a file written by hebb', (t) => {
    if (spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status !== 0) {
      t.skip('python3 with numpy not available');
      return;
    }
    const path = join(tmp, 'for-numpy.safetensors');
    saveSafetensors(
      path,
      {
        w: f32([2, 3], [0.5, -1, 2, 3, 4, 1e-3]),
        d: { dtype: 'F64', shape: [2], data: Float64Array.from([Math.E, -7]) },
        k: { dtype: 'I32', shape: [1, 2], data: Int32Array.from([-5, 2 ** 31 - 1]) },
        u: { dtype: 'U8', shape: [3], data: Uint8Array.from([1, 2, 255]) },
        e: f32([0, 3], []),
      },
      { 'hebb.version': '0.1.0' },
    );
    const parser = `
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
assert n % 8 == 0, "header not padded to 8"
header = json.loads(raw[8 : 8 + n])
meta = header.pop("__metadata__", {})
kinds = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "U8": "u1"}
out = {}
for name, e in header.items():
    b, end = e["data_offsets"]
    a = np.frombuffer(raw[8 + n + b : 8 + n + end], dtype=kinds[e["dtype"]]).reshape(e["shape"])
    out[name] = {"dtype": e["dtype"], "shape": list(a.shape), "values": a.ravel().tolist()}
print(json.dumps({"metadata": meta, "tensors": out}))
`;
    const r = spawnSync('python3', ['-c', parser, path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as {
      metadata: Record<string, string>;
      tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
    };
    assert.deepEqual(got.metadata, { 'hebb.version': '0.1.0' });
    assert.deepEqual(got.tensors.w, {
      dtype: 'F32',
      shape: [2, 3],
      values: Array.from(Float32Array.from([0.5, -1, 2, 3, 4, 1e-3])),
    });
    assert.deepEqual(got.tensors.d.values, [Math.E, -7]);
    assert.deepEqual(got.tensors.k, { dtype: 'I32', shape: [1, 2], values: [-5, 2 ** 31 - 1] });
    assert.deepEqual(got.tensors.u.values, [1, 2, 255]);
    assert.deepEqual(got.tensors.e, { dtype: 'F32', shape: [0, 3], values: [] });
  });
});

// Guard for the helper: a well-formed crafted file decodes, so the rejections above are real.
describe('craft helper sanity', () => {
  it('a valid crafted file decodes', () => {
    const data = new Uint8Array(new Float32Array([1, 2]).buffer);
    const { tensors } = decodeSafetensors(
      craft({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, data),
    );
    assert.deepEqual(Array.from(tensors.x.data as Float32Array), [1, 2]);
  });
});
