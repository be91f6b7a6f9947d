// `hebb reproduce sm-faces`: the similarity-matching faces experiment (Sec. 6.2, Fig. 3) on
// LFW (64×64, the paper's geometry) or skimage's 25×25 LFW subset (geometry scaled).
import { join } from 'node:path';
import type { Command } from 'commander';
import { Matrix } from '../backend/matrix.ts';
import { getBackend } from '../backend/registry.ts';
import type { Backend } from '../backend/types.ts';
import { findLfw, findLfwSubset, lfw, lfwSubset } from '../data/lfw.ts';
import { HebbError } from '../errors.ts';
import { Rng } from '../backend/index.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { lineChart } from '../report/charts.ts';
import { saveChart, saveImageGrid } from '../report/render.ts';
import {
  facesLayers,
  featureFigure,
  pixelMean,
  runFaces,
  standardiseImages,
  type FacesResult,
} from '../reproduce/similarity/faces.ts';
import { runExperiment } from './experiment.ts';
import { addRunFlags, intFlag, listFlag, numFlag, type RunFlags } from './flags.ts';
import type { CliIO } from './io.ts';

interface FacesFlags extends RunFlags {
  data: string;
  dataDir?: string;
  feedback: number[];
  images?: number;
  epochs?: number;
  batchSize: number;
  rfImages: number;
  pixelStd: number;
  homeostasis: number;
  quick?: boolean;
}

interface FacesData {
  name: 'lfw' | 'lfw-subset';
  side: number;
  train: Matrix;
  heldOut: Matrix;
  /** Epochs when --epochs is not given: one pass over LFW, 20 over the 90 subset faces. */
  epochs: number;
}

/**
 * Grey faces, each standardised to mean 0 and standard deviation `pixelStd`, then centred by
 * the training set's average face so that reverse correlation shows what a neuron prefers
 * over the average. The scale matters with f = clip(u, 0, 1): similarity matching makes
 * outputs as large as inputs, and at std 1 most deep neurons sit at the cap (measured on
 * lfw-subset: 85 % of layer-3 responses at 1, against 50 % at std 0.25).
 */
function loadFaces(f: FacesFlags, backend: Backend): FacesData {
  if (f.data === 'auto' && !findLfw(f.dataDir) && !findLfwSubset(f.dataDir)) {
    throw new HebbError(
      'sm-faces: no faces found — neither LFW (`hebb data fetch lfw`, 181 MB) nor the 200-image lfw-subset (Debian python3-skimage); get one, or pass --data-dir',
    );
  }
  const which = f.data === 'auto' ? (findLfw(f.dataDir) ? 'lfw' : 'lfw-subset') : f.data;
  let name: FacesData['name'];
  let train: Matrix;
  let test: Matrix;
  let side: number;
  if (which === 'lfw') {
    const s = lfw({ dir: f.dataDir });
    [name, train, test, side] = ['lfw', s.train.x, s.test.x, s.train.shape[0]];
  } else if (which === 'lfw-subset') {
    const s = lfwSubset({ dir: f.dataDir });
    const faces = (ds: typeof s.train) =>
      ds.x.gatherRows(Array.from(ds.y).flatMap((y, i) => (y === 0 ? [i] : [])));
    [name, train, test, side] = ['lfw-subset', faces(s.train), faces(s.test), s.train.shape[0]];
  } else {
    throw new Error(`--data must be auto, lfw or lfw-subset, got '${f.data}'`);
  }
  if (f.images !== undefined && f.images < train.rows) {
    const order = new Rng(f.seed, backend).permutation(train.rows);
    train = train.gatherRows(order.subarray(0, f.images));
  }
  const x = standardiseImages(train);
  const h = standardiseImages(test);
  const mean = pixelMean(x, backend);
  backend.addRowVector(x, mean, -1);
  backend.addRowVector(h, mean, -1);
  backend.scale(f.pixelStd, x);
  backend.scale(f.pixelStd, h);
  return { name, side, train: x, heldOut: h, epochs: name === 'lfw' ? 1 : 20 };
}

