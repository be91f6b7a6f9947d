// The robustness reproduction's options, published numbers and result shapes (shared by its
// run and its report).
import type { RunOptions as RunFlags } from '../context.ts';
import type { CurvePoint, PgdPoint } from '../../robustness/curves.ts';

export interface RobustnessFlags extends RunFlags {
  dataset: 'mnist' | 'fashion-mnist';
  dataDir?: string;
  units?: number;
  epochs?: number;
  readoutEpochs?: number;
  mlpEpochs?: number;
  /** Inference activation of the Hebbian layers (default softmax at the layer's temperature). */
  activation?: string;
  noise?: number[];
  /** ε in pixel levels out of 255. */
  eps?: number[];
  steps?: number;
  restarts?: number;
  norm: 'linf' | 'l2';
  attackSamples?: number;
  /** Also the Appendix E.2 baselines: k-means and PCA layers, a 100-neuron SoftHebb. */
  baselines?: boolean;
  quick?: boolean;
}

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
