// Fig. 2's similarity rows as one chart spec (browser-safe: the CLI renders it to SVG, the
// playground draws it in the page).
import type { Matrix } from '../backend/matrix.ts';
import { concat, heatmap, type ChartSpec } from './charts.ts';

/** Similarity matrices side by side on one scale (−1 … 1, blue–white–red). */
export function similarityRow(title: string, mats: { title: string; m: Matrix }[]): ChartSpec {
  const parts = mats.map(({ title: t, m }) =>
    heatmap(m, {
      title: t,
      colormap: 'diverging',
      min: -1,
      max: 1,
      cellSize: 14,
      xlabel: 'sample',
      ylabel: 'sample',
      legend: 'similarity',
    }),
  );
  return concat(parts, 'h', title);
}
