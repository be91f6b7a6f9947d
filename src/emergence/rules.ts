import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import type { Rng } from '../backend/rng.ts';
import { ValueError } from '../errors.ts';
import { Adam } from '../optim/adam.ts';
import { mseLoss } from './losses.ts';
import { BiasFreeMlp, type EmergenceNetwork } from './network.ts';

/** The learning rules: backprop SGD, Adam, direct feedback alignment, a random network's. */
export const RULES = ['sgd', 'adam', 'dfa', 'random'] as const;
/** A rule of RULES. */
export type RuleName = (typeof RULES)[number];

/** `rule` as a RuleName, or a ValueError naming `where` and the rules there are. */
export function checkRule(rule: unknown, where: string): RuleName {
  if (!RULES.includes(rule as RuleName)) {
    throw new ValueError(
      `${where}: unknown rule '${String(rule)}'; choose one of ${RULES.join(', ')}`,
    );
  }
  return rule as RuleName;
}

/**
 * Writes the output-error gradient dOut = ∂ℓ/∂ŷ for `out` against the current batch's targets
 * and returns the loss. The trainer supplies it; rules call it for every network they run.
 */
export type LossGrad = (out: Matrix, dOut: Matrix) => number;

/**
 * A learning rule: after the trained network's forward pass, fills `g[l]` (N_l × K_l) with
 * the learning signal of every layer. The trainer then applies ΔW = η (g − γ W).
 */
export interface LearningRule {
  /** Which rule this is. */
  readonly name: RuleName;
  /** Whether signal() leaves ∂ℓ/∂W in net.dw (it backpropagates), for cos(−∇ℓ, H). */
  readonly backprop: boolean;
  /** Returns the trained network's loss on the batch. */
  signal(net: EmergenceNetwork, lossGrad: LossGrad, g: Matrix[]): number;
}

/** Options of createRule. */
export interface RuleOptions {
  /** Adam's decay of the first moment (its step direction with lr = 1 is the signal). */
  beta1?: number;
  /** Adam's decay of the second moment. */
  beta2?: number;
  /** Adam's ε added to √v̂. */
  eps?: number;
  /** How Adam meets weight decay: 'coupled' (L2 in the gradient, default) or 'decoupled'. */
  adamDecay?: 'coupled' | 'decoupled';
  /** γ, needed by coupled Adam. */
  decay?: number;
  /** DFA and random: the feedback matrices' std is feedbackScale/√N_l (default 1). */
  feedbackScale?: number;
}

/** SGD: g = −∂ℓ/∂W by backpropagation. */
class SgdRule implements LearningRule {
  readonly name = 'sgd';
  readonly backprop = true;
  signal(net: EmergenceNetwork, lossGrad: LossGrad, g: Matrix[]): number {
    const loss = lossGrad(net.output, net.outputGrad);
    net.backward();
    for (let l = 0; l < net.w.length; l++) net.backend.unary('neg', net.dw[l], g[l]);
    return loss;
  }
}

/**
 * Adam. With `adamDecay: 'coupled'` (the default; torch.optim.Adam's weight_decay) the decay
 * is added to the gradient before Adam normalises it: the applied step is
 * ΔW = η · adam(∂ℓ/∂W + γW), with adam(·) = −m̂/(√v̂ + ε). Written as ΔW = η (g − γW), the
 * signal is g = adam(∂ℓ/∂W + γW) + γW. With 'decoupled' (AdamW) g = adam(∂ℓ/∂W) and the decay
 * acts only through −ηγW — negligible at Adam's small η.
 */
class AdamRule implements LearningRule {
  readonly name = 'adam';
  readonly backprop = true;
  private readonly adam: Adam;
  private readonly coupled: number;
  constructor(be: Backend, o: RuleOptions) {
    const coupled = (o.adamDecay ?? 'coupled') === 'coupled' ? (o.decay ?? 0) : 0;
    this.coupled = coupled;
    this.adam = new Adam({
      lr: 1,
      beta1: o.beta1,
      beta2: o.beta2,
      eps: o.eps,
      weightDecay: coupled,
      backend: be,
    });
  }
  signal(net: EmergenceNetwork, lossGrad: LossGrad, g: Matrix[]): number {
    const loss = lossGrad(net.output, net.outputGrad);
    net.backward();
    for (let l = 0; l < net.w.length; l++) {
      // g = adam(∂ℓ/∂W + γW) (+ γW below); param w is the learned v (also avoids an allocation)
      this.adam.direction(l, net.dw[l], g[l], net.w[l]);
      if (this.coupled > 0) net.backend.axpy(this.coupled, net.w[l], g[l]);
    }
    return loss;
  }
}

/**
 * Direct feedback alignment (Nøkland 2016): the output error e = ∂ℓ/∂ŷ (B × D) reaches hidden
 * layer l through a fixed random matrix B_l (N_l × D): δ_l = (e B_lᵀ) ⊙ f'(z_l), g_l = −δ_lᵀ a_l.
 * The output layer gets its true gradient. B_l ~ N(0, 1/N_l), the scale of the transposed
 * forward weight W_{l+1}ᵀ under the default init, so that with one hidden layer and
 * B_0 = W_1ᵀ the signal is exactly backprop's.
 */
