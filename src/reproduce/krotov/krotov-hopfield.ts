// `hebb reproduce krotov-hopfield`: Krotov & Hopfield, "Unsupervised learning by competing hidden
// units" (PNAS 2019), MNIST: 2000 hidden units learnt without labels (p = 3, k = 7, Δ = 0.4),
// then a top layer on ReLU^n (n = 4.5) trained on the power loss (m = 6). Paper: 1.46 % test
// error (backprop on the same network: 1.50 %).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '../../backend/matrix.ts';
import { take, type Split } from '../../data/dataset.ts';
import { loadDataset } from '../../data/index.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import { KrotovHopfield } from '../../krotov/layer.ts';
import { KROTOV_SPEC } from '../../krotov/options.ts';
import { POWER_LOSS_SPEC, PowerLossClassifier } from '../../krotov/readout.ts';
import {
  boolean,
  describe,
  number,
  pick,
  withDefault,
  integer,
  type Param,
  type ParamSpec,
} from '../../model/params.ts';
import { formatSchedule, type Schedule } from '../../model/schedule.ts';
import { count } from '../../model/wording.ts';
import { receptiveFieldGrid } from '../../report/image-grid.ts';
import { saveImageGrid } from '../../report/render.ts';
import type { ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { directory } from '../options.ts';

/** The paper's test errors on MNIST (%), Sec. "MNIST" and Fig. 3. */
export const PAPER = { biological: 1.46, backprop: 1.5 } as const;

/** Why the reproduction's defaults differ from the models' (the defaults test reads these). */
const READOUT_DIFFERS = {
  beta: 'β = 0.2 on ReLU(W·x̂)^4.5 of unit-length images x̂ (docs/math/krotov-hopfield.md); measured against 0.1, 0.3 and 1',
  readoutLr:
    'Adam from 0.003 (linear to 0): at 0.001 the top layer still underfits after 60 epochs, at 0.01 its loss stalls',
};

export const KROTOV_OPTIONS = {
  ...pick(KROTOV_SPEC, 'units', 'p', 'rank', 'delta', 'batchSize', 'initStd'),
  epochs: describe(
    KROTOV_SPEC.epochs,
    'epochs of the unsupervised layer (the notebook: 200; 20 with --quick)',
  ),
  lr: describe(
    KROTOV_SPEC.lr as Param<Schedule | string>,
    'the largest weight change per batch, ε₀(1 − epoch/epochs) (the notebook: linear:0.02; linear:0.1 with --quick, where 20 epochs at 0.02 would leave the units far from unit norm)',
    '<schedule>',
  ),
  power: describe(
    number({ gt: 0, default: 4.5 }),
    'n of the hidden layer ReLU^n the top layer reads (the paper: 4.5)',
  ),
  m: POWER_LOSS_SPEC.m,
  beta: describe(
    withDefault(POWER_LOSS_SPEC.beta, 0.2),
    'β, the gain inside tanh(β S h), for h of unit-length images (with --no-normalize-input, h grows as ‖x‖^n and β must shrink with it)',
  ),
  normalizeInput: describe(
    boolean({ default: true }),
    'scale each image to unit length before the top layer reads h = ReLU(W·x)^n, as the paper’s authors advise (the unsupervised layer learns from the raw pixels either way)',
  ),
  readoutEpochs: describe(POWER_LOSS_SPEC.epochs, 'epochs of the top layer (20 with --quick)'),
  readoutLr: describe(
    withDefault(POWER_LOSS_SPEC.lr as Param<Schedule | string>, 'linear:0.003'),
    'the rate of Adam in the top layer (linear: to 0 over its epochs)',
    '<schedule>',
  ),
  readoutBatchSize: describe(POWER_LOSS_SPEC.batchSize, 'mini-batch size of the top layer'),
  dataDir: describe(directory(), 'folder of the data set', '<dir>'),
  quick: describe(
    boolean({ default: false }),
    'smoke test: 2000 training and 1000 test images, 100 units, 20 epochs, 20 read-out epochs',
  ),
  trainSamples: describe(
    integer({ min: 1 }),
    'training images (default all 60000; 2000 with --quick)',
  ),
} satisfies ParamSpec;

export type KrotovFlags = OptionsOf<typeof KROTOV_OPTIONS>;

export interface KrotovResult {
  report: string;
  /** Test error of the network (%). */
  testError: number;
  /** Training error of the network (%). */
  trainError: number;
  hebbianSeconds: number;
  readoutSeconds: number;
  /** Units whose p-norm is within 1 % of 1 (converged). */
  converged: number;
  units: number;
  epochs: number;
  readoutEpochs: number;
  train: number;
  test: number;
  /** The 1-minute load average when the run ended (other work on the machine inflates times). */
  load: number;
}

/** The settings a run uses: --quick shrinks what it did not set. */
function settings(o: KrotovFlags) {
  const q = o.quick;
  return {
    units: q && o.units === KROTOV_SPEC.units.fallback?.() ? 100 : o.units,
    epochs: q && o.epochs === 200 ? 20 : o.epochs,
    lr: q && rate(o.lr) === 'linear:0.02' ? 'linear:0.1' : o.lr,
    readoutEpochs: q && o.readoutEpochs === 100 ? 20 : o.readoutEpochs,
    train: o.trainSamples ?? (q ? 2000 : undefined),
    test: q ? 1000 : undefined,
  };
}

/**
 * The hidden layer as the top layer reads it: ReLU(W·x)^n, of x scaled to unit length when
 * `unit` (then W·x is a cosine-like similarity between an image and a unit's synapses).
 */
export function readoutFeatures(
  layer: KrotovHopfield,
  x: Matrix,
  n: number,
  unit: boolean,
): Matrix {
  let input = x;
  if (unit) {
    input = new Matrix(x.rows, x.cols);
    layer.backend.normalizeRows(x, input);
  }
  return layer.transform(input, { activation: { name: 'repu', power: n } });
}

async function reproduce(
  ctx: ExperimentContext,
  full: Split,
  o: KrotovFlags,
): Promise<KrotovResult> {
  const s = settings(o);
  const data = {
    train: s.train ? take(full.train, Math.min(s.train, full.train.x.rows)) : full.train,
    test: s.test ? take(full.test, s.test) : full.test,
  };
  const be = ctx.backend;
  const layerOptions = {
    units: s.units,
    p: o.p,
    rank: o.rank,
    delta: o.delta,
    lr: s.lr,
    batchSize: o.batchSize,
    epochs: s.epochs,
    initStd: o.initStd,
    seed: o.seed,
    backend: be,
  };
  ctx.log(
    `MNIST: ${data.train.x.rows} training and ${data.test.x.rows} test images; ${count(s.units, 'hidden unit')}, p = ${o.p}, k = ${o.rank}, Δ = ${o.delta}, ${count(s.epochs, 'epoch')}; backend ${be.name}`,
  );
  let layer = new KrotovHopfield(layerOptions);
  const hebb = await ctx.part('hebbian', async () => {
    const resume = ctx.run.hasModel();
    if (resume) layer = ctx.run.loadModel<KrotovHopfield>({ expect: KrotovHopfield, backend: be });
    const t0 = performance.now();
    const bar = ctx.progress(
      (s.epochs - (resume ? layer.samplesSeen / data.train.x.rows : 0)) * data.train.x.rows,
      'unsupervised layer',
      'img',
    );
    await layer.fitAsync(data.train.x, {
      resume,
      signal: ctx.signal,
      onProgress: (e) => bar.tick(e.done - bar.count),
      onEpoch: () => ctx.run.saveModel(layer),
    });
    bar.done();
    ctx.run.saveModel(layer);
    return { seconds: (performance.now() - t0) / 1000 };
  });
  if (!layer.isFitted)
    layer = ctx.run.loadModel<KrotovHopfield>({ expect: KrotovHopfield, backend: be });
  const norms = layer.weightNorms();
  const converged = norms.filter((v) => Math.abs(v - 1) < 0.01).length;
  ctx.log(`unsupervised layer: ${converged} of ${s.units} units at unit p-norm (±1 %)`);

  const ro = await ctx.part('readout', async () => {
    const t0 = performance.now();
    const h = readoutFeatures(layer, data.train.x, o.power, o.normalizeInput);
    const ht = readoutFeatures(layer, data.test.x, o.power, o.normalizeInput);
    const clf = new PowerLossClassifier({
      beta: o.beta,
      m: o.m,
      lr: o.readoutLr,
      batchSize: o.readoutBatchSize,
      epochs: s.readoutEpochs,
      seed: o.seed,
      classes: 10,
      backend: be,
    });
    const bar = ctx.progress(s.readoutEpochs, 'top layer (power loss)', 'epoch');
    clf.fit(h, data.train.y, { onEpoch: () => bar.tick(1) });
    bar.done();
    const testError = 100 * (1 - clf.score(ht, data.test.y));
    const trainError = 100 * (1 - clf.score(h, data.train.y));
    ctx.log(
      `top layer: test error ${testError.toFixed(2)} %, training error ${trainError.toFixed(2)} %`,
    );
    return { testError, trainError, seconds: (performance.now() - t0) / 1000 };
  });

  await saveImageGrid(
    ctx.run.figurePath('learned-fields.png'),
    receptiveFieldGrid(layer.weights, {
      height: 28,
      width: 28,
      maxTiles: 100,
      columns: 10,
      signed: true,
    }),
    {
      title: `Learned synapses of the first ${Math.min(100, s.units)} of ${count(s.units, 'hidden unit')}`,
      subtitle:
        'red positive, blue negative, white 0; each tile at ± its own max |W| (the authors’ draw_weights colour map)',
    },
  );
  const result: KrotovResult = {
    report: join(ctx.run.dir, 'report.md'),
    testError: ro.testError,
    trainError: ro.trainError,
    hebbianSeconds: hebb.seconds,
    readoutSeconds: ro.seconds,
    converged,
    units: s.units,
    epochs: s.epochs,
    readoutEpochs: s.readoutEpochs,
    train: data.train.x.rows,
    test: data.test.x.rows,
    load: loadavg()[0],
  };
  ctx.run.appendMetrics({ ...result, report: undefined });
  writeFileAtomic(result.report, krotovReport({ ...o, lr: s.lr }, result, be.name));
  return result;
}

/** A rate as given: text stays as written (config.json keeps the form given). */
const rate = (v: Schedule | string) => (typeof v === 'string' ? v : formatSchedule(v));

const fmt = (sec: number) => (sec < 120 ? `${sec.toFixed(1)} s` : `${(sec / 60).toFixed(1)} min`);

function krotovReport(o: KrotovFlags, r: KrotovResult, backend: string): string {
  return [
    '# Krotov & Hopfield, "Unsupervised learning by competing hidden units" (PNAS 2019)',
    '',
    `Data: MNIST, ${r.train} training and ${r.test} test images${o.quick ? ' (--quick subset)' : ''}, pixels in [0, 1].`,
    '',
    `Network: ${count(r.units, 'hidden unit')} learnt without labels by the Krotov–Hopfield rule (p = ${o.p}, k = ${o.rank}, Δ = ${o.delta}, ` +
      `ε = ${rate(o.lr)} over ${count(r.epochs, 'epoch')} of batches of ${o.batchSize}, initial weights N(0, ${o.initStd}²)) → ` +
      `h = ReLU(W·x${o.normalizeInput ? '/‖x‖' : ''})^${o.power} → c = tanh(${o.beta}·S h), ` +
      `trained with Adam (${rate(o.readoutLr)}, batches of ${o.readoutBatchSize}, ${count(r.readoutEpochs, 'epoch')}) on Σ|c − t|^${o.m}.`,
    '',
    '| test error | here | paper |',
    '|---|---|---|',
    `| Krotov–Hopfield features + power-loss top layer | **${r.testError.toFixed(2)} %** | ${PAPER.biological} % |`,
    `| the same network trained end to end by backprop | — | ${PAPER.backprop} % |`,
    '',
    `Training error ${r.trainError.toFixed(2)} %. ${r.converged} of ${r.units} units reached unit p-norm (within 1 %).`,
    '',
    `Time: unsupervised layer ${fmt(r.hebbianSeconds)}, top layer ${fmt(r.readoutSeconds)} (backend ${backend}; 1-minute load average ${r.load.toFixed(1)} at the end: other work on the machine stretches these).`,
    '',
    '## Learned fields',
    '',
    '![learned-fields](figures/learned-fields.svg)',
    '',
  ].join('\n');
}

/** `hebb reproduce krotov-hopfield`. */
export const krotovHopfield = defineExperiment({
  command: 'reproduce krotov-hopfield',
  description:
    'Krotov & Hopfield (PNAS 2019): 2000 competing hidden units + power-loss top layer on MNIST (paper: 1.46 % test error)',
  options: KROTOV_OPTIONS,
  out: 'runs/reproduce-krotov-hopfield',
  models: [
    { name: 'KrotovHopfield', spec: KROTOV_SPEC },
    {
      name: 'PowerLossClassifier',
      spec: {
        m: POWER_LOSS_SPEC.m,
        beta: POWER_LOSS_SPEC.beta,
        readoutEpochs: describe(
          POWER_LOSS_SPEC.epochs,
          'epochs of the top layer (20 with --quick)',
        ),
        readoutLr: POWER_LOSS_SPEC.lr,
        readoutBatchSize: describe(POWER_LOSS_SPEC.batchSize, 'mini-batch size of the top layer'),
      },
      differs: READOUT_DIFFERS,
    },
  ],
  needs: ['charts'],
  examples: ['hebb reproduce krotov-hopfield --quick', 'hebb reproduce krotov-hopfield'],
  prepare: (o) => loadDataset('mnist', { dir: o.dataDir }),
  run: (ctx, data, o) => reproduce(ctx, data, o),
  report: (r) => [
    `report: ${r.report}`,
    `MNIST: test error ${r.testError.toFixed(2)} % (paper ${PAPER.biological} %; unsupervised ${r.hebbianSeconds.toFixed(0)} s, top layer ${r.readoutSeconds.toFixed(0)} s)`,
  ],
  json: (r) => r,
});
