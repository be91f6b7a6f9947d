// hebb: the package root. Each system exports from its own folder.
export * from './backend/index.ts';
export * from './data/index.ts';
export * from './softhebb/index.ts';
export * from './readout/index.ts';
export * from './optim/index.ts';
export * from './similarity/index.ts';
export * from './io/safetensors.ts';
export { writeFileAtomic } from './io/atomic.ts';
export * from './run/run-dir.ts';
export * from './report/progress.ts';
export * from './report/figures.ts';
export { savePng, toPng, Raster } from './report/raster.ts';
export { colormaps, type Colormap, type ColormapName } from './report/colormap.ts';
export { HebbError, ShapeError, ValueError } from './errors.ts';
export { VERSION } from './version.ts';
// Namespaced: its MLP and activations are the emergence experiments' own, not the read-outs'.
export * as emergence from './emergence/index.ts';
