import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { f32 } from '../../src/model/state.ts';
import { LabelAssignment } from '../../src/readout/index.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

// 3 units, 2 classes. Unit 1 wins once for class 0 but is more active, on average, for class 1,
// so 'wins' and 'activation' assign it differently.
const TRAIN = Matrix.from([
  [0.9, 0.1, 0.0], // class 0, unit 0 wins
  [0.2, 0.7, 0.1], // class 0, unit 1 wins
  [0.1, 0.6, 0.8], // class 1, unit 2 wins
  [0.2, 0.65, 0.7], // class 1, unit 2 wins
]);
const Y = Uint8Array.from([0, 0, 1, 1]);
const TEST = Matrix.from([
  [0.5, 0.45, 0.4],
  [0.1, 0.3, 0.35],
]);

for (const be of backendsUnderTest()) {
  describe(`LabelAssignment on ${be.name}`, () => {
    it('assigns by win rate (paper) or by mean activation, as worked out by hand', () => {
      const wins = new LabelAssignment({ backend: be }).fit(TRAIN, Y);
      assert.deepEqual(Array.from(wins.unitLabels), [0, 0, 1]);
      const act = new LabelAssignment({ assignBy: 'activation', backend: be }).fit(TRAIN, Y);
      assert.deepEqual(Array.from(act.unitLabels), [0, 1, 1]);
      assert.equal(wins.classes, 2);
    });

    it('a unit that never wins falls back to its highest mean activation', () => {
      const a = Matrix.from([
        [0.9, 0.1, 0.2],
        [0.1, 0.3, 0.8],
      ]);
      const la = new LabelAssignment({ backend: be }).fit(a, [0, 1]);
      assert.deepEqual(Array.from(la.unitLabels), [0, 1, 1]);
    });

    it('predicts by the winner, by summed or by mean activation per class', () => {
      const byWins = (voteBy: 'winner' | 'sum' | 'mean') =>
        Array.from(new LabelAssignment({ voteBy, backend: be }).fit(TRAIN, Y).predict(TEST));
      const byAct = (voteBy: 'winner' | 'sum' | 'mean') =>
        Array.from(
          new LabelAssignment({ assignBy: 'activation', voteBy, backend: be })
            .fit(TRAIN, Y)
            .predict(TEST),
        );
      // labels [0,0,1]: test 0 sums 0.95 vs 0.4, means 0.475 vs 0.4;
      // test 1 winner is unit 2, sums 0.4 vs 0.35, means 0.2 vs 0.35.
      assert.deepEqual(byWins('winner'), [0, 1]);
      assert.deepEqual(byWins('sum'), [0, 0]);
      assert.deepEqual(byWins('mean'), [0, 1]);
      // labels [0,1,1]: test 0 sums 0.5 vs 0.85 but means 0.5 vs 0.425.
      assert.deepEqual(byAct('sum'), [1, 1]);
      assert.deepEqual(byAct('mean'), [0, 1]);
      const la = new LabelAssignment({ backend: be }).fit(TRAIN, Y);
      assert.equal(la.score(TEST, [0, 1]), 1);
      assert.equal(la.score(TRAIN, Y), 1);
    });

    it('win rates divide by the class size: wins_ck / n_c, not the raw counts (by hand)', () => {
      // Classes of 100 and 5 samples. Unit 0: 50/100 = 0.5 beats 2/5 = 0.4; unit 1: 30/100 = 0.3
      // loses to 2/5 although 30 > 2; unit 2: 20/100 = 1/5, a tie, goes to the first class.
      const la = new LabelAssignment({ backend: be }).setState({
        wins: f32(
          Matrix.from([
            [50, 30, 20],
            [2, 2, 1],
          ]),
        ),
        sums: f32(Matrix.zeros(2, 3)),
        class_sizes: f32(Float32Array.of(100, 5)),
      });
      assert.deepEqual(Array.from(la.unitLabels), [0, 1, 0]);
    });

    it("the 'mean' vote averages each class's units: 1 unit of class 0 against 3 of class 1 (by hand)", () => {
      const state = {
        wins: f32(
          Matrix.from([
            [1, 0, 0, 0],
            [0, 1, 1, 1],
          ]),
        ),
        sums: f32(Matrix.zeros(2, 4)),
        class_sizes: f32(Float32Array.of(1, 3)),
      };
      // row 0: means 1 vs 3.2/3 = 1.067 (class 1); row 1: means 1 vs 0.5 but sums 1 vs 1.5
      const a = Matrix.from([
        [1, 1.1, 1.05, 1.05],
        [1, 0.5, 0.5, 0.5],
      ]);
      const vote = (voteBy: 'mean' | 'sum') =>
        Array.from(new LabelAssignment({ voteBy, backend: be }).setState(state).predict(a));
      assert.deepEqual(vote('mean'), [1, 0]);
      assert.deepEqual(vote('sum'), [1, 1]);
    });

    it('a class with no unit never wins the mean vote', () => {
      // Counts where class 0 wins both units and classes 1, 2 have samples but no unit.
      const la = new LabelAssignment({ voteBy: 'mean', backend: be }).setState({
        wins: f32(
          Matrix.from([
            [1, 1],
            [0, 0],
            [0, 0],
          ]),
        ),
        sums: f32(Matrix.zeros(3, 2)),
        class_sizes: f32(Float32Array.of(1, 1, 1)),
      });
      assert.deepEqual(Array.from(la.unitLabels), [0, 0]);
      assert.deepEqual(Array.from(la.predict(Matrix.from([[-1, -2]]))), [0]);
    });

    it('rejects bad input', () => {
      const la = new LabelAssignment({ backend: be });
      assert.throws(() => la.predict(TEST), /not fitted yet/);
      assert.throws(() => la.fit(TRAIN, [0, 1, 2]), /4 samples but 3 labels/);
      assert.throws(
        () => new LabelAssignment({ classes: 2 }).fit(TRAIN, [0, 1, 2, 1]),
        /label 2 is 2/,
      );
      const bad = TRAIN.clone();
      bad.data[0] = Number.POSITIVE_INFINITY;
      assert.throws(() => la.fit(bad, Y), /NaN or ±Inf/);
      la.fit(TRAIN, Y);
      assert.throws(() => la.predict(Matrix.zeros(1, 4)), /fitted on 3 features/);
    });
  });
}
