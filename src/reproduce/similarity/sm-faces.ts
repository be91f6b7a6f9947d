// `hebb reproduce sm-faces` (Sec. 6.2 / Fig. 3): three locally connected layers with feedback
// on faces, one network per γ, features by reverse correlation; figures and report.md.
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.ts';
import {
  MAX_EPOCHS,
  boolean,
  describe,
  integer,
  listOf,
  number,
  oneOf,
  withDefault,
  type ParamSpec,
} from '../../model/params.ts';
import { lineChart } from '../../report/charts.ts';
import { saveChart, saveImageGrid } from '../../report/render.ts';
import type { ExperimentContext } from '../context.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { directory } from '../options.ts';
import { duration } from './duration.ts';
import { facesLayers, featureFigure, runFaces, type FacesResult } from './faces.ts';
import { loadFaces, type FacesData } from './faces-data.ts';
import { facesReport, type FacesRow } from './faces-report.ts';
import { SM_SPEC } from './model-options.ts';
import { count } from '../../model/wording.ts';

export const FACES_OPTIONS = {
  data: describe(
    oneOf(['auto', 'lfw', 'lfw-subset'] as const, { default: 'auto' }),
    'lfw (64×64, `hebb data fetch lfw`), lfw-subset (skimage, 25×25) or auto (lfw when present)',
  ),
  dataDir: describe(directory(), 'folder of the data set', '<dir>'),
  feedback: describe(
    listOf(number({ min: 0 }), { default: [0.01] }),
    'feedback strengths γ, comma separated (one network each)',
  ),
  images: describe(integer({ min: 1 }), 'training images (default all)'),
  epochs: describe(
    integer({ min: 1, max: MAX_EPOCHS }),
    'passes over the images (default 1 on lfw, 20 on lfw-subset)',
  ),
  batchSize: withDefault(SM_SPEC.batchSize, 10),
  rfImages: describe(
    integer({ min: 1, default: 2000 }),
    'images the reverse correlation averages over',
  ),
  pixelStd: describe(
    number({ gt: 0, default: 0.25 }),
    'standard deviation each image is scaled to',
  ),
  homeostasis: describe(
    number({ min: 0, default: 0 }),
    'decorrelating regulariser α of layers 2 and 3 (their inputs are non-negative); 0 = none',
    '<α>',
  ),
  quick: describe(boolean({ default: false }), 'smoke test: at most 300 images and 2 epochs'),
} satisfies ParamSpec;

export type FacesFlags = OptionsOf<typeof FACES_OPTIONS>;

/** The network's options sm-faces takes in another form or with another default. */
export const FACES_DIFFERS = {
  feedback: "a list of γ, one network each; Fig. 3's γ is 0.01",
  epochs: 'by the data when not given: one pass over LFW, 20 over the 90 subset faces',
  batchSize: 'updates summed over 10 faces: online learning (1) is far slower on 64×64 images',
  homeostasis:
    "one α for layers 2 and 3 (layer 1's input is signed), where the model takes one per layer",
};

/** The image count and epochs a run uses: --quick caps them at 300 and 2. */
export function facesSizes(o: FacesFlags): { images?: number; epochs?: number } {
  if (!o.quick) return { images: o.images, epochs: o.epochs };
  return { images: Math.min(o.images ?? 300, 300), epochs: Math.min(o.epochs ?? 2, 2) };
}

export interface FacesOutcome {
  report: string;
  data: FacesData['name'];
  side: number;
  rows: FacesRow[];
}

/** Fig. 3: each layer's features as a tiled image (PNG, and a titled SVG beside it). */
async function featureFigures(
  ctx: ExperimentContext,
  data: FacesData,
  gamma: number,
  res: FacesResult,
) {
  for (const [p, feat] of res.features.entries()) {
    const block = p === 2 ? 8 : 10;
    await saveImageGrid(
      join(ctx.run.paths.figures, `fig3-features-gamma${gamma}-layer${p + 1}.png`),
      featureFigure(res.net, p, feat, data.side, block),
      {
        title: `Layer ${p + 1} features, γ = ${gamma} (Fig. 3)`,
        subtitle: `the centre ${block}×${block} neurons of the grid, each cut to its reach; red positive, blue negative; grey: outside the reach`,
      },
    );
  }
}