const fmt = (s: number) => (s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

export function registerFacesReproduction(reproduce: Command, io: CliIO): void {
  const cmd = reproduce
    .command('sm-faces')
    .description(
      'similarity matching Sec. 6.2 / Fig. 3: three locally connected layers with feedback on faces, features by reverse correlation',
    )
    .option(
      '--data <name>',
      'lfw (64×64, `hebb data fetch lfw`), lfw-subset (skimage, 25×25) or auto (lfw when present)',
      'auto',
    )
    .option('--data-dir <dir>', 'folder of the data set')
    .option(
      '--feedback <list>',
      'feedback strengths γ, comma separated (one network each)',
      listFlag('--feedback', numFlag('--feedback', { min: 0 })),
      [0.01],
    )
    .option('--images <n>', 'training images (default all)', intFlag('--images'))
    .option(
      '--epochs <n>',
      'passes over the images (default 1 on lfw, 20 on lfw-subset)',
      intFlag('--epochs'),
    )
    .option('--batch-size <n>', 'images per summed update', intFlag('--batch-size'), 10)
    .option(
      '--rf-images <n>',
      'images the reverse correlation averages over',
      intFlag('--rf-images'),
      2000,
    )
    .option(
      '--pixel-std <v>',
      'standard deviation each image is scaled to',
      numFlag('--pixel-std', { gt: 0 }),
      0.25,
    )
    .option(
      '--homeostasis <α>',
      'decorrelating regulariser α of layers 2 and 3 (their inputs are non-negative); 0 = none',
      numFlag('--homeostasis', { min: 0 }),
      0,
    )
    .option('--quick', 'smoke test: at most 300 images and 2 epochs');
  addRunFlags(cmd, { out: 'runs/sm-faces' })
    .addHelpText(
      'after',
      '\nExamples:\n  $ hebb reproduce sm-faces --data lfw-subset\n  $ hebb data fetch lfw && hebb reproduce sm-faces --data lfw',
    )
    .action(async (flags: FacesFlags, c: Command) => {
      const f = flags.quick
        ? {
            ...flags,
            images: Math.min(flags.images ?? 300, 300),
            epochs: Math.min(flags.epochs ?? 2, 2),
          }
        : flags;
      await runExperiment(
        {
          command: 'reproduce sm-faces',
          prepare: (o, backend) => {
            if (!['auto', 'lfw', 'lfw-subset'].includes(o.data)) {
              throw new Error(`--data must be auto, lfw or lfw-subset, got '${o.data}'`);
            }
            // Checks the geometry before the run directory exists.
            facesLayers(64);
            return loadFaces(o, backend);
          },
          run: async (ctx, data, o) => {
            const epochs = o.epochs ?? data.epochs;
            ctx.log(
              `${data.name}: ${data.train.rows} training faces (${data.side}×${data.side}), ${data.heldOut.rows} held out; ${epochs} epoch(s); backend ${ctx.backend.name}`,
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
              const row: FacesRow = {
                gamma,
                trainSeconds: res.trainSeconds,
                meanSteps: res.meanSteps,
                finalCost: res.cost.cost.at(-1)!,
                layers: res.layers,
              };
              rows.push(row);
              ctx.run.appendMetrics({ ...row });
              ctx.log(
                `γ = ${gamma}: trained in ${fmt(res.trainSeconds)}; ` +
                  res.layers
                    .map(
                      (l) =>
                        `layer ${l.layer}: ${l.active}/${l.units} active, mean r ${l.meanResponse.toFixed(3)}`,
                    )
                    .join('; '),
              );
            }
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
            const report = join(ctx.run.dir, 'report.md');
            writeFileAtomic(report, facesReport(o, data, epochs, rows, ctx.backend.name));
            return { report, data: data.name, side: data.side, rows };
          },
          report: (r) => [
            `report: ${r.report}`,
            ...r.rows.map(
              (x) =>
                `γ = ${x.gamma}: ${fmt(x.trainSeconds)}; active neurons ${x.layers.map((l) => `${l.active}/${l.units}`).join(', ')}`,
            ),
          ],
          json: (r) => r,
        },
        c,
        f,
        io,
        getBackend(),
      );
    });
}

interface FacesRow {
  gamma: number;
  trainSeconds: number;
  meanSteps: number;
  finalCost: number;
  layers: FacesResult['layers'];
}

function facesReport(
  f: FacesFlags,
  data: FacesData,
  epochs: number,
  rows: FacesRow[],
  backend: string,
): string {
  const geometry = facesLayers(data.side);
  const scaled =
    data.side === 64
      ? 'the paper’s geometry'
      : `the paper’s 64×64 geometry scaled to ${data.side}×${data.side} (radii × ${data.side}/64)`;
  return [
    '# Structured and deep similarity matching — faces (Sec. 6.2, Fig. 3)',
    '',
    `Data: **${data.name}**, ${data.train.rows} training faces of ${data.side}×${data.side} grey pixels` +
      (data.name === 'lfw-subset'
        ? ' (skimage’s 100-face LFW subset, not the full LFW of the paper)'
        : '') +
      `, each standardised (mean 0, std ${f.pixelStd}) and centred by the training set’s average face; ${data.heldOut.rows} held-out faces for the cost.` +
      (f.homeostasis > 0
        ? ` Homeostatic thresholds (α = ${f.homeostasis}) in layers 2 and 3.`
        : ''),
    '',
    `Network (${scaled}): three locally connected layers, one neuron per site, f = clip(u, 0, 1),`,
    'feedforward and lateral connections within the same radius:',
    '',
    '| layer | sites | stride (grid below) | radius (grid below) |',
    '|---|---|---|---|',
    ...geometry.map((l, p) => {
      const g = rows[0]?.layers[p]?.grid ?? '';
      return `| ${p + 1} | ${g} | ${l.type === 'local' ? l.stride : ''} | ${l.type === 'local' ? l.radius.toFixed(2) : ''} |`;
    }),
    '',
    `Training: ${epochs} epoch(s), updates summed over ${f.batchSize} images, the authors’ rate`,
    'schedule, per-layer rate factors 1 (the γ^(p−P) of Eq. 19 folded into the rates: at γ = 0.01',
    'it would make layer 1 learn 10⁴ times as fast as layer 3, beyond the stable step; the',
    'learning’s fixed points do not depend on these factors), the L-decay factor 1/(1+γ) kept.',
    '',
    '| γ | train time | Euler steps/batch | final cost | active neurons (mean r, saturated) per layer |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.gamma} | ${fmt(r.trainSeconds)} | ${r.meanSteps.toFixed(0)} | ${r.finalCost.toExponential(4)} | ` +
        r.layers
          .map(
            (l) =>
              `L${l.layer}: ${l.active}/${l.units} (${l.meanResponse.toFixed(2)}, ${(100 * l.saturated).toFixed(0)} %)`,
          )
          .join('; ') +
        ' |',
    ),
    '',
    '## Figures',
    '',
    ...rows.flatMap((r) =>
      [1, 2, 3].map(
        (p) => `![layer ${p}, γ = ${r.gamma}](figures/fig3-features-gamma${r.gamma}-layer${p}.svg)`,
      ),
    ),
    '',
    'The deep similarity-matching cost (Eq. 13) on the held-out faces after every epoch:',
    '',
    '![cost](figures/cost.svg)',
    '',
    'Each tile is one neuron’s feature by reverse correlation, Σ_t r_t x_t / Σ_t r_t over the',
    `first ${f.rfImages} training faces at the network’s fixed points, shown on the pixels that reach`,
    'the neuron through feedforward synapses (grey elsewhere), red above the average face, blue',
    'below; tiles are the neurons of a centred block of the layer’s grid, in grid order, each cut',
    'to a window around its reach. Deeper layers see more of the face.',
    '',
    `Backend: ${backend}.`,
    '',
  ].join('\n');
}
