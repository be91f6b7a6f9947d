// `hebb reproduce softhebb-robustness --quick` at tiny size, end to end, and its bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const hebb = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });

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
        'PCA, softmax',
        'k-means, ReLU',
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
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /\| ε \(\/255\) \| SoftHebb \| hard WTA \| MLP \| k-means, softmax \|/);
    assert.match(report, /\| k-means, softmax \| 53\.64 % \| \d+\.\d\d % \|/);
    assert.match(report, /Clean test accuracy \d+\.\d\d % \(paper 94\.38 %\)/);
    assert.match(report, /on 40 test images fixed by the seed/);
    for (const f of ['noise.png', 'pgd.png', 'adversarial-softhebb.png', 'adversarial-mlp.png'])
      assert.ok(existsSync(join(out, 'figures', f)), f);
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
});
