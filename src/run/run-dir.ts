/**
 * hebb/run (Node): the run directory every CLI command writes, for scripts that read or write
 * one the same way.
 *
 * @module hebb/run
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Backend, BackendInfo } from '../backend/types.ts';
import { HebbError, ValueError } from '../errors.ts';
import { makeDirs, writeJsonAtomic } from '../io/atomic.ts';
import { loadModel, saveModel } from '../io/model-file.ts';
import type { Model, ModelClass } from '../model/model.ts';
import { VERSION } from '../version.ts';

/**
 * The run directory every CLI command writes: runs/<name>/ holding config.json (everything
 * needed to reproduce the run), model.safetensors, metrics.json (a JSON array, one object per
 * epoch, rewritten atomically so it is valid JSON even after a crash) and figures/.
 */
export const RUN_FILES = {
  /** The run's configuration (RunConfig). */
  config: 'config.json',
  /** The latest model checkpoint. */
  model: 'model.safetensors',
  /** One row per epoch (MetricsRow). */
  metrics: 'metrics.json',
  /** The run's charts and images. */
  figures: 'figures',
  /** Finished parts of a multi-part run, one JSON file each. */
  parts: 'parts',
  /** The run directories of a reproduction's points run on a pool or a queue (src/reproduce/points.ts). */
  points: 'points',
} as const;

/** A value JSON can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
/** One row of metrics.json, e.g. { epoch: 3, accuracy: 0.91 }. */
export type MetricsRow = Record<string, JsonValue>;

/** What the command knows about the run; createRun adds versions, date and command line. */
export interface RunSpec {
  /** The CLI command, e.g. 'train'. */
  command: string;
  /** The run's seed. */
  seed: number;
  /** Every option the command ran with (undefined values are dropped, as JSON does). */
  options: Record<string, unknown>;
  /** The backend it runs on (Backend.info()). */
  backend: BackendInfo;
  /** Arguments after the script; defaults to process.argv.slice(2). */
  argv?: string[];
}

/** The contents of config.json. */
export interface RunConfig {
  /** The CLI command, e.g. 'train'. */
  command: string;
  /** The run's seed. */
  seed: number;
  /** Every option the command ran with, as JSON. */
  options: Record<string, JsonValue>;
  /** The backend it ran on. */
  backend: BackendInfo;
  /** hebb's version. */
  hebbVersion: string;
  /** Node's version, e.g. 'v20.19.0'. */
  nodeVersion: string;
  /** Operating system and architecture, e.g. 'linux x64'. */
  platform: string;
  /** When the run started, ISO 8601. */
  date: string;
  /** The command-line arguments after the script. */
  argv: string[];
  /** The command line that repeats the run, shell-quoted. */
  commandLine: string;
}

/** Options of createRun. */
export interface CreateRunOptions {
  /** Replace an existing run in dir. */
  overwrite?: boolean;
  /** Continue an existing run with the same command, seed and options (fresh if none). */
  resume?: boolean;
  /** Options a resumed run may change (raised epochs): config.json then records the new value. */
  extend?: readonly string[];
}

/** runs/<name>, refusing names that would escape the runs root. */
export function runPath(name: string, root = 'runs'): string {
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    name !== basename(name) ||
    name.includes('\\')
  ) {
    throw new ValueError(
      `run name '${name}' must be a plain directory name like 'demo' (no slashes)`,
    );
  }
  return join(root, name);
}

/** A run's file that cannot be read: the message says what to delete or start over. */
export class DamagedFile extends HebbError {
  constructor(message: string) {
    super(message);
    this.name = 'DamagedFile';
  }
}

/** A run directory opened by createRun: its config, and methods to write metrics, models, parts. */
export class Run {
  /** The run's directory. */
  readonly dir: string;
  /** Its config.json. */
  readonly config: RunConfig;
  /** True when createRun continued an existing run. */
  readonly resumed: boolean;
  private metrics: MetricsRow[];

  constructor(dir: string, config: RunConfig, metrics: MetricsRow[], resumed: boolean) {
    this.dir = dir;
    this.config = config;
    this.metrics = metrics;
    this.resumed = resumed;
  }

  /** The paths of the run's files (RUN_FILES under dir). */
  get paths(): {
    /** config.json. */
    config: string;
    /** model.safetensors. */
    model: string;
    /** metrics.json. */
    metrics: string;
    /** figures/. */
    figures: string;
  } {
    return {
      config: join(this.dir, RUN_FILES.config),
      model: join(this.dir, RUN_FILES.model),
      metrics: join(this.dir, RUN_FILES.metrics),
      figures: join(this.dir, RUN_FILES.figures),
    };
  }

