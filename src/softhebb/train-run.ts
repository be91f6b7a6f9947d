import { getBackend } from '../backend/index.ts';
import type { Backend } from '../backend/types.ts';
import type { Matrix } from '../backend/matrix.ts';
import { subset, type Dataset, type Split } from '../data/dataset.ts';
import { applyStandardizer, fitStandardizer } from '../data/preprocess.ts';
import { loadDataset } from '../data/index.ts';
import { LabelAssignment } from '../readout/label-assignment.ts';
import { SoftmaxClassifier } from '../readout/softmax-classifier.ts';
import { receptiveFieldGrid } from '../report/figures.ts';
import { createProgress, formatDuration } from '../report/progress.ts';
import { savePng } from '../report/raster.ts';
import { createRun, type Run } from '../run/run-dir.ts';
import { parseActivation } from './activation.ts';
import { stateFromTensors, stateToTensors } from './checkpoint.ts';
import { SoftHebb } from './layer.ts';
import type { SoftHebbOptions } from './options.ts';
import { formatSchedule, parseSchedule } from './schedule.ts';

/** Everything `hebb softhebb train` needs; config.json stores exactly this. */
export interface TrainRunOptions {
  dataset: string;
  dataDir?: string;
  units: number;
  epochs: number;
  batchSize: number;
  wta: 'soft' | 'hard';
  /** Softmax base (overrides the layer's default inverse temperature). */
  base?: number;
  inverseTemperature?: number;
  /** Schedule text: 0.03, linear:0.03, exponential:0.55:0.0055. */
  lr?: string;
  rule?: 'paper' | 'normalized';
  integrator?: 'euler' | 'exact';
  bias?: boolean;
  initRadius?: number;
  seed: number;
  /** Train on the first n samples of a seeded shuffle (quick runs); default all. */
  trainSamples?: number;
  /** Evaluate (label read-out on the test set) every this many epochs and at the end. */
  evalEvery: number;
  out: string;
  resume?: boolean;
  overwrite?: boolean;
  quiet?: boolean;
}

export interface TrainRunResult {
  run: Run;
  layer: SoftHebb;
  data: Split;
  testAccuracy: number;
  seconds: number;
}

export function layerOptions(o: TrainRunOptions): SoftHebbOptions {
  return {
    units: o.units,
    wta: o.wta,
    base: o.base,
    inverseTemperature: o.inverseTemperature,
    lr: o.lr ? parseSchedule(o.lr) : undefined,
    rule: o.rule,
    integrator: o.integrator,
    bias: o.bias,
    initRadius: o.initRadius,
    seed: o.seed,
  };
}

export function loadTrainingData(
  o: Pick<TrainRunOptions, 'dataset' | 'dataDir' | 'trainSamples' | 'seed'>,
): Split {
  const data = loadDataset(o.dataset, { dir: o.dataDir });
  if (o.trainSamples && o.trainSamples < data.train.x.rows) {
    return { ...data, train: subset(data.train, o.trainSamples, o.seed) };
  }
  return data;
}

/** Label-assignment accuracy (the paper's 1-layer read-out) on the test set. */
export function labelAccuracy(layer: SoftHebb, data: Split): number {
  const ro = new LabelAssignment({ classes: data.train.classes.length, backend: layer.backend });
  ro.fit(layer.preActivation(data.train.x), data.train.y);
  return ro.score(layer.preActivation(data.test.x), data.test.y);
}

/**
 * The 2-layer read-out: a linear softmax classifier (Adam, batch 64, lr 1e-3 halved every 15
 * epochs) on the frozen layer's output with the given activation, standardised per feature.
 * Default triangle:3 (the triangle of Journé et al. 2023, max(u − mean u, 0)^p, with a higher
 * power). Measured on a 2000-unit, 10-epoch MNIST layer (t = 100, rate 0.1) with 30 classifier
 * epochs: standardised triangle 0.7 / 1 97.0 / 97.1 %, RePU 4.5 96.6 %, linear 91.1 %; triangle
 * 0.7 without standardising 96.1 %. On a t = 200, rate 0.2 layer with 20 classifier epochs:
 * triangle 0.7 / 1 / 1.5 / 2 / 3 / 4 / 6 → 96.97 / 97.26 / 97.55 / 97.76 / 97.86 / 97.78 /
 * 97.41 %, RePU 2 95.46 %, ReLU 91.54 %.
 */
export const DEFAULT_READOUT_ACTIVATION = 'triangle:3';

export interface ReadoutOptions {
  epochs?: number;
  activation?: string;
  seed?: number;
  /** z-score each feature with the training set's statistics (default true; see below). */
  standardize?: boolean;
  onEpoch?: (e: number, loss: number) => void;
}

/** A fitted 2-layer read-out: the classifier and the map from inputs to its features. */
export interface LinearReadout {
  classifier: SoftmaxClassifier;
  /** Inputs → the classifier's features for the given layer (the read-out's scaling). */
  features: (layer: SoftHebb, x: Matrix) => Matrix;
  trainLoss: number;
}

