/**
 * Read-outs on top of an (unsupervised) layer's output, and a backprop baseline.
 *
 * @module hebb/readout
 */
export { accuracy, type EpochRecord, type Labels } from './classifier-inputs.ts';
export { DeltaRuleClassifier, type DeltaRuleOptions } from './delta-rule.ts';
export {
  LabelAssignment,
  type AssignBy,
  type LabelAssignmentOptions,
  type VoteBy,
} from './label-assignment.ts';
export { MlpClassifier, type MlpClassifierOptions, type MlpGradients } from './mlp-classifier.ts';
export { SoftmaxClassifier, type SoftmaxClassifierOptions } from './softmax-classifier.ts';
export { LinearSVC, solveSvcDual, type LinearSVCOptions, type SvcLabels } from './linear-svc.ts';
export { StandardizedClassifier } from './standardized-classifier.ts';