  /** Adds one row (e.g. one epoch) and rewrites metrics.json atomically. NaN/±Inf become null. */
  appendMetrics(row: Record<string, unknown>): void {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new ValueError(
        `appendMetrics: expected an object like {epoch: 1, acc: 0.9}, got ${JSON.stringify(row)}`,
      );
    }
    this.metrics.push(toJson(row) as MetricsRow);
    writeJsonAtomic(this.paths.metrics, this.metrics);
  }

  /**
   * Drops the rows of epochs after `epoch` (a run restarting from an earlier checkpoint, or
   * from none, rewrites them instead of repeating them) and rewrites metrics.json if any went.
   */
  dropMetricsAfter(epoch: number): void {
    const kept = this.metrics.filter((r) => !(typeof r.epoch === 'number' && r.epoch > epoch));
    if (kept.length === this.metrics.length) return;
    this.metrics = kept;
    writeJsonAtomic(this.paths.metrics, this.metrics);
  }

  /** The metrics as stored on disk. */
  readMetrics(): MetricsRow[] {
    return readMetricsFile(this.paths.metrics);
  }

  /** Writes model.safetensors atomically (the model's class and options in its metadata). */
  saveModel(model: Model, metadata: Record<string, string> = {}): void {
    saveModel(model, this.paths.model, metadata);
  }

  /** Whether a model checkpoint was saved. */
  hasModel(): boolean {
    return existsSync(this.paths.model);
  }

  /** The model saved in this run (of the expected class, when given). */
  loadModel<M extends Model>(o: { expect?: ModelClass<M>; backend?: string | Backend } = {}): M {
    if (!this.hasModel()) {
      throw new HebbError(
        `${this.dir} has no ${RUN_FILES.model}; its training never finished an epoch`,
      );
    }
    try {
      return loadModel<M>(this.paths.model, o);
    } catch (e) {
      if (!(e instanceof HebbError)) throw e;
      // The reader's own advice (re-save it) is for code; a run's user can only retrain.
      const path = this.paths.model;
      const why = e.message
        .replace(`${path}: `, '')
        .replace(/; the file is corrupt or not a safetensors file; re-save the checkpoint$/, '');
      throw new DamagedFile(
        `${path} cannot be read (${why}); delete it and pass --resume to train again from the start with the saved options, or pass --overwrite to start over`,
      );
    }
  }

  /** A finished part of a multi-part run (a reproduction's seed, cell, …), or undefined. */
  readPart<T>(key: string): T | undefined {
    const path = this.partPath(key);
    return existsSync(path) ? (readJson(path, 'delete it to recompute that part') as T) : undefined;
  }

  /** Records a finished part atomically, so a resumed run can skip it. */
  writePart(key: string, value: unknown): void {
    makeDirs(join(this.dir, RUN_FILES.parts));
    writeJsonAtomic(this.partPath(key), value);
  }

  /** Whether anything worth keeping was saved (a checkpoint or a finished part). */
  hasSavedWork(): boolean {
    const parts = join(this.dir, RUN_FILES.parts);
    return this.hasModel() || (existsSync(parts) && readdirSync(parts).length > 0);
  }

  private partPath(key: string): string {
    if (!/^[\w.=+-]+$/.test(key))
      throw new ValueError(`part key '${key}' must be a plain file name`);
    return join(this.dir, RUN_FILES.parts, `${key}.json`);
  }

  /** figures/<name>, creating figures/ if needed. */
  figurePath(name: string): string {
    if (
      name === '' ||
      name === '.' ||
      name === '..' ||
      name !== basename(name) ||
      name.includes('\\')
    ) {
      throw new ValueError(`figure name '${name}' must be a plain file name like 'weights.png'`);
    }
    makeDirs(this.paths.figures);
    return join(this.paths.figures, name);
  }
}

/**
 * Starts a run in dir. An existing run with the same command, seed and options is started
 * over (the seed makes it reproduce) unless resume; one with a different config is refused
 * unless overwrite, so a finished experiment is never replaced by accident.
 */
