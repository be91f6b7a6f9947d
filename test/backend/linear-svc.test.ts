// Backend.svcDualEpoch (linear SVM read-out) against a literal per-problem reference of
// liblinear's coordinate step, on every backend; plus the invariant w = Σ α_i y_i x̃_i, the
// decrease of the dual objective, and argument errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, type SvcDualProblem } from '../../src/backend/index.ts';
import { HebbError } from '../../src/errors.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

const N = 40;
const D = 6;
const BIAS = 1;

function problems(x: Matrix): SvcDualProblem[] {
  return [0, 1, 2].map((k) => ({
    y: Int8Array.from({ length: N }, (_, i) => (i % 3 === k ? 1 : -1)),
    alpha: new Float64Array(N),
    w: new Float64Array(x.cols + 1),
    active: new Uint8Array(N).fill(1),
    diagPos: 0.5 / (k + 1),
    diagNeg: 0.5,
    state: Float64Array.of(N, Infinity, -Infinity),
  }));
}

function clone(p: SvcDualProblem): SvcDualProblem {
  return {
    ...p,
    y: p.y.slice(),
    alpha: p.alpha.slice(),
    w: p.w.slice(),
    active: p.active.slice(),
    state: p.state.slice(),
  };
}

/** One pass of liblinear's solve_l2r_l1l2_svc (squared hinge) for one problem, literally. */
function refPass(x: Matrix, order: Int32Array, p: SvcDualProblem): void {
  const xi = (i: number, j: number) => (j < x.cols ? x.get(i, j) : BIAS);
  let [count, pgMax, pgMin] = [p.state[0], -Infinity, Infinity];
  for (const i of order) {
    if (!p.active[i]) continue;
    let wx = 0;
    for (let j = 0; j <= x.cols; j++) wx += p.w[j] * xi(i, j);
    const diag = p.y[i] > 0 ? p.diagPos : p.diagNeg;
    const g = p.y[i] * wx - 1 + diag * p.alpha[i];
    let pg = g;
    if (p.alpha[i] === 0) {
      if (g > p.state[1]) {
        p.active[i] = 0;
        count--;
        continue;
      }
      pg = Math.min(g, 0);
    }
    pgMax = Math.max(pgMax, pg);
    pgMin = Math.min(pgMin, pg);
    if (Math.abs(pg) > 1e-12) {
      let q = diag;
      for (let j = 0; j <= x.cols; j++) q += xi(i, j) ** 2;
      const old = p.alpha[i];
      p.alpha[i] = Math.max(old - g / q, 0);
      for (let j = 0; j <= x.cols; j++) p.w[j] += (p.alpha[i] - old) * p.y[i] * xi(i, j);
    }
  }
  p.state.set([count, pgMax, pgMin]);
}

/** ½‖w‖² + ½ Σ D_ii α_i² − Σ α_i with w = Σ α_i y_i x̃_i (the dual objective). */
function dualObjective(x: Matrix, p: SvcDualProblem): number {
  let f = 0;
  const w = new Float64Array(x.cols + 1);
  for (let i = 0; i < N; i++) {
    const diag = p.y[i] > 0 ? p.diagPos : p.diagNeg;
    f += 0.5 * diag * p.alpha[i] ** 2 - p.alpha[i];
    for (let j = 0; j <= x.cols; j++)
      w[j] += p.alpha[i] * p.y[i] * (j < x.cols ? x.get(i, j) : BIAS);
  }
  return f + 0.5 * w.reduce((s, v) => s + v * v, 0);
}

function sqNormsOf(x: Matrix): Float64Array {
  return Float64Array.from({ length: x.rows }, (_, i) => {
    let s = 0;
    for (let j = 0; j < x.cols; j++) s += x.get(i, j) ** 2;
    return s;
  });
}

// A fixed scrambled order, different each pass.
const orderFor = (pass: number) =>
  Int32Array.from({ length: N }, (_, s) => (s * 17 + pass * 7) % N);

