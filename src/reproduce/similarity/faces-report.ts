// report.md of `hebb reproduce sm-faces`: the data, the network's geometry, per-γ training
// and neuron activity, and the Fig. 3 feature figures.
import { duration } from './duration.ts';
import { facesLayers, type FacesResult } from './faces.ts';
import type { FacesData } from './faces-data.ts';
import { count } from '../../model/wording.ts';

/** One trained network (one γ): a metrics row and a row of the report. */
export interface FacesRow {
  gamma: number;
  trainSeconds: number;
  meanSteps: number;
  finalCost: number;
  layers: FacesResult['layers'];
}

/** What the report states about the run's options. */
export interface FacesSetting {
  pixelStd: number;
  homeostasis: number;
  batchSize: number;
  rfImages: number;
  epochs: number;
}

export function facesReport(
  f: FacesSetting,
  data: FacesData,
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
    `Training: ${count(f.epochs, 'epoch')}, updates summed over ${count(f.batchSize, 'image')}, the authors’ rate`,
    'schedule, per-layer rate factors 1 (the γ^(p−P) of Eq. 19 folded into the rates: at γ = 0.01',
    'it would make layer 1 learn 10⁴ times as fast as layer 3, beyond the stable step; the',
    'learning’s fixed points do not depend on these factors), the L-decay factor 1/(1+γ) kept.',
    '',
    '| γ | train time | Euler steps/batch | final cost | active neurons (mean r, saturated) per layer |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.gamma} | ${duration(r.trainSeconds)} | ${r.meanSteps.toFixed(0)} | ${r.finalCost.toExponential(4)} | ` +
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
