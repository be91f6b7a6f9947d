// report.md of `hebb reproduce sm-toy`: the setting, the follow rates with and without
// feedback, and the Fig. 2 figures.
import type { ToyRun } from '../../similarity/toy.ts';
import { duration } from './duration.ts';

/** What the report states about the run (the options it ran with, --quick applied). */
export interface ToySetting {
  samples: number;
  alpha: [number, number];
  meanNorm: number;
  noise: number;
  trials: number;
}

/** The report: runs[0] with feedback, runs[1] the γ = 0 control. */
export function toyReport(f: ToySetting, runs: ToyRun[], seconds: number, backend: string): string {
  const [fb, ctl] = runs;
  return [
    '# Structured and deep similarity matching — toy example (Sec. 6.1, Fig. 2)',
    '',
    'Two first-layer sub-networks of 10 clip(u,0,1) neurons, each fed its own 100-d Gaussian input',
    `(two clusters; cluster means of norm ${f.meanNorm}, noise norm ${f.noise}; both sub-networks see the`,
    `same cluster), one 10-neuron second layer connected to both. Online training on ${f.samples}`,
    `samples with the authors' rate schedule and the per-layer factors γ^(p−P) of Eq. 19; decorrelating`,
    `regulariser α = ${f.alpha[0]} (layer 1) and ${f.alpha[1]} (layer 2) (homeostatic thresholds, standing in for the`,
    "paper's regularised cost of ref. [31]).",
    '',
    "## Perturbation: does the ambiguous bottom network follow the top network's cluster?",
    '',
    'The bottom sub-network gets the midpoint of its two cluster means plus noise; the top one gets',
    'a pattern of cluster c. A trial "follows" when the bottom output is closer (cosine) to its',
    'in-distribution representation of cluster c than of the other cluster.',
    '',
    '| feedback γ | follow rate | ties (silent/equal) | final cost |',
    '|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.gamma} | ${(100 * r.followRate).toFixed(1)}% of ${f.trials} | ${r.ties} | ${r.costCurve.cost.at(-1)!.toFixed(3)} |`,
    ),
    '',
    `With feedback γ = ${fb.gamma} the ambiguous patterns follow the other network's cluster in ` +
      `${(100 * fb.followRate).toFixed(1)}% of trials; without feedback (γ = 0) in ${(100 * ctl.followRate).toFixed(1)}% (chance is 50%).`,
    '',
    '## Figures',
    '',
    'Fig. 2A (in-distribution, 5 + 5 patterns), with feedback and the γ = 0 control:',
    '',
    `![Fig. 2A, γ = ${fb.gamma}](figures/fig2a-similarity-gamma${fb.gamma}.svg)`,
    '![Fig. 2A, γ = 0](figures/fig2a-similarity-gamma0.svg)',
    '',
    'Fig. 2B (ambiguous bottom input):',
    '',
    `![Fig. 2B, γ = ${fb.gamma}](figures/fig2b-similarity-gamma${fb.gamma}.svg)`,
    '![Fig. 2B, γ = 0](figures/fig2b-similarity-gamma0.svg)',
    '',
    'Fig. 2C: the cost (Eq. 13 with the α term, on 200 held-out patterns) over training:',
    '',
    '![Fig. 2C](figures/fig2c-cost.svg)',
    '',
    'Similarity = pairwise dot products normalised so the largest is 1. The cost is the min–max',
    'objective evaluated at the fixed points; it need not fall monotonically.',
    '',
    `Run time ${duration(seconds)} on ${backend}.`,
    '',
  ].join('\n');
}
