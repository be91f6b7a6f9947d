// A linear read-out as one model of the contract: standardise each feature with the training
// set's statistics (fitStandardizer: the one standardiser, Standardize, in its two-pass mode),
// then a softmax classifier. What `hebb attack` and `hebb robustness` fit on a trained run and
// save beside it; its state is the statistics and the classifier's tensors (classifier.*).
//
// Not a Sequential of Standardize and the classifier: a classifier is no stack layer.
import { ValueError } from '../errors.ts';
import type { Standardizer } from '../data/preprocess.ts';
import { backendOption, Model, registerModel } from '../model/model.ts';
import { boolean, custom, describe, validateOptions, type Resolved } from '../model/params.ts';
import { sizeOf, tensor, type ModelState, type TensorSlots } from '../model/state.ts';
import { SoftmaxClassifier } from './softmax-classifier.ts';
import type { Backend } from '../backend/types.ts';

const SPEC = {
  standardize: describe(
    boolean({ default: true }),
    "standardise each feature with the training set's mean and std before the classifier",
  ),
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
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'StandardizedClassifier';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  /** The softmax classifier on the standardised features. */
  classifier: SoftmaxClassifier;
  /** Mean and std of each feature on the training set; null: the features are read as they are. */
  stats: Standardizer | null = null;

  constructor(
    options: {
      standardize?: boolean;
      classifier?: Record<string, unknown>;
      backend?: string | Backend;
    } = {},
  ) {
    super(validateOptions('StandardizedClassifier', SPEC, options));
    this.classifier = this.newClassifier();
  }

  /** The model of a fitted read-out (fitLinearReadout's classifier and statistics). */
  static of(r: {
    classifier: SoftmaxClassifier;
    stats: Standardizer | null;
  }): StandardizedClassifier {
    const m = new StandardizedClassifier({
      standardize: r.stats !== null,
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

  /** mean and std (one per feature) when standardised, and the classifier's as classifier.*. */
  stateSlots(): TensorSlots {
    const held = this.options.standardize;
    const stat = (k: 'mean' | 'std') =>
      tensor.vector({
        length: k === 'mean' ? undefined : sizeOf('mean'),
        present: held,
        heldWith: 'standardize: true',
        get: () => this.stats![k],
      });
    return {
      mean: stat('mean'),
      std: stat('std'),
      classifier: tensor.state({ get: () => this.classifier.getState() }),
    };
  }

  protected override afterSetState(v: Record<string, unknown>): void {
    const classifier = this.newClassifier().setState(v.classifier as ModelState);
    const mean = v.mean as Float32Array | undefined;
    if (mean && mean.length !== classifier.weights.cols)
      throw new ValueError(
        `StandardizedClassifier.setState: ${mean.length} feature statistics for a classifier of ${classifier.weights.cols} inputs; was it saved by this kind of model?`,
      );
    this.stats = mean ? { mean, std: v.std as Float32Array } : null;
    this.classifier = classifier;
  }
}

registerModel(StandardizedClassifier);
