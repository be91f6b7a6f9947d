// The model contract of docs/api.md, checked on every model the same way: options validated
// in the constructor (unknown keys name the near option), fit and partialFit return this,
// fitAsync gives the same result as fit and stops on an AbortSignal, the state round-trips
// through safetensors bytes and files, and resuming an interrupted fit equals an
// uninterrupted one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { gaussianClusters } from '../../src/data/synthetic.ts';
import { EmergenceLearner } from '../../src/emergence/learner.ts';
import { loadModel, saveModel } from '../../src/io/model-file.ts';
import type { Tensor } from '../../src/io/safetensors.ts';
import { fromSafetensors, toSafetensors, type Model } from '../../src/model/model.ts';
import {
  DeltaRuleClassifier,
  LabelAssignment,
  LinearSVC,
  MlpClassifier,
  SoftmaxClassifier,
} from '../../src/readout/index.ts';
import { SimilarityNetwork } from '../../src/similarity/network.ts';
import { KMeans } from '../../src/features/kmeans.ts';
import { KrotovHopfield, PowerLossClassifier } from '../../src/krotov/index.ts';
import { PCA } from '../../src/features/pca.ts';
import { AntiHebbian, BCM, CompetitiveLearning, Oja, Sanger } from '../../src/classic/index.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import { SoftHebbConv2d } from '../../src/softhebb/conv.ts';
import { Pool2d, Sequential, Standardize } from '../../src/stack/index.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hebb-contract-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Non-negative clusters (SoftHebb prefers them), 4 classes, 160 samples of 12 values. */
const data = gaussianClusters({ clusters: 4, perCluster: 40, dim: 12, spread: 0.2, seed: 7 });
for (let i = 0; i < data.x.data.length; i++) data.x.data[i] = Math.abs(data.x.data[i]);
const targets = new Matrix(data.x.rows, 3);
for (let i = 0; i < data.x.rows; i++)
  for (let j = 0; j < 3; j++) targets.data[i * 3 + j] = data.x.data[i * 12 + j];

interface Case {
  name: string;
  make: (o?: Record<string, unknown>) => Model;
  /** A typo of one of its options, and the option it should suggest. */
  typo: [string, string];
  fit: (m: Model, opts?: object) => Model;
  fitAsync: (m: Model, opts?: object) => Promise<Model>;
  partialFit: (m: Model) => Model;
  /** What the fitted model computes, to compare two models. */
  output: (m: Model) => Float32Array | Int32Array;
  /** Trained in epochs, so an interrupted fit can resume. */
  epochs: boolean;
  /** Options with a bad value, and the message. */
  bad: [Record<string, unknown>, RegExp];
}

const y = data.y;
const x = data.x;
const sup = (m: Model) =>
  m as unknown as {
    fit(x: Matrix, y: unknown, o?: object): Model;
    fitAsync(x: Matrix, y: unknown, o?: object): Promise<Model>;
    partialFit(x: Matrix, y: unknown): Model;
  };
const uns = (m: Model) =>
  m as unknown as {
    fit(x: Matrix, o?: object): Model;
    fitAsync(x: Matrix, o?: object): Promise<Model>;
    partialFit(x: Matrix): Model;
  };

