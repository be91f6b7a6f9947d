// Every option of every model's table carries one line of help (commands and docs show it),
// in one style: lower-case start, no final period, one line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../../src/index.ts';
import { modelClass, modelNames } from '../../src/model/model.ts';
import type { ParamSpec } from '../../src/model/params.ts';
import { Adam } from '../../src/optim/adam.ts';

function checkTable(where: string, table: ParamSpec): void {
  for (const [name, p] of Object.entries(table)) {
    const help = p.help;
    assert.ok(help, `${where}.${name} has no help line`);
    assert.ok(!help.includes('\n'), `${where}.${name}: help must be one line`);
    assert.ok(!/\.$/.test(help), `${where}.${name}: help ends with a period`);
    assert.ok(!/^[A-Z][a-z]/.test(help), `${where}.${name}: help starts upper-case: ${help}`);
  }
}

describe('option tables', () => {
  it('every registered model declares its table, with a help line for every option', () => {
    const names = modelNames();
    assert.ok(names.length >= 14, `only ${names.length} models registered`);
    for (const name of names) checkTable(name, modelClass(name).optionTable);
  });

  it('Adam too', () => checkTable('Adam', Adam.optionTable));
});
