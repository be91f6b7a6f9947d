import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { Command } from 'commander';
import { Matrix } from '../../src/backend/matrix.ts';
import { HebbError } from '../../src/errors.ts';
import { registerInspectCommand } from '../../src/cli/inspect-command.ts';
import { summarizeTensor } from '../../src/io/checkpoint-summary.ts';
import { saveSafetensors } from '../../src/io/safetensors-file.ts';
import { memoryIO } from '../../src/cli/io.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hebb-inspect-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const ckpt = join(tmp, 'model.safetensors');
saveSafetensors(
  ckpt,
  {
    w: Matrix.from([
      [1, -2, 3],
      [4, Number.NaN, 0],
    ]),
    labels: { dtype: 'U8', shape: [4], data: Uint8Array.from([0, 1, 9, 2]) },
    none: { dtype: 'F64', shape: [0], data: new Float64Array(0) },
  },
  { 'hebb.version': '0.1.0' },
);

/** Runs `hebb inspect …args` and returns what it printed. */
async function inspect(_t: TestContext, ...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  const io = memoryIO();
  registerInspectCommand(program, io);
  await program.parseAsync(['inspect', ...args], { from: 'user' });
  return io.stdout.join('\n');
}

describe('hebb inspect', () => {
  it('prints metadata and a table with dtype, shape, size and stats', async (t) => {
    const out = await inspect(t, ckpt);
    assert.match(out, /model\.safetensors: 3 tensors, 10 values, \d+ bytes/);
    assert.match(out, /metadata:\n {2}hebb\.version: 0\.1\.0/);
    assert.match(out, /name +dtype +shape +size +min +max +mean/);
    assert.match(out, /w +F32 +\[2, 3\] +6 +-2 +4 +1\.2 \(1 non-finite\)/);
    assert.match(out, /labels +U8 +\[4\] +4 +0 +9 +3/);
    assert.match(out, /none +F64 +\[0\] +0 +- +- +-/);
  });

  it('--json prints one JSON object; a run directory reads its model', async (t) => {
    const run = join(tmp, 'run');
    mkdirSync(run);
    saveSafetensors(join(run, 'model.safetensors'), { b: Matrix.filled(1, 2, 0.5) });
    const out = await inspect(t, run, '--json');
    assert.equal(out.split('\n').length, 1);
    const obj = JSON.parse(out);
    assert.equal(obj.file, join(run, 'model.safetensors'));
    assert.deepEqual(obj.metadata, {});
    assert.deepEqual(obj.tensors, [
      {
        name: 'b',
        dtype: 'F32',
        shape: [1, 2],
        size: 2,
        bytes: 8,
        min: 0.5,
        max: 0.5,
        mean: 0.5,
        nonFinite: 0,
      },
    ]);
  });

  it('a missing file is a HebbError naming it', async (t) => {
    await assert.rejects(inspect(t, join(tmp, 'nope.safetensors')), (e: unknown) => {
      assert.ok(e instanceof HebbError);
      assert.match((e as Error).message, /nope\.safetensors: no such file/);
      return true;
    });
  });

  it('--help shows an example', () => {
    const program = new Command();
    registerInspectCommand(program, memoryIO());
    const sub = program.commands.find((c) => c.name() === 'inspect')!;
    let help = '';
    sub.configureOutput({ writeOut: (s) => (help += s) });
    sub.outputHelp();
    assert.match(help, /Examples?:\n {2}\$ hebb inspect runs\/demo\/model\.safetensors/);
    assert.match(help, /--json/);
  });

  it('summarizeTensor handles F16 and I64', () => {
    const h = summarizeTensor('h', {
      dtype: 'F16',
      shape: [3],
      data: Uint16Array.from([0x3c00, 0xc000, 0x7c00]),
    });
    assert.deepEqual([h.min, h.max, h.mean, h.nonFinite], [-2, 1, -0.5, 1]);
    const i = summarizeTensor('i', {
      dtype: 'I64',
      shape: [2],
      data: BigInt64Array.from([5n, -7n]),
    });
    assert.deepEqual([i.min, i.max, i.mean], [-7, 5, -1]);
  });
});
