/**
 * Fixed feature layers for comparisons with Hebbian ones (browser-safe): k-means, PCA.
 *
 * @module hebb/features
 */
export { KMeans, type KMeansOptions } from './kmeans.ts';
export { PCA, symmetricEigen, type PCAOptions } from './pca.ts';
