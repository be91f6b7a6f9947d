// A sweep: one hebb command run at every point of a grid of option values × seeds. Each point
// is an ordinary run directory (config.json, metrics.json, …) that can be resumed, inspected
// and evaluated alone. Pure: parsing and expansion only, no file system.
import { ValueError } from '../errors.ts';

export type OptionValue = string | number | boolean | (string | number)[];

/** The sweep file (JSON), as docs/sweeps.md describes it. */
export interface SweepSpec {
  /** The hebb command, e.g. "emergence run" or "reproduce sm-mnist". */
  command: string;
  /** Options every point gets, by flag name without "--" (e.g. {"epochs": 10}). */
  options: Record<string, OptionValue>;
  /** Options varied: the cartesian product of the value lists, in key order. */
  grid: Record<string, OptionValue[]>;
  /** Seeds per setting (--seed). */
  seeds: number[];
  /** BLAS/OpenMP threads of each run (default 1). */
  threads: number;
  /** Folder holding one run directory per point (default: runs/sweeps/<spec file name>). */
  out: string;
  /** Dotted paths into each run's --json result to tabulate (default: every number in it). */
  metrics?: string[];
}

export interface SweepPoint {
  /** A plain directory name: the setting and the seed, e.g. "rule=dfa_weight-decay=0.0005_seed=3". */
  name: string;
  /** The grid values of this point (no seed). */
  setting: Record<string, OptionValue>;
  seed: number;
}

const KEYS = ['command', 'options', 'grid', 'seeds', 'threads', 'out', 'metrics'];
/** Flags the sweep sets itself on every point. */
const RESERVED = ['seed', 'out', 'resume', 'overwrite', 'json', 'quiet'];
const FLAG = /^[a-z][a-z0-9-]*$/;

