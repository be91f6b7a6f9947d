// The linear read-out `hebb attack` and `hebb robustness` fit on a trained run, as one model of
// the model contract: standardise each feature with the training set's statistics, then the
// softmax classifier. Saved beside the run with saveModel and read back with loadModel, so the
// file says what it holds (hebb.model, hebb.options) like every other model file.
//
// Not a Sequential of Standardize and the classifier: a classifier is no stack layer, and
// Standardize's statistics are not the read-out's (it adds eps to every variance, where the
// read-out floors a constant feature's std at 1), so the read-out would change.
import { HebbError, ValueError } from '../../errors.ts';
import type { Standardizer } from '../../data/preprocess.ts';
import { decodeSafetensors } from '../../io/safetensors.ts';
import { saveModel } from '../../io/model-file.ts';
import { readFileChecked } from '../../io/safetensors-file.ts';
import { backendOption, fromSafetensors, Model, registerModel } from '../../model/model.ts';
import { custom, describe, validateOptions, type Resolved } from '../../model/params.ts';
import { f32, readVector, substate, prefixed, type ModelState } from '../../model/state.ts';
import { SoftmaxClassifier } from '../../readout/softmax-classifier.ts';
import type { Backend } from '../../backend/types.ts';

const SPEC = {
  classifier: describe(
    custom<Record<string, unknown>>(
      'the SoftmaxClassifier options (an object)',
      (v, name) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v))
          throw new ValueError(`${name} must be an object of SoftmaxClassifier options`);
        return v as Record<string, unknown>;
      },
      {},
    ),
    'the options of the softmax classifier (epochs, seed, …)',
  ),
  backend: backendOption(),
};

/** Per-feature standardisation (the training set's statistics, or none) → softmax classifier. */
export class StandardizedClassifier extends Model<Resolved<typeof SPEC>> {
  static readonly modelName = 'StandardizedClassifier';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  classifier: SoftmaxClassifier;
  /** Mean and std of each feature on the training set; null: the features are read as they are. */
  stats: Standardizer | null = null;

  constructor(options: { classifier?: Record<string, unknown>; backend?: string | Backend } = {}) {
    super(validateOptions('StandardizedClassifier', SPEC, options));
    this.classifier = this.newClassifier();
  }

  /** The model of a fitted read-out (fitLinearReadout's classifier and statistics). */
  static of(r: {
    classifier: SoftmaxClassifier;
    stats: Standardizer | null;
  }): StandardizedClassifier {
    const m = new StandardizedClassifier({
      classifier: r.classifier.getParams(),
      backend: r.classifier.backend,
    });
    m.classifier = r.classifier;
    m.stats = r.stats;
    return m;
  }

  get isFitted(): boolean {
    return this.classifier.isFitted;
  }

  private newClassifier(): SoftmaxClassifier {
    return new SoftmaxClassifier({ ...this.options.classifier, backend: this.backend });
  }

  /** mean and std (F32, one per feature) when standardised, and the classifier's as classifier.*. */
  getState(): ModelState {
    const s = prefixed(this.classifier.getState(), 'classifier.');
    if (this.stats) {
      s.mean = f32(this.stats.mean);
      s.std = f32(this.stats.std);
    }
    return s;
  }

  setState(s: ModelState): this {
    const where = 'StandardizedClassifier.setState';
    const classifier = this.newClassifier().setState(substate(s, 'classifier.'));
    const features = classifier.weights.cols;
    this.stats = s?.mean
      ? { mean: readVector(s, 'mean', where, features), std: readVector(s, 'std', where, features) }
      : null;
    this.classifier = classifier;
    return this;
  }
}

registerModel(StandardizedClassifier);

/** Saves the read-out; the metadata says what it was fitted on. */
export function saveReadout(
  m: StandardizedClassifier,
  path: string,
  fitted: { activation: string; epochs: number },
): void {
  saveModel(m, path, { activation: fitted.activation, epochs: String(fitted.epochs) });
}

/**
 * Reads a saved read-out. A file of an older hebb (bare tensors, no model metadata) is refused
 * with the fix: it is fitted again once deleted.
 */
export function loadReadout(path: string, backend: Backend): StandardizedClassifier {
  const bytes = readFileChecked(path, 'read-out');
  if (decodeSafetensors(bytes, path).metadata['hebb.model'] === undefined)
    throw new HebbError(
      `${path} is a read-out saved by an older hebb (no model metadata); delete it and it is fitted again`,
    );
  return fromSafetensors(bytes, { expect: StandardizedClassifier, backend, source: path });
}
