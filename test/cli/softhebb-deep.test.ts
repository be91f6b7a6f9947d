// `hebb reproduce softhebb-deep`: the authors' presets as layers (shapes by their
// train.py check_dimension formula), MNIST's quick subset end to end, and the CIFAR-10 and
// STL-10 paths on generated files in their binary formats.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { loadModel } from '../../src/io/model-file.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { softhebbDeep } from '../../src/reproduce/softhebb/deep.ts';
import { DEEP_PRESETS, deepStack } from '../../src/softhebb/deep.ts';
import type { SoftHebbConv2d } from '../../src/softhebb/index.ts';
import { Sequential } from '../../src/stack/index.ts';
import { cifarRecords } from '../data/helpers.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';
import { randMatrix } from '../helpers/reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'hebb-deep-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const backend = getBackend();

describe('deep SoftHebb presets', () => {
  it('journe-cifar-4 is their 4SoftHebbCnnCIFAR: blocks, rule and sizes (32² → 4·4·1536, 28² → 3·3·1536)', () => {
    const net = deepStack(DEEP_PRESETS['journe-cifar-4'], [32, 32, 3], { backend });
    assert.deepEqual(
      net.layers.map((l) => l.modelName),
      Array(3).fill(['Standardize', 'SoftHebbConv2d', 'Pool2d']).flat(),
    );
    const convs = net.layers.filter((l) => l.modelName === 'SoftHebbConv2d') as SoftHebbConv2d[];
    // presets.json: softkrotov-c96-k5-p2-…-t1-lr0.08-lp0.5, c384-k3-p1-t0.65-lr0.005, c1536-k3-p1-t0.25-lr0.01
    assert.deepEqual(
      convs.map((c) => [
        c.options.units,
        c.options.kernelSize[0],
        c.options.padding,
        c.options.inverseTemperature,
        c.options.lr,
        c.options.activation,
      ]),
      [
        [96, 5, 2, 1, 0.08, 0.7],
        [384, 3, 1, 0.65, 0.005, 1.4],
        [1536, 3, 1, 0.25, 0.01, 1],
      ].map(([u, k, p, t, lr, a]) => [
        u,
        k,
        p,
        t,
        { kind: 'constant', from: lr },
        { name: 'triangle', power: a },
      ]),
    );
    for (const c of convs) {
      assert.equal(c.options.krotov, true);
      assert.equal(c.options.rule, 'normalized');
      assert.equal(c.options.adaptivePower, 0.5);
      assert.equal(c.options.paddingMode, 'reflect');
      assert.equal(c.options.init, 'normal-iid');
      assert.equal(c.options.initRadius, 25);
      assert.equal(c.options.bias, false);
      assert.equal(c.options.batchSize, 10);
    }
    // check_dimension: conv keeps the side (pad = (k − 1)/2), pool 4/2/1 → ⌊(s + 2 − 4)/2⌋ + 1,
    // avg 2/2/0 → ⌊s/2⌋: 32 → 16 → 8 → 4; 28 → 14 → 7 → 3.
    assert.equal(net.outputSize(32 * 32 * 3), 4 * 4 * 1536);
    const mnist = deepStack(DEEP_PRESETS['journe-cifar-4'], [28, 28, 1], { width: 0.25, backend });
    assert.equal(mnist.outputSize(28 * 28), 3 * 3 * 384);
  });

  it("'simultaneous' (their consecutive mode) trains every block on each batch", () => {
    const net = deepStack(DEEP_PRESETS['journe-cifar-4'], [28, 28, 1], {
      width: 0.125,
      blocks: 2,
      training: 'simultaneous',
      backend,
    });
    const x = randMatrix(30, 28 * 28, 3, 0, 1);
    net.fit(x);
    const convs = net.layers.filter((l) => l.modelName === 'SoftHebbConv2d') as SoftHebbConv2d[];
    // each conv saw all 30 images, in one pass
    assert.deepEqual(
      convs.map((c) => c.samplesSeen),
      [30, 30],
    );
    assert.equal(net.transform(x).cols, 7 * 7 * 48);
  });
});

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
