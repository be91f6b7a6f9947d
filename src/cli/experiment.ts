// The life of every command that runs an experiment, in one place: options (from the flags,
// or from config.json with --resume), checks before any directory exists, the run directory,
// Ctrl-C, what is left behind when a run fails, and the result as text or JSON.
import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { Backend } from '../backend/types.ts';
import { HebbError, ValueError } from '../errors.ts';
import { createProgress, type Progress } from '../report/progress.ts';
import { createRun, inspectDir, readRunConfig, type Run } from '../run/run-dir.ts';
import { RUN_CONTROL_FLAGS, type RunFlags } from './flags.ts';
import type { CliIO } from './io.ts';

/** A bad command line (exit code 2), as opposed to a run that failed (exit code 1). */
export class UsageError extends HebbError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A run that failed or was interrupted, with the exit code to leave with. */
export class RunFailure extends HebbError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'RunFailure';
    this.exitCode = exitCode;
  }
}

/** Ctrl-C: the reason an interrupted run's AbortSignal carries. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

export interface ExperimentContext {
  run: Run;
  /** Aborts on Ctrl-C; pass it to fitAsync, and check it between parts. */
  signal: AbortSignal;
  backend: Backend;
  /** A progress line on stderr (nothing with --quiet). */
  progress(total: number, label: string, unit?: string): Progress;
  /** A line of commentary on stderr (nothing with --quiet). */
  log(line: string): void;
  /**
   * A finished part of the run, computed once: with --resume, parts saved by an earlier
   * attempt are read back instead of recomputed.
   */
  part<T>(key: string, compute: () => T | Promise<T>): Promise<T>;
}

export interface Experiment<F extends RunFlags, P, R> {
  /** e.g. 'softhebb train' (stored in config.json). */
  command: string;
  /**
   * Checks the options and builds what the run needs (data, models) — before the run
   * directory is created, so a bad value leaves nothing behind. Option errors (ValueError)
   * become usage errors.
   */
  prepare(flags: F, backend: Backend): P;
  run(ctx: ExperimentContext, prepared: P, flags: F): Promise<R>;
  /** The human-readable result (stdout). */
  report(result: R, flags: F): string[];
  /** The --json result. */
  json(result: R, flags: F): unknown;
  /** What an interrupted or failed run left in the directory, and how to continue it. */
  saved?(run: Run, flags: F): string;
}

/** The options a run is defined by: every flag but the run-control ones. */
function experimentOptions(flags: RunFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) {
    if (!(RUN_CONTROL_FLAGS as readonly string[]).includes(k) && v !== undefined) out[k] = v;
  }
  return out;
}

const kebab = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** With --resume: the saved options, and an error for any flag given that contradicts them. */
function resumeFlags<F extends RunFlags>(cmd: Command, flags: F, command: string): F {
  const cfg = readRunConfig(flags.out);
  if (!cfg) {
    throw new UsageError(
      `--resume: ${flags.out} holds no run to resume; start it without --resume`,
    );
  }
  if (cfg.command !== command) {
    throw new UsageError(`--resume: ${flags.out} holds a '${cfg.command}' run, not '${command}'`);
  }
  const saved = cfg.options as Record<string, unknown>;
  for (const key of Object.keys(flags)) {
    if ((RUN_CONTROL_FLAGS as readonly string[]).includes(key)) continue;
    if (cmd.getOptionValueSource(key) !== 'cli') continue;
    const given = JSON.stringify((flags as Record<string, unknown>)[key]);
    if (given !== JSON.stringify(saved[key])) {
      throw new UsageError(
        `--resume: ${kebab(key)} ${given} differs from the run's ${JSON.stringify(saved[key])}; drop the flag (the saved options are used) or start a new run`,
      );
    }
  }
  return { ...(saved as object), ...pickControl(flags), seed: cfg.seed } as F;
}

function pickControl(flags: RunFlags): Partial<RunFlags> {
  const out: Record<string, unknown> = {};
  for (const k of RUN_CONTROL_FLAGS) if (flags[k] !== undefined) out[k] = flags[k];
  return out;
}

/** Runs an experiment command from its parsed flags (see Experiment). */
export async function runExperiment<F extends RunFlags, P, R>(
  e: Experiment<F, P, R>,
  cmd: Command,
  given: F,
  io: CliIO,
  backend: Backend,
): Promise<void> {
  if (given.resume && given.overwrite) {
    throw new UsageError('--resume and --overwrite contradict each other; pass one of them');
  }
  const flags = given.resume ? resumeFlags(cmd, given, e.command) : given;
  let prepared: P;
  try {
    prepared = e.prepare(flags, backend);
  } catch (err) {
    if (err instanceof ValueError) throw new UsageError(err.message);
    throw err;
  }
  const fresh = inspectDir(flags.out) !== 'run';
  let run: Run;
  try {
    run = createRun(
      flags.out,
      {
        command: e.command,
        seed: flags.seed,
        options: experimentOptions(flags),
        backend: backend.info(),
      },
      { resume: flags.resume, overwrite: flags.overwrite },
    );
  } catch (err) {
    // An existing run in the way is settled by the flags (--resume, --overwrite, --out).
    if (err instanceof HebbError) throw new UsageError(err.message);
    throw err;
  }
  if (run.resumed && !flags.quiet) io.err(`hebb: resuming ${run.dir}`);
  const ac = new AbortController();
  const onSigint = () => ac.abort(new Interrupted());
  process.once('SIGINT', onSigint);
  const quiet = flags.quiet === true;
  const ctx: ExperimentContext = {
    run,
    signal: ac.signal,
    backend,
    progress: (total, label, unit = 'img') =>
      createProgress({ total, label, unit, quiet, stream: io.progress }),
    log: (line) => {
      if (!quiet) io.err(line);
    },
    async part(key, compute) {
      const done = run.resumed ? run.readPart<Awaited<ReturnType<typeof compute>>>(key) : undefined;
      if (done !== undefined) {
        ctx.log(`${key}: finished earlier, reused`);
        return done;
      }
      ac.signal.throwIfAborted();
      const v = await compute();
      run.writePart(key, v);
      return v;
    },
  };
  let result: R;
  try {
    result = await e.run(ctx, prepared, flags);
  } catch (err) {
    const keep = run.hasSavedWork();
    const left = keep
      ? (e.saved?.(run, flags) ??
        `${run.dir} keeps what finished; continue with: ${run.config.commandLine.replace(/ --(overwrite|resume)\b/g, '')} --resume`)
      : fresh
        ? `nothing was saved; removed ${run.dir}`
        : `nothing was saved in ${run.dir}`;
    if (!keep && fresh) rmSync(run.dir, { recursive: true, force: true });
    if (err instanceof Interrupted || ac.signal.aborted)
      throw new RunFailure(`interrupted; ${left}`, 130);
    if (err instanceof HebbError) throw new RunFailure(`${err.message} — ${left}`, 1);
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (flags.json) io.out(JSON.stringify(e.json(result, flags)));
  else for (const line of e.report(result, flags)) io.out(line);
}
