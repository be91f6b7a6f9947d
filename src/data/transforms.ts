// The browser-safe part of hebb/data: the Dataset type and its helpers, preprocessing, synthetic
// data, and your own data from arrays, CSV text and .npy bytes (no files). Node's hebb/data adds
// the file loaders and downloads.
export * from './dataset.ts';
export * from './preprocess.ts';
export * from './synthetic.ts';
export * from './from-arrays.ts';
export * from './csv.ts';
export { parseNpy, type NpyArray } from './npy.ts';
