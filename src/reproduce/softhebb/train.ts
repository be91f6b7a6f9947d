// `hebb softhebb train` and `hebb demo`: a SoftHebb layer trained into a run directory, one
// checkpoint and one metrics row per epoch.
import type { Backend } from '../../backend/types.ts';
import { subset, type Dataset, type Split } from '../../data/dataset.ts';
import { loadDataset } from '../../data/index.ts';
import type { ExperimentContext } from '../context.ts';
import { receptiveFieldGrid } from '../../report/image-grid.ts';
import { saveImageGrid } from '../../report/render.ts';
import type { Run } from '../../run/run-dir.ts';
import { SoftHebb } from '../../softhebb/layer.ts';
import { SOFTHEBB_SPEC, type SoftHebbOptions } from '../../softhebb/options.ts';
import { describe, integer, pick, withDefault, type ParamSpec } from '../../model/params.ts';
import { dataName, directory } from '../options.ts';
import { DATA_FILE_OPTIONS, ownData, type DataChoice } from '../data-options.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { labelAccuracy } from '../../softhebb/readout.ts';
import { checkAllocation, MAX_ELEMENTS } from '../../model/inputs.ts';
import { count } from '../../model/wording.ts';

/**
 * The options of `softhebb train` (config.json stores them, less the run options): the data,
 * the layer's own options as SoftHebb declares them, and how often to evaluate.
 */
export const TRAIN_OPTIONS = {
  dataset: describe(dataName(), 'mnist, fashion-mnist or cifar10', '<name>'),
  dataDir: describe(directory(), 'folder of the data set (fashion-mnist, cifar10)', '<dir>'),
  ...DATA_FILE_OPTIONS,
  trainSamples: describe(
    integer({ min: 1 }),
    'train on n samples of a seeded shuffle (quick runs); default all',
  ),
  units: withDefault(SOFTHEBB_SPEC.units, 2000),
  epochs: withDefault(SOFTHEBB_SPEC.epochs, 100),
  ...pick(
    SOFTHEBB_SPEC,
    'batchSize',
    'preset',
    'wta',
    'inverseTemperature',
    'base',
    'lr',
    'rule',
    'integrator',
    'bias',
    'initRadius',
  ),
  evalEvery: describe(
    integer({ min: 1, default: 10 }),
    'label read-out on the test set every n epochs (and at the end)',
  ),
} satisfies ParamSpec;

/** The SoftHebb defaults `softhebb train` (and the demo) deliberately replace. */
export const TRAIN_DIFFERS = {
  units: "the model requires it; 2000 is the paper's layer",
  epochs: "the paper's 100 epochs; the model's fit makes one pass",
};

/** The options of `softhebb train`; config.json stores them (less the run options). */
export type TrainFlags = OptionsOf<typeof TRAIN_OPTIONS>;

export interface TrainResult {
  run: Run;
  layer: SoftHebb;
  data: Split;
  testAccuracy: number;
  r1: number;
  /** Training time (all epochs of this invocation, without evaluation). */
  seconds: number;
}

export function layerOptions(o: TrainFlags, backend: Backend): SoftHebbOptions {
  return {
    units: o.units,
    preset: o.preset,
    wta: o.wta,
    base: o.base,
    inverseTemperature: o.inverseTemperature,
    lr: o.lr,
    rule: o.rule,
    integrator: o.integrator,
    bias: o.bias,
    initRadius: o.initRadius,
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    backend,
  };
}

/** The data set (or your own data), with the training set cut to a seeded subset when asked. */
export function loadTrainingData(
  o: DataChoice & { dataset: string; trainSamples?: number; seed: number },
): Split {
  const data = ownData(o) ?? loadDataset(o.dataset, { dir: o.dataDir });
  if (o.trainSamples && o.trainSamples < data.train.x.rows) {
    return { ...data, train: subset(data.train, o.trainSamples, o.seed) };
  }
  return data;
}

/**
 * The data a run's layer was trained on, as its config.json says; MNIST where it names no data
 * set (`hebb demo` trains on MNIST and stores only its own options).
 */
export function trainingDataOf(run: Run): Split {
  const o = run.config.options as Partial<TrainFlags>;
  return loadTrainingData({ ...o, dataset: o.dataset ?? 'mnist', seed: o.seed ?? run.config.seed });
}

/** The first maxTiles units' weights as images (PNG; with a title also a titled SVG beside it). */
export async function saveReceptiveFields(
  layer: SoftHebb,
  ds: Dataset,
  path: string,
  { maxTiles = 100, title }: { maxTiles?: number; title?: string } = {},
): Promise<void> {
  const [h, w, c] = ds.shape;
  const grid = receptiveFieldGrid(layer.weights, { height: h, width: w, channels: c, maxTiles });
  const shown = Math.min(maxTiles, layer.weights.rows);
  await saveImageGrid(path, grid, {
    title,
    subtitle: `${shown} of ${layer.weights.rows} units, each tile scaled to its own min (black) … max (white)`,
  });
}

/** Loads the data and builds the layer (its weights allocated), before any directory exists. */
export function prepareTraining(
  flags: TrainFlags,
  backend: Backend,
): { data: Split; layer: SoftHebb } {
  const data = loadTrainingData(flags);
  // The label read-out holds every image's pre-activations (images × units) at once.
  const images = Math.max(data.train.x.rows, data.test.x.rows);
  const most = `use at most ${Math.floor(MAX_ELEMENTS / images)} --units`;
  checkAllocation(images, flags.units, 'softhebb train', "the read-out's images × --units", most);
  checkAllocation(
    flags.units,
    data.train.x.cols,
    'softhebb train',
    '--units × inputs weights',
    most,
  );
  const layer = new SoftHebb(layerOptions(flags, backend));
  layer.initialize(data.train.x.cols);
  return { data, layer };
}

