// Structured and deep similarity matching (SPEC §2): networks, structure builders, dynamics.
export * from './activation.ts';
export * from './structure.ts';
export * from './network.ts';
export {
  cost,
  denseWeights,
  energy,
  layerWeights,
  linearFixedPoint,
  solveDynamics,
  type SolveOptions,
  type SolveResult,
} from './dynamics.ts';
