// A reproduction that loops over settings × seeds runs its points through the sweep machinery
// (docs/sweeps.md): in this process by default, on a pool of worker processes (--workers N), or
// on a Redis job queue for `hebb worker` on any machine (--queue URL). Every point is the same
// `hebb` command a sweep file would run, so the three ways give the same results, and each
// finished point is recorded as a part of the run: a resumed reproduction (in any of the
// three ways) skips it.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { HebbError } from '../errors.ts';
import { RUN_FILES } from '../run/run-dir.ts';
import { runLocalSweep } from '../sweep/local-pool.ts';
import type { SweepPoint, SweepSpec } from '../sweep/spec.ts';
import { expandPoints } from '../sweep/spec.ts';
import { readDone } from '../sweep/state.ts';
import type { ExperimentContext } from './context.ts';
import { count } from '../model/wording.ts';

/** --workers / --queue: where the points run (never part of a run's options). */
export interface PointExecFlags {
  workers?: number;
  queue?: string;
}

export interface PointsPlan<R> {
  /** The sweep the points form; its `out` is set here (<run dir>/points). */
  spec: Omit<SweepSpec, 'out' | 'metrics'>;
  /** A point computed in this process: the same value the point's command prints with --json. */
  inline(point: SweepPoint): R | Promise<R>;
  /** Called once per point as its result arrives (also for points finished earlier). */
  onResult?(point: SweepPoint, result: R): void;
}

/** A point's part key: its directory name in the characters part keys allow. */
const partKey = (p: SweepPoint) => `point-${p.name.replace(/[^\w.=+-]/g, '+')}`;

/** Runs every point not finished yet and returns the results in the points' order. */
export async function runPoints<R>(
  ctx: ExperimentContext,
  plan: PointsPlan<R>,
  exec: PointExecFlags,
): Promise<R[]> {
  const spec: SweepSpec = { ...plan.spec, out: join(ctx.run.dir, RUN_FILES.points) };
  const points = expandPoints(spec);
  const results = new Map<string, R>();
  const keep = (p: SweepPoint, r: R) => {
    results.set(p.name, r);
    plan.onResult?.(p, r);
  };
  const record = (p: SweepPoint, r: R) => {
    ctx.run.writePart(partKey(p), r);
    keep(p, r);
  };
  const todo: SweepPoint[] = [];
  for (const p of points) {
    const saved = ctx.run.resumed ? ctx.run.readPart<R>(partKey(p)) : undefined;
    // A point a pool or queue finished after the parent stopped counts as finished too (a
    // fresh run starts without points/: --overwrite removes it); it becomes a part now.
    const done = readDone(spec, p)?.result as R | undefined;
    if (saved !== undefined) keep(p, saved);
    else if (done !== undefined) record(p, done);
    else todo.push(p);
  }
  if (todo.length < points.length)
    ctx.log(`${points.length - todo.length}/${points.length} points finished earlier, reused`);
  if (exec.workers === undefined && exec.queue === undefined) {
    for (const p of todo) {
      ctx.signal.throwIfAborted();
      // Let a pending Ctrl-C reach the signal between points.
      await new Promise<void>((r) => setImmediate(r));
      ctx.signal.throwIfAborted();
      // Through JSON, as a child's result arrives: the three ways give identical values.
      record(p, JSON.parse(JSON.stringify(await plan.inline(p))) as R);
    }
  } else if (exec.workers !== undefined) {
    await onPool(ctx, spec, todo, exec.workers, record);
  } else {
    await onQueue(ctx, { ...spec, out: resolve(spec.out) }, todo, exec.queue!, record);
  }
  return points.map((p) => results.get(p.name)!);
}

async function onPool<R>(
  ctx: ExperimentContext,
  spec: SweepSpec,
  todo: SweepPoint[],
  workers: number,
  record: (p: SweepPoint, r: R) => void,
): Promise<void> {
  if (todo.length === 0) return;
  // The cores are shared out between the workers' BLAS threads.
  const run = { ...spec, threads: Math.max(1, Math.floor(availableParallelism() / workers)) };
  const bar = ctx.progress(todo.length, `points on ${workers} workers`, 'run');
  let failed = 0;
  const r = await runLocalSweep(run, todo, {
    workers,
    signal: ctx.signal,
    onOutcome: (out) => {
      if (out.ok) record(out.point, readDone(run, out.point)!.result as R);
      else if (!ctx.signal.aborted) {
        failed++;
        ctx.log(`${out.point.name}: failed (exit ${out.code}); see ${out.log}`);
      }
      bar.tick(1, { failed });
    },
  });
  bar.done();
  // Interrupted: the children saved what they could; runExperiment says how to resume.
  if (r.interrupted) ctx.signal.throwIfAborted();
  if (failed > 0)
    throw new HebbError(
      `${failed} of ${todo.length} points failed (logs in ${join(spec.out, 'logs')})`,
    );
}

async function onQueue<R>(
  ctx: ExperimentContext,
  spec: SweepSpec,
  todo: SweepPoint[],
  url: string,
  record: (p: SweepPoint, r: R) => void,
): Promise<void> {
  if (todo.length === 0) return;
  const { submitSweep, waitForSweep } = await import('../sweep/queue.ts');
  const s = await submitSweep(url, spec, todo);
  ctx.log(
    `${count(s.added, 'point')} queued at ${url} (${s.queued} there already); start workers with: hebb worker --queue ${url}`,
  );
  const bar = ctx.progress(todo.length, 'points on the queue', 'run');
  await waitForSweep(url, spec, todo, {
    signal: ctx.signal,
    onDone: (p, result) => {
      record(p, result as R);
      bar.tick(1);
    },
  });
  bar.done();
}

/** Options for a point's command line, leaving out those not given. */
export function definedOptions(
  o: Record<string, string | number | number[] | undefined>,
): Record<string, string | number | number[]> {
  const out: Record<string, string | number | number[]> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Copies the figures a point drew in its own run directory (on a pool or a queue) into the
 * reproduction's figures/, where its report links them; a point run here drew them there.
 */
export function adoptFigures(ctx: ExperimentContext, point: SweepPoint): void {
  const from = join(ctx.run.dir, RUN_FILES.points, point.name, RUN_FILES.figures);
  if (!existsSync(from)) return;
  mkdirSync(ctx.run.paths.figures, { recursive: true });
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(ctx.run.paths.figures, f));
}
