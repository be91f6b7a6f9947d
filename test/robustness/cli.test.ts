// `hebb reproduce softhebb-robustness --quick` at tiny size, end to end, and its bad input.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hebbSync } from '../helpers/cli.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const hebb = (...args: string[]) => hebbSync(args);

describe('hebb reproduce softhebb-robustness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-rob-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--quick at tiny size writes the tables and figures; ε = 255/255 fools the MLP', () => {
    const out = join(dir, 'r');
    const r = hebb(
      'reproduce',
      'softhebb-robustness',
      '--quick',
      '--units',
      '30',
      '--attack-samples',
      '40',
      '--eps',
      '8,255',
      '--steps',
      '40',
      '--noise',
      '0,0.5',
      '--out',
      out,
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.deepEqual(
      res.models.map((m: { name: string }) => m.name),
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
      const last = c.steps.at(-1);
      assert.equal(last.steps, 40);
      assert.equal(
        last.accuracy,
        c.stepSize.find((p: { ratio: number }) => p.ratio === 1).accuracy,
      );
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
    const again = hebb('reproduce', 'softhebb-robustness', '--out', out, '--resume', '--json');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /soft-wta: finished earlier, reused/);
    assert.match(again.stderr, /pca: finished earlier, reused/);
    assert.doesNotMatch(again.stderr, /mlp-softmax: finished earlier/);
    const strip = (m: { trainSeconds: number; pgd: { seconds: number }[] }) => ({
      ...m,
      trainSeconds: 0,
      evalSeconds: 0,
      pgd: m.pgd.map((p) => ({ ...p, seconds: 0 })),
    });
    assert.deepEqual(JSON.parse(again.stdout).models.map(strip), res.models.map(strip));
  });

  it('an activation without a gradient is refused before anything runs', () => {
    const r = hebb(
      'reproduce',
      'softhebb-robustness',
      '--quick',
      '--activation',
      'onehot',
      '--out',
      join(dir, 'x'),
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /onehot.*softmax at inference/);
    assert.ok(!existsSync(join(dir, 'x')), 'nothing was created');
  });

  it('hebb attack and hebb robustness on a trained run: results in metrics.json, the read-out kept', () => {
    const run = join(dir, 'trained');
    const t = hebb(
      'softhebb',
      'train',
      '--units',
      '40',
      '--epochs',
      '1',
      '--train-samples',
      '3000',
      '--out',
      run,
      '--quiet',
    );
    assert.equal(t.status, 0, t.stderr);
    const a = hebb(
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
    assert.equal(a.status, 0, a.stderr);
    const res = JSON.parse(a.stdout);
    assert.equal(res.samples, 30);
    assert.deepEqual(
      res.points.map((p: { eps: number }) => p.eps),
      [8, 255],
    );
    assert.ok(res.points[0].accuracy >= res.points[1].accuracy);
    assert.match(a.stderr, /read-out saved/);
    const n = hebb('robustness', run, '--noise', '0,0.3', '--readout-epochs', '2', '--json');
    assert.equal(n.status, 0, n.stderr);
    assert.match(n.stderr, /saved earlier/, 'the read-out is reused');
    const noise = JSON.parse(n.stdout);
    assert.equal(noise.points.length, 2);
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    assert.deepEqual(
      metrics.filter((m: { eval?: string }) => m.eval).map((m: { eval: string }) => m.eval),
      ['attack', 'noise'],
    );
    const bad = hebb('attack', join(dir, 'nothing-here'));
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /not a hebb run directory/);
  });
});
