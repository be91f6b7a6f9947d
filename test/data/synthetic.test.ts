import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { classCounts } from '../../src/data/dataset.ts';
import { allocate, gaussianClusters } from '../../src/data/synthetic.ts';

describe('gaussianClusters', () => {
  const opts = { clusters: 3, perCluster: 50, dim: 5, spread: 0.1, seed: 11 };

  it('is bit-reproducible by seed and changes with it', () => {
    const a = gaussianClusters(opts);
    const b = gaussianClusters(opts);
    const c = gaussianClusters({ ...opts, seed: 12 });
    assert.deepEqual(a.x.data, b.x.data);
    assert.deepEqual(a.y, b.y);
    assert.notDeepEqual(a.x.data, c.x.data);
  });

  it('labels are cluster indices; samples sit near unit-norm centers', () => {
    const d = gaussianClusters(opts);
    assert.deepEqual(d.shape, [1, 5, 1]);
    assert.deepEqual(classCounts(d), [50, 50, 50]);
    for (let k = 0; k < 3; k++) {
      const c = d.centers.row(k);
      assert.ok(Math.abs(Math.hypot(...c) - 1) < 1e-6);
    }
    // With spread 0.1 in 5-d, every sample is within 0.1·(√5 + 3) of its own center.
    for (let i = 0; i < d.x.rows; i++) {
      const r = d.x.row(i);
      const c = d.centers.row(d.y[i]);
      const dist = Math.hypot(...r.map((v, j) => v - c[j]));
      assert.ok(dist < 0.1 * (Math.sqrt(5) + 3), `row ${i} is ${dist} from its center`);
    }
  });

  it('given centers, spread 0 → every sample equals its center; grouped when not shuffled', () => {
    const centers = Matrix.from([
      [1, 0],
      [0, 2],
    ]);
    const d = gaussianClusters({
      clusters: 2,
      perCluster: 2,
      dim: 2,
      spread: 0,
      seed: 0,
      centers,
      shuffle: false,
    });
    assert.deepEqual([...d.y], [0, 0, 1, 1]);
    assert.deepEqual(d.x.toArray(), [
      [1, 0],
      [1, 0],
      [0, 2],
      [0, 2],
    ]);
  });

  it('priors share the total by largest remainder', () => {
    assert.deepEqual(allocate(10, [1, 1, 1]), [4, 3, 3]);
    const d = gaussianClusters({ ...opts, priors: [2, 1, 1] });
    assert.deepEqual(classCounts(d), [75, 38, 37]);
  });

  it('bad arguments are clear errors', () => {
    assert.throws(() => gaussianClusters({ ...opts, dim: 0 }), /dim must be a positive integer/);
    assert.throws(() => gaussianClusters({ ...opts, priors: [1, 2] }), /priors must be 3/);
    assert.throws(
      () => gaussianClusters({ ...opts, centers: Matrix.zeros(2, 5) }),
      /centers are 2×5, expected clusters×dim = 3×5/,
    );
  });
});
