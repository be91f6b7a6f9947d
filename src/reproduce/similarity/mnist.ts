// Sec. 6.3 / Table 1: one locally connected similarity-matching layer on MNIST (per-image
// mean subtraction, stride 2, radius 4, tanh, laterals within a site), then a linear SVM
// (LinearSVC, C = 1) on the fixed points; test error per neurons-per-site (NPS).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, saveModel } from '../../io/model-file.ts';
import { decodeSafetensors } from '../../io/safetensors.ts';
import { Matrix } from '../../backend/matrix.ts';
import type { Backend } from '../../backend/types.ts';
import type { Dataset } from '../../data/dataset.ts';
import { LinearSVC } from '../../readout/linear-svc.ts';
import { receptiveFieldGrid } from '../../report/image-grid.ts';
import { saveImageGrid } from '../../report/render.ts';
import { SimilarityNetwork } from '../../similarity/network.ts';

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

/**
 * Receptive fields of unit `unit` of every site, each drawn in its own window around the
 * site centre, tiled in the sites' grid order (so the figure is laid out like the image).
 */
export function siteReceptiveFields(
  net: SimilarityNetwork,
  unit: number,
): { fields: Matrix; present: Matrix } {
  const s = net.layers[0];
  const g = s.grid!;
  const { map } = s.ff;
  const [, W] = g.input;
  const win = windowOf(g.stride, g.radius);
  const fields = Matrix.zeros(map.sites, win.size * win.size);
  // 1 where the pixel is a synapse of the site: the disc of the radius, cut at the image edge
  const present = Matrix.zeros(map.sites, win.size * win.size);
  for (let site = 0; site < map.sites; site++) {
    const [i, j] = [Math.floor(site / g.cols), site % g.cols];
    const [y0, x0] = [win.start(i), win.start(j)];
    const o0 = map.offsets[site];
    const P = map.offsets[site + 1] - o0;
    for (let k = 0; k < P; k++) {
      const pix = map.indices[o0 + k];
      const [py, px] = [Math.floor(pix / W) - y0, (pix % W) - x0];
      if (py < 0 || px < 0 || py >= win.size || px >= win.size)
        throw new Error(
          `siteReceptiveFields: site ${site} reaches outside its ${win.size}×${win.size} window`,
        );
      const at = site * win.size * win.size + py * win.size + px;
      fields.data[at] = net.W[0].w[map.unitsPerSite * o0 + unit * P + k];
      present.data[at] = 1;
    }
  }
  return { fields, present };
}

/** All units of one site in its window. */
export function unitsOfSite(
  net: SimilarityNetwork,
  site: number,
): { fields: Matrix; present: Matrix } {
  const n = net.layers[0].ff.map.unitsPerSite;
  const all = Array.from({ length: n }, (_, u) => siteReceptiveFields(net, u));
  const cols = all[0].fields.cols;
  const fields = Matrix.zeros(n, cols);
  const present = Matrix.zeros(n, cols);
  all.forEach((r, u) => {
    fields.data.set(r.fields.row(site), u * cols);
    present.data.set(r.present.row(site), u * cols);
  });
  return { fields, present };
}

function windowOf(stride: number, radius: number) {
  const c = stride / 2; // centre of site 0
  const lo = Math.ceil(c - radius - 0.5);
  const hi = Math.floor(c + radius - 0.5);
  return { size: hi - lo + 1, start: (i: number) => i * stride + lo };
}

/** Gaps and pixels outside a field: a light grey, apart from white (a weight of 0). */
const LIGHT: [number, number, number] = [212, 212, 212];

export async function saveReceptiveFieldFigures(
  net: SimilarityNetwork,
  dir: string,
  tag: string,
): Promise<string[]> {
  const g = net.layers[0].grid!;
  const win = windowOf(g.stride, g.radius);
  const n = net.layers[0].ff.map.unitsPerSite;
  // One colour scale per figure (± the 99.5th percentile of |w|), so sites compare; pixels
  // outside a site's field (the window's corners, past the image edge) are left grey.
  const site = siteReceptiveFields(net, 0);
  const a = `rf-nps${tag}-unit0-per-site`;
  await saveImageGrid(
    join(dir, `${a}.png`),
    receptiveFieldGrid(site.fields, {
      height: win.size,
      width: win.size,
      columns: g.cols,
      signed: true,
      sharedRange: true,
      present: site.present,
      border: LIGHT,
      scale: 4,
      padding: 2,
    }),
    {
      title: `Neuron 0 of every site (${g.rows}×${g.cols} sites, ${win.size}×${win.size} windows, radius ${g.radius})`,
      subtitle: 'red positive, blue negative, one scale for all sites; grey: not a synapse',
    },
  );
  const centre = Math.floor(g.rows / 2) * g.cols + Math.floor(g.cols / 2);
  const units = unitsOfSite(net, centre);
  const b = `rf-nps${tag}-centre-site-units`;
  await saveImageGrid(
    join(dir, `${b}.png`),
    receptiveFieldGrid(units.fields, {
      height: win.size,
      width: win.size,
      signed: true,
      sharedRange: true,
      present: units.present,
      border: LIGHT,
      scale: 8,
    }),
    {
      title: `All ${n} neurons of the centre site (${win.size}×${win.size} window)`,
      subtitle: 'red positive, blue negative, one scale; grey: not a synapse',
    },
  );
  return [`${a}.svg`, `${b}.svg`];
}
