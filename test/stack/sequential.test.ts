// Stacks: standardisation against its closed form, greedy and simultaneous training, the chain
// of shapes, save/load and resume.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { ShapeError } from '../../src/errors.ts';
import { fromSafetensors, toSafetensors } from '../../src/model/model.ts';
import { SoftHebb, SoftHebbConv2d } from '../../src/softhebb/index.ts';
import {
  imageWindow,
  Pool2d,
  reverseCorrelation,
  Sequential,
  Standardize,
} from '../../src/stack/index.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

for (const be of backendsUnderTest()) {
  const layers = (units2 = 5) => [
    new SoftHebbConv2d({
      units: 4,
      inputShape: [8, 8, 1],
      kernelSize: 3,
      activation: 'triangle:1',
      batchSize: 4,
      seed: 1,
      backend: be,
    }),
    new Pool2d({ inputShape: [6, 6, 4], size: 2, backend: be }),
    new Standardize({ inputShape: [3, 3, 4], backend: be }),
    new SoftHebbConv2d({
      units: units2,
      inputShape: [3, 3, 4],
      kernelSize: 2,
      normalizeInput: false,
      lr: 0.01,
      epochs: 2,
      seed: 2,
      backend: be,
    }),
  ];
  const x = randMatrix(30, 64, 7, 0, 1);

  describe(`Standardize on ${be.name}`, () => {
    it('per-channel mean and √(var + eps) equal the two-pass float64 values; pieces equal one fit', () => {
      const v = randMatrix(13, 5 * 4 * 3, 3, -2, 5);
      const s = new Standardize({ inputShape: [5, 4, 3], backend: be }).fit(v);
      const n = 13 * 20;
      for (let c = 0; c < 3; c++) {
        let m = 0;
        for (let i = c; i < v.data.length; i += 3) m += v.data[i];
        m /= n;
        let q = 0;
        for (let i = c; i < v.data.length; i += 3) q += (v.data[i] - m) ** 2;
        assert.ok(Math.abs(s.mean[c] - m) < 1e-5, `mean ${s.mean[c]} vs ${m}`);
        assert.ok(Math.abs(s.scale[c] - Math.sqrt(q / n + 1e-5)) < 1e-5);
      }
      const p = new Standardize({ inputShape: [5, 4, 3], backend: be });
      p.partialFit(v.sliceRows(0, 6)).partialFit(v.sliceRows(6, 13));
      assertClose(p.mean, s.mean, { rtol: 1e-6 });
      assertClose(p.scale, s.scale, { rtol: 1e-6 });
      const z = s.transform(v);
      const again = new Standardize({ inputShape: [5, 4, 3], backend: be }).fit(z);
      assertClose(again.mean, [0, 0, 0], { atol: 1e-5 });
      assertClose(again.scale, [1, 1, 1], { atol: 1e-4 });
      // Without centring: x / scale, so non-negative inputs stay non-negative.
      const u = new Standardize({ inputShape: [5, 4, 3], center: false, backend: be }).fit(v);
      const zu = u.transform(v);
      for (let i = 0; i < 6; i++)
        assert.ok(
          Math.abs(zu.data[i] - v.data[i] / s.scale[i % 3]) < 1e-5 * (1 + Math.abs(zu.data[i])),
        );
    });

    it("statistics 'two-pass': exactly the float64 two-pass values; pieces merge to one fit", () => {
      const v = randMatrix(13, 5 * 4 * 3, 4, -2, 5);
      const o = { inputShape: [5, 4, 3] as [number, number, number], backend: be };
      const s = new Standardize({ ...o, statistics: 'two-pass', eps: 0, minStd: 1e-6 }).fit(v);
      const n = 13 * 20;
      for (let c = 0; c < 3; c++) {
        let m = 0;
        for (let i = c; i < v.data.length; i += 3) m += v.data[i];
        m /= n;
        let q = 0;
        for (let i = c; i < v.data.length; i += 3) q += (v.data[i] - m) ** 2;
        assert.equal(s.mean[c], Math.fround(m));
        assert.equal(s.scale[c], Math.fround(Math.sqrt(q / n)));
      }
      const p = new Standardize({ ...o, statistics: 'two-pass', eps: 0, minStd: 1e-6 });
      p.partialFit(v.sliceRows(0, 4)).partialFit(v.sliceRows(4, 13));
      assertClose(p.mean, s.mean, { rtol: 1e-6 });
      assertClose(p.scale, s.scale, { rtol: 1e-6 });
      // Its state is the mean and the squared deviations; the other mode's is refused.
      const state = s.getState();
      assert.deepEqual(Object.keys(state).sort(), ['m2', 'mean', 'samples_seen']);
      const back = new Standardize({ ...o, statistics: 'two-pass', eps: 0, minStd: 1e-6 });
      assert.deepEqual(back.setState(state).transform(v).data, s.transform(v).data);
      assert.throws(
        () => new Standardize(o).setState(state),
        /has a tensor 'mean' but this model holds none \(only with statistics: 'two-pass'\)/,
      );
      // minStd: a constant channel is left unscaled; eps 0 alone would divide by zero.
      const flat = new Matrix(2, 3, Float32Array.of(1, 2, 3, 1, 4, 5));
      const f = new Standardize({ inputShape: [1, 1, 3], eps: 0, minStd: 1e-6, backend: be });
      assert.deepEqual(Array.from(f.fit(flat).scale), [1, 1, 1]);
      assert.throws(() => new Standardize({ ...o, eps: 0 }), /eps 0 needs minStd/);
    });
  });

  describe(`Sequential on ${be.name}`, () => {
    it('greedy: each layer trains on the frozen output of those below', () => {
      const net = new Sequential({ layers: layers(), batchSize: 10, backend: be }).fit(x);
      const alone = new Sequential({
        layers: layers().slice(0, 1),
        batchSize: 10,
        backend: be,
      }).fit(x);
      // The first layer saw the same batches whatever is stacked on it.
      assertClose(
        (net.layers[0] as SoftHebbConv2d).weights.data,
        (alone.layers[0] as SoftHebbConv2d).weights.data,
        { atol: 0, rtol: 0 },
      );
      const top = net.layers[3] as SoftHebbConv2d;
      assert.equal(top.samplesSeen, 60); // its own 2 epochs
      const out = net.transform(x);
      assert.deepEqual([out.rows, out.cols], [30, 2 * 2 * 5]);
      // The output is the layers applied in turn.
      let h = x;
      for (const l of net.layers) h = l.transform(h);
      assertClose(out.data, h.data, { atol: 0, rtol: 0 });
    });

    it('simultaneous: every layer learns from each batch on its way up', () => {
      const net = new Sequential({
        layers: layers(),
        training: 'simultaneous',
        batchSize: 10,
        backend: be,
      }).fit(x);
      const first = new Sequential({
        layers: layers().slice(0, 1),
        training: 'simultaneous',
        batchSize: 10,
        backend: be,
      }).fit(x);
      assertClose(
        (net.layers[0] as SoftHebbConv2d).weights.data,
        (first.layers[0] as SoftHebbConv2d).weights.data,
        { atol: 0, rtol: 0 },
      );
      assert.equal((net.layers[3] as SoftHebbConv2d).samplesSeen, 30);
      assert.equal((net.layers[2] as Standardize).samplesSeen, 30);
    });

    it('saves and loads through safetensors, and resumes from a pass checkpoint bit for bit', () => {
      const full = new Sequential({ layers: layers(), batchSize: 10, backend: be }).fit(x);
      const loaded = fromSafetensors<Sequential>(toSafetensors(full), { backend: be });
      assert.equal(loaded.layers.length, 4);
      assertClose(loaded.transform(x).data, full.transform(x).data, { atol: 0, rtol: 0 });

      const part = new Sequential({ layers: layers(), batchSize: 10, backend: be });
      const saved: Uint8Array[] = [];
      part.fit(x, { onEpoch: () => saved.push(toSafetensors(part)) });
      // Passes: conv 1, Standardize 1, top conv 2; resume after the top's first pass.
      assert.equal(saved.length, 4);
      const resumed = fromSafetensors<Sequential>(saved[2], { backend: be });
      resumed.fit(x, { resume: true });
      assertClose(resumed.transform(x).data, full.transform(x).data, { atol: 0, rtol: 0 });
    });

    it('receptive fields: the composed window by hand, and reverse correlation against a direct sum', () => {
      const net = new Sequential({ layers: layers(), batchSize: 10, backend: be }).fit(x);
      // conv 3 (R 3, S 1) → pool 2/2 (R 3 + 1 = 4, S 2) → standardise → conv 2 (R 4 + 1·2 = 6, S 2).
      const g = imageWindow(net, 3, [8, 8, 1]);
      assert.deepEqual([g.kernelH, g.stride, g.pad], [6, 2, 0]);
      const { fields, side } = reverseCorrelation(net, 1, x, [8, 8, 1]);
      assert.equal(side, 4);
      // The busiest channel c of the pooled output: position (oy, ox) sees image rows
      // 2·oy .. 2·oy + 3 and columns 2·ox .. 2·ox + 3.
      const h = net.layers[1].transform(net.layers[0].transform(x));
      const sums = [0, 1, 2, 3].map((k) => {
        let t = 0;
        for (let i = k; i < h.data.length; i += 4) t += h.data[i];
        return t;
      });
      const c = sums.indexOf(Math.max(...sums));
      assert.ok(sums[c] > 0);
      const want = new Float64Array(16);
      let total = 0;
      for (let b = 0; b < x.rows; b++)
        for (let oy = 0; oy < 3; oy++)
          for (let ox = 0; ox < 3; ox++) {
            const r = h.get(b, (oy * 3 + ox) * 4 + c);
            total += r;
            for (let dy = 0; dy < 4; dy++)
              for (let dx = 0; dx < 4; dx++)
                want[dy * 4 + dx] += r * x.get(b, (oy * 2 + dy) * 8 + ox * 2 + dx);
          }
      assertClose(
        fields.row(c),
        want.map((v) => v / total),
        { atol: 1e-5, rtol: 1e-4 },
      );
      // relative: less the plain average of all 3·3 windows of every image.
      const avg = new Float64Array(16);
      for (let b = 0; b < x.rows; b++)
        for (let oy = 0; oy < 3; oy++)
          for (let ox = 0; ox < 3; ox++)
            for (let dy = 0; dy < 4; dy++)
              for (let dx = 0; dx < 4; dx++)
                avg[dy * 4 + dx] += x.get(b, (oy * 2 + dy) * 8 + ox * 2 + dx) / (x.rows * 9);
      const rel = reverseCorrelation(net, 1, x, [8, 8, 1], { relative: true }).fields;
      assertClose(
        rel.row(c),
        want.map((v, j) => v / total - avg[j]),
        { atol: 1e-5, rtol: 1e-4 },
      );
    });

    it('rejects a layer that does not read what the one below writes', () => {
      assert.throws(
        () =>
          new Sequential({
            layers: [
              new SoftHebbConv2d({ units: 4, inputShape: [8, 8, 1], kernelSize: 3 }),
              new Pool2d({ inputShape: [8, 8, 4], size: 2 }),
            ],
          }),
        (e: Error) =>
          e instanceof ShapeError &&
          /layers\[1\] \(Pool2d\) reads 256 values per sample but layers\[0\] \(SoftHebbConv2d\) writes 144 \(6×6×4\)/.test(
            e.message,
          ),
      );
      const net = new Sequential({ layers: layers(), backend: be });
      assert.throws(() => net.fit(Matrix.zeros(2, 63)), /64 features per sample/);
      assert.throws(
        () => new Sequential({ layers: [{ model: 'Nope', options: {} }] }),
        /'Nope'.*does not know/,
      );
      // A dense layer on top takes any width.
      const dense = new Sequential({
        layers: [...layers().slice(0, 2), new SoftHebb({ units: 3, backend: be })],
        backend: be,
      }).fit(x);
      assert.equal(dense.transform(x).cols, 3);
    });
  });
}
