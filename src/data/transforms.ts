// The browser-safe part of hebb/data: the Dataset type and its helpers, preprocessing and
// synthetic data (no files). Node's hebb/data adds the loaders and downloads.
export * from './dataset.ts';
export * from './preprocess.ts';
export * from './synthetic.ts';
