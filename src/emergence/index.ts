/**
 * Emergent Hebbian dynamics (docs/math/emergence.md): an MLP (or a small transformer) trained
 * by SGD, Adam, DFA or a random rule with weight decay and weight noise, and the alignment of
 * its learning signal with H = h_b h_aᵀ. `hebb/emergence` exports these pieces; the root
 * exports EmergenceLearner.
 *
 * @module hebb/emergence
 */
export {
  ARCHITECTURES,
  BiasFreeMlp,
  HIDDEN_ACTIVATIONS,
  type Architecture,
  type EmergenceNetwork,
  type HiddenActivation,
  type LayerActivity,
} from './network.ts';
export { TinyTransformer, type TransformerShape } from './transformer.ts';
export * from './losses.ts';
export * from './alignment.ts';
export * from './rules.ts';
export * from './tasks.ts';
export * from './learner.ts';
export type { ResolvedEmergenceOptions } from './options.ts';
export * from './trace.ts';
