// `hebb reproduce softhebb-conv` on small data: MNIST's quick subset end to end through the
// CLI, then in-process the hard-WTA variant and the CIFAR-10 path (two blocks, RGB figures) on
// generated files in CIFAR's binary format.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { loadModel } from '../../src/io/model-file.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { softhebbConv } from '../../src/reproduce/softhebb/conv.ts';
import { Sequential } from '../../src/stack/index.ts';
import { cifarRecords } from '../data/helpers.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const dir = mkdtempSync(join(tmpdir(), 'hebb-conv-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function hebb(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('hebb reproduce softhebb-conv', () => {
  it('end to end, --quick on MNIST: a report, the stack saved, kernels and receptive fields drawn', async () => {
    const out = join(dir, 'mnist');
    const r = await hebb(
      'reproduce',
      'softhebb-conv',
      '--quick',
      '--units',
      '8',
      '--quiet',
      '--json',
      '--out',
      out,
    );
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out);
    // 8 → 32 kernels, 2000 images, 3 read-out epochs: far above chance, below the full run.
    assert.ok(res.accuracy > 0.85 && res.accuracy <= 1, String(res.accuracy));
    // 28 → conv 5 → 24 → pool 4/2/1 → 12 → conv 3 pad 1 → 12 → pool → 6; 32 channels.
    assert.equal(res.features, 6 * 6 * 32);
    for (const f of [
      'report.md',
      'model.safetensors',
      'figures/kernels-layer1.png',
      'figures/kernels-layer1.svg',
      'figures/receptive-fields-layer1.png',
      'figures/receptive-fields-layer2.svg',
    ])
      assert.ok(existsSync(join(out, f)), f);
    assertFiguresLinked(join(out, 'report.md'), 3);
    assert.match(
      readFileSync(join(out, 'report.md'), 'utf8'),
      /\| mnist \| \d+\.\d\d % \| 98\.63 % \|/,
    );
    // The header says what was measured: --quick trains on 2000 images, not 10 000.
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /\| train accuracy \(2000 images\) \|/);
    assert.match(report, /Hebbian layers: (1 epoch|[02-9]\d* epochs|1\d+ epochs) each/);
    const net = loadModel(join(out, 'model.safetensors'), { expect: Sequential });
    assert.deepEqual(
      net.layers.map((l) => l.modelName),
      ['SoftHebbConv2d', 'Pool2d', 'Standardize', 'SoftHebbConv2d', 'Pool2d'],
    );
  });

  const backend = getBackend();

  it('--wta hard gives every conv layer a hard winner-take-all', async () => {
    const out = join(dir, 'hard');
    const given = {
      quick: true,
      wta: 'hard',
      units: 4,
      readoutEpochs: 1,
      quiet: true,
      out,
    } as const;
    await runDeclared(softhebbConv, given, { backend });
    const net = loadModel(join(out, 'model.safetensors'), { expect: Sequential });
    const convs = net.layers.filter((l) => l.modelName === 'SoftHebbConv2d');
    assert.deepEqual(
      convs.map((l) => (l.options as { wta: string }).wta),
      ['hard', 'hard'],
    );
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /hard WTA/);
  });

  it('runs the CIFAR-10 path (two blocks, RGB) on generated files in its binary format', async () => {
    const data = join(dir, 'cifar-10-batches-bin');
    mkdirSync(data, { recursive: true });
    for (let i = 1; i <= 5; i++)
      writeFileSync(
        join(data, `data_batch_${i}.bin`),
        cifarRecords(
          Array.from({ length: 12 }, (_, j) => (i + j) % 10),
          12 * i,
        ),
      );
    writeFileSync(
      join(data, 'test_batch.bin'),
      cifarRecords(
        Array.from({ length: 10 }, (_, j) => j),
        500,
      ),
    );
    const out = join(dir, 'cifar');
    const given = {
      dataset: 'cifar10',
      dataDir: data,
      quick: true,
      units: 4,
      readoutEpochs: 1,
    } as const;
    const { result: res } = await runDeclared(
      softhebbConv,
      { ...given, quiet: true, out },
      { backend },
    );
    assert.equal(res.train, 60);
    assert.equal(res.blocks.length, 2);
    // 32×32 → conv 5 pad 2 → 32 → pool 4/2/1 → 16 → conv 3 pad 1 → 16 → pool → 8; 16 channels.
    assert.equal(res.features, 8 * 8 * 16);
    for (const f of [
      'kernels-layer1.png',
      'receptive-fields-layer1.png',
      'receptive-fields-layer2.png',
    ])
      assert.ok(existsSync(join(out, 'figures', f)), f);
  });

  it('a missing CIFAR-10 folder is refused saying how to get it, and leaves nothing', async () => {
    const out = join(dir, 'none');
    const given = { dataset: 'cifar10', dataDir: join(dir, 'nowhere'), out } as const;
    await assert.rejects(runDeclared(softhebbConv, given, { backend }), /hebb data fetch cifar10/);
    assert.ok(!existsSync(out));
  });
});
