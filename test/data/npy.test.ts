import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseNpy } from '../../src/data/npy.ts';
import { HebbError } from '../../src/errors.ts';
import { npyBytes as npy } from './helpers.ts';

const PY = '/usr/bin/python3';
const hasNumpy =
  existsSync(PY) && spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'hebb-npy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('.npy reader', () => {
  it('reads float64, float32 and uint8 arrays, little- and big-endian, to float32 in C order', () => {
    const f8 = new Float64Array([0.5, -1.25, 3, 1e-3, 7, 8]);
    const a = parseNpy(npy('<f8', [2, 3], new Uint8Array(f8.buffer)));
    assert.deepEqual(a.shape, [2, 3]);
    assert.deepEqual(Array.from(a.data), Array.from(Float32Array.from(f8)));
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 2.5, false);
    new DataView(be.buffer).setFloat32(4, -4, false);
    assert.deepEqual(Array.from(parseNpy(npy('>f4', [2], be)).data), [2.5, -4]);
    assert.deepEqual(
      Array.from(parseNpy(npy('|u1', [3], Uint8Array.of(0, 128, 255))).data),
      [0, 128, 255],
    );
  });

  it('refuses corrupt files with the reason', () => {
    const good = npy('<f4', [2], new Uint8Array(8));
    assert.throws(
      () => parseNpy(good.slice(0, good.length - 1), 'x.npy'),
      (e: Error) =>
        e instanceof HebbError &&
        /x\.npy: shape \(2\) needs 8 data bytes but the file has 7/.test(e.message),
    );
    assert.throws(
      () => parseNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 'y.npy'),
      /y\.npy: no \\x93NUMPY magic/,
    );
    assert.throws(
      () => parseNpy(npy('<c8', [1], new Uint8Array(8))),
      /dtype '<c8' is not a number type/,
    );
    assert.throws(() => parseNpy(npy('<f4', [2], new Uint8Array(8), true)), /Fortran order/);
  });

  it(
    'agrees with NumPy on a file NumPy wrote (and on skimage’s LFW subset when installed)',
    { skip: hasNumpy ? false : 'needs /usr/bin/python3 with numpy' },
    () => {
      const file = join(tmp, 'a.npy');
      const r = spawnSync(
        PY,
        [
          '-c',
          `import numpy as np; np.save('${file}', (np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7)); print(float((np.arange(24)/7).sum()))`,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      const a = parseNpy(readFileSync(file), file);
      assert.deepEqual(a.shape, [2, 3, 4]);
      assert.equal(a.dtype, '<f8');
      assert.ok(Math.abs(a.data.reduce((s, v) => s + v, 0) - Number(r.stdout)) < 1e-4);
      const lfw = '/usr/lib/python3/dist-packages/skimage/data/lfw_subset.npy';
      if (existsSync(lfw)) {
        const s = parseNpy(readFileSync(lfw), lfw);
        assert.deepEqual(s.shape, [200, 25, 25]);
        assert.ok(s.data.every((v) => v >= 0 && v <= 1));
      }
    },
  );
});
