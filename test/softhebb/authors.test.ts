// The 'authors' preset and read-out against what the authors' code runs for 2SoftMlpMNIST
// (github.com/NeuromorphicComputing/SoftHebb), each value written here from their files —
// not from src/softhebb/authors.ts — with the file it comes from.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { Matrix } from '../../src/backend/matrix.ts';
import { Rng } from '../../src/backend/rng.ts';
import { formatSchedule, parseSchedule, rateAt } from '../../src/model/schedule.ts';
import { LabelAssignment } from '../../src/readout/label-assignment.ts';
import { SoftmaxClassifier } from '../../src/readout/softmax-classifier.ts';
import { authorsReadoutLr } from '../../src/softhebb/authors.ts';
import { SoftHebb } from '../../src/softhebb/index.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { softhebbMnist } from '../../src/reproduce/softhebb/reproduce.ts';
import { loadTrainingData } from '../../src/reproduce/softhebb/train.ts';
import {
  authorsReadoutOptions,
  fitLinearReadout,
  labelAccuracy,
} from '../../src/softhebb/readout.ts';
import { assertClose, backendsUnderTest } from '../helpers/backends.ts';

/** [option, the authors' value, where their code sets it]. */
const AUTHORS_LAYER: [string, unknown, string][] = [
  ['inverseTemperature', 12, "presets.json 2SoftMlpMNIST b0 preset 't12'"],
  [
    'lr',
    { kind: 'constant', from: 0.045 },
    "'lr0.045'; hebblinear.py update_lr: constant amplitude",
  ],
  ['rule', 'normalized', "'v1' (adaptive); hebblinear.py delta_weight: ΔW / max|ΔW|"],
  ['adaptivePower', 0.2, 'presets.json layer.MLP.default.power_lr'],
  ['initRadius', 35, "'r35'"],
  [
    'init',
    'positive-uniform-iid',
    "train.py check_dimension: 'positive', range ((p+1) r^p / n)^(1/p)",
  ],
  ['bias', false, 'presets.json layer.MLP.default.add_bias'],
  ['krotov', false, "'soft', not 'softkrotov'"],
  ['wta', 'soft', "'soft' → HebbSoftLinear"],
  ['normalizeInput', false, 'dataset.py FastMNIST: pixels / 255 only'],
  ['epochs', 100, 'presets.json dataset.MNIST.default.nb_epoch'],
  ['batchSize', 64, 'presets.json dataset.MNIST.default.batch_size'],
  ['activation', { name: 'softmax', inverseTemperature: 5 }, "b0 activation 'softmax_5'"],
];

