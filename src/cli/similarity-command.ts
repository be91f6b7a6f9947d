// CLI of the similarity-matching system: `hebb similarity train|eval` and the paper's
// experiments `hebb reproduce sm-toy|sm-mnist` (docs/math/similarity-matching.md).
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { loadDataset, subtractSampleMean, subset, type Dataset } from '../data/index.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { LinearSVC } from '../readout/linear-svc.ts';
import { openRun, type Run } from '../run/run-dir.ts';
import {
  PAPER_TABLE1,
  runMnistNps,
  saveReceptiveFieldFigures,
  type MnistRow,
} from '../reproduce/similarity/mnist.ts';
import { runToy } from '../reproduce/similarity/toy.ts';
import { SimilarityNetwork } from '../similarity/network.ts';
import { SM_ACTIVATIONS } from '../similarity/activation.ts';
import type { LayerSpec } from '../similarity/structure.ts';
import { formatSchedule } from '../model/schedule.ts';
import { runExperiment } from './experiment.ts';
import { addPointExecFlags } from './flags.ts';
import { adoptFigures, definedOptions, runPoints } from '../reproduce/points.ts';
import {
  activationFlag,
  addRunFlags,
  intFlag,
  listFlag,
  numFlag,
  scheduleFlag,
  type RunFlags,
} from './flags.ts';
import type { CliIO } from './io.ts';

/** Training and test images with per-image mean subtraction, subsets chosen by seed. */
function loadImages(
  name: string,
  trainSamples: number | undefined,
  testSamples: number | undefined,
  seed: number,
  dir?: string,
): { train: Dataset; test: Dataset } {
  return pickImages(loadDataset(name, { dir }), trainSamples, testSamples, seed);
}

function pickImages(
  split: { train: Dataset; test: Dataset },
  trainSamples: number | undefined,
  testSamples: number | undefined,
  seed: number,
): { train: Dataset; test: Dataset } {
  const pick = (ds: Dataset, n: number | undefined) =>
    n === undefined || n >= ds.x.rows ? ds : subset(ds, n, seed);
  return {
    train: subtractSampleMean(pick(split.train, trainSamples)),
    test: subtractSampleMean(pick(split.test, testSamples)),
  };
}

