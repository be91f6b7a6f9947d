// Sweep files: validation with errors that name the key and the fix, the expansion into points,
// each point's command line, and the summary's statistics against a hand computation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expandPoints, parseSweepSpec, pointArgs } from '../../src/sweep/spec.ts';
import { metricColumns, numericLeaves, summarize, summaryCsv } from '../../src/sweep/summary.ts';

const parse = (raw: unknown) => parseSweepSpec(raw, 'runs/sweeps/x');

describe('sweep spec', () => {
  it('expands grid × seeds, first key slowest, seeds fastest, with plain directory names', () => {
    const spec = parse({
      command: 'emergence run',
      options: { epochs: 2, 'no-baselines': true, quick: false },
      grid: { rule: ['sgd', 'dfa'], 'weight-decay': [0, 5e-4] },
      seeds: 2,
    });
    assert.equal(spec.out, 'runs/sweeps/x');
    assert.equal(spec.threads, 1);
    const pts = expandPoints(spec);
    assert.deepEqual(
      pts.map((p) => p.name),
      [
        'rule=sgd_weight-decay=0_seed=0',
        'rule=sgd_weight-decay=0_seed=1',
        'rule=sgd_weight-decay=0.0005_seed=0',
        'rule=sgd_weight-decay=0.0005_seed=1',
        'rule=dfa_weight-decay=0_seed=0',
        'rule=dfa_weight-decay=0_seed=1',
        'rule=dfa_weight-decay=0.0005_seed=0',
        'rule=dfa_weight-decay=0.0005_seed=1',
      ],
    );
    assert.deepEqual(pointArgs(spec, pts[3], 'D'), [
      'emergence',
      'run',
      '--epochs',
      '2',
      '--no-baselines',
      '--rule',
      'sgd',
      '--weight-decay',
      '0.0005',
      '--seed',
      '1',
      '--out',
      'D',
      '--json',
      '--quiet',
    ]);
  });

  it('list values join with commas; seeds may be a list', () => {
    const spec = parse({
      command: 'reproduce sm-mnist',
      grid: { nps: [[4, 8], 16] },
      seeds: [3, 7],
    });
    const pts = expandPoints(spec);
    assert.deepEqual(
      pts.map((p) => p.name),
      ['nps=4,8_seed=3', 'nps=4,8_seed=7', 'nps=16_seed=3', 'nps=16_seed=7'],
    );
    assert.deepEqual(pointArgs(spec, pts[0], 'D').slice(0, 4), [
      'reproduce',
      'sm-mnist',
      '--nps',
      '4,8',
    ]);
  });

  it('refuses bad files, naming the key and the fix', () => {
    const bad: [unknown, RegExp][] = [
      [[], /expected a JSON object/],
      [{ command: 'emergence run', gird: {} }, /\(gird\): unknown key; the keys are command/],
      [{ command: 'sweep run' }, /cannot run sweeps/],
      [{ command: 'Emergence; rm -rf /' }, /\(command\): give the hebb command as a string/],
      [
        { command: 'emergence run', options: { seed: 1 } },
        /\(options\.seed\).*list seeds in "seeds"/,
      ],
      [{ command: 'emergence run', options: { out: 'x' } }, /\(options\.out\).*set by the sweep/],
      [
        { command: 'emergence run', options: { '--epochs': 1 } },
        /not a flag name; write it .* without "--"/,
      ],
      [
        { command: 'emergence run', grid: { rule: [] } },
        /\(grid\.rule\): expected a non-empty list/,
      ],
      [{ command: 'emergence run', grid: { rule: ['sgd', 'sgd'] } }, /listed twice/],
      [
        { command: 'emergence run', options: { rule: 'sgd' }, grid: { rule: ['dfa'] } },
        /also in "options"/,
      ],
      [{ command: 'emergence run', grid: { lr: [Number.NaN] } }, /\(grid\.lr\[0\]\): null is not/],
      [{ command: 'emergence run', seeds: 0 }, /\(seeds\): a count must be a whole number ≥ 1/],
      [{ command: 'emergence run', seeds: [1, 1] }, /a seed is listed twice/],
      [{ command: 'emergence run', threads: 0 }, /\(threads\): expected a whole number ≥ 1/],
      [{ command: 'emergence run', metrics: [] }, /\(metrics\): expected a list of dotted paths/],
      [{ command: 'emergence run', grid: { rule: ['a b', 'a/b'] } }, /same directory name/],
    ];
    for (const [raw, re] of bad)
      assert.throws(() => expandPoints(parse(raw)), re, JSON.stringify(raw));
  });
});

describe("the repository's sweep files", () => {
  it('parse and expand to the grids they stand for', () => {
    const dir = join(import.meta.dirname, '..', '..', 'sweeps');
    const count = (f: string) =>
      expandPoints(parse(JSON.parse(readFileSync(join(dir, f), 'utf8')))).length;
    assert.equal(count('emergence-table.json'), 4 * 4 * 10);
    assert.equal(count('emergence-phase.json'), 5 * 6 * 3);
    assert.equal(count('sm-mnist-table.json'), 6 * 3);
    assert.equal(count('quick.json'), 2 * 2 * 2);
    assert.equal(count('emergence-dfa-depth.json'), 2 * 3 * 3 * 3);
    assert.equal(count('emergence-dfa-regime.json'), 3 * 3 * 2 * 2);
  });
});

describe('sweep summary', () => {
  it('numeric leaves by dotted path; booleans as 0/1; non-finite and strings left out', () => {
    const m = numericLeaves({ a: 1, b: { c: [2, null, 'x'], d: true }, e: Number.NaN });
    assert.deepEqual(
      [...m],
      [
        ['a', 1],
        ['b.c.0', 2],
        ['b.d', 1],
      ],
    );
  });

  it('mean and sample std per setting over the complete seeds (hand computed)', () => {
    const spec = parse({ command: 'emergence run', grid: { rule: ['sgd', 'dfa'] }, seeds: 3 });
    const pts = expandPoints(spec);
    const vals = [1, 2, 4, 10, 10, undefined];
    const results = pts.map((point, i) => ({
      point,
      result: vals[i] === undefined ? undefined : { acc: vals[i], extra: i === 0 ? 5 : undefined },
    }));
    const cols = metricColumns(results);
    assert.deepEqual(cols, ['acc'], 'only metrics every complete run has');
    const rows = summarize(results, cols);
    assert.equal(rows.length, 2);
    // sgd: 1, 2, 4 → mean 7/3, sample variance ((4/3)² + (1/3)² + (5/3)²)/2 = 7/3
    assert.ok(Math.abs(rows[0].cells.acc!.mean - 7 / 3) < 1e-12);
    assert.ok(Math.abs(rows[0].cells.acc!.std - Math.sqrt(7 / 3)) < 1e-12);
    assert.equal(rows[0].cells.acc!.n, 3);
    // dfa: 10, 10 and one pending → mean 10, std 0, 2 of 3 complete
    assert.deepEqual(rows[1].cells.acc, { mean: 10, std: 0, n: 2 });
    assert.equal(rows[1].complete, 2);
    assert.equal(rows[1].total, 3);
    assert.equal(
      summaryCsv(rows, cols).split('\n')[0],
      'rule,complete,total,acc.mean,acc.std,acc.n',
    );
  });
});
