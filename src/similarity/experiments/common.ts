// Helpers shared by the similarity-matching experiments: similarity matrices and figure layout.
import { Matrix } from '../../backend/matrix.ts';
import { heatmap } from '../../report/figures.ts';
import { Raster, savePng } from '../../report/raster.ts';

/** Pairwise dot products of the rows of x, scaled so the largest is 1 (Fig. 2's convention). */
export function similarityMatrix(x: Matrix): Matrix {
  const n = x.rows;
  const out = Matrix.zeros(n, n);
  let max = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < x.cols; k++) s += x.data[i * x.cols + k] * x.data[j * x.cols + k];
      out.data[i * n + j] = s;
      max = Math.max(max, Math.abs(s));
    }
  if (max > 0) for (let i = 0; i < n * n; i++) out.data[i] /= max;
  return out;
}

/** Columns [from, to) of x. */
export function columns(x: Matrix, from: number, to: number): Matrix {
  const out = Matrix.zeros(x.rows, to - from);
  for (let i = 0; i < x.rows; i++) {
    out.data.set(x.data.subarray(i * x.cols + from, i * x.cols + to), i * (to - from));
  }
  return out;
}

/** Rasters side by side (top-aligned) on a white background. */
export function besideEachOther(parts: Raster[], gap = 16): Raster {
  const w = parts.reduce((s, p) => s + p.width, 0) + gap * (parts.length - 1);
  const h = Math.max(...parts.map((p) => p.height));
  const out = new Raster(w, h);
  let x = 0;
  for (const p of parts) {
    out.blit(p, x, 0);
    x += p.width + gap;
  }
  return out;
}

/** Rasters stacked vertically (left-aligned). */
export function stacked(parts: Raster[], gap = 16): Raster {
  const w = Math.max(...parts.map((p) => p.width));
  const h = parts.reduce((s, p) => s + p.height, 0) + gap * (parts.length - 1);
  const out = new Raster(w, h);
  let y = 0;
  for (const p of parts) {
    out.blit(p, 0, y);
    y += p.height + gap;
  }
  return out;
}

/** A row of similarity-matrix heatmaps (common scale −1..1, diverging) saved as one PNG. */
export function saveSimilarityRow(path: string, mats: { title: string; m: Matrix }[]): void {
  const parts = mats.map(({ title, m }) =>
    heatmap(m, { title, colormap: 'diverging', min: -1, max: 1, cellSize: 22 }),
  );
  savePng(path, besideEachOther(parts));
}
