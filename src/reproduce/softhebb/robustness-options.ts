// The robustness reproduction's options, published numbers and result shapes (shared by its
// run and its report), and the attack's options `hebb attack` takes too.
import {
  boolean,
  describe,
  integer,
  listOf,
  number,
  oneOf,
  type ParamSpec,
  withoutDefault,
} from '../../model/params.ts';
import type { CurvePoint, PgdPoint } from '../../robustness/curves.ts';
import { SOFTHEBB_SPEC } from '../../softhebb/options.ts';
import type { OptionsOf } from '../experiment.ts';
import { directory } from '../options.ts';
import { LAYER_OUTPUT, MLP_EPOCHS, READOUT_EPOCHS } from './model-options.ts';

/** The attack's options (their defaults are each command's). */
export const ATTACK_PARAMS = {
  eps: describe(
    listOf(number({ min: 0, max: 255 })),
    'budgets ε, comma separated: L∞ in pixel levels of 255, L2 as radii in pixel units',
  ),
  steps: describe(integer({ min: 1 }), 'PGD steps'),
  restarts: describe(integer({ min: 1 }), 'random restarts'),
  norm: describe(oneOf(['linf', 'l2'] as const, { default: 'linf' }), 'attack norm', '<norm>'),
  attackSamples: describe(integer({ min: 1 }), 'test images attacked, fixed by the seed'),
} satisfies ParamSpec;

/** Gaussian noise levels. */
export const NOISE_LEVELS = describe(
  listOf(number({ min: 0 })),
  'noise standard deviations σ, comma separated',
);

/** The options of `reproduce softhebb-robustness`; those --quick shrinks have no default. */
export const ROBUSTNESS_OPTIONS = {
  dataset: describe(
    oneOf(['mnist', 'fashion-mnist'] as const, { default: 'mnist' }),
    'data set',
    '<name>',
  ),
  dataDir: describe(directory(), 'folder of the data set', '<dir>'),
  units: withoutDefault(
    SOFTHEBB_SPEC.units,
    'units of each layer (default 2000; 200 with --quick)',
  ),
  epochs: withoutDefault(SOFTHEBB_SPEC.epochs, 'Hebbian epochs (default 100; 1 with --quick)'),
  readoutEpochs: withoutDefault(
    READOUT_EPOCHS,
    'linear read-out epochs (default 100; 3 with --quick)',
  ),
  mlpEpochs: withoutDefault(MLP_EPOCHS, 'backprop MLP epochs (default 20; 1 with --quick)'),
  activation: describe(
    LAYER_OUTPUT,
    "the Hebbian layers' output at inference (default softmax at the layer's inverse temperature)",
    '<f>',
  ),
  noise: withoutDefault(
    NOISE_LEVELS,
    'noise standard deviations σ, comma separated (default 0,0.1,0.2,0.3,0.4,0.5,0.6,0.8,1; 0,0.3,0.6,1 with --quick)',
  ),
  eps: withoutDefault(
    ATTACK_PARAMS.eps,
    'attack budgets ε, comma separated: L∞ in pixel levels of 255 (default 4,8,16,32,64,128,255), L2 as radii (default 0.25,0.5,1,1.5,2,3)',
  ),
  steps: withoutDefault(ATTACK_PARAMS.steps, 'PGD steps (default 200; 10 with --quick)'),
  restarts: withoutDefault(ATTACK_PARAMS.restarts, 'random restarts (default 5; 1 with --quick)'),
  norm: ATTACK_PARAMS.norm,
  attackSamples: withoutDefault(
    ATTACK_PARAMS.attackSamples,
    'test images attacked, fixed by the seed (default 1000; 100 with --quick)',
  ),
  baselines: describe(
    boolean({ default: true }),
    'leave out the k-means, PCA and 100-neuron SoftHebb layers (Fig. 6)',
  ),
  quick: describe(
    boolean({ default: false }),
    'small and fast: 200 units, 1 epoch, 10k training images, 100 attacked images',
  ),
} satisfies ParamSpec;

/** The SoftHebb defaults the reproduction replaces: none (epochs: the run takes 100, 1 with --quick). */
export const ROBUSTNESS_DIFFERS = {};

export type RobustnessFlags = OptionsOf<typeof ROBUSTNESS_OPTIONS>;

export const PAPER_EPS = [4, 8, 16, 32, 64, 128, 255];
export const DEFAULT_NOISE = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0];

export interface ModelCurves {
  name: string;
  clean: number;
  /** Clean accuracy on the attacked images (the ε = 0 point of the PGD curve). */
  cleanAttacked: number;
  noise: CurvePoint[];
  pgd: Omit<PgdPoint, 'adversarial' | 'robust'>[];
  trainSeconds: number;
  /** Noise curve, PGD curve and Fig. 5 checks together. */
  evalSeconds: number;
  /** Fig. 5 (SoftHebb and the MLP): accuracy at fig5Eps against steps and step size. */
  convergence?: Convergence;
}

export interface Convergence {
  steps: { steps: number; accuracy: number }[];
  stepSize: { ratio: number; accuracy: number }[];
}

/** Fig. 5's budget: 32/255 for L∞, an L2 radius of 1 for L2. */
export const fig5Eps = (norm: 'linf' | 'l2') => (norm === 'linf' ? 32 / 255 : 1);
/** L∞ budgets are given in pixel levels out of 255, L2 budgets as radii in [0, 1] pixel units. */
export const epsScale = (norm: 'linf' | 'l2') => (norm === 'linf' ? 1 / 255 : 1);
export const DEFAULT_L2_EPS = [0.25, 0.5, 1, 1.5, 2, 3];
/** ε as the flags give it: 32 (/255) for L∞, 1.5 for L2. */
export const epsLabel = (norm: 'linf' | 'l2', eps: number) =>
  norm === 'linf' ? `${Math.round(eps * 255)}` : `${+eps.toFixed(3)}`;
export const FIG5_RATIOS = [0.25, 0.5, 1, 2, 4];

export interface RobustnessResult {
  models: ModelCurves[];
  attackSamples: number;
  settings: Record<string, number | string>;
  figures: string[];
}

export const PAPER_BASELINES = {
  'k-means, softmax': 53.64,
  'PCA, softmax': 28.55,
  'SoftHebb 100, softmax': 91.06,
  'k-means, ReLU': 90.61,
  'PCA, ReLU': 82.74,
} as const;
