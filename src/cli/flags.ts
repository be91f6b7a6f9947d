// The flag parsers every command shares. They read text, then apply the same declarative
// constraints the models use (src/model/params.ts), so a bad value is refused with a message
// naming the flag — before any data is loaded or any directory is created.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Param } from '../model/params.ts';
import { integer, number } from '../model/params.ts';
import { parseSchedule } from '../model/schedule.ts';
import { parseActivation, type ActivationName } from '../model/activation.ts';
import type { RunOptions } from '../reproduce/context.ts';

/** Runs a check and turns its error into commander's (exit code 2, one line). */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^[A-Za-z.]+: /, ''));
  }
}

/** A number from flag text: '' and non-numbers are refused (Number('') would be 0). */
function toNumber(text: string, flag: string): number {
  const t = text.trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v))
    throw new InvalidArgumentError(`${flag} must be a number, got '${text}'`);
  return v;
}

/** A flag parser from a Param of the option table: `flag` names it in errors. */
export function fromParam<T>(flag: string, p: Param<T>, read: 'number' | 'text' = 'number') {
  return (text: string): T =>
    guard(() => p.parse(read === 'number' ? toNumber(text, flag) : text, flag));
}

/** A whole number ≥ min (default 1), at most max. */
export function intFlag(flag: string, o: { min?: number; max?: number } = {}) {
  return fromParam(flag, integer({ min: o.min ?? 1, max: o.max }) as Param<number>);
}

/** A finite number within the given bounds. */
export function numFlag(flag: string, o: { min?: number; gt?: number; max?: number } = {}) {
  return fromParam(flag, number(o) as Param<number>);
}

/** A comma-separated list of numbers, each parsed by `item`. */
export function listFlag<T>(flag: string, item: (text: string) => T) {
  return (text: string): T[] => {
    const parts = text.split(',');
    if (parts.some((p) => p.trim() === '')) {
      throw new InvalidArgumentError(
        `${flag} must be a comma-separated list like 1,2,3, got '${text}'`,
      );
    }
    return parts.map((p) => item(p.trim()));
  };
}

/** A learning-rate schedule in text form (0.03, linear:0.2, exponential:0.55:0.0055, …). */
export function scheduleFlag(flag: string) {
  return (text: string) => guard(() => parseSchedule(text, flag));
}

/** An activation of the shared vocabulary, restricted to `allowed`. */
export function activationFlag(flag: string, allowed?: readonly ActivationName[]) {
  return (text: string) => guard(() => parseActivation(text, allowed, flag));
}

/** A choice among fixed words (commander lists them in --help and in its error). */
export function choiceOption(
  flags: string,
  description: string,
  choices: readonly string[],
  dflt?: string,
): Option {
  const o = new Option(flags, description).choices(choices);
  return dflt === undefined ? o : o.default(dflt);
}

/**
 * The flags of every command that runs an experiment, with one meaning everywhere: the run
 * directory, what to do when it exists, the seed, and what to print.
 */
export function addRunFlags(cmd: Command, o: { out: string; seed?: number }): Command {
  return cmd
    .option(
      '--out <dir>',
      'run directory (config.json, model.safetensors, metrics.json, figures/)',
      o.out,
    )
    .option('--overwrite', 'replace an existing run in --out')
    .option('--resume', 'continue the run in --out with the options in its config.json')
    .option(
      '--seed <n>',
      'seed of every random choice (initial weights, sample order, subsets)',
      intFlag('--seed', { min: 0 }),
      o.seed ?? 0,
    )
    .option('--quiet', 'no progress output')
    .option('--json', 'print the result as one JSON object on stdout');
}

/** What addRunFlags (and addPointExecFlags) add to a command's parsed flags. */
export type RunFlags = RunOptions;

/**
 * --workers / --queue: where a reproduction's points run (src/reproduce/points.ts), never part
 * of a run's options.
 */
export function addPointExecFlags(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--workers <n>',
        'run the points (settings × seeds) in n worker processes on this machine, each an ordinary run directory under <out>/points',
      )
        .argParser(intFlag('--workers', { min: 1 }))
        .conflicts('queue'),
    )
    .option(
      '--queue <url>',
      'put the points on a Redis job queue for `hebb worker` on any machine and wait for them (<out> must be a folder every worker sees)',
    );
}
