// Fig. 2's similarity rows as one chart spec (browser-safe: the CLI renders it to SVG, the
// playground draws it in the page).
import type { Matrix } from '../backend/matrix.ts';
import { concat, heatmap, type ChartSpec } from './charts.ts';

/**
 * Similarity matrices side by side on one scale (−1 … 1, blue–white–red). `cellSize` (px per
 * matrix entry, 14 by default) lets a page fit the row to its width.
 */
export function similarityRow(
  title: string,
  mats: { title: string; m: Matrix }[],
  cellSize = 14,
): ChartSpec {
  const parts = mats.map(({ title: t, m }) =>
    heatmap(m, {
      title: t,
      colormap: 'diverging',
      min: -1,
      max: 1,
      cellSize,
      xlabel: 'sample',
      ylabel: 'sample',
      legend: 'similarity',
    }),
  );
  // one scale for all, so one colour bar for the row (concat keeps each chart's own by default)
  return { ...concat(parts, 'h', title), resolve: { scale: { color: 'shared' } } };
}