function fail(where: string, msg: string): never {
  throw new ValueError(`sweep spec${where ? ` (${where})` : ''}: ${msg}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkValue(where: string, v: unknown): OptionValue {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (
    Array.isArray(v) &&
    v.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))
  )
    return v as (string | number)[];
  fail(where, `${JSON.stringify(v)} is not a string, finite number, boolean or list of them`);
}

function checkFlag(where: string, key: string): void {
  if (!FLAG.test(key))
    fail(
      where,
      `'${key}' is not a flag name; write it as on the command line without "--" (e.g. "weight-decay")`,
    );
  if (RESERVED.includes(key))
    fail(
      where,
      `'${key}' is set by the sweep itself; ${key === 'seed' ? 'list seeds in "seeds"' : 'leave it out'}`,
    );
}

/**
 * Validates a parsed sweep file. `defaultOut` is used when the file gives no "out". Every
 * problem names its key and the fix.
 */
export function parseSweepSpec(raw: unknown, defaultOut: string): SweepSpec {
  if (!isRecord(raw))
    fail('', 'expected a JSON object like {"command": "emergence run", "grid": {…}}');
  for (const k of Object.keys(raw))
    if (!KEYS.includes(k)) fail(k, `unknown key; the keys are ${KEYS.join(', ')}`);
  const command = raw.command;
  if (typeof command !== 'string' || !/^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*$/.test(command.trim()))
    fail(
      'command',
      'give the hebb command as a string, e.g. "emergence run" or "reproduce sm-mnist"',
    );
  if (/^(sweep|worker)\b/.test(command.trim()))
    fail('command', 'a sweep cannot run sweeps or workers');
  const options: Record<string, OptionValue> = {};
  if (raw.options !== undefined) {
    if (!isRecord(raw.options)) fail('options', 'expected an object of flag → value');
    for (const [k, v] of Object.entries(raw.options)) {
      checkFlag(`options.${k}`, k);
      options[k] = checkValue(`options.${k}`, v);
    }
  }
  const grid: Record<string, OptionValue[]> = {};
  if (raw.grid !== undefined) {
    if (!isRecord(raw.grid)) fail('grid', 'expected an object of flag → list of values');
    for (const [k, v] of Object.entries(raw.grid)) {
      checkFlag(`grid.${k}`, k);
      if (k in options) fail(`grid.${k}`, `'${k}' is also in "options"; keep it in one place`);
      if (!Array.isArray(v) || v.length === 0)
        fail(`grid.${k}`, 'expected a non-empty list of values, e.g. [0, 5e-4]');
      grid[k] = v.map((x, i) => checkValue(`grid.${k}[${i}]`, x));
      if (new Set(grid[k].map((x) => JSON.stringify(x))).size !== grid[k].length)
        fail(`grid.${k}`, 'a value is listed twice');
    }
  }
  let seeds = [0];
  if (raw.seeds !== undefined) {
    if (typeof raw.seeds === 'number') {
      if (!Number.isInteger(raw.seeds) || raw.seeds < 1)
        fail('seeds', 'a count must be a whole number ≥ 1 (seeds 0 … count−1)');
      seeds = Array.from({ length: raw.seeds }, (_, i) => i);
    } else if (
      Array.isArray(raw.seeds) &&
      raw.seeds.length > 0 &&
      raw.seeds.every((s) => Number.isInteger(s) && s >= 0)
    ) {
      seeds = raw.seeds as number[];
      if (new Set(seeds).size !== seeds.length) fail('seeds', 'a seed is listed twice');
    } else fail('seeds', 'expected a count (10) or a list of whole numbers ≥ 0 ([0, 1, 2])');
  }
  const threads = raw.threads ?? 1;
  if (!Number.isInteger(threads) || (threads as number) < 1)
    fail('threads', `expected a whole number ≥ 1, got ${JSON.stringify(threads)}`);
  const out = raw.out ?? defaultOut;
  if (typeof out !== 'string' || out === '') fail('out', 'expected a folder path');
  let metrics: string[] | undefined;
  if (raw.metrics !== undefined) {
    if (
      !Array.isArray(raw.metrics) ||
      raw.metrics.length === 0 ||
      !raw.metrics.every((m) => typeof m === 'string' && m !== '')
    )
      fail(
        'metrics',
        'expected a list of dotted paths into the result, e.g. ["alignment.signal.1"]',
      );
    metrics = raw.metrics as string[];
  }
  return {
    command: command.trim(),
    options,
    grid,
    seeds,
    threads: threads as number,
    out,
    metrics,
  };
}

/** A value as it appears on the command line and in a point's name. */
export function formatValue(v: OptionValue): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Every point: the grid's cartesian product (first key slowest) × the seeds (fastest). */
export function expandPoints(spec: SweepSpec): SweepPoint[] {
  let settings: Record<string, OptionValue>[] = [{}];
  for (const [k, values] of Object.entries(spec.grid))
    settings = settings.flatMap((s) => values.map((v) => ({ ...s, [k]: v })));
  const points: SweepPoint[] = [];
  for (const setting of settings) {
    for (const seed of spec.seeds) {
      const parts = Object.entries(setting).map(([k, v]) => `${k}=${formatValue(v)}`);
      parts.push(`seed=${seed}`);
      const name = parts.join('_').replace(/[^\w.=+,-]/g, '-');
      points.push({ name, setting, seed });
    }
  }
  const names = new Set(points.map((p) => p.name));
  if (names.size !== points.length)
    fail(
      'grid',
      'two points get the same directory name; make the values differ in letters or digits',
    );
  return points;
}

/** The command-line arguments of one point (after `hebb`), run directory included. */
export function pointArgs(spec: SweepSpec, point: SweepPoint, dir: string): string[] {
  const args = spec.command.split(/\s+/);
  const flag = (k: string, v: OptionValue) => {
    // A switch: true passes it, false leaves it out (write "no-baselines": true to negate).
    if (v === true) args.push(`--${k}`);
    else if (v !== false) args.push(`--${k}`, formatValue(v));
  };
  for (const [k, v] of Object.entries(spec.options)) flag(k, v);
  for (const [k, v] of Object.entries(point.setting)) flag(k, v);
  args.push('--seed', String(point.seed), '--out', dir, '--json', '--quiet');
  return args;
}
