/**
 * The browser entry (also the root's core): the models, arrays, backend selection, model bytes
 * and errors, with no Node built-in anywhere in its import graph. Bundlers pick it for `hebb`
 * through the package's "browser" condition; `hebb/browser` names it explicitly.
 *
 * @module hebb/browser
 */
export { availableBackends, getBackend, setBackend, type Backend } from './backend/index.ts';
export { loadWasmBackend } from './backend/wasm/index.ts';
export { Matrix } from './backend/matrix.ts';
export { Rng } from './backend/rng.ts';
export {
  SoftHebb,
  SoftHebbConv2d,
  type SoftHebbConv2dOptions,
  type SoftHebbOptions,
  type SoftHebbPreset,
} from './softhebb/index.ts';
export {
  SimilarityNetwork,
  type LayerSpec,
  type SimilarityNetworkOptions,
} from './similarity/index.ts';
export { EmergenceLearner, type EmergenceOptions } from './emergence/learner.ts';
export {
  DeltaRuleClassifier,
  LabelAssignment,
  LinearSVC,
  MlpClassifier,
  SoftmaxClassifier,
  type DeltaRuleOptions,
  type LabelAssignmentOptions,
  type LinearSVCOptions,
  type MlpClassifierOptions,
  type SoftmaxClassifierOptions,
} from './readout/index.ts';
export {
  Pool2d,
  Sequential,
  Standardize,
  type Pool2dOptions,
  type SequentialOptions,
  type StandardizeOptions,
} from './stack/index.ts';
export { KMeans, PCA, type KMeansOptions, type PCAOptions } from './features/index.ts';
export {
  KrotovHopfield,
  PowerLossClassifier,
  type KrotovHopfieldOptions,
  type PowerLossClassifierOptions,
} from './krotov/index.ts';
export {
  AntiHebbian,
  BCM,
  CompetitiveLearning,
  Oja,
  Sanger,
  type AntiHebbianOptions,
  type BCMOptions,
  type CompetitiveOptions,
  type HebbianPcaOptions,
} from './classic/index.ts';
export { Adam, type AdamOptions } from './optim/index.ts';
export { fromSafetensors, toSafetensors, type Model } from './model/model.ts';
export type { ModelState } from './model/state.ts';
export type { AsyncFitOptions, FitEvent, FitOptions } from './model/fit-loop.ts';
export type { Activation } from './model/activation.ts';
export type { Schedule } from './model/schedule.ts';
export type { Dataset, Split } from './data/dataset.ts';
export { HebbError, ShapeError, ValueError } from './errors.ts';
export { VERSION } from './version.ts';
