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
    // let the page paint the message before the (half-second) training runs
    setTimeout(() => {
      const be = getBackend();
      const o: ToyOptions = {
        gamma: Number(slider.value),
        // `hebb reproduce sm-toy`'s settings, with a third of its training samples
        samples: 1000,
        dim: 100,
        units: 10,
        meanNorm: 3,
        noise: 0.5,
        trials: 100,
        evalEvery: 250,
        threshold: 0,
        alpha: 3,
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
      void draw(
        $('sm-chart'),
        similarityRow(
          `Similarity matrices, ambiguous bottom input, γ = ${o.gamma}`,
          toySimilarities(o, run, data, true),
        ),
      );
    }, 20);
  };
}
