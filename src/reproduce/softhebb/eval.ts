// `hebb softhebb eval RUN`: a trained run's layer read out — by label assignment (the paper's
// 1-layer network) or by a linear classifier (2-layer) — the result added to its metrics.json.
import type { Backend } from '../../backend/types.ts';
import { describe, oneOf, pick, withDefault, type ParamSpec } from '../../model/params.ts';
import { openRun } from '../../run/run-dir.ts';
import { SoftHebb } from '../../softhebb/layer.ts';
import {
  DEFAULT_READOUT_ACTIVATION,
  labelAccuracy,
  linearAccuracy,
} from '../../softhebb/readout.ts';
import { RUN_OPTIONS, type OptionsOf } from '../experiment.ts';
import { LAYER_OUTPUT, READOUT_EPOCHS } from './model-options.ts';
import { trainingDataOf } from './train.ts';
import { count } from '../../model/wording.ts';

export const EVAL_OPTIONS = {
  readout: describe(
    oneOf(['label', 'linear'] as const, { default: 'label' }),
    'label (the 1-layer read-out) or linear (a classifier on the layer: 2-layer)',
    '<kind>',
  ),
  epochs: describe(READOUT_EPOCHS, 'epochs of the linear classifier'),
  activation: describe(
    withDefault(LAYER_OUTPUT, DEFAULT_READOUT_ACTIVATION),
    'layer output for the classifier: triangle:3, triangle:0.7, repu:4.5, softmax:5, relu, …',
    '<act>',
  ),
  ...pick(RUN_OPTIONS, 'quiet', 'json'),
} satisfies ParamSpec;

export type EvalOptions = Omit<OptionsOf<typeof EVAL_OPTIONS>, 'out' | 'seed'>;

/** The metrics row an evaluation adds. */
export type EvalResult = {
  eval: 'label' | 'linear';
  activation?: string;
  epochs?: number;
  testAccuracy: number;
  trainLoss?: number;
  seconds: number;
};

/**
 * Reads the run's layer and data set, evaluates it and appends the result to its metrics.json.
 * `log` hears the classifier's progress (every 10 epochs).
 */
export function evaluateRun(
  dir: string,
  o: EvalOptions,
  { backend, log }: { backend: Backend; log?: (line: string) => void },
): EvalResult {
  const run = openRun(dir);
  const layer = run.loadModel({ expect: SoftHebb, backend });
  const data = trainingDataOf(run);
  const t0 = performance.now();
  let row: Omit<EvalResult, 'seconds'>;
  if (o.readout === 'label') {
    row = { eval: 'label', testAccuracy: labelAccuracy(layer, data) };
  } else {
    const r = linearAccuracy(layer, data, {
      epochs: o.epochs,
      activation: o.activation,
      fit: {
        onEpoch: (e) => {
          if (e % 10 === 0 || e === o.epochs) log?.(`classifier epoch ${e}/${o.epochs}`);
        },
      },
    });
    row = {
      eval: 'linear',
      activation: o.activation,
      epochs: o.epochs,
      testAccuracy: r.accuracy,
      trainLoss: r.trainLoss,
    };
  }
  const result = { ...row, seconds: (performance.now() - t0) / 1000 };
  run.appendMetrics(result);
  return result;
}

/** The result as the command prints it. */
export function evalReport(dir: string, r: EvalResult): string {
  const what =
    r.eval === 'label'
      ? 'label read-out'
      : `linear read-out (${r.activation}, ${count(r.epochs, 'epoch')})`;
  return `${dir}: ${what} test accuracy ${(100 * r.testAccuracy).toFixed(2)} %`;
}
