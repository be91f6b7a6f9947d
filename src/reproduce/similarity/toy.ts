// `hebb reproduce sm-toy` (Sec. 6.1 / Fig. 2): the computation of similarity/toy.ts with
// γ and the γ = 0 control on the same data, and its figures.
import { join } from 'node:path';
import { Rng } from '../../backend/index.ts';
import { lineChart } from '../../report/charts.ts';
import { saveChart } from '../../report/render.ts';
import {
  makeToyData,
  toySimilarities,
  trainToy,
  type ToyData,
  type ToyOptions,
  type ToyRun,
} from '../../similarity/toy.ts';
import { similarityRow } from '../../report/similarity-row.ts';

export type { ToyOptions, ToyRun } from '../../similarity/toy.ts';

/** Fig. 2A/2B similarity rows for one trained network. */
async function similarityFigures(
  o: ToyOptions,
  run: ToyRun,
  data: ToyData,
  dir: string,
  tag: string,
): Promise<string[]> {
  const files: string[] = [];
  for (const amb of [false, true]) {
    const name = `fig2${amb ? 'b' : 'a'}-similarity-${tag}.svg`;
    const what = amb ? 'ambiguous bottom input (Fig. 2B)' : 'in-distribution (Fig. 2A)';
    await saveChart(
      join(dir, name),
      similarityRow(
        `Similarity matrices, ${what}, ${tag.replace('gamma', 'γ = ')}`,
        toySimilarities(o, run, data, amb),
      ),
    );
    files.push(name);
  }
  return files;
}

export interface ToyResult {
  runs: ToyRun[];
  figures: string[];
}

/** Trains with γ = o.gamma and the γ = 0 control on the same data; writes figures into dir. */
export async function runToy(o: ToyOptions, dir: string): Promise<ToyResult> {
  const data = makeToyData(o, new Rng(o.seed, o.backend));
  const runs: ToyRun[] = [];
  for (const g of [o.gamma, 0]) {
    const t = performance.now();
    const run = trainToy(o, g, data);
    runs.push(run);
    o.log(
      `γ = ${g}: follow rate ${(100 * run.followRate).toFixed(1)}% (${run.ties} ties), cost ` +
        `${run.costCurve.cost[0].toFixed(4)} → ${run.costCurve.cost.at(-1)!.toFixed(4)}, ` +
        `${run.meanSteps.toFixed(0)} Euler steps/sample, ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const figures = [
    ...(await similarityFigures(o, runs[0], data, dir, `gamma${o.gamma}`)),
    ...(await similarityFigures(o, runs[1], data, dir, 'gamma0')),
  ];
  await saveChart(
    join(dir, 'fig2c-cost.svg'),
    lineChart(
      runs.map((r) => ({ name: `γ = ${r.gamma}`, x: r.costCurve.samples, y: r.costCurve.cost })),
      {
        title: 'Structured deep SM cost (Eq. 13), held-out set',
        xlabel: 'training samples',
        ylabel: 'cost',
      },
    ),
  );
  figures.push('fig2c-cost.svg');
  return { runs, figures };
}
