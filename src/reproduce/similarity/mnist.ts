// Sec. 6.3 / Table 1: one locally connected similarity-matching layer on MNIST (per-image
// mean subtraction, stride 2, radius 4, tanh, laterals within a site), then a linear SVM
// (LinearSVC, C = 1) on the fixed points; test error per neurons-per-site (NPS).
import { existsSync, readFileSync } from 'node:fs';
import { loadModel, saveModel } from '../../io/model-file.ts';
import { decodeSafetensors } from '../../io/safetensors.ts';
import type { Backend } from '../../backend/types.ts';
import type { Dataset } from '../../data/dataset.ts';
import { LinearSVC } from '../../readout/linear-svc.ts';
import { SimilarityNetwork } from '../../similarity/network.ts';

/** Test error (%) per neurons per site in the paper's Table 1. */
export const PAPER_TABLE1: Record<number, number> = {
  4: 3.87,
  8: 2.41,
  16: 1.73,
  32: 1.6,
  64: 1.47,
  100: 1.4,
};

export interface MnistOptions {
  nps: number;
  epochs: number;
  batchSize: number;
  /** Samples per dynamics solve when computing features. */
  chunk: number;
  /** Solver tolerances to extract features at (one SVM and one row each); default the solver's. */
  featureTols?: number[];
  seed: number;
  svcMaxIter: number;
  backend: Backend;
  log: (s: string) => void;
  /** Stops training at the next batch (Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Where the trained network is saved (atomically) as soon as training ends; when the file
   * is already there (a resumed run), training is skipped and the network is read back.
   */
  checkpoint?: string;
}

export interface MnistRow {
  nps: number;
  seed: number;
  /** Stopping tolerance of the feature extraction. */
  featureTol: number;
  neurons: number;
  synapses: number;
  errorPct: number;
  trainAccPct: number;
  paperPct: number | null;
  trainSeconds: number;
  featureSeconds: number;
  svcSeconds: number;
  totalSeconds: number;
  meanSteps: number;
}

/** The Table 1 network: one locally connected tanh layer on 28×28 images, untrained. */
export function mnistNetwork(o: {
  nps: number;
  batchSize: number;
  epochs?: number;
  seed: number;
  backend: Backend;
}): SimilarityNetwork {
  return new SimilarityNetwork({
    input: [28, 28, 1],
    layers: [{ type: 'local', stride: 2, radius: 4, nps: o.nps }],
    activation: 'tanh',
    batchSize: o.batchSize,
    epochs: o.epochs ?? 1,
    // A seeded order per run (the authors split and order at random), so seeds vary both the
    // initial weights and the order of the samples.
    shuffle: true,
    seed: o.seed,
    backend: o.backend,
  });
}

/**
 * Trains one network, then per feature tolerance extracts features and fits the SVM (one row
 * each; the training time is shared). train/test are mean-subtracted.
 */
export async function runMnistNps(
  o: MnistOptions,
  train: Dataset,
  test: Dataset,
): Promise<{ rows: MnistRow[]; net: SimilarityNetwork }> {
  const t0 = performance.now();
  if (o.checkpoint && existsSync(o.checkpoint)) {
    const net = loadModel(o.checkpoint, { expect: SimilarityNetwork, backend: o.backend });
    // The training it took, as recorded when it was saved.
    const meta = decodeSafetensors(readFileSync(o.checkpoint), o.checkpoint).metadata;
    o.log(`  nps ${o.nps} seed ${o.seed}: trained network read from ${o.checkpoint}`);
    const rows = evaluate(
      o,
      net,
      train,
      test,
      Number(meta['hebb.train_seconds']),
      Number(meta['hebb.mean_steps']),
    );
    return { rows, net };
  }
  const net = mnistNetwork(o);
  let batches = 0;
  let last = performance.now();
  await net.fitAsync(train.x, {
    signal: o.signal,
    onProgress: (p) => {
      batches++;
      if (performance.now() - last > 30000) {
        last = performance.now();
        o.log(
          `  nps ${o.nps} epoch ${p.epoch}: ${p.done}/${p.total} samples, η = ${net.currentRate().toExponential(2)}`,
        );
      }
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const meanSteps = net.eulerSteps / Math.max(batches, 1);
  if (o.checkpoint) {
    saveModel(net, o.checkpoint, {
      'hebb.train_seconds': String(trainSeconds),
      'hebb.mean_steps': String(meanSteps),
    });
  }
  return { rows: evaluate(o, net, train, test, trainSeconds, meanSteps), net };
}

/** Features at each tolerance, and the SVM on them: one row each. */
function evaluate(
  o: MnistOptions,
  net: SimilarityNetwork,
  train: Dataset,
  test: Dataset,
  trainSeconds: number,
  meanSteps: number,
): MnistRow[] {
  const rows: MnistRow[] = [];
  for (const tol of o.featureTols ?? [net.solver.tol]) {
    o.log(
      `  nps ${o.nps} seed ${o.seed}: fixed points of ${train.x.rows + test.x.rows} images at tol ${tol}, then the SVM`,
    );
    const t1 = performance.now();
    const ftr = net.transform(train.x, { chunk: o.chunk, tol });
    const fte = net.transform(test.x, { chunk: o.chunk, tol });
    const t2 = performance.now();
    const svc = new LinearSVC({
      C: 1,
      maxIter: o.svcMaxIter,
      seed: o.seed,
      warn: false,
      backend: o.backend,
    });
    svc.fit(ftr, train.y);
    const acc = svc.score(fte, test.y);
    const trainAcc = svc.score(ftr, train.y);
    const t3 = performance.now();
    const featureSeconds = (t2 - t1) / 1000;
    const svcSeconds = (t3 - t2) / 1000;
    rows.push({
      nps: o.nps,
      seed: o.seed,
      featureTol: tol,
      neurons: net.units(0),
      synapses: net.W[0].w.length + net.L[0].w.length,
      errorPct: 100 * (1 - acc),
      trainAccPct: 100 * trainAcc,
      paperPct: PAPER_TABLE1[o.nps] ?? null,
      trainSeconds,
      featureSeconds,
      svcSeconds,
      totalSeconds: trainSeconds + featureSeconds + svcSeconds,
      meanSteps,
    });
    o.log(
      `  nps ${o.nps} seed ${o.seed}, features at tol ${tol}: test error ${rows.at(-1)!.errorPct.toFixed(2)} %`,
    );
  }
  return rows;
}
