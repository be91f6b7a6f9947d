import type { Matrix } from '../backend/matrix.ts';
import { ValueError } from '../errors.ts';
import { validateSchedule, type Schedule } from './schedule.ts';

/**
 * Options of a SoftHebb layer (SPEC §1). The paper states base 1000 and a linear rate decay
 * from 0.03, but not its initialisation, and with unit-norm inputs base 1000 (t ≈ 6.9) is too
 * soft for our inputs: measured on MNIST (100 units, one epoch, batch 100, label read-out):
 * t = 6.9 → 53 %, t = 20 → 71 %, t = 50 → 83–86 %. Positive uniform weights of norm 3 make
 * every unit win early (a winner's norm shrinks towards 1, so unused units with larger norms
 * take the next inputs): norm 1 → 38 % with 13 units ever winning, norm 3 → 83 % with all
 * 100. Norm 35 (the authors' code) makes the summed mini-batch step overshoot (1 − η·Σ y·u
 * < −1 when a unit wins several samples of a batch with u ≈ 30), so it suits online learning
 * or the 'normalized' rule only. Hence the defaults: t = 50, positive uniform norm 3.
 */
export interface SoftHebbOptions {
  /** Number of units K. */
  units: number;
  /** 'soft' (softmax posterior) or 'hard' (one-hot winner; the infinite-base limit). */
  wta?: 'soft' | 'hard';
  /** Softmax base β > 1 (inverse temperature ln β). Default e^50 (t = 50). */
  base?: number;
  /** Softmax inverse temperature t; overrides base (t = ln β). */
  inverseTemperature?: number;
  /** Learn the prior bias by Eq. 10 (soft WTA only). Default true for soft, false for hard. */
  bias?: boolean;
  /** Bias learning-rate schedule (number = constant). Default: the weights' × 0.1/K (paper rule) or × 1/t (normalized). */
  biasLr?: number | Schedule;
  /** Weight learning-rate schedule (number = constant). Default linear 0.03 → 0. */
  lr?: number | Schedule;
  /**
   * 'paper': Eq. 8 exactly. 'normalized': the authors' code — the layer's update divided by
   * its largest magnitude and a per-unit rate η₀·(|‖w_k‖ − 1| + 1e-10)^q.
   */
  rule?: 'paper' | 'normalized';
  /**
   * How a mini-batch step is taken. 'euler' (default): Eq. 8 summed over the batch, exactly.
   * 'exact': each unit's step solves the rule's linear ODE dw/dτ = Σ_b y_b x_b − c w
   * (c = Σ_b y_b u_b) exactly over τ = η, i.e. a per-unit rate (1 − e^(−η c))/c. The two agree
   * to first order in η; 'exact' never overshoots when a unit wins many samples of a batch
   * (Euler does once η·c > 2, and that unit's norm then grows without bound). The prior is
   * integrated exactly too: in p = e^(t·b) Eq. 10 reads dp/dτ = t(Σ_b y_b − B·p), so p moves
   * towards the batch's win frequency by a factor 1 − e^(−t·B·η_b) and never explodes.
   * Online (batch 1) learning is always Euler.
   */
  integrator?: 'euler' | 'exact';
  /** Exponent q of the adaptive rate of the 'normalized' rule. Default 0.5. */
  adaptivePower?: number;
  /** Soft-Krotov: flip the sign of y for every unit but the winner (anti-Hebbian losers). */
  krotov?: boolean;
  /** Divide each input by its L2 norm before use. Default true. */
  normalizeInput?: boolean;
  /** Initial weight distribution: 'positive-uniform' (U[0,1) rows) or 'normal'. */
  init?: 'positive-uniform' | 'normal';
  /** Euclidean norm of each initial weight row. Default 3. */
  initRadius?: number;
  /** Seed of initialisation and sample order. Default 0. */
  seed?: number;
  /** Start from these weights (units × inputs) instead of random ones. */
  initialWeights?: Matrix;
  /** Start from this bias (length units); default ln(1/K)/t, the uniform prior. */
  initialBias?: Float32Array;
}

export interface ResolvedOptions {
  units: number;
  hard: boolean;
  inverseTemperature: number;
  bias: boolean;
  lr: Schedule;
  biasLr: Schedule;
  rule: 'paper' | 'normalized';
  integrator: 'euler' | 'exact';
  adaptivePower: number;
  krotov: boolean;
  normalizeInput: boolean;
  init: 'positive-uniform' | 'normal';
  initRadius: number;
  seed: number;
}

