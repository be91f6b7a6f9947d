// gemmSparseA: C ← alpha·A·B + beta·C for an A of mostly exact zeros (a gradient back through
// a ReLU), checked against a float64 product on every backend. The native loops
// (native/sparse_gemm.h) take more than 8 rows at up to half nonzero, compressing A in blocks
// of 64 columns and B in panels of 6 vectors (48 columns with AVX2, 96 with AVX-512); the shapes
// straddle both, and the densities cross the half-nonzero switch to the dense GEMM. On an
// AVX-512 CPU the file runs once more in a child process with the loops capped at AVX2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { getBackend, Matrix } from '../../src/backend/index.ts';
import { loadAddon } from '../../src/backend/native/index.ts';
import {
  assertClose,
  assertSameOnOneAndTwoThreads,
  backendsUnderTest,
} from '../helpers/backends.ts';
import { randMatrix, refGemm } from '../helpers/reference.ts';

/** A random m × k matrix with about `density` of its entries nonzero (the rest exactly 0). */
function sparseMatrix(m: number, k: number, density: number, seed: number): Matrix {
  const a = randMatrix(m, k, seed);
  const keep = randMatrix(m, k, seed + 1000, 0, 1);
  for (let i = 0; i < a.data.length; i++) if (keep.data[i] >= density) a.data[i] = 0;
  return a;
}

// [m, n, k, density]
const CASES: [number, number, number, number][] = [
  [9, 48, 64, 0.3], // one panel, one block: the smallest sparse shape
  [33, 49, 65, 0.3], // a panel plus one column, a block plus one column
  [100, 97, 130, 0.05], // odd row count (a row without a pair), partial vector in the last panel
  [33, 117, 70, 0.3], // AVX-512: a full panel, then one vector and 5 columns
  [16, 176, 64, 0.25], // AVX-512: a full panel, then five vectors
  [57, 200, 300, 0.31], // the MLP's density, several panels and blocks
  [20, 7, 129, 0.2], // fewer columns than a vector
  [40, 100, 50, 0], // all zero: C = beta·C
  [40, 100, 50, 0.7], // over half nonzero: the dense GEMM
  [5, 30, 40, 0.3], // a few rows: the dense GEMM's thin loops
  [1, 30, 40, 0.3],
  [0, 4, 3, 0.3],
  [4, 3, 0, 0.3],
];

for (const be of backendsUnderTest()) {
  describe(`gemmSparseA on ${be.name}`, () => {
    for (const [m, n, k, density] of CASES) {
      for (const beta of [0, 1, -0.5]) {
        it(`${m}×${k} (${density * 100} % nonzero) · ${k}×${n}, beta ${beta}`, () => {
          const a = sparseMatrix(m, k, density, 1 + m + k);
          const b = randMatrix(k, n, 7 + n);
          const c = randMatrix(m, n, 99);
          const expected = refGemm(false, false, 0.75, a, b, beta, c);
          be.gemmSparseA(0.75, a, b, beta, c);
          assertClose(c.data, expected, { atol: 1e-6 * (k + 1), rtol: 1e-5, what: 'C' });
        });
      }
    }

    it('beta = 0 ignores NaN already in C', () => {
      for (const m of [4, 30]) {
        const a = sparseMatrix(m, 70, 0.2, 3);
        const b = randMatrix(70, 50, 4);
        const c = Matrix.filled(m, 50, NaN);
        be.gemmSparseA(1, a, b, 0, c);
        assertClose(c.data, refGemm(false, false, 1, a, b, 0, c), {
          atol: 1e-5,
          what: `${m} rows`,
        });
      }
    });

    it('a hand example: [[0,2,0],[3,0,0]]·[[1,1],[5,6],[7,8]] = [[10,12],[3,3]]', () => {
      const c = Matrix.zeros(2, 2);
      be.gemmSparseA(
        1,
        Matrix.from([
          [0, 2, 0],
          [3, 0, 0],
        ]),
        Matrix.from([
          [1, 1],
          [5, 6],
          [7, 8],
        ]),
        0,
        c,
      );
      assert.deepEqual(Array.from(c.data), [10, 12, 3, 3]);
    });

    it('works on row-slice views (byteOffset ≠ 0)', () => {
      const a = sparseMatrix(60, 70, 0.3, 5).sliceRows(10, 50);
      const b = randMatrix(70, 60, 6);
      const c = Matrix.zeros(40, 60);
      be.gemmSparseA(1, a, b, 0, c);
      assertClose(c.data, refGemm(false, false, 1, a, b, 0, c), { atol: 1e-5 });
    });

    it('refuses operands whose shapes do not multiply, naming the kernel', () => {
      assert.throws(
        () => be.gemmSparseA(1, Matrix.zeros(3, 4), Matrix.zeros(5, 2), 0, Matrix.zeros(3, 2)),
        /^ShapeError: gemmSparseA: inner dimensions differ/,
      );
    });
  });
}

describe('gemmSparseA on native: the same C on 1 and 2 threads', () => {
  const res = loadAddon();
  it('300 rows at 31 % nonzero, exactly', { skip: !('addon' in res) }, () => {
    if (!('addon' in res)) return;
    const be = getBackend('native');
    const a = sparseMatrix(300, 500, 0.31, 1);
    const b = randMatrix(500, 200, 2);
    assertSameOnOneAndTwoThreads(be, () => {
      const c = Matrix.zeros(300, 200);
      be.gemmSparseA(1, a, b, 0, c);
      return [c.data];
    });
  });
});

describe('gemmSparseA on native: the AVX2 loops on an AVX-512 CPU', () => {
  const avx512 =
    existsSync('/proc/cpuinfo') && /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  const skip =
    process.env.HEBB_SPARSE_GEMM !== undefined
      ? 'this is the rerun'
      : !avx512
        ? 'the CPU has no AVX-512: the file above ran the AVX2 loops'
        : !('addon' in loadAddon())
          ? 'no native addon'
          : false;
  it('this file again with HEBB_SPARSE_GEMM=avx2', { skip }, () => {
    const file = fileURLToPath(import.meta.url);
    // Without the runner's marker, or node:test would refuse to run a file from inside a test.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', './test/setup.ts', '--test', file],
      {
        encoding: 'utf8',
        env: { ...env, HEBB_SPARSE_GEMM: 'avx2', HEBB_BACKEND: 'native' },
      },
    );
    const summary = /# pass (\d+)\n# fail (\d+)/.exec(run.stdout);
    assert.ok(summary, `the rerun printed no summary: ${run.stderr.slice(-500)}`);
    assert.equal(Number(summary[2]), 0, run.stdout.slice(-2000));
    assert.ok(Number(summary[1]) > 40, `only ${summary[1]} tests passed in the rerun`);
    assert.equal(run.status, 0);
  });
});
