// The similarity-matching tab: the two-cluster feedback toy (Fig. 2) trained for the chosen
// γ, then its similarity matrices on ambiguous bottom input and the follow rate.
import { getBackend, Rng } from '../../src/browser.ts';
import {
  makeToyData,
  toySimilarities,
  trainToy,
  type ToyOptions,
} from '../../src/similarity/toy.ts';
import { similarityRow } from '../../src/report/similarity-row.ts';
import { draw } from './chart.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function similarityPanel(): void {
  const slider = $<HTMLInputElement>('sm-gamma');
  slider.oninput = () => ($('sm-gamma-value').textContent = slider.value);
  $('sm-run').onclick = () => {
    const status = $('sm-status');
    status.textContent = 'training…';
    // let the page paint the message before the (one-second) training runs
    setTimeout(() => {
      const be = getBackend();
      const o: ToyOptions = {
        gamma: Number(slider.value),
        // `hebb reproduce sm-toy`'s settings, with a third of its training samples
        samples: 2000,
        dim: 100,
        units: 10,
        meanNorm: 3,
        noise: 0.5,
        trials: 100,
        evalEvery: 250,
        threshold: 0,
        alpha: [3, 2],
        seed: 0,
        backend: be,
        log: () => {},
      };
      const t0 = performance.now();
      const data = makeToyData(o, new Rng(o.seed, be));
      const run = trainToy(o, o.gamma, data);
      status.textContent =
        `γ = ${o.gamma}: the ambiguous bottom input follows the top's cluster in ${(100 * run.followRate).toFixed(0)} % ` +
        `of ${o.trials} trials (chance 50 %) · ${((performance.now() - t0) / 1000).toFixed(1)} s on ${be.name}`;
      const mats = toySimilarities(o, run, data, true);
      const chart = $('sm-chart');
      void draw(
        chart,
        similarityRow(
          `Similarity matrices, ambiguous bottom input, γ = ${o.gamma}`,
          mats,
          cellSizeToFit(chart.clientWidth, mats.length, mats[0].m.rows),
        ),
      );
    }, 20);
  };
}

/**
 * The largest cell (≤ 14 px, the CLI's figure) at which `count` n×n matrices, each with its
 * axes (≤ 80 px), and the shared colour bar (≤ 110 px) fit `width` (measured on the rendered
 * SVG: five 16×16 matrices are 1549 px wide at 14 px a cell, 1069 px at 8).
 */
function cellSizeToFit(width: number, count: number, n: number): number {
  return Math.max(4, Math.min(14, Math.floor((width - 110 - 80 * count) / (count * n))));
}