function cases(backend: string): Case[] {
  const seedBad: Case['bad'] = [{ seed: -1 }, /seed must be a non-negative integer, got -1/];
  const supervised = (
    make: Case['make'],
    typo: [string, string],
    output: Case['output'],
    { epochs = true, bad = seedBad }: { epochs?: boolean; bad?: Case['bad'] } = {},
  ): Omit<Case, 'name'> => ({
    make,
    typo,
    fit: (m, o) => sup(m).fit(x, y, o),
    fitAsync: (m, o) => sup(m).fitAsync(x, y, o),
    partialFit: (m) => sup(m).partialFit(x, y),
    output,
    epochs,
    bad,
  });
  return [
    {
      name: 'SoftHebb',
      make: (o) => new SoftHebb({ units: 6, epochs: 3, batchSize: 16, seed: 1, backend, ...o }),
      typo: ['inverseTemprature', 'inverseTemperature'],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as SoftHebb).transform(x).data,
      epochs: true,
      bad: seedBad,
    },
    {
      name: 'SoftHebbConv2d',
      make: (o) =>
        new SoftHebbConv2d({
          units: 3,
          inputShape: [3, 4, 1],
          kernelSize: 2,
          epochs: 3,
          batchSize: 16,
          seed: 1,
          backend,
          ...o,
        }),
      typo: ['kernelSizes', 'kernelSize'],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as SoftHebbConv2d).transform(x).data,
      epochs: true,
      bad: [{ dilation: 0 }, /dilation must be/],
    },
    {
      name: 'Standardize',
      make: (o) => new Standardize({ inputShape: [3, 4, 1], backend, ...o }),
      typo: ['centre', 'center'],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as Standardize).transform(x).data,
      epochs: false,
      bad: [{ eps: -1 }, /eps must be/],
    },
    {
      name: 'Sequential',
      make: (o) =>
        new Sequential({
          layers: [
            new SoftHebbConv2d({
              units: 3,
              inputShape: [3, 4, 1],
              kernelSize: 2,
              epochs: 2,
              batchSize: 8,
              seed: 1,
              backend,
            }),
            new Pool2d({ inputShape: [2, 3, 3], size: 2, stride: 1, backend }),
            new SoftHebb({ units: 4, epochs: 2, batchSize: 16, seed: 2, backend }),
          ],
          batchSize: 32,
          backend,
          ...o,
        }),
      typo: ['trainig', 'training'],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as Sequential).transform(x).data,
      epochs: true,
      bad: [{ training: 'together' }, /training must be one of/],
    },
    {
      name: 'KMeans',
      make: (o) => new KMeans({ clusters: 4, maxIter: 5, seed: 1, backend, ...o }),
      typo: ['clustres', 'clusters'],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as KMeans).transform(x).data,
      epochs: false,
      bad: [{ clusters: 0 }, /clusters must be/],
    },
    {
      name: 'PCA',
      make: (o) => new PCA({ components: 3, seed: 1, backend, ...o }),
      typo: ['component', 'components'],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as PCA).transform(x).data,
      epochs: false,
      bad: [{ components: 1.5 }, /components must be/],
    },
    ...[
      [
        'Oja',
        (o?: object) => new Oja({ components: 2, lr: 0.01, ...o }),
        ['componets', 'components'],
      ],
      [
        'Sanger',
        (o?: object) => new Sanger({ components: 3, lr: 0.01, ...o }),
        ['centre', 'center'],
      ],
      ['BCM', (o?: object) => new BCM({ units: 3, lr: 0.001, tau: 10, ...o }), ['tua', 'tau']],
      [
        'AntiHebbian',
        (o?: object) => new AntiHebbian({ lr: 0.001, ...o }),
        ['batchsize', 'batchSize'],
      ],
      [
        'CompetitiveLearning',
        (o?: object) => new CompetitiveLearning({ units: 4, winners: 2, ...o }),
        ['winner', 'winners'],
      ],
    ].map(([name, make, typo]): Case => ({
      name: name as string,
      make: (o) =>
        (make as (o?: object) => Model)({ epochs: 3, batchSize: 16, seed: 1, backend, ...o }),
      typo: typo as [string, string],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as unknown as { transform(x: Matrix): Matrix }).transform(x).data,
      epochs: true,
      bad: seedBad,
    })),
    {
      name: 'SimilarityNetwork',
      make: (o) =>
        new SimilarityNetwork({
          input: 12,
          layers: [{ type: 'dense', units: 4 }],
          activation: 'tanh',
          batchSize: 16,
          epochs: 3,
          lr: 0.01,
          seed: 1,
          backend,
          ...o,
        }),
      typo: ['bacthSize', 'batchSize'],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as SimilarityNetwork).transform(x).data,
      epochs: true,
      bad: seedBad,
    },
    {
      name: 'EmergenceLearner',
      make: (o) =>
        new EmergenceLearner({
          rule: 'sgd',
          hidden: [8],
          batchSize: 32,
          epochs: 3,
          seed: 1,
          backend,
          ...o,
        }),
      typo: ['weightDecy', 'weightDecay'],
      fit: (m, o) => (m as EmergenceLearner).fit(x, targets, o),
      fitAsync: (m, o) => (m as EmergenceLearner).fitAsync(x, targets, o),
      partialFit: (m) => (m as EmergenceLearner).partialFit(x, targets),
      output: (m) => (m as EmergenceLearner).output(x).data,
      epochs: false,
      bad: seedBad,
    },
    {
      name: 'LabelAssignment',
      ...supervised(
        (o) => new LabelAssignment({ backend, ...o }),
        ['voteby', 'voteBy'],
        (m) => (m as LabelAssignment).predict(x),
        {
          epochs: false,
          bad: [
            { voteBy: 'majority' },
            /voteBy must be one of 'winner', 'sum', 'mean', got 'majority'/,
          ],
        },
      ),
    },
    {
      name: 'SoftmaxClassifier',
      ...supervised(
        (o) =>
          new SoftmaxClassifier({ epochs: 3, batchSize: 16, lr: 0.01, seed: 1, backend, ...o }),
        ['weight_decay', 'weightDecay'],
        (m) => (m as SoftmaxClassifier).predictProba(x).data,
      ),
    },
    {
      name: 'DeltaRuleClassifier',
      ...supervised(
        (o) => new DeltaRuleClassifier({ classes: 4, epochs: 3, lr: 0.05, seed: 1, backend, ...o }),
        ['classess', 'classes'],
        (m) => (m as DeltaRuleClassifier).predictProba(x).data,
      ),
    },
    {
      name: 'MlpClassifier',
      ...supervised(
        (o) =>
          new MlpClassifier({
            hidden: 8,
            epochs: 3,
            batchSize: 16,
            lr: 0.01,
            seed: 1,
            backend,
            ...o,
          }),
        ['hiden', 'hidden'],
        (m) => (m as MlpClassifier).predictProba(x).data,
      ),
    },
    {
      name: 'LinearSVC',
      ...supervised(
        (o) => new LinearSVC({ maxIter: 50, warn: false, backend, ...o }),
        ['maxiter', 'maxIter'],
        (m) => (m as LinearSVC).decisionFunction(x).data,
        { epochs: false },
      ),
      // A dual coordinate-descent solver has no incremental form (nor has scikit-learn's).
      partialFit: (m) => sup(m).fit(x, y),
    },
    {
      name: 'KrotovHopfield',
      make: (o) =>
        new KrotovHopfield({ units: 8, rank: 3, epochs: 3, batchSize: 16, seed: 1, backend, ...o }),
      typo: ['delt', 'delta'],
      fit: (m, o) => uns(m).fit(x, o),
      fitAsync: (m, o) => uns(m).fitAsync(x, o),
      partialFit: (m) => uns(m).partialFit(x),
      output: (m) => (m as KrotovHopfield).transform(x).data,
      epochs: true,
      bad: [{ rank: 1 }, /rank must be/],
    },
    {
      name: 'PowerLossClassifier',
      ...supervised(
        (o) =>
          new PowerLossClassifier({ epochs: 3, batchSize: 16, lr: 0.01, seed: 1, backend, ...o }),
        ['betta', 'beta'],
        (m) => (m as PowerLossClassifier).outputs(x).data,
      ),
    },
  ];
}

