import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decode } from 'fast-png';
import { getBackend } from '../../src/backend/index.ts';
import { openRun } from '../../src/run/run-dir.ts';
import { loadRun, trainRun, type TrainRunOptions } from '../../src/softhebb/train-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'hebb-softhebb-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('softhebb train runs (MNIST subset)', () => {
  const base: TrainRunOptions = {
    dataset: 'mnist',
    units: 30,
    epochs: 2,
    batchSize: 50,
    wta: 'soft',
    seed: 1,
    trainSamples: 2000,
    evalEvery: 1,
    out: join(dir, 'run'),
    quiet: true,
  };

  it('writes config, checkpoint, per-epoch metrics and a receptive-field PNG, and learns', async () => {
    const r = await trainRun(base, getBackend());
    const run = openRun(base.out);
    const metrics = run.readMetrics();
    assert.equal(metrics.length, 2);
    assert.deepEqual(
      metrics.map((m) => m.epoch),
      [1, 2],
    );
    // 30 prototypes of 2000 digits: well above chance (10 %); measured ≈ 75 %.
    assert.ok(r.testAccuracy > 0.6, `accuracy ${r.testAccuracy}`);
    const png = decode(readFileSync(run.figurePath('receptive-fields.png')));
    assert.ok(png.width > 100 && png.height > 100);
    assert.equal(JSON.parse(readFileSync(join(base.out, 'config.json'), 'utf8')).options.units, 30);
    // The checkpoint reloads to the same layer.
    const { layer } = loadRun(run, getBackend());
    assert.deepEqual(layer.weights.data, r.layer.weights.data);
    assert.equal(layer.samplesSeen, 2 * 2000);
  });

  it('--resume of a finished run trains nothing more and keeps the weights', async () => {
    const before = loadRun(openRun(base.out), getBackend()).layer.weights.data.slice();
    const r = await trainRun({ ...base, resume: true }, getBackend());
    assert.deepEqual(r.layer.weights.data, before);
    assert.ok(existsSync(join(base.out, 'model.safetensors')));
  });

  it('refuses to overwrite a run without --overwrite or --resume', async () => {
    await assert.rejects(trainRun(base, getBackend()), /already|exists|overwrite/i);
  });
});
