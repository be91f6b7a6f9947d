// Options of a similarity-matching network (docs/math/similarity-matching.md): the table the
// constructor validates, the authors' defaults, and the layers built from the specs.
import type { Backend } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { type Activation } from '../model/activation.ts';
import { backendOption } from '../model/model.ts';
import {
  MAX_EPOCHS,
  boolean,
  custom,
  describe,
  integer,
  listOf,
  number,
  required,
  seed,
  show,
  validateOptions,
  type Resolved,
} from '../model/params.ts';
import { schedule, type Schedule } from '../model/schedule.ts';
import {
  buildLayer,
  outputGrid,
  toJson,
  type LayerSpec,
  type LayerStructure,
} from './structure.ts';
import { count } from '../model/wording.ts';

/** The authors' rate: max(5e-3 / (1 + 0.5·⌊samples / 1000⌋), 1e-4). */
export const AUTHORS_RATE: Schedule = {
  kind: 'inverse',
  from: 5e-3,
  decay: 0.5,
  every: 1000,
  min: 1e-4,
};

/** Authors' Euler solver: dt_i = max(dtStart / (1 + dtDecay·i), dtMin), ≤ maxSteps, stop at tol. */
export interface SolverOptions {
  /** Euler steps at most per sample. */
  maxSteps: number;
  /** A sample has converged when ‖Δu‖ ≤ tol·‖u‖ in every layer. */
  tol: number;
  /** The first step size. */
  dtStart: number;
  /** How fast the step size falls with the step index. */
  dtDecay: number;
  /** The smallest step size. */
  dtMin: number;
}
/** The authors' solver settings: 3000 steps, tol 1e-4, dt from 0.2 falling to 0.05. */
export const AUTHORS_SOLVER: SolverOptions = {
  maxSteps: 3000,
  tol: 1e-4,
  dtStart: 0.2,
  dtDecay: 0.005,
  dtMin: 0.05,
};

/** Options of SimilarityNetwork (docs/math/similarity-matching.md). */
export interface SimilarityNetworkOptions {
  /** The input: its size, or its grid [height, width, channels] (needed by 'local' layers). */
  input?: number | [number, number, number];
  /** The layers, bottom up: specs ({type: 'local', stride, radius, nps}, …) or built structures. */
  layers: (LayerSpec | LayerStructure)[];
  /** One activation for every layer, or one per layer: linear, relu, tanh, clip, cappedRelu, shrink. */
  activation: string | Activation | (string | Activation)[];
  /** Feedback strength γ ≥ 0 (0: layers are independent, bottom-up only). Default 0. */
  feedback?: number;
  /** Learning rate: a number or schedule; default the authors' inverse:0.005:0.5:1000:0.0001. */
  lr?: number | Schedule | string;
  /**
   * Per-layer rate factors. Default: the γ^(p−P) of the paper's Eq. 19 (all 1 when γ = 0).
   * Give your own to fold other factors in.
   */
  layerRates?: number[];
  /** Samples per update: 1 is online (per sample); B sums B per-sample updates. Default 1. */
  batchSize?: number;
  /** Passes over the data in fit. Default 1. */
  epochs?: number;
  /** Visit the samples in a seeded random order each epoch of fit (default true). */
  shuffle?: boolean;
  /** Euler solver settings (default the authors'). */
  solver?: Partial<SolverOptions>;
  /**
   * Per-layer α ≥ 0 of the regularised cost of Sengupta et al. 2018: input similarities enter
   * as (r⁽ᵖ⁻¹⁾·r⁽ᵖ⁻¹⁾′ − α), which gives each neuron a homeostatic threshold θ (drive −θ,
   * Δθ = η(α r − θ), θ → α·E[r]) that decorrelates outputs of non-negative inputs. Default 0.
   */
  homeostasis?: number[];
  /** Seed of the initial weights and of the sample order (default 0). */
  seed?: number;
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  backend?: string | Backend;
}

const nonNegList = listOf(number({ min: 0 }));

