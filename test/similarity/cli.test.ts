// `hebb reproduce sm-toy --quick` end to end, and bad CLI input → one line, exit 2.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hebbSync } from '../helpers/cli.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const hebb = (...args: string[]) => hebbSync(args);

describe('similarity CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-sm-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reproduce sm-toy --quick writes report.md and the Fig. 2 figures it links', () => {
    const out = join(dir, 'toy');
    const r = hebb('reproduce', 'sm-toy', '--quick', '--out', out);
    assert.equal(r.status, 0, r.stderr);
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
  });

  it('sm-mnist keeps the trained network: a resumed run evaluates it without training again', () => {
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
    const first = hebb(...args);
    assert.equal(first.status, 0, first.stderr);
    const net = join(out, 'parts', 'nps2-seed0.network.safetensors');
    assert.ok(existsSync(net), 'the trained network is in the run');
    // As if the run had died after training: the part's result is gone, the network is not.
    rmSync(join(out, 'parts', 'point-nps=2_seed=0.json'));
    const again = hebb(...args.filter((a) => a !== '--json'), '--resume', '--json');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /trained network read from/);
    const [a, b] = [JSON.parse(first.stdout).rows[0], JSON.parse(again.stdout).rows[0]];
    assert.equal(b.errorPct, a.errorPct);
    assert.equal(b.trainSeconds, a.trainSeconds, 'the training time recorded with the network');
  });

  it('bad input is one line and exit code 2', () => {
    const r = hebb('reproduce', 'sm-mnist', '--nps', '4,x', '--out', join(dir, 'm'));
    assert.equal(r.status, 2);
    assert.match(
      r.stderr.trim(),
      /^hebb: option '--nps <list>' argument '4,x' is invalid\. --nps must be a number, got 'x'$/,
    );
    assert.ok(!existsSync(join(dir, 'm')), 'nothing was created');
  });
});
