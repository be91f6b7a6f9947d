// Your own data through the real command line (in-process): `--data` trains on a CSV, eval
// reads the same split back from config.json, and each misuse of the flags is one line.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { memoryIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { loadDataSplit } from '../../src/data/own-data.ts';
import { loadModel } from '../../src/io/model-file.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';

const dir = mkdtempSync(join(tmpdir(), 'hebb-own-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function hebb(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** 40 samples of 4 values in two classes far apart: class 0 lights p0, p1; class 1 p2, p3. */
function twoClusters(): string {
  const lines = ['p0,p1,p2,p3,label'];
  for (let i = 0; i < 40; i++) {
    const c = i % 2;
    const jitter = ((i * 37) % 11) / 100;
    const v = c === 0 ? [1, 0.8 + jitter, jitter, 0] : [0, jitter, 0.8 + jitter, 1];
    lines.push(`${v.join(',')},${c}`);
  }
  return lines.join('\n') + '\n';
}

const csv = join(dir, 'clusters.csv');
writeFileSync(csv, twoClusters());

describe('--data on the command line', () => {
  it('softhebb train --data trains on a CSV; metrics and eval agree with the held-out split', async () => {
    const out = join(dir, 'run');
    const r = await hebb(
      'softhebb',
      'train',
      '--data',
      csv,
      '--units',
      '4',
      '--epochs',
      '1',
      '--out',
      out,
      '--json',
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /clusters.csv: 32 training and 8 test samples of 4 values, 2 classes/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(metrics.length, 1);
    assert.equal(metrics[0].epoch, 1);
    assert.equal(metrics[0].samples, 32, '0.8 of the 40 rows train');
    // Two clusters this far apart: every test sample is read out right.
    assert.equal(metrics[0].labelAccuracy, 1);
    assert.equal(JSON.parse(r.out).testAccuracy, 1);
    // The run's layer, the file's split (made here again), the label read-out done by hand:
    // each test sample's winning unit's majority class on the training set.
    const layer = loadModel(join(out, 'model.safetensors'), { expect: SoftHebb });
    const { train, test } = loadDataSplit(csv);
    const winners = (x: typeof train.x) => Array.from(layer.winners(x));
    const votes = new Map<number, number[]>();
    winners(train.x).forEach((u, i) => {
      const v = votes.get(u) ?? [0, 0];
      v[train.y[i]]++;
      votes.set(u, v);
    });
    const label = (u: number) => {
      const v = votes.get(u) ?? [0, 0];
      return v[1] > v[0] ? 1 : 0;
    };
    const hits = winners(test.x).filter((u, i) => label(u) === test.y[i]).length;
    assert.equal(hits / test.x.rows, metrics[0].labelAccuracy);

    const e = await hebb(
      'softhebb',
      'eval',
      out,
      '--readout',
      'linear',
      '--epochs',
      '20',
      '--json',
    );
    assert.equal(e.code, 0, e.err);
    assert.equal(JSON.parse(e.out).testAccuracy, 1);
  });

  it('similarity train and eval take --data too', async () => {
    const out = join(dir, 'sm');
    const layers = '[{"type":"dense","units":3}]';
    const t = await hebb(
      'similarity',
      'train',
      '--data',
      csv,
      '--layers',
      layers,
      '--epochs',
      '1',
      '--quiet',
      '--out',
      out,
    );
    assert.equal(t.code, 0, t.err);
    const e = await hebb('similarity', 'eval', out, '--json');
    assert.equal(e.code, 0, e.err);
    assert.equal(JSON.parse(e.out).testSamples, 8);
  });

  it('refuses contradicting or stray flags in one line (exit 2), bad files with the line (exit 1)', async () => {
    const out = join(dir, 'never');
    const cases: [string[], number, RegExp][] = [
      [
        ['--data', csv, '--dataset', 'cifar10'],
        2,
        /option '--data <file\|folder>' cannot be used with option '--dataset <name>'/,
      ],
      [['--data', csv, '--data-dir', dir], 2, /cannot be used with option '--data-dir <dir>'/],
      [
        ['--labels', join(dir, 'y.npy')],
        2,
        /--labels is for your own data; give the data with --data <file\|folder>/,
      ],
      [
        ['--data', csv, '--test-data', csv, '--test-fraction', '0.3'],
        2,
        /option '--test-data <file\|folder>' cannot be used with option '--test-fraction <x>'/,
      ],
      [
        ['--data', csv, '--test-fraction', '1'],
        2,
        /--test-fraction must be a finite number in \(0, 1\)/,
      ],
      [
        ['--data', csv, '--shape', '8x8'],
        2,
        /shape 8×8×1 is 64 values per sample but the samples have 4/,
      ],
      [['--data', csv, '--size', '8x8'], 2, /the size option does not apply: a CSV holds numbers/],
      [['--data', join(dir, 'missing.csv')], 1, /missing.csv: no such file or folder/],
    ];
    for (const [flags, code, message] of cases) {
      const r = await hebb(
        'softhebb',
        'train',
        '--units',
        '4',
        '--epochs',
        '1',
        '--out',
        out,
        ...flags,
      );
      assert.equal(r.code, code, `${flags.join(' ')}: ${r.err}`);
      assert.match(r.err, message, flags.join(' '));
      assert.equal(r.err.split('\n').length, 1, r.err);
      assert.ok(!existsSync(out), 'nothing written');
    }
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'a,b,label\n1,2,0\n3,1\n');
    const r = await hebb('softhebb', 'train', '--data', ragged, '--out', out, '--quiet');
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      `hebb: ${ragged}: line 3 has 2 values but the header has 3 columns; give every row one value per column`,
    );
    assert.ok(!existsSync(out));
  });

  it('reproduce softhebb-conv asks for an image shape for flat samples', async () => {
    const r = await hebb('reproduce', 'softhebb-conv', '--data', csv, '--out', join(dir, 'c'));
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /softhebb-conv needs images of at least 5×5 .* clusters.csv's samples are 1×4×1; give flat samples their image shape with --shape HxWxC/,
    );
  });
});
