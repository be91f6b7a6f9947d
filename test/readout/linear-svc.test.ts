// LinearSVC against scikit-learn's LinearSVC (numbers computed once with Debian's
// python3-sklearn by test/fixtures/make_linear_svc_fixture.py), a closed-form 1-D case, and
// bad input. Both sides are fitted with tol 1e-10, so both reach the unique optimum of the
// squared-hinge problem and coefficients agree far below the stated tolerance.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { HebbError, ShapeError, ValueError } from '../../src/errors.ts';
import { LinearSVC } from '../../src/readout/linear-svc.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

interface Case {
  options: { class_weight?: 'balanced' };
  rows: number[] | null;
  coef: number[][];
  intercept: number[];
  decision: number[][] | number[];
  predict: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/linear-svc.json', import.meta.url), 'utf8'),
) as { rows: number; cols: number; x: number[]; y: number[]; cases: Record<string, Case> };

function caseData(c: Case): { x: Matrix; y: Int32Array } {
  const all = new Matrix(fixture.rows, fixture.cols, Float32Array.from(fixture.x));
  if (!c.rows) return { x: all, y: Int32Array.from(fixture.y) };
  const rows = Int32Array.from(c.rows);
  return { x: all.gatherRows(rows), y: Int32Array.from(c.rows, (i) => fixture.y[i]) };
}

// Coefficients and decision values: |ours − sklearn| ≤ 1e-5 + 1e-4·|sklearn| (float32 storage
// of the result is ~1e-7 relative; measured agreement is ~5e-8 relative).
const TOL = { rtol: 1e-4, atol: 1e-5 };

for (const backend of backendsUnderTest()) {
  describe(`LinearSVC on ${backend.name}`, () => {
    for (const [name, c] of Object.entries(fixture.cases)) {
      it(`matches scikit-learn's LinearSVC: ${name}`, () => {
        const { x, y } = caseData(c);
        const svc = new LinearSVC({
          tol: 1e-10,
          maxIter: 100000,
          classWeight: c.options.class_weight ?? null,
          backend,
        }).fit(x, y);
        assert.equal(svc.convergenceWarning, false);
        assert.deepEqual(Array.from(svc.predict(x)), c.predict, 'predictions');
        const coef = svc.coef as Matrix;
        const intercept = svc.intercept as Float32Array;
        const dec = svc.decisionFunction(x);
        if (name === 'binary') {
          // One problem, class 1 positive: row/column 1 is sklearn's, row/column 0 its negative.
          assert.equal(coef.rows, 2);
          assertClose(coef.row(1), c.coef[0], { ...TOL, what: 'coef' });
          assertClose(
            coef.row(0),
            c.coef[0].map((v) => -v),
            { ...TOL, what: '−coef' },
          );
          assertClose([intercept[1], -intercept[0]], [c.intercept[0], c.intercept[0]], TOL);
          const col1 = Array.from({ length: dec.rows }, (_, i) => dec.get(i, 1));
          assertClose(col1, c.decision as number[], { ...TOL, what: 'decision' });
        } else {
          assertClose(coef.data, c.coef.flat(), { ...TOL, what: 'coef' });
          assertClose(intercept, c.intercept, { ...TOL, what: 'intercept' });
          assertClose(dec.data, (c.decision as number[][]).flat(), { ...TOL, what: 'decision' });
        }
        assert.equal(svc.score(x, y), accuracy(c.predict, y));
      });
    }

    it('solves a separable 1-D example in closed form', () => {
      // x = ±1 with labels 0/1: by symmetry b = 0 and ½w² + 2C(1 − w)² is least at w = 4C/(1 + 4C).
      const x = Matrix.from([[-1], [1]]);
      const y = Uint8Array.of(0, 1);
      for (const C of [1, 0.25]) {
        const svc = new LinearSVC({ C, tol: 1e-12, backend }).fit(x, y);
        const w = (4 * C) / (1 + 4 * C);
        assertClose((svc.coef as Matrix).data, [-w, w], { rtol: 1e-6, atol: 1e-7 });
        assertClose(svc.intercept as Float32Array, [0, 0], { atol: 1e-7 });
        assert.deepEqual(Array.from(svc.predict(x)), [0, 1]);
      }
    });

    it('separates three well-apart clusters perfectly and is reproducible by seed', () => {
      const pts = [
        [0, 0],
        [0.5, 0.2],
        [5, 0],
        [5.3, 0.4],
        [0, 5],
        [0.2, 5.5],
      ];
      const x = Matrix.from(pts);
      const y = Int32Array.of(0, 0, 1, 1, 2, 2);
      const a = new LinearSVC({ seed: 3, backend }).fit(x, y);
      const b = new LinearSVC({ seed: 3, backend }).fit(x, y);
      assert.equal(a.score(x, y), 1);
      assert.deepEqual(a.coef?.data, b.coef?.data);
      assert.deepEqual(a.nIter, b.nIter);
      assert.equal(a.classes, 3);
    });

    it('flags a stop at maxIter', () => {
      const { x, y } = caseData(fixture.cases.multiclass);
      const svc = new LinearSVC({ maxIter: 2, warn: false, backend }).fit(x, y);
      assert.equal(svc.convergenceWarning, true);
      assert.deepEqual(Array.from(svc.nIter as Int32Array), [2, 2, 2, 2]);
    });
  });
}

