// An experiment declared once: its command, its options as a table (src/model/params.ts), its
// run and its report. The CLI registers the declaration as a command (flags, parsing, defaults and
// --help come from the table); tests and scripts run it in-process with runDeclared.
import {
  boolean,
  describe,
  integer,
  validateOptions,
  withDefault,
  type Param,
  type ParamSpec,
  type Resolved,
} from '../model/params.ts';
import { directory, text } from './options.ts';
import { runExperiment, type Experiment, type RunHooks, type RunOptions } from './context.ts';

/** The options of a declared experiment: its table's values and the run options. */
export type OptionsOf<S extends ParamSpec> = {
  -readonly [K in keyof S]: Resolved<S>[K];
} & RunOptions;

/** A model an experiment trains, whose option defaults its own must equal unless listed. */
export interface ModelDefaults {
  /** The model's name, e.g. 'SoftHebb'. */
  name: string;
  spec: ParamSpec;
  /** Options whose default here deliberately differs from the model's: key → why. */
  differs?: Record<string, string>;
}

export interface ExperimentDeclaration<S extends ParamSpec, P, R> extends Experiment<
  OptionsOf<S>,
  P,
  R
> {
  /** One line for --help and the command list. */
  description: string;
  /** The experiment's options in --help's order (not the run options, which follow them). */
  options: S;
  /** The default run directory. */
  out: string;
  /** The default seed (0 unless said). */
  seed?: number;
  /** Runs settings × seeds as points: takes --workers / --queue (points.ts). */
  points?: boolean;
  /** Lines after --help's options: command lines (shown with '$ ') and notes. */
  examples?: string[];
  /** The models it trains (the defaults test compares their defaults with these). */
  models?: ModelDefaults[];
}

/** Checks the declaration's types (the options of run, report, … come from `options`). */
export function defineExperiment<S extends ParamSpec, P, R>(
  d: ExperimentDeclaration<S, P, R>,
): ExperimentDeclaration<S, P, R> {
  return d;
}

/** The options every experiment takes: where its run directory is and what to print. */
export const RUN_OPTIONS = {
  out: describe(
    directory() as Param<string>,
    'run directory (config.json, model.safetensors, metrics.json, figures/)',
    '<dir>',
  ),
  overwrite: describe(boolean({ default: false }), 'replace an existing run in --out'),
  resume: describe(
    boolean({ default: false }),
    'continue the run in --out with the options in its config.json',
  ),
  seed: describe(
    integer({ min: 0, default: 0 }),
    'seed of every random choice (initial weights, sample order, subsets)',
  ),
  quiet: describe(boolean({ default: false }), 'no progress output'),
  json: describe(boolean({ default: false }), 'print the result as one JSON object on stdout'),
} satisfies ParamSpec;

/** Where a reproduction's points run (never part of its options: see RUN_CONTROL_OPTIONS). */
export const POINT_OPTIONS = {
  workers: describe(
    integer({ min: 1 }),
    'run the points (settings × seeds) in n worker processes on this machine, each an ordinary run directory under <out>/points',
  ),
  queue: describe(
    text('a redis:// URL'),
    'put the points on a Redis job queue for `hebb worker` on any machine and wait for them (<out> must be a folder every worker sees)',
    '<url>',
  ),
} satisfies ParamSpec;

/** Every option table of a declared experiment, in --help's order, with its defaults. */
export function optionTables(d: ExperimentDeclaration<ParamSpec, unknown, unknown>): ParamSpec[] {
  const run: ParamSpec = {
    ...RUN_OPTIONS,
    out: withDefault(RUN_OPTIONS.out, d.out),
    seed: withDefault(RUN_OPTIONS.seed, d.seed ?? 0),
  };
  return d.points ? [d.options, run, POINT_OPTIONS] : [d.options, run];
}

/**
 * The full options of a run from those given: each checked by its table, absent ones at their
 * default. Values given keep their form (a schedule as text stays text), so config.json and a
 * point's command line can repeat them.
 */
export function resolveOptions<S extends ParamSpec>(
  d: ExperimentDeclaration<S, unknown, unknown>,
  given: Partial<OptionsOf<S>>,
): OptionsOf<S> {
  const spec = Object.assign({}, ...optionTables(d as never)) as ParamSpec;
  return checkKeepingForm(d.command, spec, given) as OptionsOf<S>;
}

/**
 * validateOptions (every value checked, absent ones at their default), with the values given
 * kept in the form given (a schedule as text stays text).
 */
export function checkKeepingForm<S extends ParamSpec>(
  where: string,
  spec: S,
  given: object,
): Resolved<S> {
  const out: Record<string, unknown> = { ...validateOptions(where, spec, given) };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = v;
  return out as Resolved<S>;
}

/**
 * Runs a declared experiment in this process, as `hebb <command>` would with the same options:
 * `await runDeclared(smToy, { quick: true, out: dir, quiet: true }, { backend })`.
 */
export async function runDeclared<S extends ParamSpec, P, R>(
  d: ExperimentDeclaration<S, P, R>,
  given: Partial<OptionsOf<S>>,
  hooks: RunHooks,
) {
  // On resume, only what the caller gave must agree with the saved run (not the defaults).
  const explicit = (k: string) => (given as Record<string, unknown>)[k] !== undefined;
  return runExperiment(d, resolveOptions(d, given), { given: explicit, ...hooks });
}
