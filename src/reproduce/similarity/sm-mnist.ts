// `hebb reproduce sm-mnist` (Sec. 6.3 / Table 1): one locally connected layer + LinearSVC on
// MNIST per NPS × seed, run as points (in this process, --workers or --queue); report.md.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDataset } from '../../data/index.ts';
import type { SweepPoint } from '../../sweep/spec.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import {
  boolean,
  describe,
  integer,
  listOf,
  number,
  pick,
  withDefault,
  type ParamSpec,
} from '../../model/params.ts';
import type { ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { directory } from '../options.ts';
import { adoptFigures, definedOptions, runPoints } from '../points.ts';
import { imagesBySeed, type Images } from './images.ts';
import { runMnistNps, type MnistRow } from './mnist.ts';
import { mnistReport, rowLine, summaryLines } from './mnist-report.ts';
import { SM_SPEC, SVC_SPEC } from './model-options.ts';
import { saveReceptiveFieldFigures } from './receptive-fields.ts';

export const MNIST_OPTIONS = {
  nps: describe(
    listOf(integer({ min: 1, max: 10_000 }), { default: [4] }),
    'neurons per site, comma separated',
  ),
  trainSamples: describe(integer({ min: 1 }), 'training images (default all 60000)'),
  testSamples: describe(integer({ min: 1 }), 'test images (default all 10000)'),
  ...pick(SM_SPEC, 'epochs'),
  batchSize: withDefault(SM_SPEC.batchSize, 100),
  chunk: describe(
    integer({ min: 1, default: 500 }),
    'samples per dynamics solve when extracting features',
  ),
  svcMaxIter: SVC_SPEC.maxIter,
  seeds: describe(
    listOf(integer({ min: 0 })),
    'several seeds (initial weights and sample order), comma separated: the report gives mean ± std (default --seed)',
  ),
  featureTol: describe(
    listOf(number({ gt: 0 }), { default: [1e-4] }),
    'solver tolerances for the features, comma separated (one SVM each, same trained network)',
  ),
  dataDir: describe(directory(), 'folder of the data set', '<dir>'),
  quick: describe(boolean({ default: false }), 'smoke test: 2000 training and 1000 test images'),
} satisfies ParamSpec;

export type MnistFlags = OptionsOf<typeof MNIST_OPTIONS>;

/** The network's defaults sm-mnist replaces. */
export const MNIST_DIFFERS = {
  batchSize:
    'mini-batches of 100 (the dynamics of a batch solved at once): online learning (1) on 60000 images is far slower',
};

/** The image counts a run uses: --quick caps them at 2000 and 1000. */
export function mnistSamples(o: MnistFlags): { trainSamples?: number; testSamples?: number } {
  if (!o.quick) return { trainSamples: o.trainSamples, testSamples: o.testSamples };
  return {
    trainSamples: Math.min(o.trainSamples ?? 2000, 2000),
    testSamples: Math.min(o.testSamples ?? 1000, 1000),
  };
}

export interface MnistOutcome {
  report: string;
  rows: MnistRow[];
}

/**
 * One point: trains the network of one NPS and seed and evaluates it. The trained network is
 * kept until the point is done, so an interrupted NPS 100 run resumes after its hour of
 * training, not before it. The first seed's receptive fields go to the run's figures.
 */
async function mnistPoint(
  ctx: ExperimentContext,
  o: MnistFlags,
  images: Images,
  point: SweepPoint,
  firstSeed: number,
): Promise<{ rows: MnistRow[] }> {
  const nps = Number(point.setting.nps);
  const seed = point.seed;
  const checkpoint = join(ctx.run.dir, 'parts', `nps${nps}-seed${seed}.network.safetensors`);
  mkdirSync(dirname(checkpoint), { recursive: true });
  if (!ctx.run.resumed) rmSync(checkpoint, { force: true });
  const r = await runMnistNps(
    {
      nps,
      seed,
      epochs: o.epochs,
      batchSize: o.batchSize,
      chunk: o.chunk,
      svcMaxIter: o.svcMaxIter,
      featureTols: o.featureTol,
      checkpoint,
      backend: ctx.backend,
      log: ctx.log,
      signal: ctx.signal,
    },
    images.train,
    images.test,
  );
  if (seed === firstSeed)
    await saveReceptiveFieldFigures(r.net, ctx.run.paths.figures, String(nps));
  return { rows: r.rows };
}

export const smMnist = defineExperiment({
  command: 'reproduce sm-mnist',
  description:
    'similarity matching Sec. 6.3 / Table 1: locally connected layer + linear SVM on MNIST',
  options: MNIST_OPTIONS,
  out: 'runs/sm-mnist',
  points: true,
  models: [
    { name: 'SimilarityNetwork', spec: SM_SPEC, differs: MNIST_DIFFERS },
    // The read-out's option under the name the command gives it.
    { name: 'LinearSVC', spec: { svcMaxIter: SVC_SPEC.maxIter } },
  ],
  examples: [
    'hebb reproduce sm-mnist --nps 4,8,16',
    'hebb reproduce sm-mnist --nps 4,8,16 --seeds 0,1,2 --workers 2',
  ],
  prepare: (o) => loadDataset('mnist', { dir: o.dataDir }),
  run: async (ctx, split, o): Promise<MnistOutcome> => {
    const { trainSamples, testSamples } = mnistSamples(o);
    const seeds = o.seeds ?? [o.seed];
    const imagesFor = imagesBySeed(split, trainSamples, testSamples);
    const { train, test } = imagesFor(seeds[0]);
    ctx.log(
      `MNIST: ${train.x.rows} train / ${test.x.rows} test images, mean-subtracted; backend ${ctx.backend.name}`,
    );
    const points = await runPoints<{ rows: MnistRow[] }>(
      ctx,
      {
        spec: {
          command: 'reproduce sm-mnist',
          options: {
            ...definedOptions({
              'train-samples': trainSamples,
              'test-samples': testSamples,
              'data-dir': o.dataDir,
            }),
            epochs: o.epochs,
            'batch-size': o.batchSize,
            chunk: o.chunk,
            'svc-max-iter': o.svcMaxIter,
            'feature-tol': o.featureTol,
          },
          grid: { nps: o.nps },
          seeds,
          threads: 1,
        },
        inline: (point) => mnistPoint(ctx, o, imagesFor(point.seed), point, seeds[0]),
        onResult: (point, got) => {
          if (point.seed === seeds[0]) adoptFigures(ctx, point);
          for (const row of got.rows) {
            ctx.run.appendMetrics({ ...row });
            ctx.log(rowLine(row));
          }
        },
      },
      o,
    );
    const rows = points.flatMap((p) => p.rows);
    const report = join(ctx.run.dir, 'report.md');
    const setting = {
      epochs: o.epochs,
      batchSize: o.batchSize,
      nTrain: train.x.rows,
      nTest: test.x.rows,
    };
    writeFileAtomic(report, mnistReport(setting, rows, ctx.backend.name));
    return { report, rows };
  },
  report: (r) => [`report: ${r.report}`, ...summaryLines(r.rows)],
  json: (r) => r,
});
