import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { Command } from 'commander';
import { progressPrinter, registerDataCommands } from '../../src/cli/data-command.ts';
import { createTar } from '../../src/data/tar.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { HebbError } from '../../src/errors.ts';
import { fileHandler, rmTemp, startServer, tempDir, tinyCifarFiles } from './helpers.ts';

/** Progress output of the last run (written as a non-TTY). */
let written = '';

/** Runs `hebb data …` in-process and returns the lines it logged. */
async function run(...args: string[]): Promise<string> {
  const program = new Command().name('hebb').exitOverride();
  const lines: string[] = [];
  written = '';
  registerDataCommands(program, {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    progress: { write: (s: string) => (written += s), isTTY: false },
  });
  await program.parseAsync(['node', 'hebb', 'data', ...args]);
  return lines.join('\n');
}

const dir = tempDir();
after(() => rmTemp(dir));

describe('hebb data', () => {
  it('show mnist draws the first digits as a grid; each tile is a digit (per-tile contrast)', async () => {
    const out = path.join(dir, 'digits.png');
    assert.match(
      await run('show', 'mnist', '--count', '4', '--out', out),
      /4 train samples of mnist/,
    );
    const { decode } = await import('fast-png');
    const png = decode(fs.readFileSync(out));
    // 2×2 tiles of 28 px scaled up, with borders: square, and larger than the raw digits.
    assert.equal(png.width, png.height);
    assert.ok(png.width > 56, `width ${png.width}`);
    await assert.rejects(
      run('show', 'mnist', '--count', '0', '--out', out),
      /--count must be a positive integer/,
    );
  });

  it('info mnist prints split sizes, shape and per-class counts', async () => {
    const out = await run('info', 'mnist');
    assert.match(out, /shape: 28×28×1/);
    assert.match(out, /^train: 60000 samples$/m);
    assert.match(out, /^test: 10000 samples$/m);
    assert.match(out, /^ {3}0 0 {2}5923$/m);
  });

  it('info of an unknown or missing data set is a HebbError', async () => {
    await assert.rejects(run('info', 'nope'), HebbError);
    await assert.rejects(run('info', 'cifar10', '--data-dir', dir), /hebb data fetch cifar10/);
  });

  it('list shows each data set and whether it is present', async () => {
    const out = await run('list', '--data-dir', dir);
    assert.match(out, /^mnist .*\n +present: /m);
    assert.match(out, /^cifar10 .*\n +missing .*hebb data fetch cifar10/m);
  });

  it(
    'fetch cifar10 --url installs from a mirror (md5 via HEBB_CIFAR10_MD5)',
    { timeout: 15_000 },
    async () => {
      const tgz = zlib.gzipSync(
        createTar(
          tinyCifarFiles().map((f) => ({ name: `cifar-10-batches-bin/${f.name}`, data: f.data })),
        ),
      );
      const server = await startServer(fileHandler(tgz));
      process.env.HEBB_CIFAR10_MD5 = crypto.createHash('md5').update(tgz).digest('hex');
      try {
        const out = await run(
          'fetch',
          'cifar10',
          '--data-dir',
          dir,
          '--url',
          `${server.base}/c.tgz`,
        );
        assert.match(out, /cifar10 installed in .*cifar-10-batches-bin/);
        assert.match(written, /^downloading cifar-10-binary\.tar\.gz\n/);
        assert.match(written, /received 0\.04 MB of 0\.04 MB \(100%\)\n$/);
        assert.ok(fs.existsSync(path.join(dir, 'cifar-10-batches-bin', 'test_batch.bin')));
        const again = await run('fetch', 'cifar10', '--data-dir', dir);
        assert.match(again, /already installed/);
      } finally {
        delete process.env.HEBB_CIFAR10_MD5;
        await server.close();
      }
      const info = await run('info', 'cifar10', '--data-dir', dir);
      assert.match(info, /^train: 10 samples$/m);
    },
  );

  it('every data command has an example in its help', () => {
    const program = new Command().name('hebb');
    registerDataCommands(program, memoryIO());
    const data = program.commands.find((c) => c.name() === 'data');
    assert.ok(data);
    for (const c of [data, ...data.commands]) {
      let help = '';
      c.configureOutput({ writeOut: (s) => (help += s) });
      c.outputHelp();
      assert.match(help, /Examples?:\n {2}\$ hebb data/, `${c.name()} help`);
    }
  });
});

describe('progressPrinter', () => {
  it('not a TTY: a line per 10 % step at most', () => {
    const out: string[] = [];
    const p = progressPrinter((s) => out.push(s), false);
    for (let r = 0; r <= 50e6; r += 1e6) p.update(r, 50e6, 'f.tgz');
    p.done();
    assert.equal(out[0], 'downloading f.tgz\n');
    assert.equal(out.length, 12); // the header, then 0 %, 10 %, …, 100 %
    assert.equal(out[2], 'received 5.0 MB of 50.0 MB (10%)\n');
    assert.equal(out.at(-1), 'received 50.0 MB of 50.0 MB (100%)\n');
  });

  it('a TTY: one line redrawn with \\r', () => {
    const out: string[] = [];
    const p = progressPrinter((s) => out.push(s), true);
    p.update(5e6, 10e6, 'f');
    p.update(10e6, 10e6, 'f');
    p.done();
    assert.ok(out[0].startsWith('\rf [###############---------------] 50% 5.0 MB of 10.0 MB'));
    assert.equal(out.at(-1), '\n');
  });
});
