// The playground draws the alignment trace through regularTrace: one spacing from the first
// step to the last, where the raw trace is dense in its final window (issue 34: it looked like
// a burst of noise).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmergenceLearner, regularTrace, studentTeacherTask } from '../../src/emergence/index.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

describe('regularTrace', () => {
  const [be] = backendsUnderTest();
  const task = studentTeacherTask(be, { train: 512, val: 128, dim: 8, teacherWidth: 8 });
  // 8 steps an epoch × 25 epochs = 200 steps; the final 10 % (20 steps) recorded at every step
  const learner = new EmergenceLearner({
    rule: 'sgd',
    hidden: [16],
    batchSize: 64,
    epochs: 25,
    metricsEvery: 10,
    finalFraction: 0.1,
    backend: be,
  }).fit(task.train.x, task.train.y);
  const raw = learner.trace!;

  it('keeps the grid points only: steps 0, 10, …, 190, with the raw values at those steps', () => {
    const gaps = (s: Int32Array) => new Set(Array.from(s.subarray(1), (t, i) => t - s[i]));
    assert.deepEqual(
      [...gaps(raw.steps)].sort((a, b) => a - b),
      [1, 10],
      'the raw trace is denser at the end',
    );
    const r = regularTrace(raw, 10);
    assert.deepEqual(
      Array.from(r.steps),
      Array.from({ length: 20 }, (_, i) => 10 * i),
    );
    for (const k of [0, 7, 19]) {
      const j = Array.from(raw.steps).indexOf(r.steps[k]);
      assert.equal(r.signal[0][k], raw.signal[0][j]);
      assert.equal(r.update[1][k], raw.update[1][j]);
    }
    assert.equal(r.signal.length, raw.signal.length);
  });

  it('leaves out entries not recorded yet (NaN), as a trace mid-training has them', () => {
    const partial = { ...raw, signal: raw.signal.map((s) => s.slice()) };
    partial.signal.forEach((s) => s.fill(NaN, 5));
    assert.deepEqual(Array.from(regularTrace(partial, 10).steps), [0, 10, 20, 30, 40]);
  });
});
