// `hebb reproduce softhebb-deep`: MNIST's quick subset end to end, and the CIFAR-10 and STL-10
// paths on generated files in their binary formats (the presets: test/softhebb/deep-presets.test.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { loadModel } from '../../src/io/model-file.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { softhebbDeep } from '../../src/reproduce/softhebb/deep.ts';
import { Sequential } from '../../src/stack/index.ts';
import { cifarRecords } from '../data/helpers.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const dir = mkdtempSync(join(tmpdir(), 'hebb-deep-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const backend = getBackend();

describe('hebb reproduce softhebb-deep', () => {
  it('--quick on MNIST: a report beside 99.4 %, the stack saved, kernels and receptive fields drawn', async () => {
    const out = join(dir, 'mnist');
    const { result: r } = await runDeclared(
      softhebbDeep,
      { quick: true, quiet: true, out },
      { backend },
    );
    // 1000 images, width 0.125 (12 → 48 → 192 kernels), 2 read-out epochs: measured 82.6 %;
    // far above chance (10 %), far below the full run.
    assert.ok(r.accuracy > 0.5 && r.accuracy <= 1, String(r.accuracy));
    assert.deepEqual(r.units, [12, 48, 192]);
    assert.equal(r.features, 3 * 3 * 192);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /\| mnist \| \d+\.\d\d % \| 99\.4 % \|/);
    assert.match(report, /4SoftHebbCnnCIFAR \*\*\(reduced here/);
    assertFiguresLinked(join(out, 'report.md'), 4);
    const net = loadModel(join(out, 'model.safetensors'), { expect: Sequential });
    assert.equal(net.layers.length, 9);
  });

  it('runs the CIFAR-10 path on generated files in its binary format (report beside 80.3 %)', async () => {
    const data = join(dir, 'cifar-10-batches-bin');
    mkdirSync(data, { recursive: true });
    for (let i = 1; i <= 5; i++)
      writeFileSync(
        join(data, `data_batch_${i}.bin`),
        cifarRecords(
          Array.from({ length: 8 }, (_, j) => (i + j) % 10),
          8 * i,
        ),
      );
    writeFileSync(join(data, 'test_batch.bin'), cifarRecords([0, 1, 2, 3, 4, 5], 500));
    const out = join(dir, 'cifar');
    const { result: r } = await runDeclared(
      softhebbDeep,
      { dataset: 'cifar10', dataDir: data, quick: true, readoutEpochs: 1, quiet: true, out },
      { backend },
    );
    assert.equal(r.train, 40);
    assert.equal(r.features, 4 * 4 * 192);
    assert.match(
      readFileSync(join(out, 'report.md'), 'utf8'),
      /\| cifar10 \| \d+\.\d\d % \| 80\.3 % \|/,
    );
  });

  it('runs the STL-10 path (journe-stl-5, 2 blocks) on generated files in its binary format', async () => {
    const data = join(dir, 'stl10_binary');
    mkdirSync(data, { recursive: true });
    const images = (n: number, salt: number) =>
      Buffer.from(Array.from({ length: n * 3 * 96 * 96 }, (_, i) => (i * 31 + salt * 7) % 251));
    writeFileSync(join(data, 'train_X.bin'), images(12, 1));
    writeFileSync(
      join(data, 'train_y.bin'),
      Buffer.from(Array.from({ length: 12 }, (_, i) => 1 + (i % 10))),
    );
    writeFileSync(join(data, 'test_X.bin'), images(4, 2));
    writeFileSync(join(data, 'test_y.bin'), Buffer.from([1, 2, 3, 4]));
    const out = join(dir, 'stl');
    const { result: r } = await runDeclared(
      softhebbDeep,
      {
        dataset: 'stl10',
        dataDir: dir,
        preset: 'journe-stl-5',
        blocks: 2,
        quick: true,
        readoutEpochs: 1,
        quiet: true,
        out,
      },
      { backend },
    );
    assert.equal(r.train, 12);
    // 96 → avg 4/2/1 → 48 → max 4/2/1 → 24; 384 / 8 = 48 channels
    assert.equal(r.features, 24 * 24 * 48);
    assert.match(
      readFileSync(join(out, 'report.md'), 'utf8'),
      /\| stl10 \| \d+\.\d\d % \| 76\.2 % \|/,
    );
  });

  it('a missing STL-10 folder is refused saying how to get it, and leaves nothing', async () => {
    const out = join(dir, 'none');
    await assert.rejects(
      runDeclared(
        softhebbDeep,
        { dataset: 'stl10', dataDir: join(dir, 'nowhere'), out },
        { backend },
      ),
      /STL-10 not found: .*stl10_binary\.tar\.gz/,
    );
    assert.ok(!existsSync(out));
  });
});