const fmt = (s: number) => (s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

interface ToyFlags extends RunFlags {
  feedback: number;
  samples: number;
  alpha: number;
  meanNorm: number;
  noise: number;
  trials: number;
  quick?: boolean;
}

interface MnistFlags extends RunFlags {
  nps: number[];
  seeds?: number[];
  featureTol: number[];
  trainSamples?: number;
  testSamples?: number;
  epochs: number;
  batchSize: number;
  chunk: number;
  svcMaxIter: number;
  dataDir?: string;
  quick?: boolean;
}

export function registerSimilarityReproductions(reproduce: Command, io: CliIO): void {
  const toy = reproduce
    .command('sm-toy')
    .description(
      'similarity matching Sec. 6.1 / Fig. 2: two-cluster two-layer network with feedback',
    )
    .option('--feedback <γ>', 'feedback strength γ', numFlag('--feedback', { min: 0 }), 0.8)
    .option('--samples <n>', 'online training samples', intFlag('--samples'), 3000)
    .option(
      '--alpha <α>',
      'decorrelating regulariser α of ref. [31] (homeostatic thresholds)',
      numFlag('--alpha', { min: 0 }),
      3,
    )
    .option('--mean-norm <v>', 'norm of each cluster mean', numFlag('--mean-norm', { gt: 0 }), 3)
    .option('--noise <v>', 'norm of the input noise', numFlag('--noise', { min: 0 }), 0.5)
    .option('--trials <n>', 'ambiguous perturbation trials', intFlag('--trials'), 200)
    .option('--quick', 'smoke test: 300 samples, 40 trials');
  addRunFlags(toy, { out: 'runs/sm-toy' })
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb reproduce sm-toy\n  then read runs/sm-toy/report.md',
    )
    .action(async (flags: ToyFlags, c: Command) => {
      const f = flags.quick
        ? { ...flags, samples: Math.min(flags.samples, 300), trials: Math.min(flags.trials, 40) }
        : flags;
      await runExperiment(
        {
          command: 'reproduce sm-toy',
          prepare: () => null,
          run: async (ctx, _p, o) => {
            const t = performance.now();
            const res = await runToy(
              {
                ...o,
                gamma: o.feedback,
                dim: 100,
                units: 10,
                evalEvery: 100,
                threshold: 0,
                backend: ctx.backend,
                log: ctx.log,
              },
              ctx.run.paths.figures,
            );
            for (const r of res.runs) {
              ctx.run.appendMetrics({
                feedback: r.gamma,
                followRate: r.followRate,
                ties: r.ties,
                finalCost: r.costCurve.cost.at(-1),
              });
            }
            const report = join(ctx.run.dir, 'report.md');
            writeFileAtomic(
              report,
              toyReport(o, res.runs, (performance.now() - t) / 1000, ctx.backend.name),
            );
            return {
              report,
              runs: res.runs.map((r) => ({
                feedback: r.gamma,
                followRate: r.followRate,
                ties: r.ties,
                finalCost: r.costCurve.cost.at(-1)!,
              })),
            };
          },
          report: (r) => [
            `report: ${r.report}`,
            ...r.runs.map(
              (x) =>
                `feedback γ = ${x.feedback}: follow rate ${(100 * x.followRate).toFixed(1)} %, final cost ${x.finalCost.toFixed(3)}`,
            ),
          ],
          json: (r) => r,
        },
        c,
        f,
        io,
        getBackend(),
      );
    });

  const mnist = reproduce
    .command('sm-mnist')
    .description(
      'similarity matching Sec. 6.3 / Table 1: locally connected layer + linear SVM on MNIST',
    )
    .option(
      '--nps <list>',
      'neurons per site, comma separated',
      listFlag('--nps', intFlag('--nps', { max: 10_000 })),
      [4],
    )
    .option(
      '--train-samples <n>',
      'training images (default all 60000)',
      intFlag('--train-samples'),
    )
    .option('--test-samples <n>', 'test images (default all 10000)', intFlag('--test-samples'))
    .option('--epochs <n>', 'passes over the training images', intFlag('--epochs'), 1)
    .option(
      '--batch-size <n>',
      'samples per summed update (1 = online)',
      intFlag('--batch-size'),
      100,
    )
    .option(
      '--chunk <n>',
      'samples per dynamics solve when extracting features',
      intFlag('--chunk'),
      500,
    )
    .option('--svc-max-iter <n>', 'LinearSVC passes per class', intFlag('--svc-max-iter'), 1000)
    .option(
      '--seeds <list>',
      'several seeds (initial weights and sample order), comma separated: the report gives mean ± std (default --seed)',
      listFlag('--seeds', intFlag('--seeds', { min: 0 })),
    )
    .option(
      '--feature-tol <list>',
      'solver tolerances for the features, comma separated (one SVM each, same trained network)',
      listFlag('--feature-tol', numFlag('--feature-tol', { gt: 0 })),
      [1e-4],
    )
    .option('--data-dir <dir>', 'folder of the data set')
    .option('--quick', 'smoke test: 2000 training and 1000 test images');
  addPointExecFlags(addRunFlags(mnist, { out: 'runs/sm-mnist' }))
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb reproduce sm-mnist --nps 4,8,16\n  $ hebb reproduce sm-mnist --nps 4,8,16 --seeds 0,1,2 --workers 2',
    )
    .action(async (flags: MnistFlags, c: Command) => {
      const f = flags.quick
        ? {
            ...flags,
            trainSamples: Math.min(flags.trainSamples ?? 2000, 2000),
            testSamples: Math.min(flags.testSamples ?? 1000, 1000),
          }
        : flags;
      await runExperiment(
        {
          command: 'reproduce sm-mnist',
          prepare: (o) => loadDataset('mnist', { dir: o.dataDir }),
          run: async (ctx, split, o) => {
            const seeds = o.seeds ?? [o.seed];
            // Subsets are drawn by each point's seed, as a point run alone draws them.
            const images = new Map<number, { train: Dataset; test: Dataset }>();
            const imagesFor = (seed: number) => {
              if (!images.has(seed))
                images.set(seed, pickImages(split, o.trainSamples, o.testSamples, seed));
              return images.get(seed)!;
            };
            const { train, test } = imagesFor(seeds[0]);
            ctx.log(
              `MNIST: ${train.x.rows} train / ${test.x.rows} test images, mean-subtracted; backend ${ctx.backend.name}`,
            );
            const rows: MnistRow[] = [];
            const points = await runPoints<{ rows: MnistRow[] }>(
              ctx,
              {
                spec: {
                  command: 'reproduce sm-mnist',
                  options: {
                    ...definedOptions({
                      'train-samples': o.trainSamples,
                      'test-samples': o.testSamples,
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
                inline: async (point) => {
                  const nps = Number(point.setting.nps);
                  const seed = point.seed;
                  const data = imagesFor(seed);
                  // The trained network is kept until the point is done, so an interrupted
                  // NPS 100 run resumes after its hour of training, not before it.
                  const checkpoint = join(
                    ctx.run.dir,
                    'parts',
                    `nps${nps}-seed${seed}.network.safetensors`,
                  );
                  mkdirSync(dirname(checkpoint), { recursive: true });
                  if (!ctx.run.resumed) rmSync(checkpoint, { force: true });
                  const r = await runMnistNps(
                    {
                      ...o,
                      nps,
                      seed,
                      featureTols: o.featureTol,
                      checkpoint,
                      backend: ctx.backend,
                      log: ctx.log,
                      signal: ctx.signal,
                    },
                    data.train,
                    data.test,
                  );
                  if (seed === seeds[0])
                    await saveReceptiveFieldFigures(r.net, ctx.run.paths.figures, String(nps));
                  return { rows: r.rows };
                },
                onResult: (point, got) => {
                  if (point.seed === seeds[0]) adoptFigures(ctx, point);
                  for (const row of got.rows) {
                    ctx.run.appendMetrics({ ...row });
                    ctx.log(
                      `NPS ${row.nps}, seed ${row.seed}, feature tol ${row.featureTol}: test error ${row.errorPct.toFixed(2)}% (paper ${row.paperPct ?? '–'}%), run time ${fmt(row.totalSeconds)} ` +
                        `(train ${fmt(row.trainSeconds)}, features ${fmt(row.featureSeconds)}, SVM ${fmt(row.svcSeconds)})`,
                    );
                  }
                },
              },
              o,
            );
            for (const p of points) rows.push(...p.rows);
            const report = join(ctx.run.dir, 'report.md');
            writeFileAtomic(
              report,
              mnistReport(o, rows, train.x.rows, test.x.rows, ctx.backend.name),
            );
            return { report, rows };
          },
          report: (r) => [
            `report: ${r.report}`,
            ...summarise(r.rows).map(
              (x) =>
                `NPS ${x.nps}${x.tols > 1 ? `, feature tol ${x.featureTol}` : ''}: test error ${x.error} % (paper ${x.paper ?? '–'} %), ${fmt(x.seconds)}${x.seeds > 1 ? ` per seed (${x.seeds} seeds)` : ''}`,
            ),
          ],
          json: (r) => r,
        },
        c,
        f,
        io,
        getBackend(),
      );
    });
}

interface TrainFlags extends RunFlags {
  dataset: string;
  dataDir?: string;
  nps: number;
  layers?: LayerSpec[];
  activation: string;
  feedback: number;
  lr?: string;
  trainSamples?: number;
  epochs: number;
  batchSize: number;
}

/** --layers: a JSON array of layer specs (docs/api.md), e.g. [{"type":"local","stride":2,"radius":4,"nps":16}]. */
function layersFlag(text: string): LayerSpec[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(
      `--layers must be JSON, e.g. '[{"type":"dense","units":64}]': ${(e as Error).message}`,
    );
  }
  if (!Array.isArray(v) || v.length === 0 || v.some((l) => l === null || typeof l !== 'object')) {
    throw new InvalidArgumentError(
      '--layers must be a JSON array of layer objects, e.g. \'[{"type":"dense","units":64}]\'',
    );
  }
  return v as LayerSpec[];
}

export function registerSimilarityCommands(program: Command, io: CliIO): void {
  const sm = program
    .command('similarity')
    .description('structured similarity matching (Hebbian/anti-Hebbian) networks on image data');
  const train = sm
    .command('train')
    .description(
      'train a similarity-matching network (default: one locally connected layer, stride 2, radius 4, tanh) into a run directory; the whole network is saved after every epoch',
    )
    .option('--dataset <name>', 'mnist, fashion-mnist or cifar10', 'mnist')
    .option('--data-dir <dir>', 'folder of the data set')
    .option(
      '--nps <n>',
      'neurons per site of the default layer',
      intFlag('--nps', { max: 10_000 }),
      16,
    )
    .option(
      '--layers <json>',
      'any architecture instead: a JSON array of layer specs, e.g. \'[{"type":"local","stride":2,"radius":4,"nps":8},{"type":"dense","units":64}]\'',
      layersFlag,
    )
    .option(
      '--activation <f>',
      'linear, relu, tanh, clip[:MIN:MAX], cappedRelu:λ[:CAP] or shrink:λ',
      (v) => (activationFlag('--activation', SM_ACTIVATIONS)(v), v),
      'tanh',
    )
    .option(
      '--feedback <γ>',
      'feedback strength γ between layers',
      numFlag('--feedback', { min: 0 }),
      0,
    )
    .option(
      '--lr <schedule>',
      "learning rate (default the authors' inverse:0.005:0.5:1000:0.0001)",
      (v) => formatSchedule(scheduleFlag('--lr')(v)),
    )
    .option('--train-samples <n>', 'training images (default all)', intFlag('--train-samples'))
    .option('--epochs <n>', 'passes over the data', intFlag('--epochs'), 1)
    .option(
      '--batch-size <n>',
      'samples per summed update (1 = online)',
      intFlag('--batch-size'),
      100,
    );
  addRunFlags(train, { out: 'runs/similarity' })
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb similarity train --nps 8 --train-samples 10000 --out runs/sm8\n  $ hebb similarity eval runs/sm8\n' +
        '  $ hebb similarity train --layers \'[{"type":"local","stride":2,"radius":4,"nps":4},{"type":"dense","units":32}]\' --feedback 0.5 --out runs/deep',
    )
    .action(async (flags: TrainFlags, c: Command) => {
      await runExperiment(
        {
          command: 'similarity train',
          prepare: (o, be) => {
            const { train } = loadImages(o.dataset, o.trainSamples, 1, o.seed, o.dataDir);
            const net = new SimilarityNetwork({
              input: train.shape,
              layers: o.layers ?? [{ type: 'local', stride: 2, radius: 4, nps: o.nps }],
              activation: o.activation,
              feedback: o.feedback,
              lr: o.lr,
              batchSize: o.batchSize,
              epochs: o.epochs,
              seed: o.seed,
              backend: be,
            });
            return { train, net };
          },
          run: async (ctx, p, o) => {
            const run = ctx.run;
            const resume = run.resumed && run.hasModel();
            const net = resume
              ? run.loadModel({ expect: SimilarityNetwork, backend: ctx.backend })
              : p.net;
            const N = p.train.x.rows;
            const first = resume ? Math.floor(net.samplesSeen / N) : 0;
            if (resume) ctx.log(`resuming after epoch ${first} of ${o.epochs}`);
            const t = performance.now();
            let bar = ctx.progress(N, `epoch ${first + 1}/${o.epochs}`);
            await net.fitAsync(p.train.x, {
              resume,
              signal: ctx.signal,
              onProgress: (e) => bar.tick(e.done - (e.epoch - first - 1) * N - bar.count),
              onEpoch: (epoch) => {
                bar.done();
                run.saveModel(net);
                run.appendMetrics({
                  epoch,
                  samplesSeen: net.samplesSeen,
                  eulerSteps: net.eulerSteps,
                  seconds: (performance.now() - t) / 1000,
                });
                if (epoch < o.epochs) bar = ctx.progress(N, `epoch ${epoch + 1}/${o.epochs}`);
              },
            });
            // Receptive fields are drawn for a first layer on the image grid.
            const figures = net.layers[0].grid
              ? await saveReceptiveFieldFigures(
                  net,
                  run.paths.figures,
                  String(net.layers[0].ff.map.unitsPerSite),
                )
              : [];
            return { model: run.paths.model, figures, seconds: (performance.now() - t) / 1000 };
          },
          report: (r) => [
            `saved ${r.model} (trained in ${fmt(r.seconds)})${r.figures.length ? `; figures: ${r.figures.join(', ')}` : ''}`,
          ],
          json: (r) => r,
          saved: (run) => savedNetwork(run),
        },
        c,
        flags,
        io,
        getBackend(),
      );
    });

  sm.command('eval')
    .description(
      'fixed-point features of a trained run + LinearSVC: test error; adds the result to its metrics.json',
    )
    .argument('<run>', 'run directory written by hebb similarity train')
    .option(
      '--train-samples <n>',
      'images to fit the SVM on (default all)',
      intFlag('--train-samples'),
    )
    .option('--test-samples <n>', 'test images (default all)', intFlag('--test-samples'))
    .option('--json', 'print the result as one JSON object on stdout')
    .addHelpText('after', '\nExample:\n  $ hebb similarity eval runs/sm8 --train-samples 10000')
    .action((dir: string, f: { trainSamples?: number; testSamples?: number; json?: boolean }) => {
      const backend = getBackend();
      const run = openRun(dir);
      const net = run.loadModel({ expect: SimilarityNetwork, backend });
      const o = run.config.options as unknown as TrainFlags;
      const t0 = performance.now();
      const { train, test } = loadImages(
        o.dataset,
        f.trainSamples,
        f.testSamples,
        run.config.seed,
        o.dataDir,
      );
      const svc = new LinearSVC({ C: 1, warn: false, backend }).fit(
        net.transform(train.x, { chunk: 500 }),
        train.y,
      );
      const errorPct = 100 * (1 - svc.score(net.transform(test.x, { chunk: 500 }), test.y));
      const row = {
        eval: 'linear-svc',
        errorPct,
        trainSamples: train.x.rows,
        testSamples: test.x.rows,
        seconds: (performance.now() - t0) / 1000,
      };
      run.appendMetrics(row);
      if (f.json) io.out(JSON.stringify({ run: dir, ...row }));
      else
        io.out(
          `${dir}: test error ${errorPct.toFixed(2)} % on ${test.x.rows} images (SVM fit on ${train.x.rows}); added to ${run.paths.metrics}`,
        );
    });
}

function savedNetwork(run: Run): string {
  return run.hasModel()
    ? `${run.paths.model} holds the last finished epoch; continue with: hebb similarity train --out ${run.dir} --resume`
    : `nothing was saved in ${run.dir}`;
}

function toyReport(
  f: ToyFlags,
  runs: Awaited<ReturnType<typeof runToy>>['runs'],
  seconds: number,
  backend: string,
): string {
  const [fb, ctl] = runs;
  return [
    '# Structured and deep similarity matching — toy example (Sec. 6.1, Fig. 2)',
    '',
    'Two first-layer sub-networks of 10 clip(u,0,1) neurons, each fed its own 100-d Gaussian input',
    `(two clusters; cluster means of norm ${f.meanNorm}, noise norm ${f.noise}; both sub-networks see the`,
    `same cluster), one 10-neuron second layer connected to both. Online training on ${f.samples}`,
    `samples with the authors' rate schedule and the per-layer factors γ^(p−P) of Eq. 19; decorrelating`,
    `regulariser α = ${f.alpha} (homeostatic thresholds, standing in for the paper's regularised cost of ref. [31]).`,
    '',
    "## Perturbation: does the ambiguous bottom network follow the top network's cluster?",
    '',
    'The bottom sub-network gets the midpoint of its two cluster means plus noise; the top one gets',
    'a pattern of cluster c. A trial "follows" when the bottom output is closer (cosine) to its',
    'in-distribution representation of cluster c than of the other cluster.',
    '',
    '| feedback γ | follow rate | ties (silent/equal) | final cost |',
    '|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.gamma} | ${(100 * r.followRate).toFixed(1)}% of ${f.trials} | ${r.ties} | ${r.costCurve.cost.at(-1)!.toFixed(3)} |`,
    ),
    '',
    `With feedback γ = ${fb.gamma} the ambiguous patterns follow the other network's cluster in ` +
      `${(100 * fb.followRate).toFixed(1)}% of trials; without feedback (γ = 0) in ${(100 * ctl.followRate).toFixed(1)}% (chance is 50%).`,
    '',
    '## Figures',
    '',
    'Fig. 2A (in-distribution, 5 + 5 patterns), with feedback and the γ = 0 control:',
    '',
    `![Fig. 2A, γ = ${fb.gamma}](figures/fig2a-similarity-gamma${fb.gamma}.svg)`,
    '![Fig. 2A, γ = 0](figures/fig2a-similarity-gamma0.svg)',
    '',
    'Fig. 2B (ambiguous bottom input):',
    '',
    `![Fig. 2B, γ = ${fb.gamma}](figures/fig2b-similarity-gamma${fb.gamma}.svg)`,
    '![Fig. 2B, γ = 0](figures/fig2b-similarity-gamma0.svg)',
    '',
    'Fig. 2C: the cost (Eq. 13 with the α term, on 200 held-out patterns) over training:',
    '',
    '![Fig. 2C](figures/fig2c-cost.svg)',
    '',
    'Similarity = pairwise dot products normalised so the largest is 1. The cost is the min–max',
    'objective evaluated at the fixed points; it need not fall monotonically.',
    '',
    `Run time ${fmt(seconds)} on ${backend}.`,
    '',
  ].join('\n');
}

