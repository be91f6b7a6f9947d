// Options of the Krotov–Hopfield layer (docs/math/krotov-hopfield.md). The defaults are the
// authors' public notebook (DimaKrotov/Biological_Learning) with the paper's MNIST constants
// p = 3, k = 7, Δ = 0.4 (the notebook shows p = 2, k = 2 for its 100-unit demo).
import type { Backend } from '../backend/types.ts';
import { backendOption } from '../model/model.ts';
import { MAX_EPOCHS, describe, integer, number, seed, type Resolved } from '../model/params.ts';
import { schedule, type Schedule } from '../model/schedule.ts';

/** Options of KrotovHopfield. */
export interface KrotovHopfieldOptions {
  /** Hidden units (default 2000, the paper's MNIST network). */
  units?: number;
  /** The Lebesgue norm p of the synapses (default 3). */
  p?: number;
  /** k: the rank of the unit pushed away anti-Hebbianly (default 7; 2 is the runner-up). */
  rank?: number;
  /** Δ: strength of the anti-Hebbian push on the k-th ranked unit (default 0.4). */
  delta?: number;
  /** ε: the largest weight change of a batch (default linear:0.02, ε₀ → 0 over the fit). */
  lr?: number | Schedule | string;
  /** Samples per update (default 100). */
  batchSize?: number;
  /** Epochs of `fit` (default 200, the notebook's). */
  epochs?: number;
  /** Mean of the Gaussian initial weights (default 0). */
  initMean?: number;
  /** Standard deviation of the Gaussian initial weights (default 1). */
  initStd?: number;
  /** The update's largest entry is divided by max(that, precision) (default 1e-30). */
  precision?: number;
  /** Seeds the initial weights and the sample order (default 0). */
  seed?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

/** KrotovHopfield's options: checks, defaults and help (the model's optionTable). */
export const KROTOV_SPEC = {
  units: describe(integer({ min: 1, default: 2000 }), 'hidden units (the paper: 2000)'),
  p: describe(
    number({ min: 1, default: 3 }),
    'p, the Lebesgue norm of the synapses (the paper: 3)',
  ),
  rank: describe(
    integer({ min: 2, default: 7 }),
    'k: the ranked unit pushed away anti-Hebbianly (2 is the runner-up; the paper: 7)',
  ),
  delta: describe(
    number({ min: 0, default: 0.4 }),
    'Δ: strength of the anti-Hebbian push on the k-th unit (the paper: 0.4)',
  ),
  lr: describe(
    schedule({ default: { kind: 'linear', from: 0.02 } }),
    "the largest weight change per batch: a number or schedule; the authors': linear:0.02 (ε₀(1 − epoch/epochs))",
  ),
  batchSize: describe(integer({ min: 1, default: 100 }), 'samples per update'),
  epochs: describe(
    integer({ min: 1, max: MAX_EPOCHS, default: 200 }),
    "epochs of fit (the authors' notebook: 200)",
  ),
  initMean: describe(number({ default: 0 }), 'mean of the Gaussian initial weights'),
  initStd: describe(number({ min: 0, default: 1 }), 'standard deviation of the initial weights'),
  precision: describe(
    number({ gt: 0, default: 1e-30 }),
    'floor of the divisor max|ΔW| (the notebook: 1e-30)',
  ),
  seed: describe(seed(), 'seed of the initial weights and the sample order'),
  backend: backendOption(),
} satisfies Record<keyof KrotovHopfieldOptions, unknown>;

/** Every option's value, defaults filled in. */
export type ResolvedKrotovHopfieldOptions = Resolved<typeof KROTOV_SPEC>;
