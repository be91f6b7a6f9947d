/**
 * hebb/report (Node): charts as Vega-Lite specs rendered to SVG, image grids as PNG, progress
 * lines.
 *
 * @module hebb/report
 */
export * from './charts.ts';
export * from './image-grid.ts';
export * from './progress.ts';
export { renderSvg, saveChart, saveImageGrid, savePng } from './render.ts';
export { toPng, Raster } from './raster.ts';
export { colormaps, type Colormap, type ColormapName, type RGB } from './colormap.ts';