/** Rows grouped by (NPS, feature tolerance): error as mean ± std over seeds. */
function summarise(rows: MnistRow[]) {
  const groups = new Map<string, MnistRow[]>();
  for (const r of rows) {
    const k = `${r.nps}|${r.featureTol}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const tols = new Set(rows.map((r) => r.featureTol)).size;
  return [...groups.values()].map((g) => {
    const e = g.map((r) => r.errorPct);
    const mean = e.reduce((a, b) => a + b, 0) / e.length;
    const sd = Math.sqrt(e.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(e.length - 1, 1));
    return {
      nps: g[0].nps,
      featureTol: g[0].featureTol,
      tols,
      seeds: g.length,
      error: g.length > 1 ? `${mean.toFixed(2)} ± ${sd.toFixed(2)}` : mean.toFixed(2),
      paper: g[0].paperPct,
      seconds: g.reduce((a, r) => a + r.totalSeconds, 0) / g.length,
    };
  });
}

function mnistReport(
  f: MnistFlags,
  rows: MnistRow[],
  nTrain: number,
  nTest: number,
  backend: string,
): string {
  const summary = summarise(rows);
  return [
    '# Structured similarity matching on MNIST (Sec. 6.3, Table 1)',
    '',
    'One locally connected layer (28×28 input, stride 2 → 14×14 sites, radius 4, tanh, laterals',
    `within a site), per-image mean subtraction, ${f.epochs} epoch(s) over ${nTrain} training images`,
    `in a seeded order, updates summed over mini-batches of ${f.batchSize} (dynamics per batch at fixed`,
    "weights), the authors' rate schedule and Euler solver; LinearSVC (C = 1, squared hinge,",
    `one-vs-rest) on the fixed points; error on ${nTest} test images. Backend: ${backend}.`,
    '',
    '| NPS | feature tol | seeds | test error (mean ± std) | paper | mean run time |',
    '|---|---|---|---|---|---|',
    ...summary.map(
      (r) =>
        `| ${r.nps} | ${r.featureTol} | ${r.seeds} | ${r.error}% | ${r.paper ?? '–'}% | ${fmt(r.seconds)} |`,
    ),
    '',
    'Every run:',
    '',
    '| NPS | seed | feature tol | neurons | synapses | test error | SVM train acc. | Euler steps/batch | train | features | SVM |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.nps} | ${r.seed} | ${r.featureTol} | ${r.neurons} | ${r.synapses} | ${r.errorPct.toFixed(2)}% | ` +
        `${r.trainAccPct.toFixed(2)}% | ${r.meanSteps.toFixed(0)} | ${fmt(r.trainSeconds)} | ${fmt(r.featureSeconds)} | ${fmt(r.svcSeconds)} |`,
    ),
    '',
    `Paper (Table 1): ${Object.entries(PAPER_TABLE1)
      .map(([k, v]) => `NPS ${k}: ${v}%`)
      .join(', ')}.`,
    '',
    '## Figures (first seed)',
    '',
    'Per NPS: the first neuron of every site, drawn in its window and tiled in the site grid,',
    'then all neurons of the centre site (red positive, blue negative, one colour scale per',
    'figure; grey pixels are not synapses of the site). The PNGs beside them hold the pixels alone.',
    '',
    ...[...new Set(rows.map((r) => r.nps))].flatMap((n) => [
      `![NPS ${n}: neuron 0 per site](figures/rf-nps${n}-unit0-per-site.svg)`,
      `![NPS ${n}: centre site](figures/rf-nps${n}-centre-site-units.svg)`,
      '',
    ]),
  ].join('\n');
}
