// The similarity-matching experiments run in-process from their declarations (sm-toy,
// sm-mnist, similarity train and eval), and each command once through the CLI: its flags,
// output and exit codes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/index.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { evalOutput, evaluateRun } from '../../src/reproduce/similarity/eval.ts';
import { smMnist } from '../../src/reproduce/similarity/sm-mnist.ts';
import { smToy } from '../../src/reproduce/similarity/sm-toy.ts';
import { similarityTrain } from '../../src/reproduce/similarity/train.ts';
import { readRunConfig } from '../../src/run/run-dir.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const backend = getBackend();

async function hebb(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('similarity experiments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-sm-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sm-toy --quick writes report.md and the Fig. 2 figures it links', async () => {
    const out = join(dir, 'toy');
    const { result, run } = await runDeclared(
      smToy,
      { quick: true, out, quiet: true },
      { backend },
    );
    assert.deepEqual(
      result.runs.map((r) => r.feedback),
      [0.8, 0],
    );
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /\| 0\.8 \| \d+\.\d% of 40 \|/);
    assert.match(report, /\| 0 \| \d+\.\d% of 40 \|/);
    for (const f of [
      'fig2a-similarity-gamma0.8.svg',
      'fig2b-similarity-gamma0.svg',
      'fig2c-cost.svg',
    ]) {
      assert.ok(existsSync(join(out, 'figures', f)), f);
    }
    assertFiguresLinked(join(out, 'report.md'), 5);
    assert.equal(run.readMetrics().length, 2);
  });

  it('hebb reproduce sm-toy: flags in, the result as JSON out', async () => {
    const out = join(dir, 'toy-cli');
    const r = await hebb(
      'reproduce',
      'sm-toy',
      '--samples',
      '100',
      '--trials',
      '10',
      '--feedback',
      '0.5',
      '--quiet',
      '--json',
      '--out',
      out,
    );
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out);
    assert.deepEqual(
      res.runs.map((x: { feedback: number }) => x.feedback),
      [0.5, 0],
    );
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /\| 0\.5 \| \d+\.\d% of 10 \|/);
    assert.equal(readRunConfig(out)?.options.samples, 100);
  });

  it('sm-mnist keeps the trained network: a resumed run evaluates it without training again', async () => {
    const out = join(dir, 'mnist');
    const args = [
      'reproduce',
      'sm-mnist',
      '--quick',
      '--nps',
      '2',
      '--train-samples',
      '300',
      '--test-samples',
      '200',
      '--out',
      out,
      '--json',
    ];
    const first = await hebb(...args);
    assert.equal(first.code, 0, first.err);
    const net = join(out, 'parts', 'nps2-seed0.network.safetensors');
    assert.ok(existsSync(net), 'the trained network is in the run');
    // As if the run had died after training: the part's result is gone, the network is not.
    rmSync(join(out, 'parts', 'point-nps=2_seed=0.json'));
    const log: string[] = [];
    const again = await runDeclared(
      smMnist,
      { quick: true, nps: [2], trainSamples: 300, testSamples: 200, out, resume: true },
      { backend, err: (l) => log.push(l) },
    );
    assert.match(log.join('\n'), /trained network read from/);
    const [a, b] = [JSON.parse(first.out).rows[0], again.result.rows[0]];
    assert.equal(b.errorPct, a.errorPct);
    assert.equal(b.trainSeconds, a.trainSeconds, 'the training time recorded with the network');
  });

  it('bad input is one line and exit code 2', async () => {
    const r = await hebb('reproduce', 'sm-mnist', '--nps', '4,x', '--out', join(dir, 'm'));
    assert.equal(r.code, 2);
    assert.match(
      r.err.trim(),
      /^hebb: option '--nps <list>' argument '4,x' is invalid\. --nps must be a number, got 'x'$/,
    );
    assert.ok(!existsSync(join(dir, 'm')), 'nothing was created');
  });

  it('similarity train keeps --layers as written; eval adds the SVM test error to its metrics', async () => {
    const out = join(dir, 'train');
    const layers = '[{"type":"local","stride":4,"radius":4,"nps":2}]';
    const { result } = await runDeclared(
      similarityTrain,
      { layers, trainSamples: 200, batchSize: 50, out, quiet: true },
      { backend },
    );
    assert.equal(result.model, join(out, 'model.safetensors'));
    assert.deepEqual(result.figures, [
      'rf-nps2-unit0-per-site.svg',
      'rf-nps2-centre-site-units.svg',
    ]);
    const saved = readRunConfig(out)!.options;
    assert.equal(saved.layers, layers);
    assert.equal(saved.lr, 'inverse:0.005:0.5:1000:0.0001');
    const ev = evaluateRun(out, { trainSamples: 200, testSamples: 100, json: false }, backend);
    assert.ok(ev.row.errorPct > 0 && ev.row.errorPct < 90, String(ev.row.errorPct));
    assert.equal(ev.row.testSamples, 100);
    assert.match(
      evalOutput(out, ev, false),
      /: test error \d+\.\d\d % on 100 images \(SVM fit on 200\)/,
    );
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.deepEqual(
      metrics.map((m: { epoch?: number; eval?: string }) => m.epoch ?? m.eval),
      [1, 'linear-svc'],
    );
  });
});
