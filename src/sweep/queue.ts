// Sweeps over many machines through BullMQ on Redis (Node only): `submit` puts one job per
// incomplete point on a queue, and `hebb worker` on each machine takes jobs and runs each as
// its own hebb process, exactly as the local pool does. Redis keeps the bookkeeping: a job whose
// worker died (its lock not renewed within lockSeconds) is moved back to waiting by another
// worker's stalled-job check and runs again there; a failing run is retried `attempts` times.
// Run directories live under the spec's `out`, which must be the same path on every machine.
import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { HebbError } from '../errors.ts';
import { requirePackages } from '../io/optional-packages.ts';
import { runPoint } from './local-pool.ts';
import type { SweepPoint, SweepSpec } from './spec.ts';
import { readDone } from './state.ts';

export const QUEUE_NAME = 'hebb-sweep';

export interface PointJob {
  spec: SweepSpec;
  point: SweepPoint;
}

export interface PointJobResult {
  /** 'ran', or 'complete' when an earlier attempt had already finished it. */
  status: 'ran' | 'complete';
  seconds: number;
  worker: string;
}

async function connect(url: string) {
  if (!/^rediss?:\/\//.test(url))
    throw new HebbError(`--queue: '${url}' is not a Redis URL; write redis://HOST:6379`);
  requirePackages('queue');
  const [{ Queue, Worker }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
  // Workers block on Redis; BullMQ needs maxRetriesPerRequest: null so a blocking call waits
  // out a reconnect instead of failing. Every client gets an error listener: without one,
  // ioredis prints its own "Unhandled error event" stack for each failed (re)connect.
  const open = () => {
    const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
    client.on('error', () => {});
    return client;
  };
  // The probe's first connect is tried once (no reconnects) and keeps the socket's own error,
  // e.g. ECONNREFUSED, which says more than ioredis's "Connection is closed"; once it is
  // connected (a queue uses it) it reconnects as usual.
  let probing = true;
  const probe = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: (times) => (probing ? null : Math.min(times * 50, 2000)),
  });
  let cause: Error | undefined;
  probe.on('error', (err: Error) => (cause ??= err));
  try {
    await probe.connect();
    await probe.ping();
    probing = false;
  } catch (err) {
    probe.disconnect();
    throw new HebbError(
      `cannot reach Redis at ${url} (${(cause ?? (err as Error)).message}); start it (redis-server --port 6379) or check --queue`,
    );
  }
  return { Queue, Worker, open, probe };
}

/** A job id per point of this sweep's output folder, so submitting twice adds nothing. */
export const jobId = (spec: SweepSpec, p: SweepPoint) =>
  `${Buffer.from(resolve(spec.out)).toString('base64url')}.${p.name}`;

export interface SubmitResult {
  added: number;
  complete: number;
  /** Points already on the queue (waiting, active or retried). */
  queued: number;
}

