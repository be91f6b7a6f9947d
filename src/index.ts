/**
 * hebb's Node entry: everything of the browser entry, the native backend, files and data sets.
 * Further pieces live on subpaths: hebb/data, hebb/io, hebb/report, hebb/run, hebb/model,
 * hebb/backend, hebb/softhebb, hebb/similarity, hebb/emergence, hebb/readout, hebb/krotov
 * (docs/api.md).
 *
 * @module hebb
 */
import './backend/register-node.ts';

export * from './browser.ts';
export { loadModel, saveModel } from './io/model-file.ts';
export { cifar10, fashionMnist, loadDataset, mnist } from './data/index.ts';