const toSchedule = (v: number | Schedule, what: string): Schedule =>
  validateSchedule(typeof v === 'number' ? { kind: 'constant', from: v } : v, what);

function positive(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new ValueError(`SoftHebb: ${name} must be a positive finite number, got ${String(v)}`);
}

function scaleSchedule(s: Schedule, f: number): Schedule {
  return {
    ...s,
    from: s.from * f,
    ...(s.kind !== 'constant' && s.to !== undefined ? { to: s.to * f } : {}),
  } as Schedule;
}

export function resolveOptions(o: SoftHebbOptions): ResolvedOptions {
  if (!o || typeof o !== 'object')
    throw new ValueError('SoftHebb: pass an options object, e.g. new SoftHebb({ units: 2000 })');
  if (!Number.isInteger(o.units) || o.units < 1)
    throw new ValueError(`SoftHebb: units must be a positive integer, got ${String(o.units)}`);
  const wta = o.wta ?? 'soft';
  if (wta !== 'soft' && wta !== 'hard')
    throw new ValueError(`SoftHebb: wta must be 'soft' or 'hard', got '${String(wta)}'`);
  const hard = wta === 'hard';
  if (o.base !== undefined && o.inverseTemperature !== undefined)
    throw new ValueError(
      'SoftHebb: give either base or inverseTemperature, not both (t = ln base)',
    );
  if (o.base !== undefined) {
    positive('base', o.base);
    if (o.base <= 1) throw new ValueError(`SoftHebb: base must be > 1, got ${o.base}`);
  }
  if (o.inverseTemperature !== undefined) positive('inverseTemperature', o.inverseTemperature);
  const t = o.inverseTemperature ?? (o.base !== undefined ? Math.log(o.base) : 50);
  const bias = o.bias ?? !hard;
  if (bias && hard)
    throw new ValueError(
      'SoftHebb: bias learning needs a soft WTA (the prior rule uses the softmax posterior); set bias: false',
    );
  const lr = toSchedule(o.lr ?? { kind: 'linear', from: 0.03, to: 0 }, 'SoftHebb lr');
  // The prior rule multiplies its step by e^(−t·b) ≈ K at the uniform prior, so its rate must
  // be about K times smaller than the weights' to stay stable (paper rule); the authors'
  // normalised variant bounds each step instead and uses η/t.
  const biasLr =
    o.biasLr !== undefined
      ? toSchedule(o.biasLr, 'SoftHebb biasLr')
      : scaleSchedule(lr, (o.rule ?? 'paper') === 'paper' ? 0.1 / o.units : 1 / t);
  const rule = o.rule ?? 'paper';
  if (rule !== 'paper' && rule !== 'normalized')
    throw new ValueError(`SoftHebb: rule must be 'paper' or 'normalized', got '${String(rule)}'`);
  const integrator = o.integrator ?? 'euler';
  if (integrator !== 'euler' && integrator !== 'exact')
    throw new ValueError(
      `SoftHebb: integrator must be 'euler' or 'exact', got '${String(integrator)}'`,
    );
  const adaptivePower = o.adaptivePower ?? 0.5;
  if (!(Number.isFinite(adaptivePower) && adaptivePower >= 0))
    throw new ValueError(`SoftHebb: adaptivePower must be ≥ 0, got ${adaptivePower}`);
  const init = o.init ?? 'positive-uniform';
  if (init !== 'positive-uniform' && init !== 'normal')
    throw new ValueError(
      `SoftHebb: init must be 'positive-uniform' or 'normal', got '${String(init)}'`,
    );
  const initRadius = o.initRadius ?? 3;
  positive('initRadius', initRadius);
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new ValueError(`SoftHebb: seed must be a non-negative integer, got ${String(seed)}`);
  if (o.initialBias !== undefined && !(o.initialBias instanceof Float32Array))
    throw new ValueError('SoftHebb: initialBias must be a Float32Array of length units');
  return {
    units: o.units,
    hard,
    inverseTemperature: t,
    bias,
    lr,
    biasLr,
    rule,
    integrator,
    adaptivePower,
    krotov: o.krotov ?? false,
    normalizeInput: o.normalizeInput ?? true,
    init,
    initRadius,
    seed,
  };
}
