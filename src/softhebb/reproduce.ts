import { getBackend } from '../backend/index.ts';
import type { Backend } from '../backend/types.ts';
import { take, type Split } from '../data/dataset.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { DeltaRuleClassifier } from '../readout/delta-rule.ts';
import { Mlp } from '../readout/mlp.ts';
import { lineChart, type Series } from '../report/figures.ts';
import { createProgress } from '../report/progress.ts';
import { savePng } from '../report/raster.ts';
import { createRun } from '../run/run-dir.ts';
import { parseActivation } from './activation.ts';
import { SoftHebb, type SoftHebbState } from './layer.ts';
import type { SoftHebbOptions } from './options.ts';
import {
  fitLinearReadout,
  labelAccuracy,
  loadTrainingData,
  saveReceptiveFields,
  DEFAULT_READOUT_ACTIVATION,
  type LinearReadout,
} from './train-run.ts';

/** Published values (SPEC §1, mean ± std over 5 seeds). */
const PAPER: Record<string, Record<string, string>> = {
  mnist: {
    soft1: '96.31 ± 0.06',
    soft2: '97.80 ± 0.02',
    hard1: '—',
    hard2: '—',
    mlp: '98.65 ± 0.06',
  },
  'fashion-mnist': { soft1: '—', soft2: '87.46', hard1: '—', hard2: '87.49', mlp: '90.55' },
};

export interface ReproduceOptions {
  dataset: 'mnist' | 'fashion-mnist';
  dataDir?: string;
  seeds: number;
  quick: boolean;
  out: string;
  units?: number;
  epochs?: number;
  readoutEpochs?: number;
  mlpEpochs?: number;
  /** Layer output fed to the linear classifier. */
  activation?: string;
  overwrite?: boolean;
  quiet?: boolean;
}

const pct = (v: number) => (100 * v).toFixed(2);

/** n sample counts spaced evenly in log between lo and hi. */
function logMarks(lo: number, hi: number, n: number): number[] {
  if (hi <= lo) return [hi];
  return Array.from({ length: n }, (_, i) => Math.round(lo * (hi / lo) ** (i / (n - 1))));
}
function meanStd(v: number[]): string {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return pct(m);
  const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  return `${pct(m)} ± ${pct(s)}`;
}

/**
 * `hebb reproduce softhebb-mnist|softhebb-fashion`: the paper's Fig. 1 experiments in one run
 * directory — accuracy table (1-/2-layer SoftHebb, hard WTA, backprop MLP) over seeds, the
 * one-epoch online comparison, the post-hoc cross-entropy and R1 features over training
 * (Appendix C: the classifier fitted at the end, measured on the layer's recorded states), and
 * receptive fields — written to report.md and figures/.
 */
