// CLI of the similarity-matching system: `hebb similarity train|eval` and the paper's
// experiments `hebb reproduce sm-toy|sm-mnist` (SPEC §2).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { getBackend, Matrix } from '../backend/index.ts';
import { loadDataset, subtractSampleMean, subset, type Dataset } from '../data/index.ts';
import { HebbError } from '../errors.ts';
import { LinearSVC } from '../readout/linear-svc.ts';
import { createRun, openRun } from '../run/run-dir.ts';
import {
  PAPER_TABLE1,
  runMnistNps,
  saveReceptiveFieldFigures,
  type MnistRow,
} from '../similarity/experiments/mnist.ts';
import { runToy } from '../similarity/experiments/toy.ts';
import { SimilarityNetwork } from '../similarity/network.ts';
import { locallyConnected } from '../similarity/structure.ts';

function int(name: string, min = 1) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new HebbError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
}
function num(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min)
      throw new HebbError(`--${name} must be a number ≥ ${min}, got '${v}'`);
    return n;
  };
}
function npsList(v: string): number[] {
  const l = v.split(',').map((s) => Number(s.trim()));
  if (l.length === 0 || l.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new HebbError(
      `--nps must be a comma-separated list of positive integers like 4,8,16, got '${v}'`,
    );
  }
  return l;
}

/** MNIST (or Fashion-MNIST) with per-image mean subtraction, subset by seed. */
function loadImages(
  name: string,
  trainSize: number,
  testSize: number,
  seed: number,
): { train: Dataset; test: Dataset } {
  const split = loadDataset(name);
  const pick = (ds: Dataset, n: number) => (n >= ds.x.rows ? ds : subset(ds, n, seed));
  return {
    train: subtractSampleMean(pick(split.train, trainSize)),
    test: subtractSampleMean(pick(split.test, testSize)),
  };
}

