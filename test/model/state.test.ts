// Declared state (src/model/state.ts): getState and setState follow from a model's list of
// tensors, with every dtype and shape checked before anything is put in place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { ShapeError, ValueError } from '../../src/errors.ts';
import {
  collectState,
  f32,
  restoreState,
  sizeOf,
  tensor,
  type ModelState,
  type TensorSlots,
} from '../../src/model/state.ts';
import { SoftmaxClassifier } from '../../src/readout/softmax-classifier.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import { SoftHebbConv2d } from '../../src/softhebb/conv.ts';

/** A toy holder of every kind of slot. */
function toy(extra = false) {
  const h = {
    w: Matrix.from([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    b: Float32Array.of(0.5, -0.5) as Float32Array,
    sums: Float64Array.of(1e20, 1) as Float64Array,
    n: 7,
    inner: { m: f32(Float32Array.of(9)) } as ModelState,
    order: [] as string[],
  };
  const slots: TensorSlots = {
    w: tensor.matrix({ rows: 2, get: () => h.w, set: (v) => ((h.w = v), h.order.push('w')) }),
    b: tensor.vector({
      length: sizeOf('w', 0),
      get: () => h.b,
      set: (v) => (h.b = v),
      check: (v) => (v.some((x) => x > 10) ? 'must hold values ≤ 10' : undefined),
    }),
    extra: tensor.vector({ present: extra, heldWith: 'extra: true', get: () => h.b }),
    sums: tensor.float64({ length: 2, get: () => h.sums, set: (v) => (h.sums = v) }),
    n: tensor.count({ get: () => h.n, set: (v) => (h.n = v) }),
    inner: tensor.state({ get: () => h.inner, set: (v) => ((h.inner = v), h.order.push('inner')) }),
  };
  return { h, slots };
}

describe('declared state', () => {
  it('collectState: each kind as its tensor, copied, nested states under their prefix', () => {
    const { h, slots } = toy();
    const s = collectState(slots);
    assert.deepEqual(Object.keys(s).sort(), ['b', 'inner.m', 'n', 'sums', 'w']);
    assert.deepEqual([s.w.dtype, s.w.shape], ['F32', [2, 3]]);
    assert.deepEqual([s.b.dtype, s.b.shape], ['F32', [2]]);
    assert.deepEqual([s.sums.dtype, Array.from(s.sums.data as Float64Array)], ['F64', [1e20, 1]]);
    assert.deepEqual([s.n.dtype, s.n.shape, s.n.data[0]], ['F64', [], 7]);
    s.w.data[0] = 100;
    assert.equal(h.w.data[0], 1, 'getState hands out copies');
  });

  it('restoreState: reads every tensor, then sets them (nested states first)', () => {
    const a = toy();
    const state = collectState(a.slots);
    state.w.data[0] = 42;
    const b = toy();
    const values = restoreState('Toy.setState', b.slots, state);
    assert.equal(b.h.w.data[0], 42);
    assert.equal(b.h.n, 7);
    assert.deepEqual(b.h.order, ['inner', 'w']);
    assert.equal(values.n, 7);
    assert.ok(!('extra' in values));
  });

  it('a wrong shape, dtype, size or value is refused naming the tensor, and nothing is set', () => {
    const good = collectState(toy().slots);
    const cases: [ModelState, RegExp, typeof ValueError][] = [
      [
        { ...good, w: f32(Matrix.zeros(3, 3)) },
        /tensor 'w' is 3×3 but this model needs 2×3; were the options the same\?/,
        ShapeError,
      ],
      [
        { ...good, w: f32(Float32Array.of(1, 2)) },
        /tensor 'w' must be 2-D F32, got F32 \[2\]/,
        ShapeError,
      ],
      [
        { ...good, b: f32(Float32Array.of(1, 2, 3)) },
        /tensor 'b' has 3 values but this model needs 2/,
        ShapeError,
      ],
      [{ ...good, b: f32(Float32Array.of(1, NaN)) }, /tensor 'b' holds NaN or ±Inf/, ValueError],
      [{ ...good, b: f32(Float32Array.of(1, 11)) }, /tensor 'b' must hold values ≤ 10/, ValueError],
      [
        { ...good, sums: f32(Float32Array.of(1, 2)) },
        /tensor 'sums' must be 1-D F64, got F32/,
        ShapeError,
      ],
      [
        { ...good, extra: good.b },
        /has a tensor 'extra' but this model holds none \(only with extra: true\)/,
        ValueError,
      ],
      [
        { ...good, n: { dtype: 'F64', shape: [], data: Float64Array.of(1.5) } },
        /tensor 'n' must hold one non-negative integer/,
        ValueError,
      ],
      [{ w: good.w }, /the state has no tensor 'b' \(it has w\)/, ValueError],
    ];
    for (const [state, message, type] of cases) {
      const t = toy();
      const before = collectState(t.slots);
      assert.throws(
        () => restoreState('Toy.setState', t.slots, state),
        (e: Error) => {
          assert.ok(e instanceof type, `${e.name}: ${e.message}`);
          assert.match(e.message, /^Toy\.setState: /);
          assert.match(e.message, message);
          return true;
        },
      );
      assert.deepEqual(collectState(t.slots), before);
      assert.deepEqual(t.h.order, []);
    }
    const held = toy(true);
    assert.throws(
      () => restoreState('Toy.setState', held.slots, good),
      /no tensor 'extra', which this model holds with extra: true/,
    );
    assert.throws(
      () => restoreState('Toy.setState', toy().slots, null as never),
      /must be an object/,
    );
  });

  describe('on models', () => {
    const x = Matrix.from([
      [1, 0, 0.5, 0.2],
      [0, 1, 0.1, 0.7],
      [0.3, 0.3, 1, 0],
    ]);

    it('SoftHebb: bias is held only with bias: true, and a state must agree', () => {
      const plain = new SoftHebb({ units: 2, batchSize: 3, backend: 'ts' }).fit(x);
      const biased = new SoftHebb({ units: 2, batchSize: 3, bias: true, backend: 'ts' }).fit(x);
      assert.ok(!('bias' in plain.getState()));
      assert.deepEqual(biased.getState().bias.shape, [2]);
      assert.throws(
        () => new SoftHebb({ units: 2, backend: 'ts' }).setState(biased.getState()),
        /SoftHebb\.setState: the state has a tensor 'bias' but this model holds none \(only with bias: true\)/,
      );
      assert.throws(
        () => new SoftHebb({ units: 2, bias: true, backend: 'ts' }).setState(plain.getState()),
        /the state has no tensor 'bias', which this model holds with bias: true/,
      );
      assert.throws(
        () => new SoftHebb({ units: 3, backend: 'ts' }).setState(plain.getState()),
        /tensor 'weights' is 2×4 but this model needs 3×4/,
      );
    });

    it('SoftHebbConv2d: the weights must have the kernels’ patch length', () => {
      const o = { units: 2, inputShape: [2, 2, 1] as [number, number, number], backend: 'ts' };
      const conv = new SoftHebbConv2d({ ...o, kernelSize: 1 }).fit(x);
      assert.throws(
        () => new SoftHebbConv2d({ ...o, kernelSize: 2 }).setState(conv.getState()),
        /SoftHebbConv2d\.setState: tensor 'weights' is 2×1 but this model needs 2×4/,
      );
      assert.throws(() => new SoftHebbConv2d({ ...o, kernelSize: 1 }).getState(), /not fitted/);
    });

    it('SoftmaxClassifier: the bias is as long as the weights have rows', () => {
      const clf = new SoftmaxClassifier({ epochs: 1, backend: 'ts' }).fit(x, [0, 1, 2]);
      const s = clf.getState();
      assert.throws(
        () =>
          new SoftmaxClassifier({ backend: 'ts' }).setState({
            ...s,
            bias: f32(new Float32Array(4)),
          }),
        /tensor 'bias' has 4 values but this model needs 3/,
      );
    });
  });
});
