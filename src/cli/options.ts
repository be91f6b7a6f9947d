// Flags generated from option tables (src/model/params.ts): each option becomes --kebab-case,
// its text is read as the table says and checked by the same Param the model uses, its default
// and help come from the table. A declared experiment (src/reproduce/experiment.ts) becomes a
// command this way, so no option is declared twice.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { ValueError } from '../errors.ts';
import { type Param, type ParamSpec, type Resolved } from '../model/params.ts';
import { UsageError } from '../reproduce/context.ts';
import { flagName } from '../reproduce/options.ts';
import {
  checkKeepingForm,
  optionTables,
  resolveOptions,
  type ExperimentDeclaration,
} from '../reproduce/experiment.ts';
import { runExperiment } from './experiment.ts';
import type { CliIO } from './io.ts';

/** A number from flag text: '' and non-numbers are refused (Number('') would be 0). */
function toNumber(text: string, flag: string): number {
  const t = text.trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v))
    throw new InvalidArgumentError(`${flag} must be a number, got '${text}'`);
  return v;
}

function listItems(text: string, flag: string): string[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === ''))
    throw new InvalidArgumentError(
      `${flag} must be a comma-separated list like 1,2,3, got '${text}'`,
    );
  return parts;
}

/** Runs a Param's check on flag text and turns its error into commander's (exit 2, one line). */
function flagParser(flag: string, p: Param<unknown>): (text: string) => unknown {
  const check = (v: unknown) => {
    try {
      return p.parse(v, flag);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message.replace(/^[A-Za-z.]+: /, ''));
    }
  };
  switch (p.flagText) {
    case 'number':
      return (t) => check(toNumber(t, flag));
    case 'numbers':
      return (t) => check(listItems(t, flag).map((x) => toNumber(x, flag)));
    case 'texts':
      return (t) => check(listItems(t, flag));
    default:
      // Text options (schedules, activations, paths) are checked and kept as written, so
      // config.json and a point's command line repeat them as the user gave them.
      return (t) => (check(t), t);
  }
}

function placeholder(key: string, p: Param<unknown>): string {
  if (p.placeholder) return p.placeholder;
  // A choice is named by its flag's last word: --adam-decay <decay>, --rule <rule>.
  if (p.choices) return `<${key.replace(/^.*[A-Z]/, (m) => m.slice(-1).toLowerCase())}>`;
  if (p.flagText === 'number') return p.expects.includes('integer') ? '<n>' : '<x>';
  if (p.flagText === 'numbers' || p.flagText === 'texts') return '<list>';
  return '<text>';
}

/** The commander options of one table entry (a switch with no default gets --x and --no-x). */
export function optionsFor(key: string, p: Param<unknown>): Option[] {
  const flag = flagName(key);
  const help = p.help ?? '';
  const fallback = p.fallback?.();
  if (p.flagText === 'switch') {
    if (fallback === true) return [new Option(`--no-${flag.slice(2)}`, help)];
    const on = new Option(flag, help);
    return fallback === false
      ? [on]
      : [on, new Option(`--no-${flag.slice(2)}`, p.placeholder ?? `the opposite of ${flag}`)];
  }
  const o = new Option(`${flag} ${placeholder(key, p)}`, help);
  if (p.choices) o.choices(p.choices);
  else o.argParser(flagParser(flag, p));
  if (fallback !== undefined) o.default(fallback);
  if ((p as { required?: boolean }).required) o.makeOptionMandatory();
  return [o];
}

/** Adds a table's options as flags (keys without a flag form, e.g. a Matrix, are skipped). */
export function addOptions(cmd: Command, spec: ParamSpec): Command {
  for (const [key, p] of Object.entries(spec)) {
    if (p.flagText === undefined) continue;
    for (const o of optionsFor(key, p)) cmd.addOption(o);
  }
  return cmd;
}

/** A command line of an example (maybe after VAR=value settings), as opposed to a note. */
const isCommandLine = (l: string) => /^(\w+=\S+ )*hebb /.test(l);

function examplesText(lines: readonly string[]): string {
  const commands = lines.filter(isCommandLine).length;
  const shown = lines.map((l) => (isCommandLine(l) ? `  $ ${l}` : `  ${l}`));
  return `\n${commands > 1 ? 'Examples' : 'Example'}:\n${shown.join('\n')}`;
}

/** The declaration each registered experiment command came from (the defaults test reads it). */
const declarations = new WeakMap<Command, ExperimentDeclaration<ParamSpec, unknown, unknown>>();

export function declarationOf(
  cmd: Command,
): ExperimentDeclaration<ParamSpec, unknown, unknown> | undefined {
  return declarations.get(cmd);
}

/** A command that is not an experiment (no run directory): its options as a table. */
export interface CommandDeclaration<S extends ParamSpec> {
  /** The command's name under its parent, with its arguments: 'eval <run>'. */
  name: string;
  description: string;
  /** Arguments' help, in order: { run: 'run directory written by hebb softhebb train' }. */
  args?: Record<string, string>;
  options: S;
  examples?: string[];
  action(options: Resolved<S>, args: string[]): void | Promise<void>;
}

/** Registers a command whose flags come from its option table (checked again as a whole). */
export function registerCommand<S extends ParamSpec>(
  parent: Command,
  d: CommandDeclaration<S>,
): Command {
  const [name, ...argNames] = d.name.split(' ');
  const cmd = parent.command(name).description(d.description);
  for (const a of argNames) cmd.argument(a, d.args?.[a.replace(/[<>[\].]/g, '')] ?? '');
  addOptions(cmd, d.options);
  if (d.examples?.length) cmd.addHelpText('after', examplesText(d.examples));
  cmd.action(async (...params: unknown[]) => {
    const c = params.at(-1) as Command;
    const flags = params.at(-2) as Record<string, unknown>;
    const args = params.slice(0, -2) as string[];
    let options: Resolved<S>;
    try {
      options = checkKeepingForm(`hebb ${c.name()}`, d.options, flags);
    } catch (e) {
      if (e instanceof ValueError) throw new UsageError(e.message);
      throw e;
    }
    await d.action(options, args);
  });
  return cmd;
}

/**
 * Registers a declared experiment under `parent` (its command's last word): its flags from its
 * option tables, --help, and an action that runs it and prints its report.
 */
export function registerExperiment<S extends ParamSpec, P, R>(
  parent: Command,
  d: ExperimentDeclaration<S, P, R>,
  io: CliIO,
): Command {
  const name = d.command.split(' ').at(-1)!;
  const cmd = parent.command(name).description(d.description);
  for (const table of optionTables(d as never)) addOptions(cmd, table);
  if (d.points) cmd.options.find((o) => o.long === '--workers')?.conflicts('queue');
  // Your own data replaces a named data set (src/reproduce/data-options.ts).
  const flag = (long: string) => cmd.options.find((o) => o.long === long);
  if (flag('--dataset')) flag('--data')?.conflicts(['dataset', 'dataDir']);
  flag('--test-data')?.conflicts('testFraction');
  if (d.examples?.length) cmd.addHelpText('after', examplesText(d.examples));
  declarations.set(cmd, d as never);
  cmd.action(async (flags: Record<string, unknown>, c: Command) => {
    await runExperiment(d, c, resolveOptions(d, flags as never), io, getBackend());
  });
  return cmd;
}
