// Options of the emergence learner (docs/math/emergence.md): the table the constructor
// validates and the combinations it refuses.
import type { Backend } from '../backend/types.ts';
import { ValueError } from '../errors.ts';
import { activation, type Activation } from '../model/activation.ts';
import { backendOption } from '../model/model.ts';
import {
  MAX_EPOCHS,
  boolean,
  describe,
  integer,
  listOf,
  number,
  oneOf,
  required,
  seed,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { ARCHITECTURES, HIDDEN_ACTIVATIONS, type Architecture } from './network.ts';
import { ANY_NETWORK_RULES, RULES, type RuleName } from './rules.ts';

/** Options of EmergenceLearner (docs/math/emergence.md). */
export interface EmergenceOptions {
  /** The learning rule: 'sgd', 'adam', 'dfa' or 'random'. */
  rule: RuleName;
  /** Weight decay γ ≥ 0 in ΔW = η (g − γW). Default 0. */
  weightDecay?: number;
  /** Std σ ≥ 0 of the weight noise: the forward pass uses w = v + ε, ε ~ N(0, σ²). Default 0. */
  weightNoise?: number;
  /**
   * Std σ ≥ 0 of the gradient noise: the update uses g + ξ, ξ ~ N(0, σ²) fresh each step and
   * entry, and the recorded signal is that noisy g. Default 0.
   */
  gradientNoise?: number;
  /** η. Default 0.05, or 1e-3 for adam (whose signal has unit-scale entries). */
  lr?: number;
  /**
   * Steps of linear warm-up of the rate: step t (counted from 0) uses η · min(1, (t + 1) / k),
   * so that a rate that diverges from the initial weights can be reached. Default 0 (none).
   */
  lrWarmup?: number;
  /** The network: a bias-free MLP (default) or a small transformer (TinyTransformer). */
  architecture?: Architecture;
  /** Hidden layer widths of the MLP. Default [128]. */
  hidden?: number[];
  /**
   * Hidden activation: linear, relu, tanh (default) or sigmoid (the transformer's MLP blocks);
   * the output layer is linear.
   */
  activation?: string | Activation;
  /** Transformer: tokens per sample (they split the input features; default 8). */
  tokens?: number;
  /** Transformer: width of the token embeddings (default 32). */
  width?: number;
  /** Transformer: attention heads (default 4). */
  heads?: number;
  /** Transformer: blocks of attention + MLP (default 2). */
  blocks?: number;
  /** Initial weights N(0, initScale²/fan-in) (default 1). */
  initScale?: number;
  /** DFA and random: feedback matrices N(0, feedbackScale²/N_l) (default 1). */
  feedbackScale?: number;
  /** Mini-batch size. Default 256. */
  batchSize?: number;
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Seed of every random choice: initial weights, sample order, weight noise, feedback. */
  seed?: number;
  /** Record the alignments every k steps (default 1), and at every step of the final window. */
  metricsEvery?: number;
  /** The final alignment and the stationarity check average the last fraction of steps. */
  finalFraction?: number;
  /** Adam's decay of the first moment, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Adam's decay of the second moment, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Adam's ε added to √v̂ (default 1e-8). */
  eps?: number;
  /** Adam and weight decay: 'coupled' (torch.optim.Adam, default) or 'decoupled' (AdamW). */
  adamDecay?: 'coupled' | 'decoupled';
  /**
   * Run the w = v + ε path even at σ = 0 (it must then change nothing, bit for bit; the tests
   * check that). By default σ = 0 uses v directly.
   */
  alwaysPerturb?: boolean;
  /** Validation loss every k steps (default: once an epoch). */
  valEvery?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

/** EmergenceLearner's option table: each option's check, default and help line. */
export const EMERGENCE_SPEC = {
  rule: describe(required(oneOf(RULES)), 'learning rule: sgd, adam, dfa or random'),
  weightDecay: describe(number({ min: 0, default: 0 }), 'weight decay γ in ΔW = η (g − γW)'),
  weightNoise: describe(
    number({ min: 0, default: 0 }),
    'weight noise σ: forward with w = v + ε, ε ~ N(0, σ²)',
  ),
  gradientNoise: describe(
    number({ min: 0, default: 0 }),
    'gradient noise σ: the signal is g + ξ, ξ ~ N(0, σ²) fresh each step (the update follows it)',
  ),
  lr: describe(number({ gt: 0 }), 'learning rate η; default 0.05 (adam 1e-3)'),
  lrWarmup: describe(
    integer({ min: 0, default: 0 }),
    'steps k of linear rate warm-up: step t (from 0) uses η · min(1, (t + 1)/k); 0: none',
  ),
  architecture: describe(
    oneOf(ARCHITECTURES, { default: 'mlp' }),
    'a bias-free MLP, or a small transformer (sgd and adam only)',
  ),
  hidden: describe(
    listOf(integer({ min: 1 }), { default: [128] }),
    'MLP: hidden widths, comma-separated',
    '<widths>',
  ),
  activation: describe(
    activation(HIDDEN_ACTIVATIONS, { default: { name: 'tanh' } }),
    'hidden activation: linear, relu, tanh or sigmoid (the output layer is linear)',
  ),
  tokens: describe(
    integer({ min: 1, default: 8 }),
    'transformer: tokens per sample (they split the inputs)',
  ),
  width: describe(
    integer({ min: 1, default: 32 }),
    'transformer: embedding width (a multiple of heads)',
  ),
  heads: describe(integer({ min: 1, default: 4 }), 'transformer: attention heads'),
  blocks: describe(integer({ min: 0, default: 2 }), 'transformer: blocks of attention and MLP'),
  initScale: describe(number({ gt: 0, default: 1 }), 'initial weights N(0, s²/fan-in)'),
  feedbackScale: describe(
    number({ gt: 0, default: 1 }),
    'dfa and random: feedback matrices N(0, s²/width) (s = 1: the scale of the forward weights)',
  ),
  batchSize: describe(integer({ min: 1, default: 256 }), 'mini-batch size'),
  epochs: describe(integer({ min: 1, max: MAX_EPOCHS, default: 10 }), 'training epochs'),
  seed: describe(
    seed(),
    'seed of every random choice (initial weights, sample order, weight noise, feedback matrices)',
  ),
  metricsEvery: describe(
    integer({ min: 1, default: 1 }),
    'record the alignments every k steps (and at every step of the final window)',
  ),
  finalFraction: describe(
    number({ gt: 0, max: 1, default: 0.1 }),
    'fraction in (0, 1] of the last steps that the final alignment and the stationarity check average',
  ),
  beta1: describe(
    number({ min: 0, lt: 1, default: 0.9 }),
    'adam: decay of the first moment, in [0, 1)',
  ),
  beta2: describe(
    number({ min: 0, lt: 1, default: 0.999 }),
    'adam: decay of the second moment, in [0, 1)',
  ),
  eps: describe(number({ min: 0, default: 1e-8 }), 'adam: ε added to √v̂'),
  adamDecay: describe(
    oneOf(['coupled', 'decoupled'] as const, { default: 'coupled' }),
    "how adam meets weight decay: coupled (L2 in the gradient, torch's Adam weight_decay) or decoupled (AdamW)",
  ),
  alwaysPerturb: describe(
    boolean({ default: false }),
    'run the w = v + ε path even at σ = 0 (it must then change nothing; a check)',
  ),
  valEvery: describe(integer({ min: 1 }), 'validation loss every k steps; default once an epoch'),
  backend: backendOption(),
} satisfies Record<keyof EmergenceOptions, unknown>;

/** Validated options, defaults filled in (lr: 0.05, or 1e-3 for adam). */
export type ResolvedEmergenceOptions = Resolved<typeof EMERGENCE_SPEC> & {
  /** The learning rate η. */
  readonly lr: number;
};

/** Checks the options and the combinations the networks cannot run. */
export function resolveEmergenceOptions(given: EmergenceOptions): ResolvedEmergenceOptions {
  const o = validateOptions('EmergenceLearner', EMERGENCE_SPEC, given);
  if (o.architecture === 'transformer' && !ANY_NETWORK_RULES.includes(o.rule))
    throw new ValueError(
      `EmergenceLearner: rule '${o.rule}' needs architecture 'mlp' (its feedback reaches an MLP's hidden layers); use sgd or adam with a transformer`,
    );
  if (o.architecture === 'transformer' && o.width % o.heads !== 0)
    throw new ValueError(
      `EmergenceLearner: ${o.heads} heads do not divide width ${o.width}; choose heads dividing it`,
    );
  return { ...o, lr: o.lr ?? (o.rule === 'adam' ? 1e-3 : 0.05) };
}