describe("the 'authors' preset is the authors' 2SoftMlpMNIST", () => {
  const o = new SoftHebb({ units: 2000, preset: 'authors' }).options as unknown as Record<
    string,
    unknown
  >;
  for (const [key, value, source] of AUTHORS_LAYER)
    it(`${key} = ${JSON.stringify(value)} (${source})`, () => assert.deepEqual(o[key], value));

  it('the other presets keep hebb’s batch of 100, one epoch, unit-norm inputs and q = 0.5', () => {
    for (const preset of ['default', 'paper'] as const) {
      const p = new SoftHebb({ units: 10, preset }).options;
      assert.deepEqual(
        [p.batchSize, p.epochs, p.normalizeInput, p.adaptivePower, p.activation],
        [100, 1, true, 0.5, undefined],
      );
    }
  });

  it('initial rows: entries U[0, a), a = 35·√(3/784), so the mean squared norm is 35² (train.py check_dimension)', () => {
    const be = backendsUnderTest()[0];
    const w = new SoftHebb({ units: 2000, preset: 'authors', backend: be }).initialize(784).weights;
    const a = Math.sqrt((3 * 35 ** 2) / 784);
    let max = 0;
    let sq = 0;
    for (const v of w.data) {
      assert.ok(v >= 0, 'entries are non-negative');
      max = Math.max(max, v);
      sq += v * v;
    }
    assert.ok(max < a && max > 0.999 * a, `largest entry ${max} vs a = ${a}`);
    // E‖w‖² = 784·a²/3 = 1225; over 2000 rows its sampling error is under 0.2 %.
    assertClose([sq / 2000], [1225], { rtol: 5e-3 });
    // The rows are not rescaled: their norms spread (≈ ±1 % at n = 784).
    const norms = Array.from(
      new SoftHebb({ units: 2000, preset: 'authors', backend: be }).initialize(784).weightNorms(),
    );
    assert.ok(Math.max(...norms) - Math.min(...norms) > 0.5, 'norms differ row to row');
  });

  for (const be of backendsUnderTest())
    it(`two batches of the preset on raw inputs: the normalised step at η = 0.045 both times, q = 0.2, t = 12 (${be.name}, rel. 1e-5)`, () => {
      const [K, n, B] = [3, 5, 64];
      const rng = new Rng(3, be);
      const w0 = new Matrix(K, n, rng.uniform(K * n, 0, 2));
      const x = new Matrix(2 * B, n, rng.uniform(2 * B * n, 0, 1));
      const layer = new SoftHebb({
        units: K,
        preset: 'authors',
        epochs: 1,
        initialWeights: w0,
        seed: 4,
        backend: be,
      }).fit(x);
      // The authors' HebbSoftLinear, written out in float64 (hebblinear.py: get_wta,
      // delta_weight, update, update_lr), over the layer's sample order.
      const order = new Rng(4, be).fork(1000).permutation(2 * B);
      let W = Array.from({ length: K }, (_, k) => Array.from(w0.row(k), Number));
      for (let s = 0; s < 2 * B; s += B) {
        const xs = Array.from(order.subarray(s, s + B), (i) => Array.from(x.row(i), Number));
        const u = xs.map((r) => W.map((w) => w.reduce((p, v, i) => p + v * r[i], 0)));
        const y = u.map((r) => {
          const m = Math.max(...r);
          const e = r.map((v) => Math.exp(12 * (v - m)));
          const z = e.reduce((p, q) => p + q, 0);
          return e.map((v) => v / z);
        });
        const D = W.map((w, k) =>
          w.map(
            (v, i) =>
              xs.reduce((p, r, b) => p + y[b][k] * r[i], 0) -
              u.reduce((p, r, b) => p + y[b][k] * r[k], 0) * v,
          ),
        );
        const M = Math.max(...D.flat().map(Math.abs));
        W = W.map((w, k) => {
          const rate = 0.045 * (Math.abs(Math.hypot(...w) - 1) + 1e-10) ** 0.2;
          return w.map((v, i) => v + (rate * D[k][i]) / M);
        });
      }
      assertClose(layer.weights.data, Float32Array.from(W.flat()), { rtol: 1e-5, atol: 1e-6 });
    });
});

