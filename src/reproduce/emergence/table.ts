import {
  EmergenceLearner,
  type EmergenceOptions,
  type EmergenceResult,
} from '../../emergence/learner.ts';
import type { Architecture } from '../../emergence/network.ts';
import type { RuleName } from '../../emergence/rules.ts';
import type { Task } from '../../emergence/tasks.ts';
import { secondLayerAlignment } from '../../emergence/paper-setup.ts';
import { decayTimes } from '../../emergence/training.ts';

/** The paper's table, regression, γ = 0 / 5e-5 / 5e-4 / 5e-3 (null: the paper reports a collapse). */
export const PAPER_TABLE: Record<RuleName, (number | null)[]> = {
  sgd: [-0.1, -0.06, 0.17, 0.59],
  adam: [-0.02, 0.1, 0.66, null],
  dfa: [0.45, 0.45, 0.68, 0.87],
  random: [0.0, 0.0, 0.05, 0.5],
};

/** The paper's transformer rows (same γ); the rules it reports. */
export const PAPER_TRANSFORMER_TABLE: Partial<Record<RuleName, (number | null)[]>> = {
  sgd: [0.0, 0.04, 0.47, 0.88],
  adam: [-0.02, 0.5, 0.99, null],
};

export interface CellSummary {
  rule: RuleName;
  decay: number;
  noise: number;
  architecture: Architecture;
  /** Names of the weight matrices (the order of `layers`). */
  matrices: string[];
  /** Final 2nd-layer cos(g, H) of each seed (the paper's table entry). */
  values: number[];
  mean: number;
  std: number;
  /** Mean ± std over seeds of the 2nd layer's cos(−∇ℓ, H) (NaN for dfa and random). */
  gradient: { mean: number; std: number };
  /**
   * Per layer, mean over seeds: cos(g,H), cos(ΔW,H), cos(g,H⁺), stationarity ratio,
   * cos(−∇ℓ,H), and cos(E g, E H) over the final window.
   */
  layers: {
    signal: number;
    update: number;
    post: number;
    ratio: number;
    gradient: number;
    window: number;
  }[];
  valLoss: number;
  /** Steps of each run, and Σ_t η_t γ over them (weight-decay time constants). */
  steps: number;
  decayTimes: number;
  collapsedSeeds: number;
  divergedSeeds: number;
  seconds: number;
}

export function meanStd(v: number[]): { mean: number; std: number } {
  const f = v.filter(Number.isFinite);
  if (f.length === 0) return { mean: NaN, std: NaN };
  const mean = f.reduce((a, b) => a + b, 0) / f.length;
  const std =
    f.length > 1 ? Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / (f.length - 1)) : 0;
  return { mean, std };
}

/**
 * One training run as `hebb emergence run --json` reports it (and as a sweep point records it):
 * the final alignments, the stationarity ratios and the last validation loss.
 */
export interface RunSummary extends Pick<
  EmergenceResult,
  | 'rule'
  | 'weightDecay'
  | 'weightNoise'
  | 'gradientNoise'
  | 'lr'
  | 'lrWarmup'
  | 'seed'
  | 'architecture'
  | 'sizes'
  | 'matrices'
  | 'steps'
  | 'collapsed'
  | 'diverged'
> {
  alignment: EmergenceResult['final'];
  /** The table's value: cos(g, H) of the 2nd layer (secondLayerAlignment). */
  secondLayer: number;
  /** The same for the raw gradient, cos(−∇ℓ, H) (NaN for rules that do not backpropagate). */
  secondLayerGradient: number;
  /** Per layer; null where undefined (γ = 0), as JSON writes NaN. */
  stationarityRatio: (number | null)[];
  /** Per layer, cos(E g, E H) over the final window (the mean signal against the mean H). */
  windowAlignment: number[];
  validation: EmergenceResult['validation'][number];
  /** Σ_t η_t γ over the run: weight-decay time constants trained (≫ 1: stationary). */
  decayTimes: number;
  seconds: number;
}

export function runSummary(r: EmergenceResult, seconds: number): RunSummary {
  return {
    rule: r.rule,
    weightDecay: r.weightDecay,
    weightNoise: r.weightNoise,
    gradientNoise: r.gradientNoise,
    lr: r.lr,
    lrWarmup: r.lrWarmup,
    seed: r.seed,
    architecture: r.architecture,
    sizes: r.sizes,
    matrices: r.matrices,
    steps: r.steps,
    alignment: r.final,
    secondLayer: secondLayerAlignment(r.matrices, r.final.signal),
    secondLayerGradient: secondLayerAlignment(r.matrices, r.final.gradient),
    stationarityRatio: r.stationarity.map((s) => (Number.isFinite(s.ratio) ? s.ratio : null)),
    windowAlignment: r.stationarity.map((s) => s.meanCosine),
    validation: r.validation[r.validation.length - 1],
    decayTimes: decayTimes(r, r.steps),
    collapsed: r.collapsed,
    diverged: r.diverged,
    seconds,
  };
}

/** One seed of a regression cell, in this process (the task is shared between runs). */
export function regressionRun(task: Task, opts: EmergenceOptions): RunSummary {
  const t0 = performance.now();
  const r = new EmergenceLearner(opts).fit(task.train.x, task.train.y, {
    validation: task.val,
  }).result!;
  return runSummary(r, (performance.now() - t0) / 1000);
}

/** A (rule, γ, σ) cell from the runs of its seeds. */
export function summarise(runs: RunSummary[]): CellSummary {
  const first = runs[0];
  const L = first.alignment.signal.length;
  const avg = (f: (r: RunSummary) => number | null) => meanStd(runs.map((r) => f(r) ?? NaN)).mean;
  const values = runs.map((r) => r.secondLayer);
  const matrices = first.matrices ?? first.alignment.signal.map((_, l) => `layer ${l + 1}`);
  return {
    rule: first.rule,
    // records written before the transformer existed carry neither field
    architecture: first.architecture ?? 'mlp',
    matrices,
    decay: first.weightDecay,
    noise: first.weightNoise,
    values,
    ...meanStd(values),
    gradient: meanStd(runs.map((r) => r.secondLayerGradient ?? NaN)),
    layers: Array.from({ length: L }, (_, l) => ({
      signal: avg((r) => r.alignment.signal[l]),
      update: avg((r) => r.alignment.update[l]),
      post: avg((r) => r.alignment.post[l]),
      ratio: avg((r) => r.stationarityRatio[l]),
      gradient: avg((r) => r.alignment.gradient[l]),
      window: avg((r) => r.windowAlignment?.[l] ?? NaN),
    })),
    valLoss: avg((r) => r.validation.loss),
    // records written before these fields existed: 0 steps, NaN time constants
    steps: first.steps ?? 0,
    decayTimes: avg((r) => r.decayTimes ?? NaN),
    collapsedSeeds: runs.filter((r) => r.collapsed).length,
    divergedSeeds: runs.filter((r) => r.diverged).length,
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
  };
}
