// Read-outs on top of an (unsupervised) layer's output, and a backprop baseline.
// --- SoftHebb read-outs ---
export { accuracy, type Labels } from './classifier-inputs.ts';
export { DeltaRuleClassifier, type DeltaRuleOptions } from './delta-rule.ts';
export {
  LabelAssignment,
  type AssignBy,
  type LabelAssignmentOptions,
  type VoteBy,
} from './label-assignment.ts';
export {
  Mlp,
  type MlpActivation,
  type MlpFitOptions,
  type MlpGradients,
  type MlpOptions,
} from './mlp.ts';
export {
  SoftmaxClassifier,
  type EpochInfo,
  type FitOptions,
  type SoftmaxClassifierOptions,
} from './softmax-classifier.ts';
// --- end SoftHebb read-outs ---
// --- linear SVM read-out (similarity matching) ---
export { LinearSVC, solveSvcDual, type LinearSVCOptions, type SvcLabels } from './linear-svc.ts';
// --- end linear SVM read-out ---