const fmt = (s: number) => (s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

interface ToyFlags {
  gamma: number;
  samples: number;
  alpha: number;
  meanNorm: number;
  noise: number;
  trials: number;
  seed: number;
  out: string;
  overwrite?: boolean;
  quick?: boolean;
}

interface MnistFlags {
  nps: number[];
  trainSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  chunk: number;
  svcMaxIter: number;
  seed: number;
  out: string;
  overwrite?: boolean;
  quick?: boolean;
}

export function registerSimilarityReproductions(reproduce: Command): void {
  reproduce
    .command('sm-toy')
    .description(
      'similarity matching Sec. 6.1 / Fig. 2: two-cluster two-layer network with feedback',
    )
    .option('--gamma <γ>', 'feedback strength', num('gamma'), 0.8)
    .option('--samples <n>', 'online training samples', int('samples'), 3000)
    .option(
      '--alpha <α>',
      'decorrelating regulariser α of ref. [31] (homeostatic thresholds)',
      num('alpha'),
      3,
    )
    .option('--mean-norm <v>', 'norm of each cluster mean', num('mean-norm'), 3)
    .option('--noise <v>', 'norm of the input noise', num('noise'), 0.5)
    .option('--trials <n>', 'ambiguous perturbation trials', int('trials'), 200)
    .option('--seed <n>', 'random seed', int('seed', 0), 1)
    .option('--out <dir>', 'run directory', 'runs/sm-toy')
    .option('--overwrite', 'replace an existing run directory')
    .option('--quick', 'smoke test: 300 samples, 40 trials')
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb reproduce sm-toy --out runs/sm-toy --overwrite\n  then read runs/sm-toy/report.md',
    )
    .action((f: ToyFlags) => {
      const backend = getBackend();
      if (f.quick) [f.samples, f.trials] = [Math.min(f.samples, 300), Math.min(f.trials, 40)];
      const run = createRun(
        f.out,
        { command: 'reproduce sm-toy', seed: f.seed, options: { ...f }, backend: backend.info() },
        { overwrite: f.overwrite },
      );
      const t = performance.now();
      const res = runToy(
        {
          ...f,
          dim: 100,
          units: 10,
          evalEvery: 100,
          threshold: 0,
          backend,
          log: (s) => console.log(s),
        },
        run.paths.figures,
      );
      for (const r of res.runs) {
        run.appendMetrics({
          gamma: r.gamma,
          followRate: r.followRate,
          ties: r.ties,
          finalCost: r.costCurve.cost.at(-1),
        });
      }
      const [fb, ctl] = res.runs;
      const lines = [
        '# Structured and deep similarity matching — toy example (Sec. 6.1, Fig. 2)',
        '',
        `Two first-layer sub-networks of 10 clip(u,0,1) neurons, each fed its own 100-d Gaussian input`,
        `(two clusters; cluster means of norm ${f.meanNorm}, noise norm ${f.noise}; both sub-networks see the`,
        `same cluster), one 10-neuron second layer connected to both. Online training on ${f.samples}`,
        `samples with the authors' rate schedule; decorrelating regulariser α = ${f.alpha} (homeostatic`,
        "thresholds, standing in for the paper's regularised cost of ref. [31]).",
        '',
        "## Perturbation: does the ambiguous bottom network follow the top network's cluster?",
        '',
        'The bottom sub-network gets the midpoint of its two cluster means plus noise; the top one gets',
        'a pattern of cluster c. A trial "follows" when the bottom output is closer (cosine) to its',
        'in-distribution representation of cluster c than of the other cluster.',
        '',
        '| feedback γ | follow rate | ties (silent/equal) | final cost |',
        '|---|---|---|---|',
        ...res.runs.map(
          (r) =>
            `| ${r.gamma} | ${(100 * r.followRate).toFixed(1)}% of ${f.trials} | ${r.ties} | ${r.costCurve.cost.at(-1)!.toFixed(3)} |`,
        ),
        '',
        `With feedback γ = ${fb.gamma} the ambiguous patterns follow the other network's cluster in ` +
          `${(100 * fb.followRate).toFixed(1)}% of trials; without feedback (γ = 0) in ${(100 * ctl.followRate).toFixed(1)}% (chance is 50%).`,
        '',
        '## Figures',
        '',
        '- Fig. 2A (in-distribution, 5 + 5 patterns): `figures/fig2a-similarity-gamma' +
          fb.gamma +
          '.png` (control: `figures/fig2a-similarity-gamma0.png`)',
        '- Fig. 2B (ambiguous bottom input): `figures/fig2b-similarity-gamma' +
          fb.gamma +
          '.png` (control: `figures/fig2b-similarity-gamma0.png`)',
        '- Fig. 2C cost (Eq. 13 with the α term, on 200 held-out patterns) over training: `figures/fig2c-cost.png`',
        '',
        'Similarity = pairwise dot products normalised so the largest is 1. The cost is the min–max',
        'objective evaluated at the fixed points; it need not fall monotonically.',
        '',
        `Run time ${fmt((performance.now() - t) / 1000)} on ${backend.name}.`,
      ];
      writeFileSync(join(run.dir, 'report.md'), lines.join('\n') + '\n');
      console.log(`report: ${join(run.dir, 'report.md')}`);
    });

  reproduce
    .command('sm-mnist')
    .description(
      'similarity matching Sec. 6.3 / Table 1: locally connected layer + linear SVM on MNIST',
    )
    .option('--nps <list>', 'neurons per site, comma separated', npsList, [4])
    .option('--train-size <n>', 'training images (60000 = all)', int('train-size'), 60000)
    .option('--test-size <n>', 'test images (10000 = all)', int('test-size'), 10000)
    .option('--epochs <n>', 'passes over the training images', int('epochs'), 1)
    .option('--batch-size <n>', 'samples per summed update (1 = online)', int('batch-size'), 100)
    .option('--chunk <n>', 'samples per dynamics solve when extracting features', int('chunk'), 500)
    .option('--svc-max-iter <n>', 'LinearSVC passes per class', int('svc-max-iter'), 1000)
    .option('--seed <n>', 'random seed', int('seed', 0), 0)
    .option('--out <dir>', 'run directory', 'runs/sm-mnist')
    .option('--overwrite', 'replace an existing run directory')
    .option('--quick', 'smoke test: 2000 training and 1000 test images')
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb reproduce sm-mnist --nps 4,8,16 --out runs/sm-mnist --overwrite',
    )
    .action((f: MnistFlags) => {
      const backend = getBackend();
      if (f.quick)
        [f.trainSize, f.testSize] = [Math.min(f.trainSize, 2000), Math.min(f.testSize, 1000)];
      const run = createRun(
        f.out,
        { command: 'reproduce sm-mnist', seed: f.seed, options: { ...f }, backend: backend.info() },
        { overwrite: f.overwrite },
      );
      const { train, test } = loadImages('mnist', f.trainSize, f.testSize, f.seed);
      console.log(
        `MNIST: ${train.x.rows} train / ${test.x.rows} test images, mean-subtracted; backend ${backend.name}`,
      );
      const rows: MnistRow[] = [];
      const figs: string[] = [];
      for (const nps of f.nps) {
        const { row, net } = runMnistNps(
          { ...f, nps, backend, log: (s) => console.log(s) },
          train,
          test,
        );
        rows.push(row);
        run.appendMetrics({ ...row });
        figs.push(...saveReceptiveFieldFigures(net, run.paths.figures, String(nps)));
        console.log(
          `NPS ${nps}: test error ${row.errorPct.toFixed(2)}% (paper ${row.paperPct ?? '–'}%), ` +
            `run time ${fmt(row.totalSeconds)} (train ${fmt(row.trainSeconds)}, features ${fmt(row.featureSeconds)}, SVM ${fmt(row.svcSeconds)})`,
        );
      }
      const lines = [
        '# Structured similarity matching on MNIST (Sec. 6.3, Table 1)',
        '',
        `One locally connected layer (28×28 input, stride 2 → 14×14 sites, radius 4, tanh, laterals`,
        `within a site), per-image mean subtraction, ${f.epochs} epoch(s) over ${train.x.rows} training images,`,
        `updates summed over mini-batches of ${f.batchSize} (dynamics per batch at fixed weights), the`,
        `authors' rate schedule and Euler solver; LinearSVC (C = 1, squared hinge, one-vs-rest) on the`,
        `fixed points; error on ${test.x.rows} test images. Backend: ${backend.name}.`,
        '',
        '| NPS | neurons | synapses | test error | paper | SVM train acc. | Euler steps/batch | run time |',
        '|---|---|---|---|---|---|---|---|',
        ...rows.map(
          (r) =>
            `| ${r.nps} | ${r.neurons} | ${r.synapses} | ${r.errorPct.toFixed(2)}% | ${r.paperPct ?? '–'}% | ` +
            `${r.trainAccPct.toFixed(2)}% | ${r.meanSteps.toFixed(0)} | ${fmt(r.totalSeconds)} |`,
        ),
        '',
        `Paper (Table 1): ${Object.entries(PAPER_TABLE1)
          .map(([k, v]) => `NPS ${k}: ${v}%`)
          .join(', ')}.`,
        '',
        '## Figures',
        '',
        ...figs.map((n) => `- \`figures/${n}\``),
        '',
        '`rf-npsN-unit0-per-site.png`: the first neuron of every site, drawn in its 8×8 window and tiled',
        'in the 14×14 site grid (red positive, blue negative). `rf-npsN-centre-site-units.png`: all',
        'neurons of the centre site.',
      ];
      writeFileSync(join(run.dir, 'report.md'), lines.join('\n') + '\n');
      console.log(`report: ${join(run.dir, 'report.md')}`);
    });
}