export class DfaRule implements LearningRule {
  readonly name = 'dfa';
  readonly backprop = false;
  /** Feedback matrices, one per hidden layer (N_l × D). Replace entries to test or study. */
  readonly feedback: Matrix[];
  private readonly upstream: Matrix[];
  constructor(net: BiasFreeMlp, rng: Rng, feedbackScale = 1) {
    const D = net.sizes[net.sizes.length - 1];
    this.feedback = [];
    this.upstream = [];
    for (let l = 0; l < net.layers - 1; l++) {
      const n = net.sizes[l + 1];
      const b = Matrix.zeros(n, D);
      rng.normal(b.data, 0, feedbackScale / Math.sqrt(n));
      this.feedback.push(b);
      this.upstream.push(Matrix.zeros(net.batch, n));
    }
  }
  signal(net: BiasFreeMlp, lossGrad: LossGrad, g: Matrix[]): number {
    const be = net.backend;
    const L = net.layers;
    const e = net.dz[L - 1];
    const loss = lossGrad(net.output, e);
    net.weightGrad(L - 1);
    for (let l = 0; l < L - 1; l++) {
      // upstream (B×N_l) = e (B×D) · B_lᵀ (D×N_l); δ_l = upstream ⊙ f'(z_l)
      be.gemm(false, true, 1, e, this.feedback[l], 0, this.upstream[l]);
      net.activationBackward(l, this.upstream[l]);
      net.weightGrad(l);
    }
    for (let l = 0; l < L; l++) be.unary('neg', net.dw[l], g[l]);
    return loss;
  }
}

/**
 * The "random" rule: a learning signal that comes from fixed random networks and carries no
 * information about the task or about the trained network's gradient.
 *
 * - Targets: a fixed random network R with the trained network's architecture (weights
 *   N(0, 1/K_l), drawn once from the rule's seed, never updated) maps each input to a random
 *   target R(x). The task's own targets are ignored.
 * - Error: e = (ŷ − R(x)) / B, the error of the trained network's output against R.
 * - Delivery: e reaches the output layer directly (g_{L−1} = −eᵀ a_{L−1}, the delta rule) and
 *   every hidden layer l through a fixed random matrix B_l (N_l × D), as in DFA:
 *   g_l = −((e B_lᵀ) ⊙ f'(z_l))ᵀ a_l. No backpropagation through the trained weights.
 *
 * So the signal drives the network towards an arbitrary random function by an arbitrary
 * random credit assignment; validation loss on the task does not improve. Any Hebbian
 * alignment it shows comes from the stationarity argument (E g = γW), not from the task.
 */
export class RandomNetworkRule implements LearningRule {
  readonly name = 'random';
  readonly backprop = false;
  /** The fixed random target network R. */
  readonly target: BiasFreeMlp;
  private readonly dfa: DfaRule;
  private readonly be: Backend;
  constructor(trained: BiasFreeMlp, rng: Rng, feedbackScale = 1) {
    this.be = trained.backend;
    this.target = new BiasFreeMlp(
      trained.sizes,
      trained.activation,
      trained.batch,
      trained.backend,
    );
    this.target.init(rng.fork(0));
    this.dfa = new DfaRule(trained, rng.fork(1), feedbackScale);
  }
  /** Feedback matrices B_l (N_l × D) of the hidden layers. */
  get feedback(): Matrix[] {
    return this.dfa.feedback;
  }
  signal(net: BiasFreeMlp, lossGrad: LossGrad, g: Matrix[]): number {
    const r = this.target;
    const be = this.be;
    be.unary('copy', net.a[0], r.a[0]);
    r.forward();
    // the trained network's task loss, for the record; its dOut is overwritten below
    const loss = lossGrad(net.output, net.dz[net.layers - 1]);
    // e (B×D) = (ŷ − R(x)) / B
    mseLoss(be, net.output, r.output, net.dz[net.layers - 1]);
    this.dfa.signal(net, () => loss, g);
    return loss;
  }
}

/** The rules that work on any EmergenceNetwork; dfa and random need a BiasFreeMlp. */
export const ANY_NETWORK_RULES: readonly RuleName[] = ['sgd', 'adam'];

/**
 * The rule `name` for network `net`: its feedback matrices (dfa, random) drawn from rng. dfa and
 * random need a BiasFreeMlp.
 */
export function createRule(
  name: RuleName,
  net: EmergenceNetwork,
  rng: Rng,
  opts: RuleOptions = {},
): LearningRule {
  const rule = checkRule(name, 'createRule');
  if (rule === 'sgd') return new SgdRule();
  if (rule === 'adam') return new AdamRule(net.backend, opts);
  // DFA's feedback reaches each hidden layer of an MLP directly; a transformer has no such layers
  if (!(net instanceof BiasFreeMlp))
    throw new ValueError(
      `createRule: rule '${rule}' needs the mlp architecture; use ${ANY_NETWORK_RULES.join(' or ')} with a transformer`,
    );
  const scale = opts.feedbackScale ?? 1;
  return rule === 'dfa' ? new DfaRule(net, rng, scale) : new RandomNetworkRule(net, rng, scale);
}
