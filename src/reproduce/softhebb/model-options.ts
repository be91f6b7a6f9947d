// The model options the SoftHebb commands take, from the models' own tables (SoftHebb's, the
// read-outs'), and how a command may take one as the text given.
import type { Param } from '../../model/params.ts';
import { MlpClassifier } from '../../readout/mlp-classifier.ts';
import { SoftmaxClassifier } from '../../readout/softmax-classifier.ts';
import { SOFTHEBB_SPEC } from '../../softhebb/options.ts';

/**
 * The option as the text given: the table's parse checks it, the value stays as written (so
 * config.json and a point's command line repeat it, and the read-outs take it as text).
 */
export function asText(p: Param<unknown>): Param<string | undefined> {
  return { ...p, parse: (v, name) => (p.parse(v, name), v as string) } as Param<string | undefined>;
}

/** The Hebbian layer's output the read-out sees (SoftHebb's `activation`), as text. */
export const LAYER_OUTPUT = asText(SOFTHEBB_SPEC.activation);

/** Epochs of the linear read-out (the SoftmaxClassifier's, default 100: the paper's). */
export const READOUT_EPOCHS = SoftmaxClassifier.optionTable.epochs;

/** Epochs of the backprop MLP baseline (the MlpClassifier's). */
export const MLP_EPOCHS = MlpClassifier.optionTable.epochs;
