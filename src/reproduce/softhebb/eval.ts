// `hebb softhebb eval RUN`: a trained run's layer read out — by label assignment (the paper's
// 1-layer network) or by a linear classifier (2-layer) — the result added to its metrics.json.
import type { Backend } from '../../backend/types.ts';
import { describe, oneOf, pick, type ParamSpec } from '../../model/params.ts';
import { openRun } from '../../run/run-dir.ts';
import { SoftHebb } from '../../softhebb/layer.ts';
import {
  authorsReadoutOptions,
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
    oneOf(['label', 'linear', 'authors'] as const, { default: 'label' }),
    'label (the 1-layer read-out), linear (a classifier on the standardised layer output: 2-layer) or authors (their classifier: unstandardised, PyTorch init, their CustomStepLR)',
    '<kind>',
  ),
  epochs: describe(READOUT_EPOCHS, 'epochs of the linear classifier'),
  activation: describe(
    LAYER_OUTPUT,
    `layer output for the classifier: triangle:3, triangle:0.7, repu:4.5, softmax:5, relu, … (default ${DEFAULT_READOUT_ACTIVATION}; authors softmax:5)`,
    '<act>',
  ),
  ...pick(RUN_OPTIONS, 'quiet', 'json'),
} satisfies ParamSpec;

export type EvalOptions = Omit<OptionsOf<typeof EVAL_OPTIONS>, 'out' | 'seed'>;

/** The metrics row an evaluation adds. */
export type EvalResult = {
  eval: 'label' | 'linear' | 'authors';
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
    const authors = o.readout === 'authors' ? authorsReadoutOptions(o.epochs) : {};
    const activation = o.activation ?? authors.activation ?? DEFAULT_READOUT_ACTIVATION;
    const r = linearAccuracy(layer, data, {
      ...authors,
      epochs: o.epochs,
      activation,
      fit: {
        onEpoch: (e) => {
          if (e % 10 === 0 || e === o.epochs) log?.(`classifier epoch ${e}/${o.epochs}`);
        },
      },
    });
    row = {
      eval: o.readout,
      activation,
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
      : `${r.eval === 'authors' ? "authors' classifier" : 'linear read-out'} (${r.activation}, ${count(r.epochs, 'epoch')})`;
  return `${dir}: ${what} test accuracy ${(100 * r.testAccuracy).toFixed(2)} %`;
}
