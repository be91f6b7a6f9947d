/**
 * Krotov & Hopfield (PNAS 2019): hidden units competing by rank, learning with p-norm synapses,
 * and their power-loss top layer (docs/math/krotov-hopfield.md).
 *
 * @module hebb/krotov
 */
export { KrotovHopfield, signedPower, topAndKth } from './layer.ts';
export {
  KROTOV_SPEC,
  type KrotovHopfieldOptions,
  type ResolvedKrotovHopfieldOptions,
} from './options.ts';
export {
  POWER_LOSS_SPEC,
  PowerLossClassifier,
  type PowerLossClassifierOptions,
  type PowerLossGradient,
} from './readout.ts';