export async function reproduceSoftHebb(
  o: ReproduceOptions,
  be: Backend = getBackend(),
): Promise<string> {
  const t0 = performance.now();
  const units = o.units ?? (o.quick ? 200 : 2000);
  const epochs = o.epochs ?? (o.quick ? 2 : 100);
  const roEpochs = o.readoutEpochs ?? (o.quick ? 5 : 100);
  const mlpEpochs = o.mlpEpochs ?? (o.quick ? 1 : 20);
  const activation = o.activation ?? DEFAULT_READOUT_ACTIVATION;
  // Measured (10 epochs, 2000 units, label read-out): t = 100 with linear rate from 0.05 / 0.1
  // → 95.44 / 95.8 %; t = 200 from 0.1 / 0.2 / 0.3 → 96.02 / 96.31 / 96.30 %; t = 150 or 300
  // from 0.2–0.3 → 96.05 / 95.97 %; t = 400 from 0.1 → 95.55 %.
  const lr0 = 0.2;
  const data = loadTrainingData({
    dataset: o.dataset,
    dataDir: o.dataDir,
    seed: 0,
    trainSamples: o.quick ? 10000 : undefined,
  });
  const run = createRun(
    o.out,
    {
      command: 'reproduce softhebb',
      seed: 0,
      options: { ...o, units, epochs, roEpochs, mlpEpochs },
      backend: be.info(),
    },
    { overwrite: o.overwrite },
  );
  const log = (s: string) => {
    if (!o.quiet) console.error(s);
  };
  const N = data.train.x.rows;
  const results: Record<string, number[]> = { soft1: [], soft2: [], hard1: [], hard2: [], mlp: [] };
  const timing: Record<string, number> = {};
  let curves: { samples: number[]; loss: number[]; r1: number[] } | null = null;

  for (let seed = 0; seed < o.seeds; seed++) {
    for (const wta of ['soft', 'hard'] as const) {
      const opts: SoftHebbOptions = {
        units,
        wta,
        seed,
        lr: { kind: 'linear', from: wta === 'hard' ? 0.05 : lr0 },
        // Euler's summed step overshoots once η·Σ y·u > 2 for a unit that wins much of a batch.
        integrator: 'exact',
        // Measured at 10 epochs, no bias: t = 30 / 50 / 100 / 200 → 90.5 / 94.7 / 95.8 / 96.3 %
        // (t = 200 with rate 0.2, see lr0); hard 95.4 %. The learnt prior left 1138 of 2000
        // units that never win (t = 50, 100 epochs).
        ...(wta === 'soft' ? { inverseTemperature: 200 } : {}),
        bias: false,
      };
      const layer = new SoftHebb(opts, { backend: be });
      // States at 24 log-spaced points of training, for the post-hoc loss and R1 curves
      // (seed 0, soft), as in Fig. 1C/D.
      const record = seed === 0 && wta === 'soft';
      const states: SoftHebbState[] = [];
      const marks = logMarks(100, epochs * N, 24);
      let next = 0;
      const bar = createProgress({
        total: epochs * N,
        label: `${wta} seed ${seed}`,
        unit: 'img',
        quiet: o.quiet,
      });
      const ts = performance.now();
      layer.initialize(data.train.x.cols);
      layer.horizon = epochs * N;
      await layer.continueFit(data.train.x, {
        epochs,
        batchSize: 100,
        onProgress: (done) => {
          bar.tick(done - bar.count);
          if (record && next < marks.length && done >= marks[next]) {
            while (next < marks.length && done >= marks[next]) next++;
            states.push(layer.state());
          }
        },
      });
      bar.done({ r1: layer.r1Features() });
      timing[`${wta} training (s)`] = (performance.now() - ts) / 1000;
      results[`${wta}1`].push(labelAccuracy(layer, data));
      const ro = fitLinearReadout(layer, data, { epochs: roEpochs, activation, seed });
      results[`${wta}2`].push(ro.classifier.score(ro.features(layer, data.test.x), data.test.y));
      log(
        `${wta} seed ${seed}: 1-layer ${pct(results[`${wta}1`].at(-1)!)} %, 2-layer ${pct(results[`${wta}2`].at(-1)!)} %`,
      );
      if (record) {
        saveReceptiveFields(layer, data.train, run.figurePath('receptive-fields.png'));
        curves = postHoc(states, opts, ro, data, be);
      }
    }
    const tm = performance.now();
    const mlp = new Mlp({
      hidden: units,
      epochs: mlpEpochs,
      seed,
      classes: data.train.classes.length,
      backend: be,
    });
    mlp.fit(data.train.x, data.train.y);
    results.mlp.push(mlp.score(data.test.x, data.test.y));
    timing['MLP training (s)'] = (performance.now() - tm) / 1000;
    log(`MLP seed ${seed}: ${pct(results.mlp.at(-1)!)} %`);
  }
  const online = oneEpoch(data, units, o.quick, be, log);
  const figs = writeFigures(run.figurePath.bind(run), curves, online);
  const paper = PAPER[o.dataset];
  const lines = [
    `# SoftHebb on ${o.dataset}: paper vs hebb`,
    '',
    `${units} units, ${epochs} epochs (batch 100, exact per-unit step, no prior bias, t = 200, linear rate decay from ${lr0}; hard WTA from 0.05), ${o.seeds} seed(s), ` +
      `${N} training samples${o.quick ? ' (--quick)' : ''}; 2-layer read-out: linear softmax classifier on ${activation} ` +
      `for ${roEpochs} epochs (Adam, batch 64, lr 1e-3 halved every 15 epochs); MLP: ${units} hidden ReLU units, Adam, ${mlpEpochs} epochs. Backend: ${be.info().name}.`,
    '',
    '| model | paper (%) | hebb (%) |',
    '|---|---|---|',
    `| SoftHebb 1-layer (label read-out) | ${paper.soft1} | ${meanStd(results.soft1)} |`,
    `| SoftHebb 2-layer (linear read-out) | ${paper.soft2} | ${meanStd(results.soft2)} |`,
    `| hard WTA 1-layer | ${paper.hard1} | ${meanStd(results.hard1)} |`,
    `| hard WTA 2-layer | ${paper.hard2} | ${meanStd(results.hard2)} |`,
    `| backprop MLP | ${paper.mlp} | ${meanStd(results.mlp)} |`,
    '',
    '## One epoch, online (batch 1; Fig. 1B)',
    '',
    '| model | test accuracy (%) |',
    '|---|---|',
    ...online.map((r) => `| ${r.name} | ${pct(r.acc.at(-1)!)} |`),
    '',
    '## Figures',
    '',
    ...figs.map((f) => `![${f}](figures/${f})`),
    '',
    '## Times',
    '',
    ...Object.entries(timing).map(([k, v]) => `- ${k}: ${v.toFixed(1)}`),
    `- total: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    '',
  ];
  const path = `${run.dir}/report.md`;
  writeFileAtomic(path, lines.join('\n'));
  run.appendMetrics({
    ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v])),
    online: online.map((r) => ({ name: r.name, acc: r.acc.at(-1)! })),
  });
  return path;
}

/** Cross-entropy of the final classifier and R1 count on the recorded states (Appendix C). */
function postHoc(
  states: SoftHebbState[],
  opts: SoftHebbOptions,
  ro: LinearReadout,
  data: Split,
  be: Backend,
) {
  const evalSet = take(data.train, Math.min(5000, data.train.x.rows));
  const out = { samples: [] as number[], loss: [] as number[], r1: [] as number[] };
  for (const s of states) {
    const l = new SoftHebb(opts, { backend: be }).setState(s);
    out.samples.push(s.samplesSeen);
    out.loss.push(ro.classifier.crossEntropy(ro.features(l, evalSet.x), evalSet.y));
    out.r1.push(l.r1Features());
  }
  return out;
}

interface OnlineResult {
  name: string;
  samples: number[];
  acc: number[];
}

/** Fig. 1B: one epoch, batch 1; the Hebbian layers and their delta-rule read-out learn together. */
function oneEpoch(
  data: Split,
  units: number,
  quick: boolean,
  be: Backend,
  log: (s: string) => void,
): OnlineResult[] {
  const n = quick ? 5000 : data.train.x.rows;
  const testSet = take(data.test, quick ? 2000 : 10000);
  const points = 10;
  const out: OnlineResult[] = [];
  const C = data.train.classes.length;
  for (const wta of ['soft', 'hard'] as const) {
    const layer = new SoftHebb(
      { units, wta, seed: 0, lr: { kind: 'exponential', from: 0.05, to: 0.0005 } },
      { backend: be },
    );
    layer.initialize(data.train.x.cols);
    layer.horizon = n;
    const clf = new DeltaRuleClassifier({ classes: C, lr: 0.05, backend: be });
    const act = parseActivation('triangle:0.7');
    const r: OnlineResult = {
      name: `${wta === 'soft' ? 'SoftHebb' : 'hard WTA'} + delta rule`,
      samples: [],
      acc: [],
    };
    const bar = createProgress({ total: n, label: `one epoch ${wta}`, unit: 'img', quiet: false });
    for (let i = 0; i < n; i++) {
      const xi = data.train.x.sliceRows(i, i + 1);
      clf.partialFit(layer.transform(xi, { activation: act }), data.train.y[i]);
      layer.partialFitOnline(xi);
      if ((i + 1) % Math.floor(n / points) === 0) {
        r.samples.push(i + 1);
        r.acc.push(clf.score(layer.transform(testSet.x, { activation: act }), testSet.y));
      }
      if (i % 1000 === 999) bar.tick(1000);
    }
    bar.done();
    log(`${r.name}: ${pct(r.acc.at(-1)!)} %`);
    out.push(r);
  }
  const mlp = new Mlp({
    hidden: units,
    batchSize: 1,
    optimizer: 'sgd',
    lr: 0.01,
    halveEvery: 0,
    seed: 0,
    classes: C,
    backend: be,
  });
  const r: OnlineResult = { name: 'backprop MLP (SGD)', samples: [], acc: [] };
  const step = Math.floor(n / points);
  for (let s = 0; s < n; s += step) {
    const chunk = data.train.x.sliceRows(s, Math.min(n, s + step));
    const ys = data.train.y.subarray(s, Math.min(n, s + step));
    for (let i = 0; i < chunk.rows; i++) mlp.partialFit(chunk.sliceRows(i, i + 1), [ys[i]]);
    r.samples.push(Math.min(n, s + step));
    r.acc.push(mlp.score(testSet.x, testSet.y));
  }
  log(`${r.name}: ${pct(r.acc.at(-1)!)} %`);
  out.push(r);
  return out;
}

function writeFigures(
  fig: (n: string) => string,
  curves: { samples: number[]; loss: number[]; r1: number[] } | null,
  online: OnlineResult[],
): string[] {
  const names: string[] = ['receptive-fields.png'];
  if (curves) {
    const s: Series[] = [{ name: 'post-hoc cross-entropy', x: curves.samples, y: curves.loss }];
    savePng(
      fig('posthoc-loss.png'),
      lineChart(s, {
        title: 'Post-hoc cross-entropy (Fig. 1C)',
        xlabel: 'training examples',
        ylabel: 'cross-entropy',
        logX: true,
      }),
    );
    savePng(
      fig('r1-features.png'),
      lineChart([{ name: 'R1 features', x: curves.samples, y: curves.r1 }], {
        title: 'R1 features (Fig. 1D)',
        xlabel: 'training examples',
        ylabel: 'units with |‖w‖−1| < 0.01',
        logX: true,
      }),
    );
    names.push('posthoc-loss.png', 'r1-features.png');
  }
  savePng(
    fig('one-epoch.png'),
    lineChart(
      online.map((r) => ({ name: r.name, x: r.samples, y: r.acc.map((a) => 100 * a) })),
      {
        title: 'One epoch, online (Fig. 1B)',
        xlabel: 'training examples',
        ylabel: 'test accuracy (%)',
      },
    ),
  );
  names.push('one-epoch.png');
  return names;
}