describe('LinearSVC input checks', () => {
  const x = Matrix.from([
    [0, 1],
    [1, 0],
    [2, 2],
  ]);
  const y = Uint8Array.of(0, 1, 1);
  const throwsLike = (fn: () => unknown, type: typeof HebbError, re: RegExp) =>
    assert.throws(fn, (e: Error) => e instanceof type && re.test(e.message), re.source);

  it('rejects bad options in the constructor', () => {
    throwsLike(() => new LinearSVC({ C: 0 }), ValueError, /C must be a finite number > 0/);
    throwsLike(() => new LinearSVC({ tol: NaN }), ValueError, /tol must be/);
    throwsLike(
      () => new LinearSVC({ maxIter: 1.5 }),
      ValueError,
      /maxIter must be a positive integer/,
    );
    throwsLike(
      () => new LinearSVC({ classWeight: 'auto' as 'balanced' }),
      ValueError,
      /classWeight must be 'balanced' or null/,
    );
    throwsLike(
      () => new LinearSVC({ seed: -1 }),
      ValueError,
      /seed must be a non-negative integer/,
    );
    throwsLike(() => new LinearSVC({ classes: 1 }), ValueError, /classes must be an integer ≥ 2/);
  });

  it('rejects NaN, shape mismatches, out-of-range labels and a single class', () => {
    const nan = x.clone();
    nan.data[3] = NaN;
    throwsLike(() => new LinearSVC().fit(nan, y), ValueError, /contains 1 NaN or ±Inf value/);
    throwsLike(
      () => new LinearSVC().fit(x, Uint8Array.of(0, 1)),
      ShapeError,
      /3 rows but y has 2 labels/,
    );
    throwsLike(
      () => new LinearSVC({ classes: 2 }).fit(x, Uint8Array.of(0, 2, 1)),
      ValueError,
      /y\[1\] = 2 is out of range; labels must be in 0\.\.1/,
    );
    throwsLike(
      () => new LinearSVC().fit(x, Int32Array.of(0, -1, 1)),
      ValueError,
      /y\[1\] = -1 is out of range/,
    );
    throwsLike(
      () => new LinearSVC().fit(x, Uint8Array.of(1, 1, 1)),
      ValueError,
      /same label \(1\).*at least two classes/,
    );
    throwsLike(
      () => new LinearSVC().fit(x, [0, 1, 1] as unknown as Uint8Array),
      ValueError,
      /Uint8Array or Int32Array/,
    );
    throwsLike(() => new LinearSVC().predict(x), HebbError, /not fitted yet/);
    const svc = new LinearSVC().fit(x, y);
    throwsLike(() => svc.decisionFunction(Matrix.zeros(2, 3)), ShapeError, /fitted on 2; pass 2×2/);
    throwsLike(() => svc.score(x, Uint8Array.of(0, 1)), ShapeError, /3 rows but y has 2 labels/);
  });
});

function accuracy(pred: number[], y: ArrayLike<number>): number {
  let hit = 0;
  pred.forEach((p, i) => (hit += p === y[i] ? 1 : 0));
  return hit / pred.length;
}
