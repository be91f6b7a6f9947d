/**
 * Stacks of Hebbian layers: the sequential container and the layers between Hebbian ones.
 *
 * @module hebb/stack
 */
export { isStackLayer, type StackLayer } from './layer.ts';
export { Pool2d, type Pool2dOptions } from './pool.ts';
export { Standardize, standardizeInPlace, type StandardizeOptions } from './standardize.ts';
export { Sequential, type LayerRecord, type SequentialOptions } from './sequential.ts';
export { imageWindow, reverseCorrelation } from './receptive-fields.ts';