export function createRun(dir: string, spec: RunSpec, opts: CreateRunOptions = {}): Run {
  if (opts.overwrite && opts.resume) {
    throw new HebbError('--resume and --overwrite contradict each other; pass one of them');
  }
  const argv = spec.argv ?? process.argv.slice(2);
  const config: RunConfig = {
    command: spec.command,
    seed: spec.seed,
    options: toJson(spec.options) as Record<string, JsonValue>,
    backend: { ...spec.backend },
    hebbVersion: VERSION,
    nodeVersion: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    argv,
    commandLine: ['hebb', ...argv].map(shellQuote).join(' '),
  };

  const state = inspectDir(dir);
  if (state === 'run') {
    const old = opts.overwrite ? undefined : readConfig(dir);
    const diff = old ? configDiff(old, config) : [];
    if (opts.resume) {
      // Extended options (raised epochs) are compared as saved, then recorded as now.
      const kept = { ...config.options };
      for (const k of opts.extend ?? []) if (old && k in old.options) kept[k] = old.options[k];
      const others = old ? configDiff(old, { ...config, options: kept }) : [];
      if (others.length > 0) {
        throw new HebbError(
          `cannot resume ${dir}: its config differs (${others.join(', ')}); resume with the options saved in ${join(dir, RUN_FILES.config)}, or pass --overwrite to start over`,
        );
      }
      let cfg = old!;
      if (diff.length > 0) {
        cfg = { ...cfg, options: { ...cfg.options } };
        for (const k of opts.extend ?? [])
          if (k in config.options) cfg.options[k] = config.options[k];
        writeJsonAtomic(join(dir, RUN_FILES.config), cfg);
      }
      return new Run(dir, cfg, readMetricsFile(join(dir, RUN_FILES.metrics)), true);
    }
    if (diff.length > 0) {
      throw new HebbError(
        `${dir} already holds a run with a different config (${diff.join(', ')}); pass --overwrite to replace it, --resume to continue it with its saved options, or choose another --out`,
      );
    }
    if (!opts.overwrite) {
      // Same options but no flag: never discard a finished or interrupted run silently.
      throw new HebbError(
        `${dir} already holds a run with these options; pass --resume to continue it, --overwrite to start over, or choose another --out`,
      );
    }
    for (const f of Object.values(RUN_FILES))
      rmSync(join(dir, f), { recursive: true, force: true });
  } else if (state === 'foreign') {
    throw new HebbError(
      `${dir} exists and is not a hebb run directory (no ${RUN_FILES.config}); choose another --out or remove it`,
    );
  }
  makeDirs(join(dir, RUN_FILES.figures));
  writeJsonAtomic(join(dir, RUN_FILES.config), config);
  writeJsonAtomic(join(dir, RUN_FILES.metrics), []);
  return new Run(dir, config, [], false);
}

/** The saved config of the run in dir (for --resume), or null when dir holds no run. */
export function readRunConfig(dir: string): RunConfig | null {
  return inspectDir(dir) === 'run' ? readConfig(dir) : null;
}

/** Opens an existing run for reading (inspect, figures, evaluation). */
export function openRun(dir: string): Run {
  if (inspectDir(dir) !== 'run') {
    throw new HebbError(
      `${dir} is not a hebb run directory (no ${RUN_FILES.config}); pass a directory created by a hebb command, e.g. runs/demo`,
    );
  }
  return new Run(dir, readConfig(dir), readMetricsFile(join(dir, RUN_FILES.metrics)), false);
}

/** What is at dir: nothing, an empty folder, a hebb run, or something else. */
export function inspectDir(dir: string): 'missing' | 'empty' | 'run' | 'foreign' {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return 'missing';
  }
  if (!st.isDirectory()) {
    throw new HebbError(`${dir} is a file, not a run directory; choose another run name`);
  }
  if (existsSync(join(dir, RUN_FILES.config))) return 'run';
  return readdirSync(dir).length === 0 ? 'empty' : 'foreign';
}

function readConfig(dir: string): RunConfig {
  const path = join(dir, RUN_FILES.config);
  const cfg = readJson(path, 'pass --overwrite to start the run over');
  const c = cfg as Partial<RunConfig> | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.command !== 'string' ||
    typeof c.seed !== 'number' ||
    typeof c.options !== 'object' ||
    c.options === null
  ) {
    throw new HebbError(
      `${path} is not a hebb run config (needs command, seed and options); pass --overwrite to start the run over`,
    );
  }
  return c as RunConfig;
}

function readMetricsFile(path: string): MetricsRow[] {
  if (!existsSync(path)) return [];
  const m = readJson(path, 'fix or delete it');
  if (!Array.isArray(m)) {
    throw new HebbError(`${path} should be a JSON array of per-epoch objects; fix or delete it`);
  }
  return m as MetricsRow[];
}

function readJson(path: string, fix: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new HebbError(`cannot read ${path}: ${(e as Error).message}; ${fix}`);
  }
}

/** What makes two runs the same experiment: command, seed and options (not date, backend). */
function configDiff(old: RunConfig, now: RunConfig): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  if (old.command !== now.command) out.push(`command: ${old.command} → ${now.command}`);
  if (old.seed !== now.seed) out.push(`seed: ${old.seed} → ${now.seed}`);
  const keys = new Set([...Object.keys(old.options), ...Object.keys(now.options)]);
  for (const k of [...keys].sort()) {
    const a = show(old.options[k]);
    const b = show(now.options[k]);
    if (a !== b) out.push(`${k}: ${a} → ${b}`);
  }
  return out.length > 6 ? [...out.slice(0, 6), `${out.length - 6} more`] : out;
}

/** A JSON round trip: drops undefined, turns NaN/±Inf into null, as metrics.json will hold. */
function toJson(v: unknown): JsonValue {
  return JSON.parse(JSON.stringify(v) ?? 'null') as JsonValue;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