for (const be of backendsUnderTest()) {
  for (const c of cases(be.name)) {
    describe(`model contract: ${c.name} on ${be.name}`, () => {
      it('options are checked in the constructor; a typo names the near option', () => {
        const [typo, near] = c.typo;
        assert.throws(
          () => c.make({ [typo]: 1 }),
          new RegExp(`unknown option '${typo}'; did you mean '${near}'\\?`),
        );
        assert.throws(() => c.make(c.bad[0]), c.bad[1]);
        const m = c.make();
        assert.equal(m.isFitted, false);
        assert.throws(() => c.output(m), /not fitted yet; call fit or partialFit first/);
      });

      it('fit and partialFit return this; fitAsync gives the same result as fit', async () => {
        const a = c.make();
        assert.equal(c.fit(a), a);
        assert.equal(a.isFitted, true);
        const b = c.make();
        assert.equal(await c.fitAsync(b, { yieldEveryMs: 0 }), b);
        assert.deepEqual(c.output(b), c.output(a));
        const p = c.make();
        assert.equal(c.partialFit(p), p);
        assert.equal(c.partialFit(p), p);
        assert.equal(p.isFitted, true);
      });

      it('fitAsync reports progress and stops at the next batch when aborted', async () => {
        const ac = new AbortController();
        const events: number[] = [];
        await assert.rejects(
          c.fitAsync(c.make(), {
            signal: ac.signal,
            yieldEveryMs: 0,
            onProgress: (e: { done: number }) => {
              events.push(e.done);
              ac.abort();
            },
          }),
          (e: Error) => e.name === 'AbortError',
        );
        assert.equal(events.length, 1);
      });

      it('the state round-trips through safetensors bytes and files', () => {
        const m = c.fit(c.make());
        const back = fromSafetensors(toSafetensors(m), { backend: be.name });
        assert.equal(back.constructor, m.constructor);
        assert.deepEqual(back.getParams(), m.getParams());
        assert.deepEqual(c.output(back), c.output(m));
        const path = join(tmp, `${c.name}-${be.name}.safetensors`);
        saveModel(m, path);
        assert.deepEqual(c.output(loadModel(path, { backend: be.name })), c.output(m));
        assert.throws(() => m.setState({}), /the state has no tensor/);
      });

      it('getState and setState follow from the declared tensors; a bad tensor changes nothing', () => {
        const m = c.fit(c.make());
        const state = m.getState();
        const slots = Object.entries(m.stateSlots()).filter(([, s]) => s.present !== false);
        const nested = slots.filter(([, s]) => s.kind === 'state').map(([n]) => `${n}.`);
        for (const [n, s] of slots)
          if (s.kind !== 'state')
            assert.ok(n in state, `declared tensor '${n}' is not in the state`);
        for (const k of Object.keys(state))
          assert.ok(
            slots.some(([n]) => n === k) || nested.some((p) => k.startsWith(p)),
            `'${k}' is in the state but not declared`,
          );
        assert.deepEqual(c.make().setState(state).getState(), state);
        for (const [k, t] of Object.entries(state)) {
          const nums = Array.from(t.data as Float32Array);
          const bad: Tensor =
            t.shape.length === 0
              ? { dtype: 'F64', shape: [], data: Float64Array.of(-1) }
              : t.dtype === 'I32'
                ? { dtype: 'F32', shape: t.shape, data: Float32Array.from(nums) }
                : { dtype: 'I32', shape: t.shape, data: Int32Array.from(nums) };
          assert.throws(
            () => m.setState({ ...state, [k]: bad }),
            t.shape.length === 0
              ? /must hold one non-negative integer/
              : /must be \d-D (F32|F64|I32)/,
            k,
          );
          assert.deepEqual(m.getState(), state, `a refused '${k}' changed the model`);
        }
      });

      if (c.epochs) {
        it('an epoch checkpoint resumed gives the uninterrupted result, bit for bit', () => {
          const full = c.fit(c.make());
          const first = c.make();
          let saved: Uint8Array | null = null;
          assert.throws(() =>
            c.fit(first, {
              onEpoch: (e: number) => {
                saved = toSafetensors(first);
                if (e === 1) throw new Error('stop');
              },
            }),
          );
          const resumed = fromSafetensors(saved!, { backend: be.name });
          c.fit(resumed, { resume: true });
          assert.deepEqual(c.output(resumed), c.output(full));
        });
      }
    });
  }
}
