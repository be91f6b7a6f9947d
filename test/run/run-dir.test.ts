import assert from 'node:assert/strict';
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
import { Matrix } from '../../src/backend/matrix.ts';
import { HebbError, ValueError } from '../../src/errors.ts';
import { createRun, openRun, runPath, type RunSpec } from '../../src/run/run-dir.ts';
import { VERSION } from '../../src/version.ts';
import { loadSafetensors } from '../../src/io/safetensors-file.ts';
import { LabelAssignment } from '../../src/readout/index.ts';
import { SoftHebb } from '../../src/softhebb/index.ts';

const root = mkdtempSync(join(tmpdir(), 'hebb-runs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = () => join(root, `run${counter++}`);

const spec = (over: Partial<RunSpec> = {}): RunSpec => ({
  command: 'train',
  seed: 1,
  options: { epochs: 3, lr: 0.01, dataset: 'mnist', unset: undefined },
  backend: { name: 'ts', blas: 'portable TypeScript', threads: 1, ompThreads: 1 },
  argv: ['train', '--epochs', '3', '--name', "it's"],
  ...over,
});

function throwsHebb(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HebbError, `expected HebbError, got ${String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

describe('createRun', () => {
  it('lays out config.json, metrics.json and figures/ with everything needed to reproduce', () => {
    const dir = fresh();
    const run = createRun(dir, spec());
    assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'figures', 'metrics.json']);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(cfg.command, 'train');
    assert.equal(cfg.seed, 1);
    assert.deepEqual(cfg.options, { epochs: 3, lr: 0.01, dataset: 'mnist' });
    assert.equal(cfg.backend.name, 'ts');
    assert.equal(cfg.backend.blas, 'portable TypeScript');
    assert.equal(cfg.hebbVersion, VERSION);
    assert.equal(cfg.nodeVersion, process.version);
    assert.ok(!Number.isNaN(Date.parse(cfg.date)));
    assert.equal(cfg.commandLine, `hebb train --epochs 3 --name 'it'\\''s'`);
    assert.deepEqual(run.config, cfg);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')), []);
    assert.equal(run.resumed, false);
  });

  it('metrics.json is valid JSON after every append; NaN is stored as null', () => {
    const run = createRun(fresh(), spec());
    run.appendMetrics({ epoch: 1, acc: 0.5 });
    assert.deepEqual(JSON.parse(readFileSync(run.paths.metrics, 'utf8')), [{ epoch: 1, acc: 0.5 }]);
    run.appendMetrics({ epoch: 2, acc: Number.NaN, note: 'diverged' });
    assert.deepEqual(run.readMetrics(), [
      { epoch: 1, acc: 0.5 },
      { epoch: 2, acc: null, note: 'diverged' },
    ]);
    assert.throws(() => run.appendMetrics([1] as unknown as Record<string, unknown>), ValueError);
    assert.ok(!readdirSync(run.dir).some((f) => f.endsWith('.tmp')));
  });

  it('saves and loads the model (its class, options and the hebb version in the metadata)', () => {
    const run = createRun(fresh(), spec());
    assert.equal(run.hasModel(), false);
    throwsHebb(
      () => run.loadModel(),
      /no model\.safetensors; its training never finished an epoch/,
    );
    const la = new LabelAssignment({ classes: 2, backend: 'ts' }).fit(
      Matrix.from([
        [1, 0],
        [0, 1],
      ]),
      [0, 1],
    );
    run.saveModel(la, { epoch: '1' });
    const back = run.loadModel({ expect: LabelAssignment });
    assert.deepEqual(Array.from(back.unitLabels), [0, 1]);
    const { metadata } = loadSafetensors(run.paths.model);
    assert.equal(metadata['hebb.version'], VERSION);
    assert.equal(metadata['hebb.model'], 'LabelAssignment');
    assert.equal(metadata.epoch, '1');
    throwsHebb(
      () => run.loadModel({ expect: SoftHebb }),
      /holds a LabelAssignment, not a SoftHebb/,
    );
  });

  it('figurePath lives in figures/ and rejects paths', () => {
    const run = createRun(fresh(), spec());
    rmSync(run.paths.figures, { recursive: true });
    assert.equal(run.figurePath('w.png'), join(run.dir, 'figures', 'w.png'));
    assert.ok(existsSync(run.paths.figures));
    for (const bad of ['', '..', '../x.png', 'a/b.png', 'a\\b.png']) {
      assert.throws(() => run.figurePath(bad), ValueError, bad);
    }
  });

  it('refuses a different config unless --overwrite, naming the differences', () => {
    const dir = fresh();
    createRun(dir, spec()).appendMetrics({ epoch: 1 });
    throwsHebb(
      () => createRun(dir, spec({ seed: 2, options: { epochs: 5, lr: 0.01, dataset: 'mnist' } })),
      /already holds a run with a different config/,
      /seed: 1 → 2/,
      /epochs: 3 → 5/,
      /--overwrite/,
      /--resume/,
    );
    const run = createRun(dir, spec({ seed: 2 }), { overwrite: true });
    assert.equal(run.config.seed, 2);
    assert.deepEqual(run.readMetrics(), []);
  });

  it('the same config without a flag is refused; --resume keeps metrics and needs the same config; --overwrite starts over', () => {
    const dir = fresh();
    const first = createRun(dir, spec());
    first.appendMetrics({ epoch: 1 });
    first.saveModel(new LabelAssignment({ backend: 'ts' }).fit(Matrix.from([[1], [2]]), [0, 1]));
    const resumed = createRun(dir, spec({ argv: ['other'] }), { resume: true });
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.config.date, first.config.date);
    assert.equal(resumed.hasModel(), true);
    resumed.appendMetrics({ epoch: 2 });
    assert.deepEqual(resumed.readMetrics(), [{ epoch: 1 }, { epoch: 2 }]);
    throwsHebb(
      () => createRun(dir, spec({ command: 'sweep' }), { resume: true }),
      /cannot resume/,
      /command: train → sweep/,
    );
    throwsHebb(() => createRun(dir, spec()), /already holds a run with these options/, /--resume/);
    assert.equal(createRun(dir, spec({ argv: [] }), { resume: true }).readMetrics().length, 2);
    const again = createRun(dir, spec(), { overwrite: true });
    assert.deepEqual(again.readMetrics(), []);
    assert.equal(again.hasModel(), false);
  });

  it('--resume of a missing run starts a fresh one', () => {
    assert.equal(createRun(fresh(), spec(), { resume: true }).resumed, false);
  });

  it('refuses non-run directories, files, and both flags at once', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'precious.txt'), 'x');
    throwsHebb(() => createRun(dir, spec(), { overwrite: true }), /not a hebb run directory/);
    assert.ok(existsSync(join(dir, 'precious.txt')));
    const file = join(root, 'afile');
    writeFileSync(file, 'x');
    throwsHebb(() => createRun(file, spec()), /is a file/);
    throwsHebb(() => createRun(fresh(), spec(), { overwrite: true, resume: true }), /contradict/);
    const empty = fresh();
    mkdirSync(empty);
    assert.equal(createRun(empty, spec()).config.seed, 1);
  });

  it('a corrupt config.json is reported with the fix', () => {
    const dir = fresh();
    createRun(dir, spec());
    writeFileSync(join(dir, 'config.json'), '{"command": ');
    throwsHebb(() => createRun(dir, spec()), /cannot read .*config\.json/, /--overwrite/);
    assert.equal(createRun(dir, spec(), { overwrite: true }).config.seed, 1);
  });
});

describe('openRun and runPath', () => {
  it('opens an existing run and reads its metrics', () => {
    const dir = fresh();
    createRun(dir, spec()).appendMetrics({ epoch: 1, acc: 0.9 });
    const run = openRun(dir);
    assert.equal(run.config.command, 'train');
    assert.deepEqual(run.readMetrics(), [{ epoch: 1, acc: 0.9 }]);
  });

  it('is a clear error for something that is not a run', () => {
    throwsHebb(() => openRun(join(root, 'nothing-here')), /not a hebb run directory/, /runs\/demo/);
    const dir = fresh();
    createRun(dir, spec());
    writeFileSync(join(dir, 'metrics.json'), '{}');
    throwsHebb(() => openRun(dir), /should be a JSON array/);
  });

  it('runPath joins plain names and refuses paths', () => {
    assert.equal(runPath('demo'), join('runs', 'demo'));
    assert.equal(runPath('a', '/tmp/r'), join('/tmp/r', 'a'));
    for (const bad of ['', '.', '..', 'a/b', '../x']) assert.throws(() => runPath(bad), ValueError);
  });
});
