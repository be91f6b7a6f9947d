// Sweeps through a real Redis (redis-server on a free port) and real `hebb worker` processes:
// a worker killed in the middle of a job (with its run, as when its machine dies) loses
// nothing — BullMQ's stalled-job check hands the job to the other worker, every point
// completes exactly once, and no run directory is left damaged.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { getBackend } from '../../src/backend/registry.ts';
import { emergenceTable } from '../../src/reproduce/emergence/paper-table.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { CLI_ARGS, hebbSync } from '../helpers/cli.ts';

const hebb = (...args: string[]) => hebbSync(args);
const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedis && process.env.CI)
  throw new Error('redis-server is missing; CI installs it with apt-get install redis-server');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe(
  'hebb sweep submit + hebb worker (BullMQ on Redis)',
  { skip: !haveRedis && 'redis-server not installed' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'hebb-queue-'));
    const procs: ChildProcess[] = [];
    after(() => {
      for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    /** A redis-server of our own on a free port, stopped after the tests; its URL. */
    const startRedis = async () => {
      const port = await freePort();
      const redis = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      );
      procs.push(redis);
      for (
        let i = 0;
        i < 50 &&
        spawnSync('redis-cli', ['-p', String(port), 'ping'])
          .stdout?.toString()
          .trim() !== 'PONG';
        i++
      )
        await sleep(100);
      return `redis://127.0.0.1:${port}`;
    };

    it('a worker killed mid-job: the other worker reruns it, every point completes once', async () => {
      const url = await startRedis();

      const out = join(dir, 'em');
      const file = join(dir, 'em.json');
      const names = ['rule=sgd_seed=0', 'rule=sgd_seed=1', 'rule=dfa_seed=0', 'rule=dfa_seed=1'];
      writeFileSync(
        file,
        JSON.stringify({
          command: 'emergence run',
          options: { epochs: 30, hidden: '64' },
          grid: { rule: ['sgd', 'dfa'] },
          seeds: 2,
          out,
        }),
      );
      const sub = hebb('sweep', 'submit', file, '--queue', url);
      assert.equal(sub.status, 0, sub.stderr);
      assert.match(sub.stdout, /4 points queued, 0 on the queue already, 0 complete/);
      assert.match(
        hebb('sweep', 'submit', file, '--queue', url).stdout,
        /0 points queued, 4 on the queue already/,
      );

      const startWorker = () => {
        // Its own process group: killing the group is the machine dying, run and all.
        const w = spawn(
          process.execPath,
          [...CLI_ARGS, 'worker', '--queue', url, '--concurrency', '1', '--lock-seconds', '2'],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
            detached: true,
          },
        );
        procs.push(w);
        const log = { text: '' };
        w.stderr!.on('data', (s) => (log.text += s));
        return { w, log };
      };
      const a = startWorker();
      let victim = '';
      for (let i = 0; i < 600 && !victim; i++) {
        victim = /(\S+): started/.exec(a.log.text)?.[1] ?? '';
        await sleep(50);
      }
      assert.ok(names.includes(victim), `worker A started a point: ${a.log.text}`);
      await sleep(300); // into the run
      process.kill(-a.w.pid!, 'SIGKILL');
      const b = startWorker();

      const complete = () => names.filter((n) => existsSync(join(out, n, 'sweep-point.json')));
      for (let i = 0; i < 600 && complete().length < 4; i++) await sleep(200);
      assert.equal(complete().length, 4, `B's log:\n${b.log.text}`);
      assert.deepEqual(JSON.parse(hebb('sweep', 'status', file, '--json').stdout).pending, []);
      b.w.kill('SIGTERM');
      const code = await Promise.race([
        new Promise((r) => b.w.on('exit', r)),
        sleep(30_000).then(() => 'still running 30 s after SIGTERM'),
      ]);
      assert.equal(code, 0, b.log.text);

      const record = (n: string) =>
        JSON.parse(readFileSync(join(out, n, 'sweep-point.json'), 'utf8'));
      const bName = `${record(names.find((n) => n !== victim)!).worker}`;
      assert.equal(record(victim).worker, bName, 'the killed job finished on the other worker');
      for (const n of names) {
        // Once each: one start per point in B's log, and the victim's log shows its two attempts.
        assert.equal(b.log.text.split(`${n}: done`).length - 1, 1, `${n} completed once`);
        const starts = readFileSync(join(out, 'logs', `${n}.log`), 'utf8').split('\n# ').length - 1;
        assert.equal(starts, n === victim ? 2 : 1, `${n}: attempts`);
        JSON.parse(readFileSync(join(out, n, 'config.json'), 'utf8'));
        assert.ok(Array.isArray(JSON.parse(readFileSync(join(out, n, 'metrics.json'), 'utf8'))));
        assert.equal(record(n).result.rule, n.split('_')[0].slice(5));
      }
      assert.ok(!existsSync(join(out, 'report.md')));
    });

    it('emergence-table on a queue: the points run on a worker, the table equals the one computed in-process', async () => {
      const url = await startRedis();
      const w = spawn(
        process.execPath,
        [...CLI_ARGS, 'worker', '--queue', url, '--concurrency', '2'],
        {
          stdio: 'ignore',
          detached: true,
        },
      );
      procs.push(w);
      // Both in this process: the one here computes its points itself, the other queues them.
      // Σ η_t γ ≥ 0.01 within 2 epochs: γ = 5e-4 trains 2 (1 gives 0.0033), 5e-3 one (0.033)
      const table = {
        epochs: 1,
        seeds: 2,
        rules: ['sgd' as const],
        decayTimes: 0.01,
        maxEpochs: 2,
        quiet: true,
      };
      const here = await runDeclared(
        emergenceTable,
        { ...table, out: join(dir, 'table-here') },
        { backend: getBackend() },
      );
      const queued = await runDeclared(
        emergenceTable,
        { ...table, out: join(dir, 'table-queue'), queue: url },
        { backend: getBackend() },
      );
      // As the command line's --json prints them (NaN as null).
      const json = JSON.stringify(queued.result);
      const cells = (t: string) =>
        (JSON.parse(t) as { cells: { seconds: number }[] }).cells.map((c) => ({
          ...c,
          seconds: 0,
        }));
      // 4 MLP cells, then 4 transformer cells (its points named architecture=transformer_…)
      assert.equal(cells(json).length, 8);
      assert.deepEqual(
        (JSON.parse(json) as { cells: { steps: number }[] }).cells.map((c) => c.steps),
        [...Array(4).fill(78), 78, 78, 156, 78],
      );
      assert.deepEqual(
        (JSON.parse(json) as { cells: { architecture: string }[] }).cells.map(
          (c) => c.architecture,
        ),
        [...Array(4).fill('mlp'), ...Array(4).fill('transformer')],
      );
      assert.ok(
        existsSync(
          join(
            dir,
            'table-queue',
            'points',
            'architecture=transformer_rule=sgd_weight-decay=0_seed=2',
            'sweep-point.json',
          ),
        ),
      );
      assert.deepEqual(cells(json), cells(JSON.stringify(here.result)));
      // Each point is an ordinary run directory, written by the worker.
      const rec = JSON.parse(
        readFileSync(
          join(dir, 'table-queue', 'points', 'rule=sgd_weight-decay=0_seed=1', 'sweep-point.json'),
          'utf8',
        ),
      );
      assert.match(rec.worker, /:\d+$/);
      process.kill(-w.pid!, 'SIGTERM');
    });
  },
);

describe('an unreachable queue', () => {
  it('is one clear line, with no ioredis stack before it (worker and sweep submit)', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const dir = mkdtempSync(join(tmpdir(), 'hebb-noqueue-'));
    try {
      const file = join(dir, 'q.json');
      writeFileSync(
        file,
        JSON.stringify({ command: 'emergence run', grid: { rule: ['sgd'] }, out: join(dir, 'o') }),
      );
      for (const args of [
        ['worker', '--queue', url],
        ['sweep', 'submit', file, '--queue', url],
      ]) {
        const r = hebb(...args);
        assert.equal(r.status, 1, args.join(' '));
        assert.equal(
          r.stderr,
          `hebb: cannot reach Redis at ${url} (connect ECONNREFUSED 127.0.0.1:${port}); start it (redis-server --port 6379) or check --queue\n`,
        );
        assert.equal(r.stdout, '');
      }
      assert.ok(!existsSync(join(dir, 'o')));
      const bad = hebb('worker', '--queue', 'http://x');
      assert.equal(bad.status, 1);
      assert.equal(
        bad.stderr,
        "hebb: --queue: 'http://x' is not a Redis URL; write redis://HOST:6379\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
