// The reproductions that loop over settings × seeds run their points through the sweep
// machinery: in this process, on a pool (--workers) or on a queue (queue.test.ts). Same
// results every way (the children run with one BLAS thread, so the in-process run here does
// too), a point finished anywhere is never run again on --resume, and figures drawn by a
// point reach the reproduction's own figures/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { setNativeThreads } from '../../src/backend/native/threads.ts';
import { emergenceTable, type TableOptions } from '../../src/reproduce/emergence/paper-table.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { smMnist } from '../../src/reproduce/similarity/sm-mnist.ts';
import { softhebbMnist } from '../../src/reproduce/softhebb/reproduce.ts';
import { hebbSync } from '../helpers/cli.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

// One BLAS thread in every process: a 2-worker pool on 2 cores gives each child one.
const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
const hebb = (...args: string[]) => hebbSync(args, env);
const backend = getBackend();

describe('reproductions over settings × seeds on a worker pool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-points-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('emergence-table: --workers 2 (the command line) gives the in-process table; --resume runs only what is missing', async () => {
    // the MLP rows: the transformer's go through the queue in test/sweep/queue.test.ts
    const table: Partial<TableOptions> = {
      epochs: 1,
      seeds: 2,
      rules: ['sgd', 'dfa'],
      architectures: ['mlp'],
    };
    const inProcess = (o: object, err?: (line: string) => void) =>
      runDeclared(emergenceTable, { ...table, ...o }, { backend: getBackend(), err });
    const here = await inProcess({ out: join(dir, 'here'), quiet: true });
    const out = join(dir, 'pool');
    const args = ['reproduce', 'emergence-table', '--epochs', '1', '--seeds', '2'];
    const rules = ['--rules', 'sgd,dfa', '--architectures', 'mlp'];
    const pool = hebb(...args, ...rules, '--out', out, '--json', '--quiet', '--workers', '2');
    assert.equal(pool.status, 0, pool.stderr);
    type Table = { cells: { rule: string; decay: number; values: number[]; seconds: number }[] };
    const cells = (t: string) => (JSON.parse(t) as Table).cells.map((c) => ({ ...c, seconds: 0 }));
    const hereCells = cells(JSON.stringify(here.result));
    assert.equal(cells(pool.stdout).length, 8);
    assert.deepEqual(cells(pool.stdout), hereCells);
    // 2 rules × 4 decays × 2 seeds, each an ordinary run directory with its record.
    const points = readdirSync(join(out, 'points')).filter((n) => n !== 'logs');
    assert.equal(points.length, 16);
    for (const p of points) assert.ok(existsSync(join(out, 'points', p, 'sweep-point.json')), p);
    assertFiguresLinked(join(dir, 'here', 'report.md'), 1);

    // Lose one point (its part and its run directory): --resume runs that one alone, in-process.
    const lost = 'rule=dfa_weight-decay=0.0005_seed=2';
    rmSync(join(out, 'points', lost), { recursive: true });
    rmSync(join(out, 'parts', `point-${lost}.json`));
    const log: string[] = [];
    const again = await runDeclared(
      emergenceTable,
      { out, resume: true },
      { backend: getBackend(), err: (line) => log.push(line) },
    );
    const stderr = log.join('\n');
    assert.match(stderr, /15\/16 points finished earlier, reused/);
    assert.equal(stderr.match(/ seed \d: /g)?.length, 16, 'a line per point, one run');
    assert.deepEqual(cells(JSON.stringify(again.result)), hereCells);
  });

  it('sm-mnist over NPS × seeds: the same rows and receptive-field figures on a pool', async () => {
    // In this process with one BLAS thread, as the pool's children run.
    setNativeThreads(backend, 1);
    const given = { quick: true, trainSamples: 300, testSamples: 200, nps: [4, 8], seeds: [0, 1] };
    const here = await runDeclared(
      smMnist,
      { ...given, out: join(dir, 'sm-here'), quiet: true },
      { backend },
    );
    // The pool's children are `hebb` processes, so its parent is one too.
    const args = ['reproduce', 'sm-mnist', '--quick', '--train-samples', '300'];
    const more = ['--test-samples', '200', '--nps', '4,8', '--seeds', '0,1', '--json', '--quiet'];
    const pool = hebb(...args, ...more, '--out', join(dir, 'sm-pool'), '--workers', '2');
    assert.equal(pool.status, 0, pool.stderr);
    type Row = { nps: number; seed: number; errorPct: number; meanSteps: number };
    const rows = (rs: Row[]) => rs.map((r) => [r.nps, r.seed, r.errorPct, r.meanSteps]);
    const pooled = rows((JSON.parse(pool.stdout) as { rows: Row[] }).rows);
    assert.equal(pooled.length, 4);
    assert.deepEqual(pooled, rows(here.result.rows));
    assert.deepEqual(
      readdirSync(join(dir, 'sm-pool', 'figures')).sort(),
      readdirSync(join(dir, 'sm-here', 'figures')).sort(),
    );
    assertFiguresLinked(join(dir, 'sm-pool', 'report.md'), 4);
  });

  it('softhebb-mnist --seeds 2: the same accuracies and curves in-process and on a pool; seeds start at --seed', async () => {
    const given = { quick: true, units: 30, epochs: 1, readoutEpochs: 1, mlpEpochs: 1 };
    const seeds = { seeds: 2, seed: 3, quiet: true };
    // In this process with one BLAS thread, as the pool's children run.
    const backend = getBackend();
    const threads = backend.info().threads;
    setNativeThreads(backend, 1);
    const here = await runDeclared(
      softhebbMnist,
      { ...given, ...seeds, out: join(dir, 'sh-here') },
      { backend },
    ).finally(() => setNativeThreads(backend, threads));
    const args = ['reproduce', 'softhebb-mnist', '--quick', '--units', '30', '--epochs', '1'];
    const more = ['--readout-epochs', '1', '--mlp-epochs', '1', '--seeds', '2', '--seed', '3'];
    const pool = hebb(
      ...args,
      ...more,
      '--out',
      join(dir, 'sh-pool'),
      '--json',
      '--quiet',
      '--workers',
      '2',
    );
    assert.equal(pool.status, 0, pool.stderr);
    type R = {
      accuracy: Record<string, number[]>;
      runs: { seed: number; soft: { curves?: unknown } }[];
    };
    const a = JSON.parse(JSON.stringify(here.result)) as R;
    const b = JSON.parse(pool.stdout) as R;
    assert.deepEqual(b.accuracy, a.accuracy);
    assert.deepEqual(
      b.runs.map((r) => r.seed),
      [3, 4],
    );
    // Curves from the first seed only, identical either way.
    assert.deepEqual(b.runs[0].soft.curves, a.runs[0].soft.curves);
    assert.equal(b.runs[1].soft.curves, undefined);
    assert.ok(existsSync(join(dir, 'sh-pool', 'figures', 'receptive-fields.png')));
    assertFiguresLinked(join(dir, 'sh-pool', 'report.md'), 4);
  });

  it('--workers with --queue is refused before anything runs', () => {
    const r = hebb(
      'reproduce',
      'emergence-table',
      '--out',
      join(dir, 'both'),
      '--workers',
      '2',
      '--queue',
      'redis://x:1',
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /option '--workers <n>' cannot be used with option '--queue <url>'/);
    assert.ok(!existsSync(join(dir, 'both')));
  });
});
