// Where a sweep keeps its points (Node only): <out>/<point>/ is the point's run directory, and
// <out>/<point>/sweep-point.json, written atomically once the run has exited successfully, is
// the only sign that the point is complete — a run directory without it was interrupted.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HebbError } from '../errors.ts';
import { writeJsonAtomic } from '../io/atomic.ts';
import type { PointResult } from './summary.ts';
import type { SweepPoint, SweepSpec } from './spec.ts';

export const DONE_FILE = 'sweep-point.json';

export interface DoneRecord {
  status: 'done';
  /** Wall time of the successful attempt. */
  seconds: number;
  finishedAt: string;
  /** Which machine and process ran it (a host name, "local", or a queue worker's id). */
  worker: string;
  /** The run's --json result. */
  result: unknown;
}

export const pointDir = (spec: SweepSpec, p: SweepPoint) => join(spec.out, p.name);
export const logPath = (spec: SweepSpec, p: SweepPoint) => join(spec.out, 'logs', `${p.name}.log`);

/** The point's record when it is complete, else undefined; a damaged record is an error. */
export function readDone(spec: SweepSpec, p: SweepPoint): DoneRecord | undefined {
  const path = join(pointDir(spec, p), DONE_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as DoneRecord;
    if (r.status === 'done') return r;
  } catch {
    // fall through
  }
  throw new HebbError(`${path} is damaged; delete it to run that point again`);
}

export function writeDone(spec: SweepSpec, p: SweepPoint, r: Omit<DoneRecord, 'status'>): void {
  mkdirSync(pointDir(spec, p), { recursive: true });
  writeJsonAtomic(join(pointDir(spec, p), DONE_FILE), { status: 'done', ...r });
}

/**
 * The flag that continues an unfinished point: --resume where an earlier attempt left a run
 * directory (config.json), else --overwrite (nothing worth keeping, or nothing at all).
 */
export function restartFlag(spec: SweepSpec, p: SweepPoint): '--resume' | '--overwrite' {
  return existsSync(join(pointDir(spec, p), 'config.json')) ? '--resume' : '--overwrite';
}

/** The last line of a run's stdout that parses as a JSON object (its --json result). */
export function parseResult(stdout: string): unknown {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      const v: unknown = JSON.parse(l);
      if (typeof v === 'object' && v !== null) return v;
    } catch {
      // progress or report lines
    }
  }
  throw new HebbError('the run printed no JSON result');
}

export function collectResults(spec: SweepSpec, points: SweepPoint[]): PointResult[] {
  return points.map((point) => {
    const d = readDone(spec, point);
    return { point, result: d?.result, seconds: d?.seconds };
  });
}
