// An experiment run from the command line: the in-process runner (src/reproduce/context.ts)
// with the flags given on the command line, Ctrl-C, and the result printed as text or JSON.
import type { Command } from 'commander';
import type { Backend } from '../backend/types.ts';
import {
  Interrupted,
  runExperiment as runInProcess,
  type Experiment,
  type RunOptions,
} from '../reproduce/context.ts';
import type { CliIO } from './io.ts';

export { RunFailure, UsageError } from '../reproduce/context.ts';

/** Runs an experiment command from its parsed flags (see Experiment). */
export async function runExperiment<F extends RunOptions, P, R>(
  e: Experiment<F, P, R>,
  cmd: Command,
  given: F,
  io: CliIO,
  backend: Backend,
): Promise<void> {
  const ac = new AbortController();
  const onSigint = () => ac.abort(new Interrupted());
  process.once('SIGINT', onSigint);
  try {
    const { result, options } = await runInProcess(e, given, {
      backend,
      err: io.err,
      progress: io.progress,
      signal: ac.signal,
      given: (key) => cmd.getOptionValueSource(key) === 'cli',
    });
    if (options.json) io.out(JSON.stringify(e.json(result, options)));
    else for (const line of e.report(result, options)) io.out(line);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
