// `hebb attack RUN` and `hebb robustness RUN`: PGD and Gaussian noise on a SoftHebb layer
// trained by `hebb softhebb train`, through a linear read-out fitted once and kept in the run
// directory (docs/robustness.md); each adds its result to the run's metrics.json.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../backend/types.ts';
import { Rng } from '../../backend/rng.ts';
import type { Split } from '../../data/dataset.ts';
import { formatActivation, parseActivation } from '../../model/activation.ts';
import { describe, pick, seed, withDefault, type ParamSpec } from '../../model/params.ts';
import { noiseCurve, pgdCurve } from '../../robustness/curves.ts';
import { softHebbNetwork, stackNetwork, stackStages } from '../../robustness/networks.ts';
import { activationStage, type Pipeline } from '../../robustness/pipeline.ts';
import { openRun, type Run } from '../../run/run-dir.ts';
import { SoftHebb } from '../../softhebb/layer.ts';
import { fitFeatureReadout, fitLinearReadout } from '../../softhebb/readout.ts';
import { Sequential } from '../../stack/sequential.ts';
import { HebbError } from '../../errors.ts';
import { convSplit } from './conv.ts';
import { deepSplit, loadDeepData } from './deep.ts';
import { RUN_OPTIONS, type OptionsOf } from '../experiment.ts';
import { LAYER_OUTPUT, READOUT_EPOCHS } from './model-options.ts';
import { StandardizedClassifier } from '../../readout/standardized-classifier.ts';
import { loadReadout, saveReadout } from './readout-file.ts';
import { ATTACK_PARAMS, epsScale, NOISE_LEVELS } from './robustness-options.ts';
import { trainingDataOf } from './train.ts';
import { count } from '../../model/wording.ts';

/** How the run's layer is read out (both commands). */
const READOUT_OPTIONS = {
  activation: describe(
    LAYER_OUTPUT,
    "the layer's output at inference (default softmax at its inverse temperature)",
    '<f>',
  ),
  readoutEpochs: describe(
    READOUT_EPOCHS,
    'epochs of the linear read-out (fitted once, kept in the run)',
  ),
  seed: describe(seed(), 'seed of the read-out, the attacked subset and the random draws'),
  ...pick(RUN_OPTIONS, 'quiet', 'json'),
} satisfies ParamSpec;

export const ATTACK_OPTIONS = {
  eps: withDefault(ATTACK_PARAMS.eps, [4, 8, 16, 32, 64]),
  steps: withDefault(ATTACK_PARAMS.steps, 200),
  restarts: withDefault(ATTACK_PARAMS.restarts, 5),
  norm: ATTACK_PARAMS.norm,
  attackSamples: withDefault(ATTACK_PARAMS.attackSamples, 1000),
  ...READOUT_OPTIONS,
} satisfies ParamSpec;

export const NOISE_OPTIONS = {
  noise: withDefault(NOISE_LEVELS, [0, 0.1, 0.2, 0.4, 0.6, 0.8, 1]),
  ...READOUT_OPTIONS,
} satisfies ParamSpec;

type ReadoutFlags = Omit<OptionsOf<typeof READOUT_OPTIONS>, 'out'>;
export type AttackOptions = Omit<OptionsOf<typeof ATTACK_OPTIONS>, 'out'>;
export type NoiseOptions = Omit<OptionsOf<typeof NOISE_OPTIONS>, 'out'>;

/** Where the commands compute, and where their progress lines go (nowhere: quiet). */
export interface AttackHooks {
  backend: Backend;
  log?: (line: string) => void;
}

/** The read-out's file in the run: one per activation, epoch count and seed. */
export function readoutPath(run: Run, activation: string, o: ReadoutFlags): string {
  const name = activation.replace(/[^a-zA-Z0-9.]+/g, '-');
  return join(run.dir, `readout-${name}-e${o.readoutEpochs}-s${o.seed}.safetensors`);
}

/**
 * The run's network with its read-out: a SoftHebb layer (`hebb softhebb train`) or a conv stack
 * (`hebb reproduce softhebb-conv`). The read-out (for this activation, epoch count and seed) is
 * fitted on first use and saved beside the model, so later calls reuse it.
 */
function runNetwork(
  dir: string,
  o: ReadoutFlags,
  hooks: AttackHooks,
): { run: Run; net: Pipeline; data: Split; activation: string } {
  const run = openRun(dir);
  const model = run.loadModel({ backend: hooks.backend });
  if (model instanceof Sequential) return stackRunNetwork(run, model, o, hooks);
  if (!(model instanceof SoftHebb))
    throw new HebbError(
      `${dir} holds a ${model.modelName}; attacks take a run of hebb softhebb train (a SoftHebb layer) or of hebb reproduce softhebb-conv (a conv stack)`,
    );
  return layerRunNetwork(run, model, o, hooks);
}

/** The saved read-out at `file`, or one fitted now by `fit` and saved there. */
function readoutOf(
  file: string,
  what: string,
  o: ReadoutFlags,
  { backend, log = () => {} }: AttackHooks,
  fit: () => StandardizedClassifier,
): StandardizedClassifier {
  if (existsSync(file)) {
    log(`read-out: ${file} (saved earlier)`);
    return loadReadout(file, backend);
  }
  log(`fitting the linear read-out on ${what} (${count(o.readoutEpochs, 'epoch')}) …`);
  const readout = fit();
  saveReadout(readout, file, { activation: what, epochs: o.readoutEpochs });
  log(`read-out saved: ${file}`);
  return readout;
}