export function fitLinearReadout(
  layer: SoftHebb,
  data: Split,
  o: ReadoutOptions = {},
): LinearReadout {
  const act = parseActivation(o.activation ?? DEFAULT_READOUT_ACTIVATION);
  const wrap = (x: Matrix): Dataset => ({
    x,
    y: new Uint8Array(x.rows),
    shape: [1, x.cols, 1],
    classes: data.train.classes,
    name: 'features',
  });
  const raw = (l: SoftHebb, x: Matrix) => l.transform(x, { activation: act });
  const htr = raw(layer, data.train.x);
  // The layer's outputs are small (u ≤ 1 with unit-norm weights and inputs) and very unequal
  // across units; Adam at lr 1e-3 then underfits in 100 epochs. Standardising the features
  // fixes the scale without changing what a linear classifier can represent.
  const stats = o.standardize === false ? null : fitStandardizer(wrap(htr));
  const features = (l: SoftHebb, x: Matrix) => {
    const h = raw(l, x);
    return stats ? applyStandardizer(wrap(h), stats, { inPlace: true, backend: l.backend }).x : h;
  };
  const train = stats
    ? applyStandardizer(wrap(htr), stats, { inPlace: true, backend: layer.backend }).x
    : htr;
  const classifier = new SoftmaxClassifier({
    epochs: o.epochs ?? 100,
    seed: o.seed ?? 0,
    classes: data.train.classes.length,
    backend: layer.backend,
  });
  let trainLoss = NaN;
  classifier.fit(train, data.train.y, {
    onEpoch: (i) => {
      trainLoss = i.loss;
      o.onEpoch?.(i.epoch, i.loss);
    },
  });
  return { classifier, features, trainLoss };
}

export function linearAccuracy(
  layer: SoftHebb,
  data: Split,
  o: ReadoutOptions = {},
): { accuracy: number; trainLoss: number } {
  const r = fitLinearReadout(layer, data, o);
  return {
    accuracy: r.classifier.score(r.features(layer, data.test.x), data.test.y),
    trainLoss: r.trainLoss,
  };
}

export function saveReceptiveFields(
  layer: SoftHebb,
  ds: Dataset,
  path: string,
  maxTiles = 100,
): void {
  const [h, w, c] = ds.shape;
  savePng(path, receptiveFieldGrid(layer.weights, { height: h, width: w, channels: c, maxTiles }));
}

/** Trains (or resumes) a SoftHebb layer into a run directory: checkpoint + metrics per epoch. */
export async function trainRun(
  o: TrainRunOptions,
  backend: Backend = getBackend(),
): Promise<TrainRunResult> {
  const t0 = performance.now();
  const data = loadTrainingData(o);
  const layer = new SoftHebb(layerOptions(o), { backend });
  const run = createRun(
    o.out,
    {
      command: 'softhebb train',
      seed: o.seed,
      options: {
        ...o,
        quiet: undefined,
        resume: undefined,
        overwrite: undefined,
        lrSchedule: formatSchedule(layer.options.lr),
        inverseTemperatureUsed: layer.options.inverseTemperature,
      },
      backend: backend.info(),
    },
    { resume: o.resume, overwrite: o.overwrite },
  );
  const x = data.train.x;
  const N = x.rows;
  if (run.resumed && run.hasModel()) {
    layer.setState(stateFromTensors(run.loadModel(), run.paths.model));
  } else {
    layer.initialize(x.cols);
    layer.horizon = o.epochs * N;
  }
  const startEpoch = Math.floor(layer.samplesSeen / N);
  if (startEpoch >= o.epochs) {
    if (!o.quiet) console.error(`${o.out}: already trained for ${o.epochs} epochs`);
  }
  let testAccuracy = NaN;
  let bar = createProgress({
    total: N,
    label: `epoch ${startEpoch + 1}/${o.epochs}`,
    unit: 'img',
    quiet: o.quiet,
  });
  let epochStart = performance.now();
  await layer.continueFit(x, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    onProgress: (done) => {
      const inEpoch = ((done - 1) % N) + 1;
      bar.tick(inEpoch - bar.count);
    },
    onEpoch: (epoch) => {
      const seconds = (performance.now() - epochStart) / 1000;
      const row: Record<string, number> = {
        epoch,
        samples: layer.samplesSeen,
        seconds,
        r1: layer.r1Features(),
      };
      const norms = layer.weightNorms();
      row.meanNorm = norms.reduce((a, b) => a + b, 0) / norms.length;
      if (epoch % o.evalEvery === 0 || epoch === o.epochs) {
        testAccuracy = labelAccuracy(layer, data);
        row.labelAccuracy = testAccuracy;
      }
      bar.done({
        r1: row.r1,
        ...(row.labelAccuracy !== undefined ? { acc: `${(100 * testAccuracy).toFixed(2)}%` } : {}),
      });
      const { tensors, metadata } = stateToTensors(layer.state());
      run.saveModel(tensors, metadata);
      run.appendMetrics(row);
      if (epoch < o.epochs)
        bar = createProgress({
          total: N,
          label: `epoch ${epoch + 1}/${o.epochs}`,
          unit: 'img',
          quiet: o.quiet,
        });
      epochStart = performance.now();
    },
  });
  if (Number.isNaN(testAccuracy)) testAccuracy = labelAccuracy(layer, data);
  saveReceptiveFields(layer, data.train, run.figurePath('receptive-fields.png'));
  const seconds = (performance.now() - t0) / 1000;
  if (!o.quiet) console.error(`trained in ${formatDuration(seconds)}`);
  return { run, layer, data, testAccuracy, seconds };
}

/** Loads a trained run's layer and data (for eval). */
export function loadRun(
  run: Run,
  backend: Backend = getBackend(),
): { layer: SoftHebb; data: Split; options: TrainRunOptions } {
  const options = run.config.options as unknown as TrainRunOptions;
  const layer = new SoftHebb(layerOptions(options), { backend });
  layer.setState(stateFromTensors(run.loadModel(), run.paths.model));
  return { layer, data: loadTrainingData(options), options };
}
