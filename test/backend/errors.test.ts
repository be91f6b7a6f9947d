import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, Matrix } from '../../src/backend/index.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

/** Asserts fn throws errClass with a message matching every pattern. */
function throwsWith(
  fn: () => unknown,
  errClass: new (...a: never[]) => Error,
  ...patterns: RegExp[]
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof errClass, `expected ${errClass.name}, got ${String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

for (const be of backendsUnderTest()) {
  describe(`bad input is rejected before any kernel runs on ${be.name}`, () => {
    it('gemm with mismatched inner dimensions names both shapes and the rule', () => {
      throwsWith(
        () =>
          be.gemm(false, false, 1, Matrix.zeros(3, 4), Matrix.zeros(5, 2), 0, Matrix.zeros(3, 2)),
        ShapeError,
        /^gemm:/,
        /3×4/,
        /5×2/,
        /op\(A\)\.cols must equal op\(B\)\.rows/,
      );
    });

    it('gemm with a wrong output shape says what to allocate', () => {
      throwsWith(
        () =>
          be.gemm(true, false, 1, Matrix.zeros(4, 3), Matrix.zeros(4, 2), 0, Matrix.zeros(2, 3)),
        ShapeError,
        /C is 2×3/,
        /Matrix\.zeros\(3, 2\)/,
      );
    });

    it('gemm output aliasing an input is refused', () => {
      const a = Matrix.zeros(3, 3);
      throwsWith(
        () => be.gemm(false, false, 1, a, Matrix.identity(3), 0, a),
        ValueError,
        /shares memory/,
      );
    });

    it('a Float64Array instead of float32 data names the dtype and the fix', () => {
      const fake = { rows: 2, cols: 2, data: new Float64Array(4) } as unknown as Matrix;
      throwsWith(
        () => be.scale(2, fake),
        ValueError,
        /Float32Array/,
        /Float64Array/,
        /Float32Array\.from/,
      );
    });

    it('NaN into softmax, normalizeRows, argmax and the SoftHebb update is refused', () => {
      const bad = Matrix.from([[1, NaN, 2]]);
      throwsWith(
        () => be.softmaxRows(bad, 1, Matrix.zeros(1, 3)),
        ValueError,
        /softmaxRows/,
        /1 non-finite/,
        /1×3/,
      );
      throwsWith(() => be.normalizeRows(bad, Matrix.zeros(1, 3)), ValueError, /normalizeRows/);
      throwsWith(() => be.argmaxRows(bad, new Int32Array(1)), ValueError, /argmaxRows/);
      const w = Matrix.zeros(2, 3);
      const y = Matrix.zeros(1, 2);
      throwsWith(() => be.softHebbUpdate(w, bad, y, y, 0.1), ValueError, /softHebbUpdate: X/);
      throwsWith(() => be.softHebbUpdate(w, Matrix.zeros(1, 3), y, y, NaN), ValueError, /eta/);
    });

    it('softHebbUpdate with a wrong input width names the expected width', () => {
      const w = Matrix.zeros(4, 10);
      throwsWith(
        () => be.softHebbUpdate(w, Matrix.zeros(2, 9), Matrix.zeros(2, 4), Matrix.zeros(2, 4), 0.1),
        ShapeError,
        /X is 2×9 but W is 4×10/,
        /10 inputs/,
      );
      throwsWith(
        () =>
          be.softHebbUpdate(w, Matrix.zeros(2, 10), Matrix.zeros(2, 3), Matrix.zeros(2, 3), 0.1),
        ShapeError,
        /Y is 2×3 but must be 2×4/,
      );
    });

    it('vectors of the wrong length or type', () => {
      throwsWith(
        () => be.addRowVector(Matrix.zeros(2, 3), new Float32Array(2)),
        ShapeError,
        /length 2 but must have 3/,
      );
      throwsWith(
        () => be.argmaxRows(Matrix.zeros(2, 3), new Float32Array(2) as unknown as Int32Array),
        ValueError,
        /Int32Array/,
      );
    });

    it('unknown ops and bad parameters', () => {
      throwsWith(
        () => be.unary('softplus' as never, Matrix.zeros(1, 1), Matrix.zeros(1, 1)),
        ValueError,
        /unknown op 'softplus'/,
        /relu/,
      );
      throwsWith(
        () => be.unary('clip', Matrix.zeros(1, 1), Matrix.zeros(1, 1), 1, 0),
        ValueError,
        /exceeds/,
      );
      throwsWith(() => be.sum(Matrix.zeros(1, 1), 2 as 0, new Float32Array(1)), ValueError, /axis/);
      throwsWith(() => be.fillNormal(new Float32Array(2), [0, 0], 0, 0, -1), ValueError, /std/);
      throwsWith(() => be.fillUniform(new Float32Array(2), [0, -1] as never, 0), ValueError, /key/);
    });

    it('smEulerStep with a bias checks that u and r are matrices before comparing them', () => {
      const call = (u: unknown, r: unknown) =>
        be.smEulerStep(
          u as Matrix,
          Matrix.zeros(2, 3),
          Matrix.zeros(2, 3),
          r as Matrix,
          0.1,
          'relu',
          0,
          0,
          new Float32Array(2),
          new Float32Array(2),
        );
      throwsWith(
        () => call(new Float32Array(6), Matrix.zeros(2, 3)),
        ValueError,
        /^smEulerStep: u must be a Matrix, got Float32Array; wrap data with new Matrix/,
      );
      throwsWith(
        () => call(Matrix.zeros(2, 3), null),
        ValueError,
        /^smEulerStep: r must be a Matrix, got null/,
      );
    });

    it('im2col: image rows of the wrong size, a kernel larger than the image, a wrong output', () => {
      const g = { inH: 4, inW: 4, channels: 2, kernelH: 3, kernelW: 3, stride: 1, pad: 0 };
      throwsWith(
        () => be.im2col(Matrix.zeros(1, 16), g, Matrix.zeros(4, 18)),
        ShapeError,
        /16 values/,
        /4×4×2/,
        /32/,
      );
      throwsWith(
        () => be.im2col(Matrix.zeros(1, 32), { ...g, kernelH: 5 }, Matrix.zeros(1, 1)),
        ShapeError,
        /does not fit/,
      );
      throwsWith(
        () => be.im2col(Matrix.zeros(1, 32), g, Matrix.zeros(3, 18)),
        ShapeError,
        /allocate 4×18/,
      );
      throwsWith(
        () => be.im2col(Matrix.zeros(1, 32), { ...g, dilation: 0 }, Matrix.zeros(4, 18)),
        ValueError,
        /dilation must be a positive integer/,
      );
    });
    it('pool2d: a wrong output, a window that could be all padding, an unknown kind', () => {
      const g = { inH: 4, inW: 4, channels: 2, kernelH: 2, kernelW: 2, stride: 2, pad: 0 };
      throwsWith(
        () => be.pool2d(Matrix.zeros(3, 32), g, 'max', Matrix.zeros(3, 9)),
        ShapeError,
        /pool to 2×2×2/,
        /allocate 3×8/,
      );
      throwsWith(
        () => be.pool2d(Matrix.zeros(1, 32), { ...g, pad: 2 }, 'avg', Matrix.zeros(1, 32)),
        ValueError,
        /more than half/,
      );
      throwsWith(
        () => be.pool2d(Matrix.zeros(1, 32), g, 'sum' as 'max', Matrix.zeros(1, 8)),
        ValueError,
        /'max' or 'avg'/,
      );
    });
  });
}

describe('backend selection', () => {
  it('an unknown HEBB_BACKEND is an error naming the choices', () => {
    const old = process.env.HEBB_BACKEND;
    process.env.HEBB_BACKEND = 'cuda';
    try {
      assert.throws(
        () => getBackend(),
        /HEBB_BACKEND='cuda' is not a backend; use ts, native, wasm or auto/,
      );
    } finally {
      if (old === undefined) delete process.env.HEBB_BACKEND;
      else process.env.HEBB_BACKEND = old;
    }
  });

  it(
    'HEBB_REQUIRE_NATIVE=1 means the native backend loads (CI sets it)',
    { skip: process.env.HEBB_REQUIRE_NATIVE !== '1' },
    () => {
      assert.equal(getBackend('native').name, 'native');
    },
  );
});
