// The life of every experiment, in one place and in-process: options (as given, or from
// config.json on resume), checks before any directory exists, the run directory, interruption,
// what is left behind when a run fails. The CLI is one caller (it adds flags, printing and exit
// codes); tests and scripts call runExperiment directly.
import { requirePackages, type OptionalFeature } from '../io/optional-packages.ts';
import { rmSync, statSync } from 'node:fs';
import type { Backend } from '../backend/types.ts';
import { HebbError, ValueError } from '../errors.ts';
import { createProgress, type Progress, type ProgressStream } from '../report/progress.ts';
import { flagName } from './options.ts';
import { createRun, DamagedFile, inspectDir, readRunConfig, type Run } from '../run/run-dir.ts';

/** A bad request (a contradicting option, a run in the way): nothing was written. */
export class UsageError extends HebbError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A run that failed or was interrupted; the message says what was kept and how to continue. */
export class RunFailure extends HebbError {
  readonly interrupted: boolean;
  constructor(message: string, interrupted: boolean) {
    super(message);
    this.name = 'RunFailure';
    this.interrupted = interrupted;
  }
}

/** The reason an interrupted run's AbortSignal carries (Ctrl-C in the CLI). */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** The options of every experiment that say where and how it runs. */
export interface RunOptions {
  out: string;
  overwrite?: boolean;
  resume?: boolean;
  seed: number;
  quiet?: boolean;
  json?: boolean;
  /** Reproductions over settings × seeds: run the points on a pool or a queue (points.ts). */
  workers?: number;
  queue?: string;
}

/** Options that steer a run without changing its result: never stored, never compared. */
export const RUN_CONTROL_OPTIONS = [
  'out',
  'overwrite',
  'resume',
  'quiet',
  'json',
  // where a reproduction's points run (points.ts), not what they compute
  'workers',
  'queue',
] as const;

export interface ExperimentContext {
  run: Run;
  /** Aborts on interruption; pass it to fitAsync, and check it between parts. */
  signal: AbortSignal;
  backend: Backend;
  /** A progress line on stderr (nothing when quiet). */
  progress(total: number, label: string, unit?: string): Progress;
  /** A line of commentary on stderr (nothing when quiet). */
  log(line: string): void;
  /**
   * A finished part of the run, computed once: on resume, parts saved by an earlier attempt
   * are read back instead of recomputed.
   */
  part<T>(key: string, compute: () => T | Promise<T>): Promise<T>;
}

export interface Experiment<O extends RunOptions, P, R> {
  /** e.g. 'softhebb train' (stored in config.json; the CLI command that runs it). */
  command: string;
  /**
   * Checks the options and builds what the run needs (data, models) — before the run
   * directory is created, so a bad value leaves nothing behind. Option errors (ValueError)
   * become usage errors.
   */
  prepare(options: O, backend: Backend): P;
  run(ctx: ExperimentContext, prepared: P, options: O): Promise<R>;
  /** The human-readable result (the CLI's stdout). */
  report(result: R, options: O): string[];
  /** The result as JSON (the CLI's --json). */
  json(result: R, options: O): unknown;
  /** What an interrupted or failed run left in the directory, and how to continue it. */
  saved?(run: Run, options: O): string;
  /**
   * Options --resume may raise (e.g. ['epochs']: a finished run trains further); run() must
   * continue from what was saved. Every other option must agree with the saved run.
   */
  extendable?: readonly string[];
  /**
   * Optional packages the run cannot finish without (['charts']: it draws SVG figures),
   * checked before anything is written, so a missing one never costs a finished computation.
   */
  needs?: readonly OptionalFeature[];
}

/** How runExperiment reaches its caller. */
export interface RunHooks {
  backend: Backend;
  /** Messages and progress (default: nowhere). */
  err?: (line: string) => void;
  progress?: ProgressStream;
  /** Interrupts the run (the CLI aborts it on Ctrl-C with an Interrupted reason). */
  signal?: AbortSignal;
  /**
   * With resume: the option keys the caller gave explicitly (the CLI's flags on its command
   * line); each must agree with the saved run. Default: every key of the options.
   */
  given?: (key: string) => boolean;
}

const isControl = (k: string) => (RUN_CONTROL_OPTIONS as readonly string[]).includes(k);

/** The options a run is defined by: every option but the run-control ones. */
function experimentOptions(options: RunOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (!isControl(k) && v !== undefined) out[k] = v;
  return out;
}

