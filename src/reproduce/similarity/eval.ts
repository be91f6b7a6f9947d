// `hebb similarity eval <run>`: the fixed points of a trained run's network as features for a
// LinearSVC (C = 1); the test error is added to the run's metrics.json.
import type { Backend } from '../../backend/types.ts';
import { describe, integer, pick, type ParamSpec, type Resolved } from '../../model/params.ts';
import { LinearSVC } from '../../readout/linear-svc.ts';
import { openRun } from '../../run/run-dir.ts';
import { SimilarityNetwork } from '../../similarity/network.ts';
import { RUN_OPTIONS } from '../experiment.ts';
import { loadImages } from './images.ts';
import type { TrainFlags } from './train.ts';
import { count } from '../../model/wording.ts';

export const EVAL_OPTIONS = {
  trainSamples: describe(integer({ min: 1 }), 'images to fit the SVM on (default all)'),
  testSamples: describe(integer({ min: 1 }), 'test images (default all)'),
  ...pick(RUN_OPTIONS, 'json'),
} satisfies ParamSpec;

export type EvalFlags = Resolved<typeof EVAL_OPTIONS>;

/** The metrics row eval adds. */
export interface EvalRow {
  eval: 'linear-svc';
  errorPct: number;
  trainSamples: number;
  testSamples: number;
  seconds: number;
}

/**
 * Evaluates the run in `dir` on its data set (subsets drawn by the run's seed) and appends the
 * row to its metrics.json; returns the row and that file's path.
 */
export function evaluateRun(
  dir: string,
  o: EvalFlags,
  backend: Backend,
): { row: EvalRow; metrics: string } {
  const run = openRun(dir);
  const net = run.loadModel({ expect: SimilarityNetwork, backend });
  const trained = run.config.options as unknown as TrainFlags;
  const t0 = performance.now();
  const { train, test } = loadImages(trained, o.trainSamples, o.testSamples, run.config.seed);
  const svc = new LinearSVC({ C: 1, warn: false, backend }).fit(
    net.transform(train.x, { chunk: 500 }),
    train.y,
  );
  const errorPct = 100 * (1 - svc.score(net.transform(test.x, { chunk: 500 }), test.y));
  const row: EvalRow = {
    eval: 'linear-svc',
    errorPct,
    trainSamples: train.x.rows,
    testSamples: test.x.rows,
    seconds: (performance.now() - t0) / 1000,
  };
  run.appendMetrics({ ...row });
  return { row, metrics: run.paths.metrics };
}

/** The command's output: one line of text, or the JSON object with --json. */
export function evalOutput(
  dir: string,
  r: { row: EvalRow; metrics: string },
  json: boolean,
): string {
  if (json) return JSON.stringify({ run: dir, ...r.row });
  return `${dir}: test error ${r.row.errorPct.toFixed(2)} % on ${count(r.row.testSamples, 'image')} (SVM fit on ${r.row.trainSamples}); added to ${r.metrics}`;
}