describe("the authors' read-out (block b1 'BP-c10')", () => {
  it('utils.py CustomStepLR: 1e-3 halved after 20/35/50/60/70/80/90 % of ≥ 50 epochs, 50/75 % of 20–49, never below 20', () => {
    const at = (e: number) => {
      const s = authorsReadoutLr(e);
      return s.kind === 'milestones' ? s.at : [];
    };
    assert.deepEqual(at(100), [20, 35, 50, 60, 70, 80, 90]);
    assert.deepEqual(at(30), [15, 22]);
    assert.deepEqual(at(10), []);
    assert.deepEqual(authorsReadoutLr(10), { kind: 'constant', from: 0.001 });
    // torch steps the scheduler after each epoch, so epoch 20 (from 0) is the first halved one
    const lr = authorsReadoutLr(100);
    const rate = (epoch: number) =>
      rateAt(lr, { samples: epoch * 600, total: 60000, perEpoch: 600 });
    assertClose(
      [0, 19, 20, 34, 35, 89, 90, 99].map(rate),
      [1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 1e-3 / 64, 1e-3 / 128, 1e-3 / 128],
      { rtol: 1e-12 },
    );
  });

  it('milestones schedules read and write as text, and bad ones are refused', () => {
    const s = parseSchedule('milestones:0.001:0.5:20/35/50');
    assert.deepEqual(s, { kind: 'milestones', from: 0.001, factor: 0.5, at: [20, 35, 50] });
    assert.equal(formatSchedule(s), 'milestones:0.001:0.5:20/35/50');
    assert.throws(() => parseSchedule('milestones:0.001:0.5:35/20'), /increasing epochs/);
    assert.throws(() => parseSchedule('milestones:0.001:0.5:'), /cannot read schedule/);
  });

  it('softmax(5u), not standardised, into a linear layer with PyTorch init, Adam batch 64, 100 epochs', () => {
    const r = authorsReadoutOptions();
    assert.deepEqual(
      [r.activation, r.standardize, r.init, r.batchSize, r.epochs],
      ['softmax:5', false, 'uniform', 64, 100],
    );
    assert.deepEqual(r.lr, authorsReadoutLr(100));
  });

  for (const be of backendsUnderTest())
    it(`SoftmaxClassifier init 'uniform': W and b from U(±1/√features), seeded (${be.name})`, () => {
      const [D, C] = [400, 10];
      const x = new Matrix(1, D, new Float32Array(D));
      const fitted = (seed: number) =>
        new SoftmaxClassifier({ init: 'uniform', epochs: 1, lr: 0, seed, backend: be }).fit(x, [
          C - 1,
        ]);
      const c = fitted(2);
      const a = 1 / Math.sqrt(D);
      const all = [...c.weights.data, ...c.bias];
      assert.ok(all.every((v) => Math.abs(v) <= a));
      // variance a²/3; over 4010 draws its sampling error is about 1.4 %
      const mean = all.reduce((p, v) => p + v, 0) / all.length;
      const variance = all.reduce((p, v) => p + (v - mean) ** 2, 0) / all.length;
      assertClose([variance], [(a * a) / 3], { rtol: 0.06 });
      assert.deepEqual(fitted(2).weights.data, c.weights.data);
      assert.notDeepEqual(fitted(3).weights.data, c.weights.data);
      const zeros = new SoftmaxClassifier({ epochs: 1, lr: 0, backend: be }).fit(x, [C - 1]);
      assert.ok(zeros.weights.data.every((v) => v === 0));
    });
});

describe("label assignment as the authors' engine.py (raw counts)", () => {
  // Class 0 has one sample, class 1 three. Unit 0 wins class 0's sample and two of class 1's:
  // per class size 1/1 > 2/3 (class 0), raw 1 < 2 (class 1). Unit 2 never wins; its activation
  // sums 0.5 (class 0) and 0.9 (class 1), means 0.5 and 0.3.
  const A = Matrix.from([
    [0.9, 0.1, 0.5],
    [0.8, 0.2, 0.3],
    [0.7, 0.1, 0.3],
    [0.1, 0.9, 0.3],
  ]);
  const Y = [0, 1, 1, 1];
  for (const be of backendsUnderTest())
    it(`per class size by default, raw counts and sums with perClass: false (${be.name})`, () => {
      const labels = (perClass: boolean) =>
        Array.from(new LabelAssignment({ perClass, backend: be }).fit(A, Y).unitLabels);
      assert.deepEqual(labels(true), [0, 1, 0]);
      assert.deepEqual(labels(false), [1, 1, 1]);
    });
});

describe('reproduce softhebb-mnist --preset authors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-authors-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("trains the authors' layer, reads it out their way, and runs no hard-WTA layer", async () => {
    const backend = getBackend();
    const given = { quick: true, units: 30, epochs: 1, readoutEpochs: 2, mlpEpochs: 1 };
    const { result } = await runDeclared(
      softhebbMnist,
      { ...given, preset: 'authors', tableOnly: true, quiet: true, out: join(dir, 'run') },
      { backend },
    );
    const run = result.runs[0];
    assert.equal(run.hard, undefined);
    // The same layer and read-outs built here from the preset and the authors' options.
    const data = loadTrainingData({ dataset: 'mnist', seed: 0, trainSamples: 10000 });
    const layer = new SoftHebb({ units: 30, preset: 'authors', epochs: 1, seed: 0, backend });
    layer.fit(data.train.x);
    assert.equal(run.soft.acc1, labelAccuracy(layer, data, { authors: true }));
    const ro = fitLinearReadout(layer, data, { ...authorsReadoutOptions(2), seed: 0 });
    assert.equal(run.soft.acc2, ro.classifier.score(ro.features(layer, data.test.x), data.test.y));
  });
});