/** The held-out cost over training, one line per γ. */
async function costFigure(ctx: ExperimentContext, results: { gamma: number; res: FacesResult }[]) {
  await saveChart(
    join(ctx.run.paths.figures, 'cost.svg'),
    lineChart(
      results.map(({ gamma, res }) => ({
        name: `γ = ${gamma}`,
        x: res.cost.samples,
        y: res.cost.cost,
      })),
      {
        title: 'Deep SM cost (Eq. 13), held-out faces',
        xlabel: 'training images',
        ylabel: 'cost',
      },
    ),
  );
}

const layerLine = (res: FacesResult) =>
  res.layers
    .map(
      (l) => `layer ${l.layer}: ${l.active}/${l.units} active, mean r ${l.meanResponse.toFixed(3)}`,
    )
    .join('; ');

export const smFaces = defineExperiment({
  command: 'reproduce sm-faces',
  needs: ['charts'],
  description:
    'similarity matching Sec. 6.2 / Fig. 3: three locally connected layers with feedback on faces, features by reverse correlation',
  options: FACES_OPTIONS,
  out: 'runs/sm-faces',
  models: [{ name: 'SimilarityNetwork', spec: SM_SPEC, differs: FACES_DIFFERS }],
  examples: [
    'hebb reproduce sm-faces --data lfw-subset',
    'hebb data fetch lfw && hebb reproduce sm-faces --data lfw',
  ],
  prepare: (o, backend) => {
    // Checks the geometry before the run directory exists.
    facesLayers(64);
    return loadFaces({ ...o, images: facesSizes(o).images }, backend);
  },
  run: async (ctx, data, o): Promise<FacesOutcome> => {
    const epochs = facesSizes(o).epochs ?? data.epochs;
    ctx.log(
      `${data.name}: ${data.train.rows} training faces (${data.side}×${data.side}), ${data.heldOut.rows} held out; ${count(epochs, 'epoch')}; backend ${ctx.backend.name}`,
    );
    const results: { gamma: number; res: FacesResult }[] = [];
    const rows: FacesRow[] = [];
    for (const gamma of o.feedback) {
      const res = await runFaces(data.train, data.heldOut, data.side, {
        gamma,
        epochs,
        batchSize: o.batchSize,
        seed: o.seed,
        backend: ctx.backend,
        rfImages: o.rfImages,
        homeostasis: o.homeostasis > 0 ? [0, o.homeostasis, o.homeostasis] : undefined,
        log: ctx.log,
        signal: ctx.signal,
      });
      results.push({ gamma, res });
      await featureFigures(ctx, data, gamma, res);
      const row: FacesRow = {
        gamma,
        trainSeconds: res.trainSeconds,
        meanSteps: res.meanSteps,
        finalCost: res.cost.cost.at(-1)!,
        layers: res.layers,
      };
      rows.push(row);
      ctx.run.appendMetrics({ ...row });
      ctx.log(`γ = ${gamma}: trained in ${duration(res.trainSeconds)}; ${layerLine(res)}`);
    }
    await costFigure(ctx, results);
    const report = join(ctx.run.dir, 'report.md');
    writeFileAtomic(report, facesReport({ ...o, epochs }, data, rows, ctx.backend.name));
    return { report, data: data.name, side: data.side, rows };
  },
  report: (r) => [
    `report: ${r.report}`,
    ...r.rows.map(
      (x) =>
        `γ = ${x.gamma}: ${duration(x.trainSeconds)}; active neurons ${x.layers.map((l) => `${l.active}/${l.units}`).join(', ')}`,
    ),
  ],
  json: (r) => r,
});
