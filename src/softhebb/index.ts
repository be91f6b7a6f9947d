/**
 * SoftHebb: soft winner-take-all layers learning by a local Hebbian rule (docs/math/softhebb.md).
 *
 * @module hebb/softhebb
 */
export { SoftHebb } from './layer.ts';
export {
  PRESETS as SOFTHEBB_PRESETS,
  type ResolvedSoftHebbOptions,
  type SoftHebbInit,
  type SoftHebbOptions,
  type SoftHebbPreset,
} from './options.ts';
export { authorsReadoutLr } from './authors.ts';
export {
  authorsReadoutOptions,
  DEFAULT_READOUT_ACTIVATION,
  fitLinearReadout,
  labelAccuracy,
  linearAccuracy,
  type LinearReadout,
  type ReadoutOptions,
} from './readout.ts';
export { SoftHebbConv2d, type ResolvedSoftHebbConv2dOptions } from './conv.ts';
export { type SoftHebbConv2dOptions } from './conv-options.ts';
export { type ImageShape } from '../model/image-shape.ts';
export {
  DEEP_PRESET_NAMES,
  DEEP_PRESETS,
  DEEP_RULE,
  deepStack,
  type DeepBlock,
  type DeepPool,
  type DeepPreset,
  type DeepPresetName,
  type DeepStackOptions,
} from './deep.ts';