interface TrainFlags {
  dataset: string;
  nps: number;
  trainSize: number;
  epochs: number;
  batchSize: number;
  seed: number;
  out: string;
  overwrite?: boolean;
}

export function registerSimilarityCommands(program: Command): void {
  const sm = program
    .command('similarity')
    .description('structured similarity matching (Hebbian/anti-Hebbian) networks on image data');
  sm.command('train')
    .description(
      'train one locally connected layer (stride 2, radius 4, tanh) and save it to a run directory',
    )
    .option('--dataset <name>', 'mnist or fashion-mnist', 'mnist')
    .option('--nps <n>', 'neurons per site', int('nps'), 16)
    .option('--train-size <n>', 'training images', int('train-size'), 60000)
    .option('--epochs <n>', 'passes over the data', int('epochs'), 1)
    .option('--batch-size <n>', 'samples per summed update (1 = online)', int('batch-size'), 100)
    .option('--seed <n>', 'random seed', int('seed', 0), 0)
    .option('--out <dir>', 'run directory', 'runs/similarity')
    .option('--overwrite', 'replace an existing run directory')
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb similarity train --nps 8 --train-size 10000 --out runs/sm8\n  $ hebb similarity eval runs/sm8',
    )
    .action((f: TrainFlags) => {
      const backend = getBackend();
      const run = createRun(
        f.out,
        { command: 'similarity train', seed: f.seed, options: { ...f }, backend: backend.info() },
        { overwrite: f.overwrite },
      );
      const { train } = loadImages(f.dataset, f.trainSize, 1, f.seed);
      const net = new SimilarityNetwork({
        layers: [locallyConnected({ input: [28, 28, 1], stride: 2, radius: 4, nps: f.nps })],
        activation: 'tanh',
        batchSize: f.batchSize,
        seed: f.seed,
        backend,
      });
      const t = performance.now();
      for (let e = 0; e < f.epochs; e++) {
        const steps = net.partialFit(train.x);
        run.appendMetrics({
          epoch: e + 1,
          samplesSeen: net.samplesSeen,
          eulerSteps: steps,
          seconds: (performance.now() - t) / 1000,
        });
        console.log(`epoch ${e + 1}: ${fmt((performance.now() - t) / 1000)}`);
      }
      run.saveModel({
        W: new Matrix(1, net.W[0].w.length, net.W[0].w),
        L: new Matrix(1, net.L[0].w.length, net.L[0].w),
      });
      saveReceptiveFieldFigures(net, run.paths.figures, String(f.nps));
      console.log(`saved ${run.paths.model}`);
    });
  sm.command('eval')
    .description('fixed-point features of a trained run + LinearSVC: test error')
    .argument('<run>', 'run directory written by hebb similarity train')
    .option('--train-size <n>', 'images to fit the SVM on', int('train-size'), 60000)
    .option('--test-size <n>', 'test images', int('test-size'), 10000)
    .addHelpText('after', '\nExample:\n  $ hebb similarity eval runs/sm8 --train-size 10000')
    .action((dir: string, f: { trainSize: number; testSize: number }) => {
      const backend = getBackend();
      const run = openRun(dir);
      const o = run.config.options as unknown as TrainFlags;
      const net = new SimilarityNetwork({
        layers: [locallyConnected({ input: [28, 28, 1], stride: 2, radius: 4, nps: o.nps })],
        activation: 'tanh',
        backend,
      });
      const model = run.loadModel();
      for (const [name, dst] of [
        ['W', net.W[0].w],
        ['L', net.L[0].w],
      ] as const) {
        const t = model.tensors[name];
        if (!t || t.data.length !== dst.length) {
          throw new HebbError(
            `${dir}: tensor ${name} is missing or has the wrong size for NPS ${o.nps}`,
          );
        }
        dst.set(t.data as Float32Array);
      }
      const { train, test } = loadImages(o.dataset, f.trainSize, f.testSize, o.seed);
      const svc = new LinearSVC({ C: 1, warn: false, backend }).fit(
        net.transform(train.x, { chunk: 500 }),
        train.y,
      );
      const err = 100 * (1 - svc.score(net.transform(test.x, { chunk: 500 }), test.y));
      console.log(
        `test error ${err.toFixed(2)}% on ${test.x.rows} images (SVM fit on ${train.x.rows})`,
      );
    });
}