/** Whether path is a file (not a folder, not missing, not under a file). */
function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A path as a shell word. */
const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** On resume: the saved options, and an error for any option given that contradicts them. */
function resumeOptions<O extends RunOptions>(
  options: O,
  command: string,
  given: (key: string) => boolean,
  extendable: readonly string[] = [],
): O {
  const cfg = readRunConfig(options.out);
  if (!cfg) {
    throw new UsageError(
      `--resume: ${options.out} holds no run to resume; start it without --resume`,
    );
  }
  if (cfg.command !== command) {
    throw new UsageError(`--resume: ${options.out} holds a '${cfg.command}' run, not '${command}'`);
  }
  const saved = cfg.options as Record<string, unknown>;
  const raised: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (isControl(key) || !given(key)) continue;
    const v = (options as Record<string, unknown>)[key];
    const value = JSON.stringify(v);
    if (value === JSON.stringify(saved[key])) continue;
    if (extendable.includes(key) && typeof v === 'number' && typeof saved[key] === 'number') {
      if (v < saved[key]) {
        throw new UsageError(
          `--resume: ${flagName(key)} ${v} is below the run's ${saved[key]}; a run can only be extended (raise ${flagName(key)}), or start a new one with another --out`,
        );
      }
      raised[key] = v;
      continue;
    }
    throw new UsageError(
      `--resume: ${flagName(key)} ${value} differs from the run's ${JSON.stringify(saved[key])}; drop the flag (the saved options are used) or start a new run`,
    );
  }
  const control: Record<string, unknown> = {};
  for (const k of RUN_CONTROL_OPTIONS) if (options[k] !== undefined) control[k] = options[k];
  return { ...(saved as object), ...raised, ...control, seed: cfg.seed } as O;
}

/**
 * Runs an experiment in this process: checks, creates (or resumes) its run directory, runs it
 * and returns its result with the options it ran with (on resume: the saved ones). A failure
 * becomes a RunFailure saying what was kept; bad options a UsageError, before anything is
 * written.
 */
export async function runExperiment<O extends RunOptions, P, R>(
  e: Experiment<O, P, R>,
  given: O,
  hooks: RunHooks,
): Promise<{ result: R; options: O; run: Run }> {
  if (given.resume && given.overwrite) {
    throw new UsageError('--resume and --overwrite contradict each other; pass one of them');
  }
  if (isFile(given.out)) {
    throw new UsageError(
      `--out ${given.out} is a file, not a folder; choose another --out (a new or empty folder, or a run to --resume)`,
    );
  }
  for (const feature of e.needs ?? []) requirePackages(feature);
  const options = given.resume
    ? resumeOptions(given, e.command, hooks.given ?? (() => true), e.extendable)
    : given;
  const { backend } = hooks;
  let prepared: P;
  try {
    prepared = e.prepare(options, backend);
  } catch (err) {
    if (err instanceof ValueError) throw new UsageError(err.message);
    throw err;
  }
  const fresh = inspectDir(options.out) !== 'run';
  let run: Run;
  try {
    run = createRun(
      options.out,
      {
        command: e.command,
        seed: options.seed,
        options: experimentOptions(options),
        backend: backend.info(),
      },
      { resume: options.resume, overwrite: options.overwrite, extend: e.extendable },
    );
  } catch (err) {
    // An existing run in the way is settled by the options (resume, overwrite, out).
    if (err instanceof HebbError) throw new UsageError(err.message);
    throw err;
  }
  const quiet = options.quiet === true;
  const log = (line: string) => {
    if (!quiet) hooks.err?.(line);
  };
  if (run.resumed) log(`hebb: resuming ${run.dir}`);
  const signal = hooks.signal ?? new AbortController().signal;
  const stream = hooks.progress ?? { write: () => true, isTTY: false };
  const ctx: ExperimentContext = {
    run,
    signal,
    backend,
    progress: (total, label, unit = 'img') => createProgress({ total, label, unit, quiet, stream }),
    log,
    async part(key, compute) {
      const done = run.resumed ? run.readPart<Awaited<ReturnType<typeof compute>>>(key) : undefined;
      if (done !== undefined) {
        log(`${key}: finished earlier, reused`);
        return done;
      }
      signal.throwIfAborted();
      const v = await compute();
      run.writePart(key, v);
      return v;
    },
  };
  try {
    return { result: await e.run(ctx, prepared, options), options, run };
  } catch (err) {
    // A damaged file cannot be continued from: its message says how to start over.
    if (err instanceof DamagedFile) throw new RunFailure(err.message, false);
    const keep = run.hasSavedWork();
    const left = keep
      ? (e.saved?.(run, options) ??
        `${run.dir} keeps what finished; continue with: hebb ${e.command} --out ${quote(run.dir)} --resume`)
      : fresh
        ? `nothing was saved; removed ${run.dir}`
        : `nothing was saved in ${run.dir}`;
    if (!keep && fresh) rmSync(run.dir, { recursive: true, force: true });
    if (err instanceof Interrupted || signal.aborted)
      throw new RunFailure(`interrupted; ${left}`, true);
    if (err instanceof HebbError) throw new RunFailure(`${err.message} — ${left}`, false);
    throw err;
  }
}