function layerRunNetwork(run: Run, layer: SoftHebb, o: ReadoutFlags, hooks: AttackHooks) {
  const act = parseActivation(
    o.activation ?? `softmax:${layer.options.inverseTemperature}`,
    undefined,
    '--activation',
  );
  activationStage(hooks.backend, act); // refuses an activation without a gradient, with the reason
  const text = formatActivation(act);
  const data = trainingDataOf(run);
  const readout = readoutOf(readoutPath(run, text, o), text, o, hooks, () =>
    StandardizedClassifier.of(
      fitLinearReadout(layer, data, { epochs: o.readoutEpochs, activation: text, seed: o.seed }),
    ),
  );
  return { run, net: softHebbNetwork(layer, act, readout), data, activation: text };
}

/**
 * A conv stack, each layer with its own activation (the run's), read out linearly on the
 * stack's output — standardised, as the reproduction's read-out — on the run's own data
 * (its --quick subset included).
 */
function stackRunNetwork(run: Run, stack: Sequential, o: ReadoutFlags, hooks: AttackHooks) {
  if (o.activation !== undefined)
    throw new HebbError(
      `--activation applies to a single SoftHebb layer; ${run.dir} is a conv stack whose layers keep their own activations; leave it out`,
    );
  stackStages(stack); // refuses a stack attacks cannot reach through, before any read-out is fitted
  const data = stackRunData(run);
  const text = 'stack';
  const inputs = data.train.x.cols;
  const readout = readoutOf(readoutPath(run, text, o), text, o, hooks, () =>
    StandardizedClassifier.of(
      fitFeatureReadout((x) => stack.transform(x), data, hooks.backend, {
        epochs: o.readoutEpochs,
        seed: o.seed,
      }),
    ),
  );
  return { run, net: stackNetwork(stack, readout, inputs), data, activation: text };
}

/** The images a conv or deep reproduction's run was trained and tested on (its subsets too). */
function stackRunData(run: Run): Split {
  const f = run.config.options as Record<string, unknown>;
  if (run.config.command === 'reproduce softhebb-conv')
    return convSplit(trainingDataOf(run), f.quick === true);
  if (run.config.command === 'reproduce softhebb-deep') {
    const flags = f as { dataset?: string; dataDir?: string; train?: number; quick?: boolean };
    return deepSplit(loadDeepData({ ...flags, dataset: flags.dataset ?? 'mnist' }), flags);
  }
  throw new HebbError(
    `${run.dir} holds a stack written by ${run.config.command}; attacks take runs of hebb softhebb train, hebb reproduce softhebb-conv or hebb reproduce softhebb-deep`,
  );
}

/** What `hebb attack` adds to the run's metrics.json (and prints with --json). */
export type AttackResult = {
  eval: 'attack';
  activation: string;
  norm: 'linf' | 'l2';
  steps: number;
  restarts: number;
  samples: number;
  points: { eps: number; accuracy: number; interval: [number, number]; seconds: number }[];
};

/** PGD on the run's network at each ε, on test images fixed by the seed. */
export function attackRun(dir: string, o: AttackOptions, hooks: AttackHooks): AttackResult {
  const { run, net, data, activation } = runNetwork(dir, o, hooks);
  const idx = new Rng(o.seed + 1, hooks.backend)
    .permutation(data.test.x.rows)
    .subarray(0, Math.min(o.attackSamples, data.test.x.rows));
  const x = data.test.x.gatherRows(idx);
  const y = Array.from(idx, (i) => data.test.y[i]);
  const pts = pgdCurve(
    net,
    x,
    y,
    o.eps.map((e) => e * epsScale(o.norm)),
    { norm: o.norm, steps: o.steps, restarts: o.restarts, seed: o.seed },
    hooks.log,
  );
  const row: AttackResult = {
    eval: 'attack',
    activation,
    norm: o.norm,
    steps: o.steps,
    restarts: o.restarts,
    samples: x.rows,
    points: pts.map((p) => ({
      eps: p.level / epsScale(o.norm),
      accuracy: p.accuracy,
      interval: p.interval,
      seconds: p.seconds,
    })),
  };
  run.appendMetrics(row);
  return row;
}

/** A line per ε. */
export function attackReport(r: AttackResult): string[] {
  return r.points.map(
    (p) =>
      `ε = ${p.eps}${r.norm === 'linf' ? '/255' : ' (L2)'}: ${(100 * p.accuracy).toFixed(1)} % robust [${(100 * p.interval[0]).toFixed(1)}, ${(100 * p.interval[1]).toFixed(1)}] of ${r.samples} test images`,
  );
}

/** What `hebb robustness` adds to the run's metrics.json (and prints with --json). */
export type NoiseResult = {
  eval: 'noise';
  activation: string;
  points: { sigma: number; accuracy: number; interval: [number, number] }[];
};

/** Accuracy on the whole test set under each noise level. */
export function noiseRun(
  dir: string,
  o: NoiseOptions,
  hooks: AttackHooks,
): { row: NoiseResult; testImages: number } {
  const { run, net, data, activation } = runNetwork(dir, o, hooks);
  const pts = noiseCurve(net, data.test.x, data.test.y, o.noise, o.seed);
  const row: NoiseResult = {
    eval: 'noise',
    activation,
    points: pts.map((p) => ({ sigma: p.level, accuracy: p.accuracy, interval: p.interval })),
  };
  run.appendMetrics(row);
  return { row, testImages: data.test.x.rows };
}

/** A line per σ. */
export function noiseReport(r: NoiseResult, testImages: number): string[] {
  return r.points.map(
    (p) => `σ = ${p.sigma}: ${(100 * p.accuracy).toFixed(2)} % of ${testImages} test images`,
  );
}
