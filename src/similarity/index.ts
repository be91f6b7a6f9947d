/**
 * Structured and deep similarity matching (docs/math/similarity-matching.md): networks,
 * structure builders, dynamics.
 *
 * @module hebb/similarity
 */
export * from './activation.ts';
export * from './structure.ts';
export * from './options.ts';
export * from './network.ts';
export {
  cost,
  denseWeights,
  energy,
  layerWeights,
  linearFixedPoint,
  solveDynamics,
  type DynamicsNetwork,
  type SolveOptions,
  type SolveResult,
  type Synapses,
} from './dynamics.ts';
