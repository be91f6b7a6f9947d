// The README's "In code" example with the same calls (SoftHebb, the triangle activation, a
// two-pass Standardize, SoftmaxClassifier) on small synthetic data: mnist() is a Node loader
// of 60 000 digits, and a page has no files. Shared by the Node, Vite and esbuild consumers.
import { Matrix, SoftHebb, SoftmaxClassifier, Standardize } from 'hebb';
import { gaussianClusters } from 'hebb/data';

export const UNITS = 40;

/** Ten well-separated clusters in 64 dimensions: a trained read-out scores near 1. */
export function clusters() {
  const train = gaussianClusters({ clusters: 10, perCluster: 100, dim: 64, spread: 0.1, seed: 1 });
  const test = gaussianClusters({
    clusters: 10,
    perCluster: 30,
    dim: 64,
    spread: 0.1,
    seed: 2,
    centers: train.centers,
  });
  return { train, test };
}

export function readmeExample() {
  const { train, test } = clusters();
  const layer = new SoftHebb({ units: UNITS }).fit(train.x); // options only, then fit
  const output = (x: Matrix) => layer.transform(x, { activation: 'triangle:3' });
  const z = new Standardize({
    inputShape: [1, 1, UNITS],
    statistics: 'two-pass',
    eps: 0,
    minStd: 1e-6,
  }).fit(output(train.x));
  const features = (x: Matrix) => z.transform(output(x));
  const readout = new SoftmaxClassifier({ epochs: 5 }).fit(features(train.x), train.y);
  return { layer, score: readout.score(features(test.x), test.y) };
}
