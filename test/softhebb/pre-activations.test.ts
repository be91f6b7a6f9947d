// partialFit(x, { preActivations }) hands over what each row looked like to the layer when it
// learnt from it: u + b before the row's own update (online) or its batch's update. Checked
// against the layer's own preActivation() on a twin that learns one row (or batch) at a time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/index.ts';
import { ShapeError } from '../../src/errors.ts';
import { SoftHebb } from '../../src/softhebb/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

for (const be of backendsUnderTest()) {
  describe(`SoftHebb partialFit preActivations (${be.name})`, () => {
    const x = randMatrix(30, 16, 3, 0, 1);
    for (const [batch, bias, wta] of [
      [1, false, 'soft'],
      [1, true, 'soft'],
      [1, false, 'hard'],
      [5, true, 'soft'],
      [5, false, 'hard'],
    ] as const) {
      it(`batch ${batch}, ${wta}${bias ? ', learnt prior' : ''}: u + b before each row's update`, () => {
        const make = () =>
          new SoftHebb({
            units: 8,
            batchSize: batch,
            wta,
            bias,
            inverseTemperature: 5,
            lr: 0.2,
            seed: 4,
            backend: be,
          }).initialize(16);
        const twin = make();
        const want = new Matrix(30, 8);
        for (let s = 0; s < 30; s += batch) {
          const rows = x.sliceRows(s, s + batch);
          want.data.set(twin.preActivation(rows).data, s * 8);
          twin.partialFit(rows);
        }
        const layer = make();
        const got = new Matrix(30, 8);
        layer.partialFit(x, { preActivations: got });
        // A trained layer moves: the last rows must differ from the first W's view of them.
        const before = make().preActivation(x.sliceRows(25, 30));
        assert.ok(
          before.data.some((v, i) => Math.abs(v - got.data[25 * 8 + i]) > 1e-3),
          'the rows see a layer that has learnt',
        );
        assertClose(got.data, want.data, { atol: 1e-5, rtol: 1e-5, what: 'pre-activations' });
        assertClose(layer.weights.data, twin.weights.data, { atol: 1e-5, what: 'weights' });
      });
    }

    it('a preActivations matrix of the wrong shape is refused with the shape it needs', () => {
      const layer = new SoftHebb({ units: 8, backend: be });
      assert.throws(
        () => layer.partialFit(x, { preActivations: new Matrix(30, 7) }),
        (e: Error) =>
          e instanceof ShapeError && /preActivations is 30×7 but must be 30×8/.test(e.message),
      );
    });
  });
}
