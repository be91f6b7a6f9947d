import type { Backend } from '../../backend/types.ts';
import { EmergenceLearner, type EmergenceOptions, type EmergenceResult } from '../learner.ts';
import type { Architecture } from '../network.ts';
import type { RuleName } from '../rules.ts';
import { studentTeacherTask, type StudentTeacherOptions, type Task } from '../tasks.ts';

/**
 * The student–teacher setup of the reproductions (the paper fixes only 32-d Gaussian inputs and
 * outputs, 20k/2k samples and batch 256; the rest is chosen here and documented in report.md):
 * a realisable task — teacher 32 → 32 → 32 tanh, student 32 → 128 → 32 tanh, both bias-free
 * with N(0, 1/fan-in) weights, MSE averaged over samples and outputs — trained with η = 0.5
 * (Adam 1e-3, coupled L2 as torch.optim.Adam) for 30 epochs (2 340 steps): ηγT ≈ 6 at
 * γ = 5e-3 (stationary; ratio ≈ 1), ≈ 0.6 at 5e-4; SGD's validation MSE falls 0.77 → 0.02.
 */
export const TABLE_SETUP = {
  task: { dim: 32, train: 20000, val: 2000, teacherWidth: 32, teacherActivation: 'tanh' },
  hidden: [128],
  activation: 'tanh',
  batch: 256,
  epochs: 30,
  lr: { sgd: 0.5, dfa: 0.5, random: 0.5, adam: 1e-3 } as Record<RuleName, number>,
  finalFraction: 0.1,
  /**
   * The transformer rows (the paper: 2 layers, 4 heads, width 32, the same task): each 32-d
   * input as 8 tokens of 4 features; ReLU in its MLP blocks; SGD at 0.1 (0.3 diverges), Adam 1e-3.
   */
  transformer: {
    tokens: 8,
    width: 32,
    heads: 4,
    blocks: 2,
    activation: 'relu',
    lr: { sgd: 0.1, adam: 1e-3 } as Partial<Record<RuleName, number>>,
  },
} as const;

export const TABLE_DECAYS = [0, 5e-5, 5e-4, 5e-3];
export const TABLE_RULES: RuleName[] = ['sgd', 'adam', 'dfa', 'random'];

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

/**
 * The table's value of a run: cos(g, H) of the 2nd layer, as the paper's table reports —
 * the MLP's 2nd weight layer; for the transformer the mean over the 2nd block's matrices.
 */
export function secondLayerAlignment(matrices: string[], signal: number[]): number {
  const block = matrices.flatMap((m, l) => (m.startsWith('block 2 ') ? [signal[l]] : []));
  if (block.length > 0) return block.reduce((a, b) => a + b, 0) / block.length;
  return signal.length > 1 ? signal[1] : NaN;
}

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
  /** Per layer, mean over seeds: cos(g,H), cos(ΔW,H), cos(g,H⁺), stationarity ratio. */
  layers: { signal: number; update: number; post: number; ratio: number; gradient: number }[];
  valLoss: number;
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
  | 'lr'
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
  seconds: number;
}

export function runSummary(r: EmergenceResult, seconds: number): RunSummary {
  return {
    rule: r.rule,
    weightDecay: r.weightDecay,
    weightNoise: r.weightNoise,
    lr: r.lr,
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
    })),
    valLoss: avg((r) => r.validation.loss),
    collapsedSeeds: runs.filter((r) => r.collapsed).length,
    divergedSeeds: runs.filter((r) => r.diverged).length,
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
  };
}

export function tableTask(be: Backend, over: StudentTeacherOptions = {}): Task {
  return studentTeacherTask(be, { ...TABLE_SETUP.task, ...over } as StudentTeacherOptions);
}

/** Options of one table cell with the TABLE_SETUP defaults, overridable. */
export function tableOptions(
  rule: RuleName,
  decay: number,
  noise: number,
  over: Partial<EmergenceOptions> = {},
): EmergenceOptions {
  const common = {
    rule,
    weightDecay: decay,
    weightNoise: noise,
    batchSize: TABLE_SETUP.batch,
    epochs: TABLE_SETUP.epochs,
    finalFraction: TABLE_SETUP.finalFraction,
    metricsEvery: 20,
  };
  if (over.architecture === 'transformer') {
    const { lr, ...shape } = TABLE_SETUP.transformer;
    return { ...common, ...shape, lr: lr[rule], ...over };
  }
  return {
    ...common,
    hidden: [...TABLE_SETUP.hidden],
    activation: TABLE_SETUP.activation,
    lr: TABLE_SETUP.lr[rule],
    ...over,
  };
}
