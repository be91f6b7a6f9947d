// Figures written to files in Node: Vega-Lite specs (report/charts.ts) rendered to SVG by
// Vega's headless renderer (no canvas or browser), image grids as PNG. The plotting libraries
// load on first use, so a run that draws nothing never pays for them, and nothing in the
// browser-safe core imports this file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { requirePackages } from '../io/optional-packages.ts';
import { imageFigure, type ChartSpec, type ImageFigureOptions } from './charts.ts';
import { toPng, type Raster } from './raster.ts';

/** A Vega-Lite spec drawn as SVG text (needs the optional vega and vega-lite packages). */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  requirePackages('charts');
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Writes the chart as `path` (SVG) and its spec beside it as `<name>.vl.json`, which
 * vega-embed or the Vega editor opens to restyle or re-plot the same data. Both atomically.
 */
export async function saveChart(path: string, spec: ChartSpec): Promise<void> {
  if (!path.endsWith('.svg')) throw new Error(`saveChart: ${path} must end in .svg`);
  const svg = await renderSvg(spec);
  writeFileAtomic(path.replace(/\.svg$/, '.vl.json'), JSON.stringify(spec) + '\n');
  writeFileAtomic(path, svg);
}

/**
 * Writes the raster as a PNG file. The write is atomic (temp file + rename), so a viewer or a
 * crash never sees half an image; missing parent directories are created.
 */
export function savePng(path: string, raster: Raster): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, toPng(raster));
}

/**
 * An image grid (receptive fields, adversarial examples) as `path` (PNG, its pixels only) and,
 * with a title, as a titled SVG beside it (`<name>.svg`, the PNG embedded) for reports.
 */
export async function saveImageGrid(
  path: string,
  grid: Raster,
  opts: ImageFigureOptions = {},
): Promise<void> {
  if (!path.endsWith('.png')) throw new Error(`saveImageGrid: ${path} must end in .png`);
  const png = toPng(grid);
  writeFileAtomic(path, png);
  if (opts.title) await saveChart(path.replace(/\.png$/, '.svg'), imageFigure(png, grid, opts));
}