for (const be of backendsUnderTest()) {
  describe(`svcDualEpoch on ${be.name}`, () => {
    it('matches the literal per-problem reference over 8 passes, with shrinking', () => {
      const x = randMatrix(N, D, 5, -1, 1);
      const sq = sqNormsOf(x);
      const ours = problems(x);
      const ref = ours.map(clone);
      const last = ours.map((p) => dualObjective(x, p));
      for (let pass = 0; pass < 8; pass++) {
        be.svcDualEpoch(x, sq, BIAS, orderFor(pass), ours);
        ref.forEach((p) => refPass(x, orderFor(pass), p));
        ours.forEach((p, t) => {
          const what = `pass ${pass} problem ${t}`;
          assertClose(p.alpha, ref[t].alpha, { rtol: 1e-9, atol: 1e-12, what: `${what} alpha` });
          assertClose(p.w, ref[t].w, { rtol: 1e-9, atol: 1e-12, what: `${what} w` });
          assert.deepEqual(p.active, ref[t].active, `${what} active`);
          assert.equal(p.state[0], ref[t].state[0]);
          assertClose(p.state.subarray(1), ref[t].state.subarray(1), { rtol: 1e-7, atol: 1e-10 });
          // Coordinate descent never increases the dual objective.
          const f = dualObjective(x, p);
          assert.ok(f <= last[t] + 1e-12, `${what}: dual objective rose from ${last[t]} to ${f}`);
          last[t] = f;
        });
        // liblinear's rule between passes: shrink only against the last pass's extremes.
        for (const ps of [ours, ref]) {
          for (const p of ps) {
            if (p.state[1] <= 0) p.state[1] = Infinity;
            if (p.state[2] >= 0) p.state[2] = -Infinity;
          }
        }
      }
      assert.ok(
        ours.some((p) => p.state[0] < N),
        'some sample should have been shrunk in 8 passes',
      );
    });

    it('keeps w equal to Σ α_i y_i x̃_i', () => {
      const x = randMatrix(N, D, 9, 0, 2);
      const ps = problems(x);
      for (let pass = 0; pass < 3; pass++)
        be.svcDualEpoch(x, sqNormsOf(x), BIAS, orderFor(pass), ps);
      for (const p of ps) {
        const w = new Float64Array(D + 1);
        for (let i = 0; i < N; i++) {
          for (let j = 0; j < D; j++) w[j] += p.alpha[i] * p.y[i] * x.get(i, j);
          w[D] += p.alpha[i] * p.y[i] * BIAS;
        }
        assertClose(p.w, w, { rtol: 1e-9, atol: 1e-9, what: 'w' });
      }
    });

    it('rejects bad arguments with errors naming the kernel', () => {
      const x = randMatrix(N, D, 3);
      const sq = sqNormsOf(x);
      const order = orderFor(0);
      const bad = (mutate: (p: SvcDualProblem[]) => unknown[], re: RegExp) => {
        const ps = problems(x);
        const args = mutate(ps) as Parameters<typeof be.svcDualEpoch>;
        assert.throws(
          () => be.svcDualEpoch(...args),
          (e: Error) => e instanceof HebbError && re.test(e.message),
        );
      };
      bad(
        (ps) => [x, sq.subarray(1), BIAS, order, ps],
        /svcDualEpoch: sqNorms must be a Float64Array of length 40/,
      );
      bad((ps) => [x, sq, -1, order, ps], /bias must be ≥ 0/);
      bad((ps) => [x, sq, BIAS, Int32Array.of(0, 40), ps], /order\[1\] = 40 is not a sample index/);
      bad(
        (ps) => [x, sq, BIAS, order, [{ ...ps[0], w: new Float64Array(D) }]],
        /w must be a Float64Array of length 7/,
      );
      bad(
        (ps) => [x, sq, BIAS, order, [{ ...ps[0], y: new Int8Array(N) }]],
        /y\[0\] must be \+1 or −1/,
      );
      bad(
        (ps) => [x, sq, BIAS, order, [{ ...ps[0], diagPos: 0 }]],
        /diagPos must be a finite number > 0/,
      );
      bad(
        (ps) => [
          x,
          sq,
          BIAS,
          order,
          [{ ...ps[0], state: Float64Array.of(N - 1, Infinity, -Infinity) }],
        ],
        /marked active/,
      );
      bad(
        (ps) => [x, sq, BIAS, order, [ps[0], { ...ps[1], w: ps[0].w }]],
        /share one alpha, w, active or state/,
      );
    });
  });
}
