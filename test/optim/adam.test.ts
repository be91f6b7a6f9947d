import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import { Adam } from '../../src/optim/adam.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

/** Textbook Adam in float64 (Kingma & Ba 2015, Algorithm 1, plus L2 / decoupled decay). */
function naiveAdam(
  p0: ArrayLike<number>,
  grads: ArrayLike<number>[],
  o: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean },
): number[] {
  const p = Array.from(p0);
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + (o.decoupled ? 0 : o.wd * p[i]);
      m[i] = o.b1 * m[i] + (1 - o.b1) * gi;
      v[i] = o.b2 * v[i] + (1 - o.b2) * gi * gi;
      const mh = m[i] / (1 - o.b1 ** t);
      const vh = v[i] / (1 - o.b2 ** t);
      if (o.decoupled) p[i] -= o.lr * o.wd * p[i];
      p[i] -= (o.lr * mh) / (Math.sqrt(vh) + o.eps);
    }
  });
  return p;
}

for (const be of backendsUnderTest()) {
  describe(`Adam on ${be.name}`, () => {
    it('matches three hand-computed steps on a scalar', () => {
      // p = 1, lr 0.1, gradients 1, −2, 0.5 (values worked out by hand from Algorithm 1).
      const p = new Float32Array([1]);
      const adam = new Adam({ lr: 0.1, backend: be });
      const expected = [0.900000001, 0.9366103534720749, 0.9502794196738216];
      [1, -2, 0.5].forEach((g, s) => {
        adam.step([p], [new Float32Array([g])]);
        assertClose(p, [expected[s]], { rtol: 1e-6, atol: 0, what: `p after step ${s + 1}` });
      });
      assert.equal(adam.stepCount(0), 3);
    });

    for (const decoupled of [false, true]) {
      it(`matches a float64 reference over 20 steps (weightDecay 0.01, decoupled ${decoupled})`, () => {
        const w = randMatrix(5, 7, 1, -1, 1);
        const b = new Float32Array([0.5, -0.25, 0.125]);
        const gw = Array.from({ length: 20 }, (_, s) => randMatrix(5, 7, 100 + s, -2, 2).data);
        const gb = Array.from({ length: 20 }, (_, s) => randMatrix(1, 3, 200 + s, -2, 2).data);
        const opts = { lr: 0.01, b1: 0.8, b2: 0.99, eps: 1e-6, wd: 0.01, decoupled };
        const refW = naiveAdam(w.data, gw, opts);
        const refB = naiveAdam(b, gb, opts);
        const adam = new Adam({
          lr: 0.01,
          beta1: 0.8,
          beta2: 0.99,
          eps: 1e-6,
          weightDecay: 0.01,
          decoupledWeightDecay: decoupled,
          backend: be,
        });
        for (let s = 0; s < 20; s++) adam.step([w, b], [new Matrix(5, 7, gw[s]), gb[s]]);
        assertClose(w.data, refW, { rtol: 1e-5, atol: 1e-6, what: 'W' });
        assertClose(b, refB, { rtol: 1e-5, atol: 1e-6, what: 'b' });
      });
    }

    it('the defaults (β₁ 0.9, β₂ 0.999, ε 1e-8) match the float64 reference over 100 steps of gradients the size of ε', () => {
      // |g| ~ 1e-8 makes ε half the denominator; magnitudes changing 5-fold from step to step
      // make v̂'s weighting of past steps, hence β₂, matter.
      const p = Matrix.zeros(3, 4);
      const grads = Array.from(
        { length: 100 },
        (_, s) => randMatrix(3, 4, 500 + s, -2e-8 * (1 + (s % 5)), 2e-8 * (1 + (s % 5))).data,
      );
      const ref = naiveAdam(p.data, grads, {
        lr: 0.01,
        b1: 0.9,
        b2: 0.999,
        eps: 1e-8,
        wd: 0,
        decoupled: false,
      });
      const adam = new Adam({ lr: 0.01, backend: be });
      for (const g of grads) adam.step([p], [new Matrix(3, 4, g)]);
      assertClose(p.data, ref, { rtol: 1e-5, atol: 1e-6, what: 'p' });
    });

    it('direction() writes the step without applying it, and equals what step() applies', () => {
      const p = randMatrix(3, 4, 5, -1, 1);
      const p0 = p.clone();
      const a1 = new Adam({ lr: 0.05, backend: be });
      const a2 = new Adam({ lr: 0.05, backend: be });
      const d = Matrix.zeros(3, 4);
      for (let s = 0; s < 4; s++) {
        const g = randMatrix(3, 4, 50 + s, -1, 1);
        const before = p.clone();
        a1.step([p], [g]);
        a2.direction(0, g, d);
        const applied = p.data.map((x, i) => x - before.data[i]);
        assertClose(applied, d.data, { rtol: 1e-5, atol: 1e-7, what: `Δ at step ${s + 1}` });
      }
      assert.equal(a2.stepCount(0), 4);
      assert.notDeepEqual(Array.from(p.data), Array.from(p0.data));
    });

    it('lr is settable (schedules) and getState/setState resumes bit-for-bit', () => {
      const grads = Array.from({ length: 6 }, (_, s) => randMatrix(2, 3, 300 + s, -1, 1));
      const full = randMatrix(2, 3, 9, -1, 1);
      const resumed = full.clone();
      const a = new Adam({ backend: be });
      for (let s = 0; s < 6; s++) {
        if (s === 3) a.lr = 5e-4;
        a.step([full], [grads[s]]);
      }
      const b = new Adam({ backend: be });
      for (let s = 0; s < 3; s++) b.step([resumed], [grads[s]]);
      const c = new Adam({ lr: 5e-4, backend: be });
      c.setState(b.getState());
      for (let s = 3; s < 6; s++) c.step([resumed], [grads[s]]);
      assert.deepEqual(Array.from(resumed.data), Array.from(full.data));
    });

    it('rejects bad input with clear errors', () => {
      assert.throws(() => new Adam({ lr: -1 }), ValueError);
      assert.throws(() => new Adam({ beta1: 1 }), /beta1 must be a finite number in \[0, 1\)/);
      const a = new Adam({ backend: be });
      assert.throws(() => (a.lr = Number.NaN), /lr must be a finite number/);
      const p = Matrix.zeros(2, 2);
      assert.throws(() => a.step([p], [Matrix.zeros(2, 3)]), ShapeError);
      assert.throws(() => a.step([p], []), /2 parameters|1 parameters but 0 gradients/);
      const bad = Matrix.zeros(2, 2);
      bad.data[1] = Number.NaN;
      assert.throws(() => a.step([p], [bad]), /grad .* non-finite/);
      a.step([p], [Matrix.zeros(2, 2)]);
      assert.throws(() => a.step([Matrix.zeros(3, 3)], [Matrix.zeros(3, 3)]), /same order/);
    });
  });
}

describe('Adam backends agree', () => {
  it('bit-for-bit on 1000 values over 5 steps', () => {
    const bes = backendsUnderTest();
    if (bes.length < 2) return;
    const results = bes.map((be) => {
      const p = randMatrix(40, 25, 4, -1, 1);
      const a = new Adam({ lr: 0.01, weightDecay: 1e-3, backend: be });
      for (let s = 0; s < 5; s++) a.step([p], [randMatrix(40, 25, 400 + s, -3, 3)]);
      return Array.from(p.data);
    });
    assert.deepEqual(results[0], results[1]);
  });
});