/** Enqueues every incomplete point; `out` is made absolute, as every worker must see it. */
export async function submitSweep(
  url: string,
  spec: SweepSpec,
  points: SweepPoint[],
  o: { attempts?: number } = {},
): Promise<SubmitResult> {
  const { Queue, probe } = await connect(url);
  const queue = new Queue<PointJob, PointJobResult>(QUEUE_NAME, { connection: probe });
  const abs = { ...spec, out: resolve(spec.out) };
  let added = 0;
  let complete = 0;
  let queued = 0;
  try {
    for (const p of points) {
      if (readDone(abs, p)) {
        complete++;
        continue;
      }
      const id = jobId(abs, p);
      const existing = await queue.getJob(id);
      const state = existing ? await existing.getState() : undefined;
      if (state && state !== 'completed' && state !== 'failed') {
        queued++;
        continue;
      }
      // A finished job with this id (failed, or completed before its point was removed)
      // would block the new one: remove it first.
      if (existing) await existing.remove();
      await queue.add(
        p.name,
        { spec: abs, point: p },
        {
          jobId: id,
          attempts: o.attempts ?? 2,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
      added++;
    }
  } finally {
    await queue.close();
    probe.disconnect();
  }
  return { added, complete, queued };
}

export interface WorkerOptions {
  concurrency: number;
  /** Seconds without a lock renewal after which a job counts as stalled (its worker died). */
  lockSeconds: number;
  log: (line: string) => void;
  signal: AbortSignal;
}

/**
 * Takes jobs until the signal aborts, then lets the running jobs finish (a second abort is
 * not needed: the children get SIGINT and save what they can).
 */
export async function runWorker(url: string, o: WorkerOptions): Promise<{ ran: number }> {
  const { Worker, open, probe } = await connect(url);
  probe.disconnect();
  const name = `${hostname()}:${process.pid}`;
  const running = new Set<ChildProcess>();
  let ran = 0;
  const active = new Set<Promise<PointJobResult>>();
  const runJob = async (
    { spec, point }: PointJob,
    attemptsMade: number,
  ): Promise<PointJobResult> => {
    if (readDone(spec, point)) {
      o.log(`${point.name}: complete already (an earlier attempt finished it)`);
      return { status: 'complete', seconds: 0, worker: name };
    }
    o.log(`${point.name}: started (attempt ${attemptsMade + 1})`);
    const out = await runPoint(spec, point, { worker: name, running });
    if (!out.ok) throw new Error(`${point.name}: the run exited with ${out.code}; see ${out.log}`);
    ran++;
    o.log(`${point.name}: done in ${out.seconds.toFixed(1)} s`);
    return { status: 'ran', seconds: out.seconds, worker: name };
  };
  const connection = open();
  const worker = new Worker<PointJob, PointJobResult>(
    QUEUE_NAME,
    (job) => {
      const p = runJob(job.data, job.attemptsMade);
      active.add(p);
      return p.finally(() => active.delete(p));
    },
    {
      connection,
      concurrency: o.concurrency,
      lockDuration: o.lockSeconds * 1000,
      stalledInterval: Math.max(1000, (o.lockSeconds * 1000) / 2),
      maxStalledCount: 3,
    },
  );
  worker.on('failed', (job, err) => {
    if (job) o.log(`${job.name}: failed (${err.message})`);
  });
  worker.on('error', (err) => o.log(`worker: ${err.message}`));
  o.log(`worker ${name}: taking jobs from ${QUEUE_NAME} at ${url}`);
  await new Promise<void>((done) => {
    if (o.signal.aborted) done();
    else o.signal.addEventListener('abort', () => done(), { once: true });
  });
  o.log(`worker ${name}: stopping; the running runs get SIGINT and keep what they saved`);
  for (const c of running) c.kill('SIGINT');
  // Our own wait for the running jobs, then a forced close: BullMQ's graceful close() was
  // seen to hang after it had recovered a stalled job (bullmq 6.7, measured in the tests).
  await Promise.allSettled(active);
  await worker.close(true);
  // BullMQ closes the connections it made, not the one it was given.
  connection.disconnect();
  return { ran };
}

/**
 * Waits until every point is complete (its sweep-point.json written by a worker), calling
 * onDone as each arrives; fails when a point's job failed its last attempt or left the queue
 * unfinished. Stopping (the signal) leaves the jobs on the queue for the workers.
 */
export async function waitForSweep(
  url: string,
  spec: SweepSpec,
  points: SweepPoint[],
  o: { signal: AbortSignal; onDone: (p: SweepPoint, result: unknown) => void; pollMs?: number },
): Promise<void> {
  const { Queue, probe } = await connect(url);
  const queue = new Queue<PointJob, PointJobResult>(QUEUE_NAME, { connection: probe });
  const pending = new Set(points);
  try {
    while (pending.size > 0) {
      o.signal.throwIfAborted();
      for (const p of [...pending]) {
        const done = readDone(spec, p);
        if (done) {
          pending.delete(p);
          o.onDone(p, done.result);
          continue;
        }
        const job = await queue.getJob(jobId(spec, p));
        const state = job ? await job.getState() : 'missing';
        // A completed job whose record is not there yet is a file system lagging behind (NFS).
        if (state === 'failed' || state === 'missing')
          throw new HebbError(
            `${p.name}: ${state === 'failed' ? `failed on the queue after ${job!.attemptsMade} attempts (${job!.failedReason})` : 'left the queue unfinished'}; see ${join(spec.out, 'logs')} and run again with --resume`,
          );
      }
      if (pending.size > 0)
        await new Promise<void>((r) => {
          const done = () => {
            clearTimeout(t);
            o.signal.removeEventListener('abort', done);
            r();
          };
          const t = setTimeout(done, o.pollMs ?? 1000);
          o.signal.addEventListener('abort', done, { once: true });
        });
    }
  } finally {
    await queue.close();
    probe.disconnect();
  }
}
