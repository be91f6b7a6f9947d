// `reproduce softhebb-robustness` at tiny size (in-process), its bad input, and `hebb attack` /
// `hebb robustness` on a trained run — each command once end to end through the CLI.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { getBackend } from '../../src/backend/registry.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { encodeSafetensors } from '../../src/io/safetensors.ts';
import { loadModel } from '../../src/io/model-file.ts';
import { UsageError } from '../../src/reproduce/context.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { attackRun, noiseRun, type NoiseOptions } from '../../src/reproduce/softhebb/attack.ts';
import { StandardizedClassifier } from '../../src/readout/standardized-classifier.ts';
import { softhebbRobustness } from '../../src/reproduce/softhebb/robustness.ts';
import { softhebbTrain } from '../../src/reproduce/softhebb/train.ts';
import { softhebbConv } from '../../src/reproduce/softhebb/conv.ts';
import { softhebbDeep } from '../../src/reproduce/softhebb/deep.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const backend = getBackend();

async function hebb(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** Through JSON, as --json prints it (a part read back has no undefined fields). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('hebb reproduce softhebb-robustness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-rob-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--quick at tiny size writes the tables and figures; ε = 255/255 fools the MLP', async () => {
    const out = join(dir, 'r');
    const given = {
      quick: true,
      units: 30,
      attackSamples: 40,
      eps: [8, 255],
      steps: 40,
      noise: [0, 0.5],
      out,
    };
    const { result } = await runDeclared(softhebbRobustness, given, { backend });
    const res = plain(result);
    assert.deepEqual(
      res.models.map((m) => m.name),
      [
        'SoftHebb',
        'hard WTA',
        'MLP',
        'k-means, softmax',
        'k-means, ReLU',
        'PCA, softmax',
        'PCA, ReLU',
        'SoftHebb 100, softmax',
        'MLP, softmax hidden',
      ],
    );
    for (const m of res.models.slice(0, 3)) {
      assert.ok(m.clean > 0.5, `${m.name} learnt something (${m.clean})`);
      assert.equal(m.noise[0].accuracy, m.clean, 'σ = 0 is the clean accuracy');
      assert.ok(m.pgd[1].accuracy < m.clean / 2, `${m.name}: ε = 1 leaves ${m.pgd[1].accuracy}`);
      assert.ok(m.pgd[0].accuracy >= m.pgd[1].accuracy);
    }
    // The MLP's gradient never vanishes: at ε = 1 PGD can draw any image. (A layer run with
    // softmax at t = 200 saturates in float32, and its gradient can be exactly 0.)
    assert.ok(
      res.models[2].pgd[1].accuracy <= 0.05,
      `MLP at ε = 1: ${res.models[2].pgd[1].accuracy}`,
    );
    // Fig. 5: one attack read off at every step count; its last point is the default-step run.
    for (const m of [res.models[0], res.models[2]]) {
      const c = m.convergence;
      assert.ok(c, `${m.name} has the convergence checks`);
      const last = c.steps.at(-1)!;
      assert.equal(last.steps, 40);
      assert.equal(last.accuracy, c.stepSize.find((p) => p.ratio === 1)!.accuracy);
      for (let i = 1; i < c.steps.length; i++)
        assert.ok(c.steps[i].accuracy <= c.steps[i - 1].accuracy);
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /## Has the attack converged\? \(Fig\. 5\)/);
    assert.match(report, /\| ε \(\/255\) \| SoftHebb \| hard WTA \| MLP \| k-means, softmax \|/);
    assert.match(report, /\| k-means, softmax \| 53\.64 % \| \d+\.\d\d % \|/);
    assert.match(report, /Clean test accuracy \d+\.\d\d % \(paper 94\.38 %\)/);
    assert.match(report, /on 40 test images fixed by the seed/);
    for (const f of [
      'noise.svg',
      'pgd.svg',
      'adversarial-softhebb.png',
      'adversarial-softhebb.svg',
      'adversarial-mlp.png',
      'adversarial-k-means-relu.png',
      'adversarial-softhebb-100-softmax.png',
      'fig5-steps.svg',
      'fig5-step-size.svg',
    ])
      assert.ok(existsSync(join(out, 'figures', f)), f);
    assertFiguresLinked(join(out, 'report.md'), 8);

    // An interrupted run keeps every finished group of models: remove the last group's part
    // and --resume recomputes only that group — to the same numbers, as the seed fixes them.
    rmSync(join(out, 'parts', 'mlp-softmax.json'));
    const log: string[] = [];
    const again = await runDeclared(
      softhebbRobustness,
      { out, resume: true },
      { backend, err: (l) => log.push(l) },
    );
    assert.match(log.join('\n'), /soft-wta: finished earlier, reused/);
    assert.match(log.join('\n'), /pca: finished earlier, reused/);
    assert.doesNotMatch(log.join('\n'), /mlp-softmax: finished earlier/);
    const strip = (m: { trainSeconds: number; pgd: { seconds: number }[] }) => ({
      ...m,
      trainSeconds: 0,
      evalSeconds: 0,
      pgd: m.pgd.map((p) => ({ ...p, seconds: 0 })),
    });
    assert.deepEqual(plain(again.result).models.map(strip), res.models.map(strip));
  });

  it('an activation without a gradient is refused before anything runs', async () => {
    const out = join(dir, 'x');
    await assert.rejects(
      runDeclared(softhebbRobustness, { quick: true, activation: 'onehot', out }, { backend }),
      (e: Error) => e instanceof UsageError && /onehot.*softmax at inference/.test(e.message),
    );
    assert.ok(!existsSync(out), 'nothing was created');
  });

  it('end to end: a bad activation is a usage error (exit 2) that leaves nothing', async () => {
    const out = join(dir, 'y');
    const r = await hebb(
      'reproduce',
      'softhebb-robustness',
      '--quick',
      '--activation',
      'onehot',
      '--out',
      out,
    );
    assert.equal(r.code, 2);
    assert.match(r.err, /^hebb: .*onehot.*softmax at inference/);
    assert.ok(!existsSync(out));
  });
});

