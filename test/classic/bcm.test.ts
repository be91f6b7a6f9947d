// BCM against its closed forms: on two patterns of probabilities π₁, π₂ every unit that learns
// ends selective, y = 1/πᵢ on its pattern and 0 on the other; the threshold relaxes to y² as
// 1 − e^(−t/τ); one update is η x y (y − θ).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { BCM } from '../../src/classic/index.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

const P = [
  [1, 0.5, 0, 0.25],
  [0.2, 0, 1, 0.5],
];
const PI = [0.6, 0.4];

for (const be of backendsUnderTest()) {
  describe(`BCM (${be.name})`, () => {
    it('on two patterns each unit becomes selective at the fixed point y = 1/πᵢ, 0 (within 2 %)', () => {
      const N = 1000;
      const x = new Matrix(N, 4);
      for (let i = 0; i < N; i++) x.data.set(P[i < PI[0] * N ? 0 : 1], i * 4);
      const K = 6;
      const m = new BCM({ units: K, lr: 'linear:0.01', tau: 20, epochs: 40, seed: 2, backend: be });
      m.fit(x);
      const y = m.transform(new Matrix(2, 4, Float32Array.from(P.flat())));
      const chosen = new Set<number>();
      for (let k = 0; k < K; k++) {
        const r = [y.data[k], y.data[K + k]];
        if (Math.max(...r.map(Math.abs)) < 0.05) continue; // a unit that started below both stays silent
        const i = r[0] > r[1] ? 0 : 1;
        chosen.add(i);
        const want = 1 / PI[i];
        assert.ok(
          Math.abs(r[i] / want - 1) < 0.02,
          `unit ${k}: y = ${r[i]} on pattern ${i}, closed form ${want}`,
        );
        assert.ok(
          Math.abs(r[1 - i]) < 0.02 * want,
          `unit ${k}: y = ${r[1 - i]} on the other pattern`,
        );
      }
      assert.deepEqual([...chosen].sort(), [0, 1], 'units selective to each pattern');
      assert.throws(
        () => new BCM({ lr: 5, backend: be }).fit(x),
        /BCM: training diverged after \d+ samples: weights holds NaN or ±Inf; lower lr/,
      );
    });

    it('with η = 0 the threshold relaxes to y² as 1 − e^(−t/τ), and one update is η x y (y − θ)', () => {
      const tau = 25;
      const x = new Matrix(1, 4, Float32Array.from(P[0]));
      const m = new BCM({ units: 2, lr: 0, tau, backend: be }).partialFit(x);
      const w0 = m.weights.clone();
      const y0 = m.transform(x).data.slice();
      for (let t = 1; t < tau; t++) m.partialFit(x);
      for (let k = 0; k < 2; k++) {
        const want = y0[k] ** 2 * (1 - Math.exp(-1));
        assert.ok(Math.abs(m.threshold[k] - want) < 1e-4 * want, `θ ${m.threshold[k]} vs ${want}`);
      }
      assert.deepEqual(m.weights.data, w0.data);
      // One step at η = 0.5 from there, on a batch of both patterns: ΔW = (η/B) Σ x y (y − θ).
      const eta = 0.5;
      const th = m.threshold.slice();
      const xb = new Matrix(2, 4, Float32Array.from(P.flat()));
      const step = new BCM({ units: 2, lr: eta, tau, batchSize: 2, backend: be })
        .setState(m.getState())
        .partialFit(xb);
      for (let k = 0; k < 2; k++)
        for (let t = 0; t < 4; t++) {
          let d = 0;
          for (const p of P) {
            const yk = p.reduce((s, v, j) => s + v * w0.data[k * 4 + j], 0);
            d += (p[t] * yk * (yk - th[k])) / 2;
          }
          const want = w0.data[k * 4 + t] + eta * d;
          assert.ok(Math.abs(step.weights.data[k * 4 + t] - want) < 1e-6, `w[${k},${t}]`);
        }
    });
  });
}
