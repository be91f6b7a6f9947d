// Runs a sweep's points in a pool of worker processes on this machine (Node only). Each point
// is one `hebb …` child process with its own run directory; complete points are skipped,
// interrupted ones continue with --resume, and stopping the sweep stops its children (they
// keep what they saved, as any interrupted run does).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pointArgs, type SweepPoint, type SweepSpec } from './spec.ts';
import { logPath, parseResult, pointDir, readDone, restartFlag, writeDone } from './state.ts';

/**
 * How to start hebb in a child: the same runtime and loader flags as this process, and hebb's
 * own entry beside this module (src/cli/main.ts from the sources, dist/cli/main.js when built) —
 * never process.argv[1], which in a test or a script that runs a sweep is that file, and would
 * start it again in every child.
 */
export function selfCommand(): string[] {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const entry = fileURLToPath(new URL(`../cli/main.${ext}`, import.meta.url));
  return [process.execPath, ...process.execArgv.filter((a) => a !== '--test'), entry];
}

export interface PointOutcome {
  point: SweepPoint;
  ok: boolean;
  /** Exit code, or the signal that ended the child. */
  code: number | string;
  seconds: number;
  log: string;
}

/**
 * Runs one point to its end: `hebb <command> <options> --seed S --out DIR --json --quiet`
 * (plus --resume or --overwrite), stderr and stdout to its log; on exit 0 the result is recorded
 * (DONE_FILE). The child is in `running` while it runs, so the caller can stop it.
 */
export function runPoint(
  spec: SweepSpec,
  point: SweepPoint,
  o: {
    hebb?: string[];
    worker?: string;
    running?: Set<ChildProcess>;
  } = {},
): Promise<PointOutcome> {
  const hebb = o.hebb ?? selfCommand();
  const dir = pointDir(spec, point);
  const args = [...pointArgs(spec, point, dir), restartFlag(spec, point)];
  const log = logPath(spec, point);
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, 'a');
  writeSync(fd, `\n# ${new Date().toISOString()} hebb ${args.join(' ')}\n`);
  const t0 = performance.now();
  const threads = String(spec.threads);
  const child = spawn(hebb[0], [...hebb.slice(1), ...args], {
    env: { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads },
    stdio: ['ignore', 'pipe', fd],
  });
  o.running?.add(child);
  let stdout = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (s: string) => {
    stdout += s;
    writeSync(fd, s);
  });
  return new Promise((resolve) => {
    let finished = false;
    // 'close' can follow 'error' (a child that never started): settle once.
    const finish = (code: number | string, ok: boolean) => {
      if (finished) return;
      finished = true;
      o.running?.delete(child);
      closeSync(fd);
      resolve({ point, ok, code, seconds: (performance.now() - t0) / 1000, log });
    };
    child.on('error', (err) => {
      writeSync(fd, `hebb sweep: could not start the run: ${err.message}\n`);
      finish('spawn', false);
    });
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) return finish(code ?? signal ?? 'unknown', false);
      try {
        const result = parseResult(stdout);
        writeDone(spec, point, {
          seconds,
          finishedAt: new Date().toISOString(),
          worker: o.worker ?? `${hostname()}:${process.pid}`,
          result,
        });
        finish(0, true);
      } catch (err) {
        writeSync(fd, `hebb sweep: ${(err as Error).message}\n`);
        finish('no result', false);
      }
    });
  });
}

export interface LocalSweepOptions {
  workers: number;
  hebb?: string[];
  /** Stops the pool: running children get SIGINT and save what they can. */
  signal?: AbortSignal;
  /** Called as points finish (for progress). */
  onOutcome?: (o: PointOutcome) => void;
}

export interface LocalSweepResult {
  skipped: number;
  outcomes: PointOutcome[];
  interrupted: boolean;
}

/** Runs every incomplete point, `workers` at a time. */
export async function runLocalSweep(
  spec: SweepSpec,
  points: SweepPoint[],
  o: LocalSweepOptions,
): Promise<LocalSweepResult> {
  const todo = points.filter((p) => readDone(spec, p) === undefined);
  const outcomes: PointOutcome[] = [];
  const running = new Set<ChildProcess>();
  const stop = () => {
    for (const c of running) c.kill('SIGINT');
  };
  o.signal?.addEventListener('abort', stop, { once: true });
  let next = 0;
  const worker = async () => {
    while (next < todo.length && !o.signal?.aborted) {
      const point = todo[next++];
      const out = await runPoint(spec, point, { hebb: o.hebb, running });
      outcomes.push(out);
      o.onOutcome?.(out);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(o.workers, todo.length)) }, worker),
    );
  } finally {
    o.signal?.removeEventListener('abort', stop);
  }
  return {
    skipped: points.length - todo.length,
    outcomes,
    interrupted: o.signal?.aborted ?? false,
  };
}
