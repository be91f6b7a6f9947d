/**
 * Robustness of trained classifiers (browser-safe): networks as differentiable pipelines,
 * Gaussian noise, PGD attacks, accuracy curves (docs/robustness.md).
 *
 * @module hebb/robustness
 */
export {
  activationStage,
  linearStage,
  normalizeStage,
  Pipeline,
  standardizeStage,
  type LossGradient,
  type Stage,
} from './pipeline.ts';
export {
  featureNetwork,
  mlpNetwork,
  softHebbNetwork,
  stackNetwork,
  stackStages,
  type ReadoutParts,
} from './networks.ts';
export {
  channelActivationStage,
  convStage,
  perPosition,
  poolStage,
  type ConvLayerParts,
} from './conv-stages.ts';
export {
  accuracy,
  defaultStepSize,
  gaussianNoise,
  pgd,
  type PgdOptions,
  type PgdResult,
  type Range,
} from './attacks.ts';
export { noiseCurve, pgdCurve, wilson, type CurvePoint, type PgdPoint } from './curves.ts';