describe('hebb attack and hebb robustness on a trained run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-attack-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = join(dir, 'trained');

  it('end to end: results in metrics.json, the read-out fitted once and kept as a model', async () => {
    const train = { units: 40, epochs: 1, trainSamples: 3000, out: run, quiet: true };
    await runDeclared(softhebbTrain, train, { backend });
    const a = await hebb(
      'attack',
      run,
      '--eps',
      '8,255',
      '--steps',
      '40',
      '--restarts',
      '1',
      '--attack-samples',
      '30',
      '--readout-epochs',
      '2',
      '--json',
    );
    assert.equal(a.code, 0, a.err);
    const res = JSON.parse(a.out);
    assert.equal(res.samples, 30);
    assert.deepEqual(
      res.points.map((p: { eps: number }) => p.eps),
      [8, 255],
    );
    assert.ok(res.points[0].accuracy >= res.points[1].accuracy);
    assert.match(a.err, /read-out saved: .*readout-softmax-200-e2-s0\.safetensors/);
    // The read-out is an ordinary model file: the standardiser's statistics and the classifier.
    const ro = loadModel(join(run, 'readout-softmax-200-e2-s0.safetensors'), {
      expect: StandardizedClassifier,
    });
    assert.equal(ro.stats?.mean.length, 40);
    assert.deepEqual([ro.classifier.weights.rows, ro.classifier.weights.cols], [10, 40]);

    const n = await hebb('robustness', run, '--noise', '0,0.3', '--readout-epochs', '2', '--json');
    assert.equal(n.code, 0, n.err);
    assert.match(n.err, /saved earlier/, 'the read-out is reused');
    assert.equal(JSON.parse(n.out).points.length, 2);
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    assert.deepEqual(
      metrics.filter((m: { eval?: string }) => m.eval).map((m: { eval: string }) => m.eval),
      ['attack', 'noise'],
    );
  });

  const noise: NoiseOptions = {
    noise: [0],
    activation: 'relu',
    readoutEpochs: 1,
    seed: 0,
    quiet: true,
    json: false,
  };

  it('in-process: the same read-out gives the same accuracies whether fitted now or read back', () => {
    const first = noiseRun(run, noise, { backend });
    const again = noiseRun(run, noise, { backend });
    assert.equal(first.row.activation, 'relu');
    assert.deepEqual(again.row, first.row);
    assert.equal(first.testImages, 10000);
  });

  it('a read-out file of an older hebb is refused with the fix, a folder without a run too', () => {
    // The older format: the classifier's and the statistics' tensors, bare.
    const old = join(run, 'readout-relu-e3-s0.safetensors');
    const v = (n: number) => new Matrix(1, n, new Float32Array(n));
    writeFileSync(
      old,
      encodeSafetensors({ weights: new Matrix(10, 40), bias: v(10), mean: v(40), std: v(40) }),
    );
    assert.throws(
      () => noiseRun(run, { ...noise, readoutEpochs: 3 }, { backend }),
      /readout-relu-e3-s0\.safetensors is a read-out saved by an older hebb \(no model metadata\); delete it and it is fitted again/,
    );
    assert.throws(
      () =>
        attackRun(
          join(dir, 'nothing-here'),
          {
            eps: [8],
            steps: 1,
            restarts: 1,
            norm: 'linf',
            attackSamples: 1,
            activation: undefined,
            readoutEpochs: 1,
            seed: 0,
            quiet: true,
            json: false,
          },
          { backend },
        ),
      /not a hebb run directory/,
    );
  });
});

describe('hebb attack on a conv stack (reproduce softhebb-conv)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-attack-conv-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = join(dir, 'conv');

  it("end to end: PGD through the conv blocks on the run's --quick images; --activation refused", async () => {
    await runDeclared(softhebbConv, { quick: true, out: run, quiet: true }, { backend });
    const args = ['attack', run, '--eps', '0,64', '--steps', '10', '--restarts', '1'];
    const a = await hebb(...args, '--attack-samples', '40', '--readout-epochs', '2', '--json');
    assert.equal(a.code, 0, a.err);
    const res = JSON.parse(a.out);
    assert.equal(res.activation, 'stack');
    assert.match(a.err, /read-out saved: .*readout-stack-e2-s0\.safetensors/);
    const [clean, attacked] = res.points.map((p: { accuracy: number }) => p.accuracy);
    assert.ok(clean >= 0.8, `clean accuracy ${clean} on the --quick stack`);
    assert.ok(attacked < clean - 0.2, `ε = 64/255 lowers it: ${attacked} vs ${clean}`);
    const bad = await hebb(...args, '--activation', 'softmax:5');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--activation applies to a single SoftHebb layer; .* leave it out/);
  });

  it('a deep run whose blocks use triangle powers below 1: refused naming the layer, before any read-out is fitted', async () => {
    const deep = join(dir, 'deep');
    await runDeclared(softhebbDeep, { quick: true, out: deep, quiet: true }, { backend });
    const before = readdirSync(deep).sort();
    const r = await hebb('attack', deep, '--eps', '8', '--steps', '2', '--attack-samples', '5');
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /layers\[1\] \(SoftHebbConv2d\): 'triangle:0\.7' has an infinite slope at 0/,
    );
    assert.deepEqual(readdirSync(deep).sort(), before, 'nothing written');
  });
});
