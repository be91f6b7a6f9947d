// hebb/report (Node): figures as PNG, progress lines.
export * from './figures.ts';
export * from './progress.ts';
export { savePng, toPng, Raster } from './raster.ts';
export { colormaps, type Colormap, type ColormapName } from './colormap.ts';
