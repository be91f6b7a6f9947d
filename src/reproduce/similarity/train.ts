// `hebb similarity train`: a similarity-matching network (by default one locally connected
// tanh layer; any architecture with --layers) trained into a run directory, the whole network
// saved and a metrics row written after every epoch.
import type { Backend } from '../../backend/types.ts';
import type { Dataset } from '../../data/dataset.ts';
import { ValueError } from '../../errors.ts';
import {
  custom,
  describe,
  integer,
  pick,
  withDefault,
  type Param,
  type ParamSpec,
} from '../../model/params.ts';
import { formatSchedule, type Schedule } from '../../model/schedule.ts';
import type { Run } from '../../run/run-dir.ts';
import { SimilarityNetwork } from '../../similarity/network.ts';
import type { LayerSpec } from '../../similarity/structure.ts';
import type { ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { dataName, directory } from '../options.ts';
import { DATA_FILE_OPTIONS } from '../data-options.ts';
import { duration } from './duration.ts';
import { loadImages } from './images.ts';
import { SM_SPEC } from './model-options.ts';
import { named } from '../options.ts';
import { saveReceptiveFieldFigures } from './receptive-fields.ts';

const LAYERS_EXAMPLE = '\'[{"type":"dense","units":64}]\'';

/** --layers: layer specs as a JSON array (docs/api.md), or the array itself. */
export function layerSpecs(v: unknown, name: string): LayerSpec[] {
  let specs = v;
  if (typeof v === 'string') {
    try {
      specs = JSON.parse(v);
    } catch (e) {
      throw new ValueError(`${name} must be JSON, e.g. ${LAYERS_EXAMPLE}: ${(e as Error).message}`);
    }
  }
  if (
    !Array.isArray(specs) ||
    specs.length === 0 ||
    specs.some((l) => l === null || typeof l !== 'object')
  ) {
    throw new ValueError(`${name} must be a JSON array of layer objects, e.g. ${LAYERS_EXAMPLE}`);
  }
  return specs as LayerSpec[];
}

export const TRAIN_OPTIONS = {
  dataset: describe(dataName(), 'mnist, fashion-mnist or cifar10', '<name>'),
  dataDir: describe(directory(), 'folder of the data set', '<dir>'),
  ...DATA_FILE_OPTIONS,
  nps: describe(
    integer({ min: 1, max: 10_000, default: 16 }),
    'neurons per site of the default layer',
  ),
  // Kept as given (JSON text from the command line), read by layerSpecs.
  layers: describe(
    custom<string | LayerSpec[]>('a JSON array of layer specs', (v, name) => {
      layerSpecs(v, name);
      return v as string | LayerSpec[];
    }),
    'any architecture instead: a JSON array of layer specs, e.g. \'[{"type":"local","stride":2,"radius":4,"nps":8},{"type":"dense","units":64}]\'',
    '<json>',
  ),
  activation: withDefault(SM_SPEC.activation, 'tanh'),
  feedback: named(SM_SPEC.feedback, '<γ>'),
  // The model's default rate written as text, as --help and config.json show a given one.
  lr: withDefault(
    named(SM_SPEC.lr, '<schedule>') as Param<Schedule | string>,
    formatSchedule(SM_SPEC.lr.fallback!()),
  ),
  trainSamples: describe(integer({ min: 1 }), 'training images (default all)'),
  ...pick(SM_SPEC, 'epochs'),
  batchSize: withDefault(SM_SPEC.batchSize, 100),
} satisfies ParamSpec;

export type TrainFlags = OptionsOf<typeof TRAIN_OPTIONS>;

/** The network's defaults `similarity train` replaces. */
export const TRAIN_DIFFERS = {
  lr: "the model's own default (the authors' rate), as text",
  activation: "the model requires one; tanh is the paper's for image data (Table 1)",
  batchSize:
    'mini-batches of 100 (the dynamics of a batch solved at once): online learning (1) on image data is far slower',
};

export interface TrainResult {
  model: string;
  /** The receptive-field figures (SVG names), for a first layer on the image grid. */
  figures: string[];
  seconds: number;
}

/** The training images and the untrained network, before the run directory exists. */
export function prepareTraining(
  o: TrainFlags,
  backend: Backend,
): { train: Dataset; net: SimilarityNetwork } {
  // One test image: eval draws the test set.
  const { train } = loadImages(o, o.trainSamples, 1, o.seed);
  const net = new SimilarityNetwork({
    input: train.shape,
    layers:
      o.layers === undefined
        ? [{ type: 'local', stride: 2, radius: 4, nps: o.nps }]
        : layerSpecs(o.layers, 'layers'),
    activation: o.activation,
    feedback: o.feedback,
    lr: o.lr,
    batchSize: o.batchSize,
    epochs: o.epochs,
    seed: o.seed,
    backend,
  });
  return { train, net };
}

/** Trains (or resumes) into ctx.run: the network and a metrics row after every epoch. */
export async function trainNetwork(
  ctx: ExperimentContext,
  p: { train: Dataset; net: SimilarityNetwork },
  o: TrainFlags,
): Promise<TrainResult> {
  const run = ctx.run;
  const resume = run.resumed && run.hasModel();
  const net = resume ? run.loadModel({ expect: SimilarityNetwork, backend: ctx.backend }) : p.net;
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
}

/** What an interrupted run kept, and how to continue it. */
function savedNetwork(run: Run): string {
  return run.hasModel()
    ? `${run.paths.model} holds the last finished epoch; continue with: hebb similarity train --out ${run.dir} --resume`
    : `nothing was saved in ${run.dir}`;
}

export const similarityTrain = defineExperiment({
  command: 'similarity train',
  description:
    'train a similarity-matching network (default: one locally connected layer, stride 2, radius 4, tanh) into a run directory; the whole network is saved after every epoch',
  options: TRAIN_OPTIONS,
  out: 'runs/similarity',
  models: [{ name: 'SimilarityNetwork', spec: SM_SPEC, differs: TRAIN_DIFFERS }],
  examples: [
    'hebb similarity train --nps 8 --train-samples 10000 --out runs/sm8',
    'hebb similarity eval runs/sm8',
    'hebb similarity train --layers \'[{"type":"local","stride":2,"radius":4,"nps":4},{"type":"dense","units":32}]\' --feedback 0.5 --out runs/deep',
  ],
  prepare: prepareTraining,
  run: trainNetwork,
  report: (r) => [
    `saved ${r.model} (trained in ${duration(r.seconds)})${r.figures.length ? `; figures: ${r.figures.join(', ')}` : ''}`,
  ],
  json: (r) => r,
  saved: savedNetwork,
});
