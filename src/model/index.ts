/**
 * hebb/model: the pieces of the model contract (docs/api.md), for people writing a model of
 * their own that loads, saves and fits like hebb's.
 *
 * @module hebb/model
 */
export * from './model.ts';
export * from './params.ts';
export * from './schedule.ts';
export * from './activation.ts';
export * from './fit-loop.ts';
export * from './state.ts';
export * from './batches.ts';
export * from './image-shape.ts';
export { checkSamples, allocateMatrix } from './inputs.ts';
