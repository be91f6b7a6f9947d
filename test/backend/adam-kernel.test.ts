import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, type AdamStepParams } from '../../src/backend/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

// Backend.adamUpdate (SoftHebb read-outs / optim; float32 arithmetic) against a float64
// scalar loop; tolerances allow float32 cancellation in β₁m + (1−β₁)g.
const H: AdamStepParams = {
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.1,
  decoupled: false,
  step: 3,
};

function reference(p: Matrix, g: Matrix, m: Matrix, v: Matrix, h: AdamStepParams) {
  const out = { p: [] as number[], m: [] as number[], v: [] as number[], d: [] as number[] };
  for (let i = 0; i < p.size; i++) {
    const gi = g.data[i] + (h.decoupled ? 0 : h.weightDecay * p.data[i]);
    const mi = h.beta1 * m.data[i] + (1 - h.beta1) * gi;
    const vi = h.beta2 * v.data[i] + (1 - h.beta2) * gi * gi;
    const d =
      (-h.lr * (mi / (1 - h.beta1 ** h.step))) / (Math.sqrt(vi / (1 - h.beta2 ** h.step)) + h.eps);
    out.m.push(mi);
    out.v.push(vi);
    out.d.push(d);
    out.p.push(p.data[i] - (h.decoupled ? h.lr * h.weightDecay * p.data[i] : 0) + d);
  }
  return out;
}

for (const be of backendsUnderTest()) {
  describe(`adamUpdate kernel on ${be.name}`, () => {
    for (const decoupled of [false, true]) {
      it(`applies one step (decoupled ${decoupled}) and writes the direction alone`, () => {
        const h = { ...H, decoupled };
        // > 2^15 values so the native OpenMP path runs too.
        const p = randMatrix(200, 170, 1, -1, 1);
        const g = randMatrix(200, 170, 2, -2, 2);
        const m = randMatrix(200, 170, 3, -0.1, 0.1);
        const v = randMatrix(200, 170, 4, 0, 0.1);
        const ref = reference(p, g, m, v, h);
        const [p2, m2, v2] = [p.clone(), m.clone(), v.clone()];
        const dir = Matrix.zeros(200, 170);
        be.adamUpdate(p2, g, m2, v2, h, dir);
        assert.deepEqual(p2.data, p.data, 'direction mode leaves param unchanged');
        assertClose(dir.data, ref.d, { rtol: 1e-4, atol: 1e-7, what: 'direction' });
        be.adamUpdate(p, g, m, v, h);
        assertClose(m.data, ref.m, { rtol: 1e-5, atol: 1e-8, what: 'm' });
        assertClose(v.data, ref.v, { rtol: 1e-5, atol: 1e-10, what: 'v' });
        assertClose(p.data, ref.p, { rtol: 1e-5, atol: 1e-7, what: 'p' });
      });
    }

    it('rejects bad arguments with messages that name the kernel', () => {
      const a = Matrix.zeros(2, 2);
      const z = () => Matrix.zeros(2, 2);
      assert.throws(
        () => be.adamUpdate(a, Matrix.zeros(2, 3), z(), z(), H),
        /adamUpdate: grad is 2×3/,
      );
      assert.throws(
        () => be.adamUpdate(a, z(), z(), z(), { ...H, step: 0 }),
        /step must be an integer ≥ 1/,
      );
      assert.throws(() => be.adamUpdate(a, z(), z(), z(), { ...H, beta2: 1 }), /beta1 and beta2/);
      assert.throws(() => be.adamUpdate(a, a, z(), z(), H), /shares memory/);
      const bad = z();
      bad.data[3] = Number.NaN;
      assert.throws(() => be.adamUpdate(a, bad, z(), z(), H), /adamUpdate: grad .* non-finite/);
    });
  });
}
