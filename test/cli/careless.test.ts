// Careless command lines (issue 34): each is refused with one `hebb:` line naming the flag and
// the fix, with the documented exit code, and nothing written outside --out.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { memoryIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { getBackend } from '../../src/backend/registry.ts';
import { HebbError } from '../../src/errors.ts';
import { loadModel } from '../../src/io/model-file.ts';
import { runExperiment } from '../../src/reproduce/context.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import { CLI_ARGS } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hebb-careless-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function hebb(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** One `hebb:` line, no stack, no control characters. */
function oneLine(err: string): void {
  const lines = err.split('\n').filter((l) => l.startsWith('hebb:'));
  assert.equal(lines.length, 1, err);
  assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(err, /[\x00-\x08\x0b-\x1f\x7f]/, 'no control characters');
}

/** A tiny, quick softhebb train (constant rate, so a longer run extends it exactly). */
const train = (out: string, epochs: number, ...more: string[]) => [
  'softhebb',
  'train',
  '--units',
  '8',
  '--epochs',
  String(epochs),
  '--train-samples',
  '200',
  '--lr',
  '0.03',
  '--quiet',
  '--out',
  out,
  ...more,
];

describe('careless command lines', () => {
  it('--out "" and --out "  " are refused (exit 2), writing nothing in the current folder', async () => {
    const here = process.cwd();
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    process.chdir(cwd);
    try {
      for (const out of ['', '  ']) {
        const r = await hebb('softhebb', 'train', '--units', '4', '--epochs', '1', '--out', out);
        assert.equal(r.code, 2, r.err);
        assert.match(r.err, /--out must be a directory path/);
        oneLine(r.err);
      }
      assert.deepEqual(readdirSync(cwd), []);
    } finally {
      process.chdir(here);
    }
  });

  it('a size that cannot be allocated is refused before training, naming the flag', async () => {
    const out = join(dir, 'huge');
    const r = await hebb(
      ...['softhebb', 'train', '--units', '1000000', '--epochs', '1'],
      ...['--train-samples', '100', '--quiet', '--out', out],
    );
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--units/);
    oneLine(r.err);
    assert.equal(existsSync(out), false);
  });

  it(
    '--out where no folder can be made (/proc/…) fails with one line, not a spin',
    {
      skip: !existsSync('/proc/self'),
    },
    () => {
      const r = spawnTrain(['--out', '/proc/hebb-run']);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /\/proc\/hebb-run/);
      oneLine(r.stderr);
    },
  );

  it('a damaged checkpoint: --resume says to start over (--overwrite), never to --resume again', async () => {
    const out = join(dir, 'damaged');
    assert.equal((await hebb(...train(out, 1))).code, 0);
    const model = join(out, 'model.safetensors');
    const bytes = readFileSync(model);
    const damaged = [
      bytes.subarray(0, bytes.length - 100), // truncated
      Buffer.concat([Buffer.from([40, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(60)]), // zeroed header
    ];
    for (const b of damaged) {
      writeFileSync(model, b);
      const r = await hebb('softhebb', 'train', '--out', out, '--resume', '--quiet');
      assert.equal(r.code, 1, r.err);
      oneLine(r.err);
      assert.match(r.err, /--overwrite/);
      assert.doesNotMatch(r.err, /continue with|re-save/);
    }
  });

  it('--resume without the checkpoint (deleted as damaged) retrains its epochs, metrics.json not repeating them', async () => {
    const out = join(dir, 'deleted');
    assert.equal((await hebb(...train(out, 2))).code, 0);
    rmSync(join(out, 'model.safetensors'));
    const r = await hebb('softhebb', 'train', '--out', out, '--resume', '--quiet');
    assert.equal(r.code, 0, r.err);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.deepEqual(
      metrics.map((m: { epoch: number }) => m.epoch),
      [1, 2],
    );
  });

  it("a failed reproduction's advice keeps --out", async () => {
    const out = join(dir, 'advice');
    const e = {
      command: 'reproduce advice',
      prepare: () => null,
      run: async (ctx: { part: (k: string, f: () => number) => Promise<number> }) => {
        await ctx.part('first', () => 1);
        throw new HebbError('the second part failed');
      },
      report: () => [],
      json: () => null,
    };
    await assert.rejects(
      runExperiment(e as never, { out, seed: 0 }, { backend: getBackend() }),
      (err: Error) => {
        assert.match(err.message, /continue with: hebb reproduce advice --out \S*advice --resume/);
        return true;
      },
    );
  });

  it('an unknown data set is a usage error naming the flag or argument and the near name', async () => {
    const runOut = join(dir, 'mnst');
    const png = join(dir, 'x.png');
    for (const [args, what] of [
      [['softhebb', 'train', '--dataset', 'mnst', '--out', runOut], '--dataset'],
      [['similarity', 'train', '--dataset', 'mnst', '--out', runOut], '--dataset'],
      [['data', 'info', 'bogus'], 'data set'],
      [['data', 'show', 'mnst', '--out', png], "did you mean 'mnist'"],
    ] as const) {
      const r = await hebb(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.ok(r.err.includes(what), r.err);
      oneLine(r.err);
    }
    const r = await hebb('softhebb', 'train', '--dataset', 'mnst', '--out', runOut);
    assert.match(r.err, /did you mean 'mnist'/);
    assert.equal(existsSync(runOut), false);
    assert.equal(existsSync(png), false);
  });

  it('--out at an existing file or a non-run folder: both exit 2 with the fix', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    for (const out of [file, folder]) {
      const r = await hebb('softhebb', 'train', '--units', '4', '--epochs', '1', '--out', out);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /--out/);
      oneLine(r.err);
    }
    assert.equal(readFileSync(file, 'utf8'), 'x');
    assert.deepEqual(readdirSync(folder), ['notes.txt']);
  });

  it('--epochs 1e9 is refused naming the flag and its maximum', async () => {
    for (const cmd of [
      ['softhebb', 'train'],
      ['similarity', 'train'],
      ['emergence', 'run'],
    ]) {
      const out = join(dir, 'epochs');
      const r = await hebb(...cmd, '--epochs', '1e9', '--out', out);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /--epochs must be an integer in \[1, \d+\]/);
      assert.equal(existsSync(out), false);
    }
  });

  it('fit with a nested JS array: the message is short, not the array', () => {
    const rows = Array.from({ length: 500 }, () => Array.from({ length: 784 }, () => 0.5));
    assert.throws(
      () => new SoftHebb({ units: 2 }).fit(rows as never),
      (e: Error) => {
        assert.ok(e.message.length < 400, `${e.message.length} characters`);
        assert.match(e.message, /Matrix/);
        return true;
      },
    );
  });

  it('a finished run extends: --resume --epochs 4 after 3 equals 4 epochs at once, bit for bit', async () => {
    const a = join(dir, 'extend');
    const b = join(dir, 'straight');
    assert.equal((await hebb(...train(a, 3))).code, 0);
    const lower = await hebb('softhebb', 'train', '--out', a, '--resume', '--epochs', '2');
    assert.equal(lower.code, 2, lower.err);
    assert.match(lower.err, /--epochs/);
    oneLine(lower.err);
    const r = await hebb('softhebb', 'train', '--out', a, '--resume', '--epochs', '4', '--quiet');
    assert.equal(r.code, 0, r.err);
    assert.equal((await hebb(...train(b, 4))).code, 0);
    const [la, lb] = [a, b].map((d) =>
      loadModel(join(d, 'model.safetensors'), { expect: SoftHebb }),
    );
    assert.equal(la.samplesSeen, lb.samplesSeen);
    assert.deepEqual(la.weights.data, lb.weights.data);
    const config = JSON.parse(readFileSync(join(a, 'config.json'), 'utf8'));
    assert.equal(config.options.epochs, 4);
    const epochs = JSON.parse(readFileSync(join(a, 'metrics.json'), 'utf8')).map(
      (m: { epoch: number }) => m.epoch,
    );
    assert.deepEqual(epochs, [1, 2, 3, 4]);
  });

  it('stdout closed by its reader (hebb … | head): no stack trace, exit 0', async () => {
    const child = spawn(process.execPath, [...CLI_ARGS, 'backend'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader is gone before the first line is written
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((done) => child.on('close', done));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error|at /);
  });

  it('one of a thing is singular: "1 epoch", never "1 epochs"', async () => {
    const out = join(dir, 'one-epoch');
    assert.equal((await hebb(...train(out, 1))).code, 0);
    const again = await hebb('softhebb', 'train', '--out', out, '--resume');
    assert.match(again.err, /already trained for 1 epoch;/);
    const ev = await hebb('softhebb', 'eval', out, '--readout', 'linear', '--epochs', '1');
    assert.equal(ev.code, 0, ev.err);
    assert.match(ev.out, /linear read-out \([^)]*, 1 epoch\)/);
    assert.doesNotMatch(again.err + ev.out, /\b1 (epochs|samples|images|classes)\b/);
  });
});

/** softhebb train in a child process, killed if it has not ended in a minute (the old spin). */
function spawnTrain(more: string[]) {
  const args = ['softhebb', 'train', '--units', '4', '--epochs', '1', '--quiet', ...more];
  return spawnSync(process.execPath, [...CLI_ARGS, ...args], { encoding: 'utf8', timeout: 60_000 });
}