/** SimilarityNetwork's option table: each option's check, default and help line. */
export const SIMILARITY_SPEC = {
  input: describe(
    custom<number | [number, number, number]>(
      'a positive integer or a grid [height, width, channels]',
      (v, name) => {
        const ok = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 1;
        if (ok(v)) return v as number;
        if (Array.isArray(v) && v.length === 3 && v.every(ok))
          return [...v] as [number, number, number];
        throw new ValueError(
          `${name} must be a positive integer or [height, width, channels], got ${show(v)}`,
        );
      },
    ),
    "the input: its size, or its grid [height, width, channels] (a 'local' first layer needs the grid)",
  ),
  layers: describe(
    required(
      custom<(LayerSpec | LayerStructure)[]>('a non-empty array of layer specs', (v, name) => {
        if (!Array.isArray(v) || v.length === 0) {
          throw new ValueError(
            `${name} must be a non-empty array of layers like {type: 'dense', units: 10}, got ${show(v)}`,
          );
        }
        return v;
      }),
    ),
    "the layers, bottom up: specs like {type: 'local', stride: 2, radius: 4, nps: 8} or {type: 'dense', units: 64}, or built structures",
  ),
  activation: describe(
    required(
      custom<(string | Activation) | (string | Activation)[]>(
        'an activation or one per layer',
        (v) => v as string,
      ),
    ),
    'one activation for every layer, or one per layer: linear, relu, tanh, clip[:MIN:MAX], cappedRelu:λ[:CAP] or shrink:λ',
  ),
  feedback: describe(
    number({ min: 0, default: 0 }),
    'feedback strength γ ≥ 0 between layers (0: bottom-up only, the layers learn independently)',
  ),
  lr: describe(
    schedule({ default: AUTHORS_RATE }),
    "learning rate: a number or schedule over the samples seen, e.g. the authors' inverse:0.005:0.5:1000:0.0001",
  ),
  layerRates: describe(
    nonNegList,
    'per-layer rate factors; default γ^(p−P) of Eq. 19 (all 1 when γ = 0)',
  ),
  batchSize: describe(integer({ min: 1, default: 1 }), 'samples per summed update (1 = online)'),
  epochs: describe(integer({ min: 1, max: MAX_EPOCHS, default: 1 }), 'passes over the data in fit'),
  shuffle: describe(
    boolean({ default: true }),
    'visit the samples in a seeded random order each epoch',
  ),
  solver: describe(
    custom<SolverOptions>(
      'solver settings {maxSteps, tol, dtStart, dtDecay, dtMin}',
      (v, name) => {
        const keys = Object.keys(AUTHORS_SOLVER);
        const extra = Object.keys(v as object).find((k) => !keys.includes(k));
        if (extra)
          throw new ValueError(`${name} has no setting '${extra}' (settings: ${keys.join(', ')})`);
        return { ...AUTHORS_SOLVER, ...(v as Partial<SolverOptions>) };
      },
      AUTHORS_SOLVER,
    ),
    "settings of the Euler solver {maxSteps, tol, dtStart, dtDecay, dtMin}; those not given are the authors'",
  ),
  homeostasis: describe(
    nonNegList,
    'per-layer α ≥ 0 of the decorrelating regulariser (homeostatic thresholds θ → α·E[r]); default 0 for every layer',
  ),
  seed: describe(seed(), 'seed of the initial weights and of the sample order'),
  backend: backendOption(),
} satisfies Record<keyof SimilarityNetworkOptions, unknown>;

/** Validated options, defaults filled in, one activation, rate and α per layer. */
export type ResolvedSimilarityNetworkOptions = Resolved<typeof SIMILARITY_SPEC> & {
  /** Every layer as a JSON spec (built structures in their custom form). */
  readonly layers: LayerSpec[];
  /** The activation of each layer. */
  readonly activation: (string | Activation)[];
  /** The rate factor of each layer. */
  readonly layerRates: number[];
  /** α of each layer. */
  readonly homeostasis: number[];
  /** The solver settings, every one given. */
  readonly solver: SolverOptions;
};

/** Validates the options, builds the layers and checks the option combinations. */
export function resolveNetworkOptions(given: SimilarityNetworkOptions): {
  /** The validated options. */
  options: ResolvedSimilarityNetworkOptions;
  /** The layers' connectivity, built. */
  layers: LayerStructure[];
} {
  const where = 'SimilarityNetwork';
  const o = validateOptions(where, SIMILARITY_SPEC, given);
  const P = o.layers.length;
  const layers: LayerStructure[] = [];
  let grid: [number, number, number] | null =
    o.input === undefined ? null : typeof o.input === 'number' ? [1, o.input, 1] : o.input;
  o.layers.forEach((l, p) => {
    const at = `${where} layer ${p + 1}`;
    let s: LayerStructure;
    if ((l as LayerStructure).ff && (l as LayerStructure).lat) s = l as LayerStructure;
    else {
      const spec = l as LayerSpec;
      if (!grid) {
        if (spec.type === 'separate') grid = [1, (spec.inputs ?? []).reduce((a, b) => a + b, 0), 1];
        else
          throw new ValueError(
            `${where}: give the input's size (input: 784 or input: [28, 28, 1]) for a '${spec.type}' first layer`,
          );
      }
      s = buildLayer(spec, grid, at);
    }
    layers.push(s);
    grid = outputGrid(s);
  });
  const acts = Array.isArray(o.activation)
    ? o.activation
    : layers.map(() => o.activation as string);
  if (acts.length !== P) {
    throw new ShapeError(
      `${where}: ${acts.length} activations for ${count(P, 'layer')}; give one per layer`,
    );
  }
  const gamma = o.feedback;
  const layerRates = o.layerRates ?? layers.map((_, p) => (gamma > 0 ? gamma ** (p + 1 - P) : 1));
  if (layerRates.length !== P)
    throw new ValueError(`${where}: layerRates must hold ${P} numbers (one per layer)`);
  const homeostasis = o.homeostasis ?? layers.map(() => 0);
  if (homeostasis.length !== P) {
    throw new ValueError(
      `${where}: homeostasis must hold ${P} finite numbers ≥ 0 (one α per layer)`,
    );
  }
  const sv = o.solver as SolverOptions;
  if (!Number.isInteger(sv.maxSteps) || sv.maxSteps < 1) {
    throw new ValueError(
      `${where}: solver.maxSteps must be a positive integer, got ${sv.maxSteps}`,
    );
  }
  if (
    !(sv.tol > 0) ||
    !(sv.dtStart > 0) ||
    !(sv.dtMin > 0) ||
    !(sv.dtDecay >= 0) ||
    sv.dtStart > 1
  ) {
    throw new ValueError(
      `${where}: solver needs tol > 0, 0 < dtMin, 0 < dtStart ≤ 1, dtDecay ≥ 0; got ${JSON.stringify(sv)}`,
    );
  }
  // Saved options keep the declarative specs, and hand-built structures in JSON form.
  const specs = o.layers.map((l, p) =>
    (l as LayerStructure).ff ? toJson(layers[p]) : (l as LayerSpec),
  );
  return {
    options: Object.freeze({
      ...o,
      layers: specs,
      activation: acts,
      layerRates,
      homeostasis,
      solver: sv,
    }),
    layers,
  };
}
