// `hebb reproduce softhebb-deep`: Journé et al. (ICLR 2023) "Hebbian Deep Learning Without
// Feedback" — one unsupervised epoch of their soft-Krotov conv blocks, then a linear classifier
// with dropout, on MNIST, Fashion-MNIST, CIFAR-10 or STL-10 (docs/math/softhebb.md).
import { join } from 'node:path';
import type { Matrix } from '../../backend/matrix.ts';
import { take, type Split } from '../../data/dataset.ts';
import { loadDataset } from '../../data/index.ts';
import { stl10 } from '../../data/stl10.ts';
import { ValueError } from '../../errors.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import {
  boolean,
  describe,
  integer,
  number,
  oneOf,
  withoutDefault,
  type ParamSpec,
} from '../../model/params.ts';
import { count } from '../../model/wording.ts';
import { authorsReadoutLr } from '../../softhebb/authors.ts';
import {
  DEEP_PRESET_NAMES,
  DEEP_PRESETS,
  DEEP_RULE,
  deepStack,
  type DeepPreset,
} from '../../softhebb/deep.ts';
import { fitFeatureReadout } from '../../softhebb/readout.ts';
import type { ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { directory } from '../options.ts';
import { drawFigures, figureSection, fitStackPart } from './conv.ts';

export type DeepDataset = 'mnist' | 'fashion-mnist' | 'cifar10' | 'stl10';

/** The paper's Table for the deep network (%); Fashion-MNIST has no published figure. */
const PAPER: Record<DeepDataset, string> = {
  mnist: '99.4',
  'fashion-mnist': '—',
  cifar10: '80.3',
  stl10: '76.2',
};

export const DEEP_OPTIONS = {
  dataset: describe(
    oneOf(['mnist', 'fashion-mnist', 'cifar10', 'stl10'] as const, { default: 'mnist' }),
    'data set',
    '<name>',
  ),
  dataDir: describe(
    directory(),
    'folder of the data set (CIFAR-10: `hebb data fetch cifar10`; STL-10: the extracted stl10_binary/)',
    '<dir>',
  ),
  preset: describe(
    oneOf(DEEP_PRESET_NAMES, { default: 'journe-cifar-4' }),
    "the authors' architecture: journe-cifar-4 = their 4SoftHebbCnnCIFAR (3 blocks), journe-cifar-3, journe-cifar-2, journe-stl-5 (their 5SoftHebbCnnSTL)",
    '<name>',
  ),
  width: describe(
    number({ gt: 0, max: 4, default: 1 }),
    'kernels per block × this (their _halfNeurons / _quarterNeurons presets: 0.5 / 0.25)',
    '<x>',
  ),
  blocks: describe(integer({ min: 1 }), "use only the preset's first n blocks", '<n>'),
  training: describe(
    oneOf(['greedy', 'simultaneous'] as const, { default: 'greedy' }),
    "'greedy' (their successive: block by block) or 'simultaneous' (their consecutive: every batch trains all blocks)",
  ),
  train: describe(
    integer({ min: 1 }),
    'use only the first n training images (all by default)',
    '<n>',
  ),
  quick: describe(
    boolean({ default: false }),
    'smoke test: 1000 training and 500 test images, width 0.125, 2 read-out epochs',
  ),
  batchSize: describe(
    integer({ min: 1, default: DEEP_RULE.batchSize }),
    'images per Hebbian update (theirs: 10)',
  ),
  readoutEpochs: withoutDefault(
    describe(integer({ min: 1, max: 1000 }), 'linear classifier epochs'),
    'linear classifier epochs (default 50, theirs; 2 with --quick)',
  ),
  dropout: describe(
    number({ min: 0, max: 0.99 }),
    "dropout before the classifier (default the preset's: 0.5)",
    '<p>',
  ),
} satisfies ParamSpec;

export type DeepFlags = OptionsOf<typeof DEEP_OPTIONS>;

export interface DeepResult {
  report: string;
  dataset: string;
  preset: string;
  accuracy: number;
  trainAccuracy: number;
  hebbianSeconds: number;
  readoutSeconds: number;
  features: number;
  units: number[];
  train: number;
  test: number;
}

const TRAIN_SCORED = 10000;
/** Memory the greedy training may use to keep the frozen blocks' output. */
const CACHE_BYTES = 4e9;
const fmt = (s: number) => (s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

/** The data set named by --dataset (STL-10 has its own loader: not in the registry yet). */
export function loadDeepData(f: { dataset: string; dataDir?: string }): Split {
  return f.dataset === 'stl10'
    ? stl10({ dir: f.dataDir })
    : loadDataset(f.dataset, { dir: f.dataDir });
}

/** The images the reproduction uses: the first --train (1000 with --quick) and 500 test with --quick. */
export function deepSplit(full: Split, f: { train?: number; quick?: boolean }): Split {
  const nTrain = Math.min(f.train ?? Infinity, f.quick ? 1000 : Infinity, full.train.x.rows);
  const nTest = Math.min(f.quick ? 500 : Infinity, full.test.x.rows);
  return { train: take(full.train, nTrain), test: take(full.test, nTest) };
}

/** Runs the reproduction in ctx's run directory (parts resume; the stack is saved per pass). */
export async function reproduceDeep(
  ctx: ExperimentContext,
  full: Split,
  f: DeepFlags,
): Promise<DeepResult> {
  const data = deepSplit(full, f);
  const shape = data.train.shape;
  const preset: DeepPreset = DEEP_PRESETS[f.preset];
  const width = f.quick && f.width === 1 ? 0.125 : f.width;
  const opts = {
    width,
    blocks: f.blocks,
    training: f.training,
    batchSize: f.batchSize,
    seed: f.seed,
    backend: ctx.backend,
  };
  let stack = deepStack(preset, shape, opts);
  // Keep the frozen blocks' output (computed once per block) when two copies of the widest
  // fit in CACHE_BYTES; else recompute it for every batch.
  let widest = 0;
  let cols = data.train.x.cols;
  for (const l of stack.layers) widest = Math.max(widest, (cols = l.outputSize(cols)));
  if (2 * 4 * widest * data.train.x.rows <= CACHE_BYTES)
    stack = deepStack(preset, shape, { ...opts, cacheBelow: true });
  const convs = () => stack.layers.filter((l) => l.modelName === 'SoftHebbConv2d');
  const units = convs().map((l) => (l.options as { units: number }).units);
  const roEpochs = f.readoutEpochs ?? (f.quick ? 2 : 50);
  const dropout = f.dropout ?? preset.dropout;
  ctx.log(
    `${data.train.name}: ${data.train.x.rows} training and ${data.test.x.rows} test images (${shape.join('×')}); ` +
      `${f.preset} (${preset.authors}) kernels ${units.join(' → ')}; backend ${ctx.backend.name}`,
  );
  const hebb = await fitStackPart(ctx, stack, data.train.x, 'hebbian blocks');
  stack = hebb.stack;
  const ro = await ctx.part('readout', async () => {
    const t0 = performance.now();
    const bar = ctx.progress(roEpochs, 'linear read-out', 'epoch');
    // Their read-out: flatten → dropout → nn.Linear (PyTorch init), Adam 1e-3 with
    // CustomStepLR, batch 64, on the raw (unstandardised) pooled features.
    const r = fitFeatureReadout((x) => stack.transform(x), data, ctx.backend, {
      epochs: roEpochs,
      seed: f.seed,
      standardize: false,
      init: 'uniform',
      lr: authorsReadoutLr(roEpochs),
      batchSize: 64,
      dropout,
      fit: { onEpoch: () => bar.tick(1) },
    });
    bar.done();
    const z = (x: Matrix) => stack.transform(x);
    const accuracy = r.classifier.score(z(data.test.x), data.test.y);
    const sub = take(data.train, Math.min(TRAIN_SCORED, data.train.x.rows));
    const trainAccuracy = r.classifier.score(z(sub.x), sub.y);
    return { accuracy, trainAccuracy, seconds: (performance.now() - t0) / 1000 };
  });
  const figures = await drawFigures(ctx, stack, data, shape);
  const result: DeepResult = {
    report: '',
    dataset: data.train.name,
    preset: f.preset,
    accuracy: ro.accuracy,
    trainAccuracy: ro.trainAccuracy,
    hebbianSeconds: hebb.seconds,
    readoutSeconds: ro.seconds,
    features: stack.outputSize(data.train.x.cols),
    units,
    train: data.train.x.rows,
    test: data.test.x.rows,
  };
  ctx.run.appendMetrics({ ...result, report: undefined });
  result.report = join(ctx.run.dir, 'report.md');
  writeFileAtomic(
    result.report,
    deepReport(f, preset, result, figures, { roEpochs, dropout, width }, ctx.backend.name),
  );
  return result;
}

function deepReport(
  f: DeepFlags,
  preset: DeepPreset,
  r: DeepResult,
  figures: string[],
  o: { roEpochs: number; dropout: number; width: number },
  backend: string,
): string {
  const blocks = preset.blocks.slice(0, r.units.length);
  const reduced =
    r.units.length < preset.blocks.length || o.width !== 1 || r.train < 50000 || f.quick;
  return [
    '# Deep SoftHebb (Journé et al., ICLR 2023)',
    '',
    `Data: **${r.dataset}**, ${r.train} training and ${r.test} test images${f.quick ? ' (--quick subset)' : ''}.`,
    '',
    `Network: \`${f.preset}\` = the authors' ${preset.authors}${reduced ? ' **(reduced here: see width, blocks and images)**' : ''}, trained ${f.training === 'greedy' ? 'block by block (their successive mode)' : 'all blocks on every batch (their consecutive mode)'}:`,
    '',
    '| block | kernels | kernel | t | η | triangle | pool |',
    '|---|---|---|---|---|---|---|',
    ...blocks.map(
      (b, i) =>
        `| ${i + 1} | ${r.units[i]}${r.units[i] !== b.units ? ` (theirs ${b.units})` : ''} | ${b.kernel}×${b.kernel}, reflect pad ${b.padding} | ${b.t} | ${b.lr} | ${b.triangle} | ${b.pool.kind} ${b.pool.size}/${b.pool.stride}/${b.pool.padding} |`,
    ),
    '',
    `Each block: batch norm without affine (the training set's statistics) → soft-Krotov SoftHebb conv (ΔW / max|ΔW|, rate η·|‖w‖ − 1|^${DEEP_RULE.adaptivePower}, N(0, ${DEEP_RULE.initRadius}²/n) init, ${count(f.batchSize, 'image')} per update, one epoch) → triangle → pooling. ` +
      `Read-out: ${r.features} features → dropout ${o.dropout} → linear classifier (PyTorch init, Adam 1e-3 with the authors' step schedule, batch 64, ${count(o.roEpochs, 'epoch')}).`,
    '',
    `| data set | deep SoftHebb (here) | paper | train accuracy (${count(Math.min(TRAIN_SCORED, r.train), 'image')}) |`,
    '|---|---|---|---|',
    `| ${r.dataset} | ${(100 * r.accuracy).toFixed(2)} % | ${PAPER[f.dataset as DeepDataset] ?? '—'} % | ${(100 * r.trainAccuracy).toFixed(2)} % |`,
    '',
    `Time: Hebbian blocks ${fmt(r.hebbianSeconds)}, read-out ${fmt(r.readoutSeconds)} (backend ${backend}).`,
    '',
    ...figureSection(figures),
  ].join('\n');
}

/** `hebb reproduce softhebb-deep`. */
export const softhebbDeep = defineExperiment({
  command: 'reproduce softhebb-deep',
  description:
    "Journé et al. 2023: the authors' deep SoftHebb conv blocks (one unsupervised epoch) + a linear read-out (paper: 99.4 % MNIST, 80.3 % CIFAR-10, 76.2 % STL-10)",
  options: DEEP_OPTIONS,
  out: 'runs/reproduce-softhebb-deep',
  examples: [
    'hebb reproduce softhebb-deep --quick',
    'hebb reproduce softhebb-deep --width 0.25 --blocks 2',
    'hebb data fetch cifar10 && hebb reproduce softhebb-deep --dataset cifar10',
    'hebb reproduce softhebb-deep --dataset stl10 --preset journe-stl-5 --data-dir ~/data',
  ],
  prepare: (f) => {
    const data = loadDeepData(f);
    const max = DEEP_PRESETS[f.preset].blocks.length;
    if (f.blocks !== undefined && f.blocks > max)
      throw new ValueError(`--blocks ${f.blocks}: ${f.preset} has ${max} blocks; use 1–${max}`);
    return data;
  },
  run: (ctx, data, f) => reproduceDeep(ctx, data, f),
  report: (r) => [
    `report: ${r.report}`,
    `${r.dataset}: test accuracy ${(100 * r.accuracy).toFixed(2)} % (Hebbian blocks ${r.hebbianSeconds.toFixed(1)} s, read-out ${r.readoutSeconds.toFixed(1)} s)`,
  ],
  json: (r) => r,
});
