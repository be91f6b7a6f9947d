// Flags come from option tables: every command's flag defaults equal its table's, a table that
// takes a model's option keeps the model's default unless it says why it differs, and every flag
// has help.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import { memoryIO } from '../../src/cli/io.ts';
import { declarationOf } from '../../src/cli/options.ts';
import { flagName } from '../../src/reproduce/options.ts';
import { createProgram } from '../../src/cli/program.ts';
import { optionTables } from '../../src/reproduce/experiment.ts';

function commands(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => {
    const p = [...path, c.name()];
    return [{ path: p.join(' '), cmd: c }, ...commands(c, p)];
  });
}

const program = createProgram(memoryIO());
const all = commands(program);
const declared = all.flatMap(({ path, cmd }) => {
  const d = declarationOf(cmd);
  return d ? [{ path, cmd, d }] : [];
});

describe('flags generated from option tables', () => {
  test('the experiments are declared (the walk finds them)', () => {
    assert.ok(declared.some((x) => x.path === 'softhebb train'));
  });

  test("each flag's default is its table's default", () => {
    const wrong: string[] = [];
    for (const { path, cmd, d } of declared) {
      for (const table of optionTables(d)) {
        for (const [key, p] of Object.entries(table)) {
          if (p.flagText === undefined || p.flagText === 'switch') continue;
          const o = cmd.options.find((x) => x.long === flagName(key));
          if (!o) wrong.push(`${path}: no flag ${flagName(key)}`);
          else if (JSON.stringify(o.defaultValue) !== JSON.stringify(p.fallback?.()))
            wrong.push(`${path} ${o.long}: ${o.defaultValue} vs the table's ${p.fallback?.()}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  test("a model's option keeps the model's default, or the experiment says why it differs", () => {
    const wrong: string[] = [];
    for (const { path, d } of declared) {
      for (const m of d.models ?? []) {
        for (const [key, p] of Object.entries(d.options)) {
          if (!(key in m.spec)) continue;
          const ours = JSON.stringify(p.fallback?.());
          const model = JSON.stringify(m.spec[key].fallback?.());
          const why = m.differs?.[key];
          if (ours !== model && !why)
            wrong.push(`${path} ${flagName(key)}: ${ours} but ${m.name}'s default is ${model}`);
          if (ours === model && why)
            wrong.push(`${path} ${flagName(key)}: listed as differing from ${m.name}, but equal`);
        }
        for (const key of Object.keys(m.differs ?? {}))
          if (!(key in d.options)) wrong.push(`${path}: differs names '${key}', not an option`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('every flag of every command has help', () => {
    const bare = all.flatMap(({ path, cmd }) =>
      cmd.options.filter((o) => !o.description?.trim()).map((o) => `${path} ${o.flags}`),
    );
    assert.deepEqual(bare, []);
  });
});
