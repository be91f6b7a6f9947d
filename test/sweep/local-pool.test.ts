// `hebb sweep run` with real worker processes: every point completes exactly once, a sweep
// stopped in the middle resumes without redoing complete points, and report gathers them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_ARGS, hebbSync } from '../helpers/cli.ts';

const hebb = (...args: string[]) => hebbSync(args);

describe('hebb sweep (local pool)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-sweep-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'em');
  const file = join(dir, 'em.json');
  writeFileSync(
    file,
    JSON.stringify({
      command: 'emergence run',
      options: { epochs: 20, hidden: '64' },
      grid: { rule: ['sgd', 'dfa', 'random'] },
      seeds: 2,
      out,
      metrics: ['alignment.signal.1', 'validation.loss'],
    }),
  );
  const done = () => readdirSync(out).filter((d) => existsSync(join(out, d, 'sweep-point.json')));
  const record = (d: string) => JSON.parse(readFileSync(join(out, d, 'sweep-point.json'), 'utf8'));

  it('stopped in the middle, then run again: complete points are not redone', async () => {
    const child = spawn(process.execPath, [...CLI_ARGS, 'sweep', 'run', file, '--workers', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (s) => (stderr += s));
    const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    // Stop it once a point is complete and before all are.
    for (let i = 0; i < 600 && (!existsSync(out) || done().length === 0); i++) await sleep(100);
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted; complete points are kept/);
    const first = done();
    assert.ok(first.length >= 1 && first.length < 6, `complete after the stop: ${first.length}`);
    const before = new Map(first.map((d) => [d, record(d).finishedAt]));

    const again = hebb('sweep', 'run', file, '--workers', '2');
    assert.equal(again.status, 0, again.stderr);
    assert.match(
      again.stdout,
      new RegExp(
        `${6 - first.length} runs now complete, ${first.length} complete before, 0 failed`,
      ),
    );
    assert.equal(done().length, 6);
    for (const [d, t] of before) assert.equal(record(d).finishedAt, t, `${d} was not run again`);
    for (const d of done()) {
      // Each run directory is whole: valid JSON metrics, a result with the point's own rule.
      const metrics = JSON.parse(readFileSync(join(out, d, 'metrics.json'), 'utf8'));
      assert.ok(Array.isArray(metrics), d);
      assert.equal(
        JSON.parse(readFileSync(join(out, d, 'config.json'), 'utf8')).seed,
        record(d).result.seed ?? Number(d.slice(-1)),
      );
      assert.equal(record(d).result.rule, d.split('_')[0].slice('rule='.length));
    }

    const st = hebb('sweep', 'status', file, '--json');
    assert.deepEqual(JSON.parse(st.stdout), { out, total: 6, complete: 6, pending: [] });

    const rep = hebb('sweep', 'report', file, '--format', 'json');
    assert.equal(rep.status, 0, rep.stderr);
    const r = JSON.parse(rep.stdout);
    assert.deepEqual(r.columns, ['alignment.signal.1', 'validation.loss']);
    assert.equal(r.rows.length, 3);
    // The table's mean is the mean of the two seeds' own results.
    const sgd = ['rule=sgd_seed=0', 'rule=sgd_seed=1'].map((d) => record(d).result.validation.loss);
    assert.ok(Math.abs(r.rows[0].cells['validation.loss'].mean - (sgd[0] + sgd[1]) / 2) < 1e-12);
    for (const f of ['report.md', 'report.csv', 'report.json', 'report.svg'])
      assert.ok(existsSync(join(out, f)), f);
  });

  it('a failing point is reported with its log, and the others still complete', () => {
    // Each value passes its flag's check (the sweep file is checked before launch); the
    // combination dfa × transformer is refused by the run itself.
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        command: 'emergence run',
        options: { epochs: 1, rule: 'dfa' },
        grid: { architecture: ['mlp', 'transformer'] },
        out: join(dir, 'bad'),
      }),
    );
    const r = hebb('sweep', 'run', bad, '--workers', '2', '--quiet');
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /architecture=transformer_seed=0: failed \(exit 2\); see .*logs\/architecture=transformer_seed=0\.log/,
    );
    assert.match(r.stderr, /1 point failed .* run the sweep again — complete points are skipped/);
    assert.ok(existsSync(join(dir, 'bad', 'architecture=mlp_seed=0', 'sweep-point.json')));
    assert.match(
      readFileSync(join(dir, 'bad', 'logs', 'architecture=transformer_seed=0.log'), 'utf8'),
      /--rule dfa needs --architecture mlp/,
    );
  });

  it('a bad sweep file is a usage error naming the key', () => {
    const f = join(dir, 'typo.json');
    writeFileSync(f, JSON.stringify({ command: 'emergence run', seed: [1] }));
    const r = hebb('sweep', 'run', f);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /typo\.json: sweep spec \(seed\): unknown key/);
    assert.ok(!existsSync(join('runs', 'sweeps', 'typo')));
  });
});