/** One line on your own data: its samples, their shape, its classes. */
export function describeData({ train, test }: Split): string {
  const [h, w, c] = train.shape;
  const shape = h === 1 && c === 1 ? `${w} values` : `${h}×${w}×${c}`;
  return `${train.name}: ${train.x.rows} training and ${test.x.rows} test samples of ${shape}, ${count(train.classes.length, 'class', 'classes')}`;
}

/** Trains (or resumes) into ctx.run: a checkpoint and a metrics row after every epoch. */
export async function trainLayer(
  ctx: ExperimentContext,
  prepared: { data: Split; layer: SoftHebb },
  o: TrainFlags,
): Promise<TrainResult> {
  const { data } = prepared;
  const run = ctx.run;
  const resume = run.resumed && run.hasModel();
  const N = data.train.x.rows;
  let layer = prepared.layer;
  if (resume) {
    const saved = run.loadModel({ expect: SoftHebb, backend: ctx.backend });
    if (saved.options.epochs === o.epochs) layer = saved;
    else {
      // Extended (--resume --epochs raised): the saved state, trained on to the new epochs with
      // the rate schedule over them (a constant rate continues exactly as a longer run).
      layer.setState(saved.getState());
      layer.horizon = o.epochs * N;
      ctx.log(`extending ${run.dir} from ${saved.options.epochs} to ${count(o.epochs, 'epoch')}`);
    }
  }
  const first = resume ? Math.floor(layer.samplesSeen / N) : 0;
  if (o.data !== undefined) ctx.log(describeData(data));
  if (resume)
    ctx.log(
      `resuming after epoch ${first} of ${o.epochs} (${count(layer.samplesSeen, 'sample')} seen)`,
    );
  // a checkpoint older than the metrics (or none: deleted as damaged) trains those epochs again
  run.dropMetricsAfter(first);
  let testAccuracy = NaN;
  let seconds = 0;
  const startBar = (epoch: number) => ctx.progress(N, `epoch ${epoch}/${o.epochs}`);
  let bar = startBar(first + 1);
  let epochStart = performance.now();
  if (first < o.epochs) {
    await layer.fitAsync(data.train.x, {
      resume,
      signal: ctx.signal,
      onProgress: (p) => bar.tick(p.done - (p.epoch - first - 1) * N - bar.count),
      onEpoch: (epoch) => {
        const s = (performance.now() - epochStart) / 1000;
        seconds += s;
        bar.done();
        const norms = layer.weightNorms();
        const row: Record<string, number> = {
          epoch,
          samples: layer.samplesSeen,
          seconds: s,
          r1: layer.r1Features(),
          meanNorm: norms.reduce((a, b) => a + b, 0) / norms.length,
        };
        if (epoch % o.evalEvery === 0 || epoch === o.epochs) {
          testAccuracy = labelAccuracy(layer, data);
          row.labelAccuracy = testAccuracy;
          ctx.log(
            `epoch ${epoch}: label read-out ${(100 * testAccuracy).toFixed(2)} %, R1 ${row.r1}/${o.units}`,
          );
        }
        run.saveModel(layer);
        run.appendMetrics(row);
        if (epoch < o.epochs) bar = startBar(epoch + 1);
        epochStart = performance.now();
      },
    });
  } else {
    ctx.log(
      `${run.dir} is already trained for ${count(o.epochs, 'epoch')}; to train further, --resume with a higher --epochs`,
    );
  }
  if (Number.isNaN(testAccuracy)) testAccuracy = labelAccuracy(layer, data);
  await saveReceptiveFields(layer, data.train, run.figurePath('receptive-fields.png'));
  return { run, layer, data, testAccuracy, r1: layer.r1Features(), seconds };
}

/** How to continue an interrupted training run. */
export function trainSaved(run: Run, command: string): string {
  if (!run.hasModel()) return `nothing was saved in ${run.dir}`;
  const rows = run.readMetrics().filter((r) => typeof r.epoch === 'number');
  const epoch = rows.length > 0 ? rows[rows.length - 1].epoch : '?';
  return `${run.paths.model} holds epoch ${epoch}; continue with: hebb ${command} --out ${run.dir} --resume`;
}

const pct = (v: number) => (100 * v).toFixed(2);

/** `hebb softhebb train`: a layer trained into a run directory. */
export const softhebbTrain = defineExperiment({
  command: 'softhebb train',
  description:
    'train a SoftHebb layer into a run directory: config.json, model.safetensors (every epoch), metrics.json, figures/',
  options: TRAIN_OPTIONS,
  out: 'runs/softhebb',
  models: [{ name: 'SoftHebb', spec: SOFTHEBB_SPEC, differs: TRAIN_DIFFERS }],
  examples: [
    'hebb softhebb train --units 2000 --epochs 100 --out runs/mnist-2000',
    'hebb softhebb train --out runs/mnist-2000 --resume          # after an interruption',
    'hebb softhebb train --units 400 --epochs 1 --batch-size 1 --lr exponential:0.55:0.0055 --out runs/online',
  ],
  prepare: prepareTraining,
  run: trainLayer,
  report: (r, f) => [
    `${f.out}: test accuracy (label read-out) ${pct(r.testAccuracy)} %, R1 features ${r.r1}/${f.units}, trained in ${r.seconds.toFixed(1)} s`,
  ],
  json: (r, f) => ({
    out: f.out,
    testAccuracy: r.testAccuracy,
    r1: r.r1,
    units: f.units,
    trainSeconds: r.seconds,
  }),
  saved: (run) => trainSaved(run, 'softhebb train'),
  extendable: ['epochs'],
});
