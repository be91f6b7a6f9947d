// A sweep file checked against the command it names, before any point runs: the command must
// be one of hebb's, every option one of its flags, and every value must pass that flag's own
// parser (the one the command line uses), so a typo costs one line instead of a failed run per
// grid point.
import type { Command, Option } from 'commander';
import { nearest } from '../model/params.ts';
import { UsageError } from '../reproduce/context.ts';
import { formatValue, type OptionValue, type SweepSpec } from '../sweep/spec.ts';

const subcommands = (c: Command) => c.commands.filter((s) => s.name() !== 'help');

/** The command a sweep file names, found in the program's tree. */
function findCommand(root: Command, command: string): Command {
  let cmd = root;
  const words = command.split(/\s+/);
  for (const [i, w] of words.entries()) {
    const subs = subcommands(cmd);
    const next = subs.find((s) => s.name() === w || s.aliases().includes(w));
    if (next) {
      cmd = next;
      continue;
    }
    const near = nearest(
      w,
      subs.map((s) => s.name()),
    );
    const fixed = near && [...words.slice(0, i), near, ...words.slice(i + 1)].join(' ');
    throw new UsageError(
      `'${command}' is not a hebb command${fixed ? `; did you mean '${fixed}'?` : ' (hebb --help lists them)'}`,
    );
  }
  const subs = subcommands(cmd);
  if (subs.length > 0)
    throw new UsageError(
      `'${command}' is a group of commands; name one: ${subs.map((s) => `'${command} ${s.name()}'`).join(', ')}`,
    );
  return cmd;
}

const isSwitch = (o: Option) => !o.required && !o.optional;

/** One value of one option, as the point's command line would pass it. */
function checkValue(o: Option, v: OptionValue): void {
  if (isSwitch(o)) {
    if (typeof v !== 'boolean')
      throw new UsageError(
        `${o.long} is a switch; write true (pass it) or false (leave it out), not ${JSON.stringify(v)}`,
      );
    return;
  }
  if (typeof v === 'boolean')
    throw new UsageError(`${o.long} takes a value (${o.flags}), not true or false`);
  const text = formatValue(v);
  if (o.argChoices) {
    if (!o.argChoices.includes(text))
      throw new UsageError(
        `'${text}' is not a choice of ${o.long}; the choices are ${o.argChoices.join(', ')}`,
      );
    return;
  }
  try {
    o.parseArg?.(text, o.defaultValue);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * Checks a sweep file's command, option names and values against the program's own flags.
 * Throws a UsageError naming the file's key: 'sweep spec (grid.rule[1]): …'.
 */
export function checkSweepCommand(root: Command, spec: SweepSpec): void {
  const at = (where: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`sweep spec (${where}): ${e.message}`);
      throw e;
    }
  };
  let cmd!: Command;
  at('command', () => (cmd = findCommand(root, spec.command)));
  const flags = cmd.options.filter((o) => o.long);
  const given = new Set<string>();
  const option = (key: string): Option => {
    const o = flags.find((f) => f.long === `--${key}`);
    if (o) return o;
    const near = nearest(
      key,
      flags.map((f) => f.long!.slice(2)),
    );
    throw new UsageError(
      `hebb ${spec.command} has no option --${key}${near ? `; did you mean '${near}'?` : `; see hebb ${spec.command} --help`}`,
    );
  };
  for (const [k, v] of Object.entries(spec.options))
    at(`options.${k}`, () => {
      const o = option(k);
      checkValue(o, v);
      given.add(o.attributeName());
    });
  for (const [k, values] of Object.entries(spec.grid)) {
    let o!: Option;
    at(`grid.${k}`, () => (o = option(k)));
    values.forEach((v, i) => at(`grid.${k}[${i}]`, () => checkValue(o, v)));
    given.add(o.attributeName());
  }
  for (const o of flags)
    if (o.mandatory && o.defaultValue === undefined && !given.has(o.attributeName()))
      throw new UsageError(
        `sweep spec (options): hebb ${spec.command} needs ${o.long}; add "${o.long!.slice(2)}" to "options" or "grid"`,
      );
}
