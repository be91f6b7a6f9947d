// Options as data (the idea of scikit-learn's parameter constraints): each model declares its
// options once as a table of parameters, and `validateOptions` checks a user's object against
// it in one place — types, ranges, defaults, and unknown keys with a suggestion of the near name.
import { Matrix } from '../backend/matrix.ts';
import { ValueError } from '../errors.ts';

/** One option: how to check and normalise a given value, and its default. */
export interface Param<T> {
  /** Checks a given (not undefined) value; throws a ValueError naming `name`. */
  readonly parse: (v: unknown, name: string) => T;
  /** The value when the option is not given (absent: the option stays undefined). */
  readonly fallback?: () => T;
  /** One line for docs and errors, e.g. 'a positive integer'. */
  readonly expects: string;
  /** What the option means, one line: a command's --help and docs take it from here. */
  readonly help?: string;
  /**
   * How a command-line flag's text becomes the value `parse` checks: 'number' (numeric text),
   * 'text' (the string itself), 'switch' (a flag without a value), 'numbers' / 'texts' (a
   * comma-separated list). Absent: the option cannot be given as a flag (a Matrix, a function).
   */
  readonly flagText?: FlagText;
  /** The allowed words, where the option is one of a fixed list (commander shows them). */
  readonly choices?: readonly string[];
  /**
   * How --help names the flag's value, e.g. '<γ>' (default from the kind: '<n>', '<x>', …); for
   * a switch without a default, the help of its --no- flag.
   */
  readonly placeholder?: string;
}

/** How a flag's text becomes an option's value (Param.flagText). */
export type FlagText = 'number' | 'text' | 'switch' | 'numbers' | 'texts';

/** A model's option table: each option's Param, by option name. */
export type ParamSpec = Record<string, Param<unknown>>;

/** The validated options: every declared key, with defaults filled in. */
export type Resolved<S extends ParamSpec> = {
  readonly [K in keyof S]: S[K] extends Param<infer T> ? T : never;
};

/** A value as error messages show it: strings quoted, a Matrix by its shape, long arrays cut. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof Matrix) return `a ${v.rows}×${v.cols} Matrix`;
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) {
    // A value can be a whole data set (a nested array of images): show its start, not all of it.
    const text = JSON.stringify(v) ?? String(v);
    if (text.length <= 80) return text;
    const size = Array.isArray(v[0])
      ? `a nested array, ${v.length} × ${(v[0] as unknown[]).length}`
      : `an array of ${v.length} items`;
    return `${text.slice(0, 60)}… (${size})`;
  }
  return v.constructor?.name && v.constructor !== Object ? `a ${v.constructor.name}` : 'an object';
}

function fail(name: string, expects: string, v: unknown): never {
  throw new ValueError(`${name} must be ${expects}, got ${show(v)}`);
}

function param<T>(
  expects: string,
  parse: (v: unknown, name: string) => T,
  dflt: T | (() => T) | undefined,
  flagText: FlagText | undefined,
  choices?: readonly string[],
): Param<T> {
  // Functions as defaults are factories; no option value is itself a function.
  const fallback =
    dflt === undefined ? undefined : typeof dflt === 'function' ? (dflt as () => T) : () => dflt;
  return { expects, parse, fallback, flagText, ...(choices ? { choices } : {}) };
}

/**
 * The same option with its one line of help (shown by a command's --help and in docs), and
 * optionally how --help names its value ('<γ>') — for a switch without a default (--bias and
 * --no-bias), the help of its --no- flag instead.
 */
export function describe<P extends Param<unknown>>(p: P, help: string, placeholder?: string): P {
  return placeholder === undefined ? { ...p, help } : { ...p, help, placeholder };
}

/**
 * The same option with another default: an experiment that trains a model with settings of its
 * own (e.g. the paper's 100 epochs). Declare why beside it (see the experiments' `models`).
 */
export function withDefault<T>(p: Param<T | undefined>, value: T): Param<T> {
  return { ...(p as Param<T>), fallback: () => value, required: undefined } as Param<T>;
}

/**
 * The same option without a default (and not required): the experiment picks its value from
 * others (e.g. --quick); `help`, when given, says how. The checks stay.
 */
export function withoutDefault<T>(p: Param<T>, help?: string): Param<T | undefined> {
  return {
    ...p,
    fallback: undefined,
    required: undefined,
    ...(help === undefined ? {} : { help }),
  } as Param<T | undefined>;
}

/** Some options of a table, unchanged (same checks, defaults and help). */
export function pick<S extends ParamSpec, const K extends keyof S>(
  spec: S,
  ...keys: K[]
): Pick<S, K> {
  const out = {} as Pick<S, K>;
  for (const k of keys) out[k] = spec[k];
  return out;
}

/** @inline */
type Bounds = { min?: number; max?: number };

/**
 * The most epochs any model or command takes: far beyond any useful run, low enough that a
 * typo (1e9) is refused at once instead of training for years.
 */
export const MAX_EPOCHS = 100_000;

/** A whole number in [min, max]. */
export function integer(o: Bounds & { default: number }): Param<number>;
export function integer(o?: Bounds): Param<number | undefined>;
export function integer(o: Bounds & { default?: number } = {}): Param<number> {
  const min = o.min ?? -Infinity;
  const max = o.max ?? Number.MAX_SAFE_INTEGER;
  const unbounded = max === Number.MAX_SAFE_INTEGER;
  const expects =
    min === 1 && unbounded
      ? 'a positive integer'
      : min === 0 && unbounded
        ? 'a non-negative integer'
        : unbounded
          ? `an integer ≥ ${min}`
          : `an integer in [${min}, ${max}]`;
  return param(
    expects,
    (v, name) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
        fail(name, expects, v);
      return v;
    },
    o.default,
    'number',
  );
}

/** @inline */
type Range = { min?: number; gt?: number; max?: number; lt?: number };

/** A finite number with optional bounds (`gt`: strictly greater). */
export function number(o: Range & { default: number }): Param<number>;
export function number(o?: Range): Param<number | undefined>;
export function number(o: Range & { default?: number } = {}): Param<number> {
  const lo = o.gt ?? o.min;
  const hi = o.lt ?? o.max;
  const range =
    lo !== undefined && hi !== undefined
      ? `in ${o.gt !== undefined ? '(' : '['}${lo}, ${hi}${o.lt !== undefined ? ')' : ']'}`
      : lo !== undefined
        ? `${o.gt !== undefined ? '>' : '≥'} ${lo}`
        : hi !== undefined
          ? `${o.lt !== undefined ? '<' : '≤'} ${hi}`
          : '';
  const expects = `a finite number${range ? ` ${range}` : ''}`;
  return param(
    expects,
    (v, name) => {
      const ok =
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (o.gt === undefined || v > o.gt) &&
        (o.min === undefined || v >= o.min) &&
        (o.lt === undefined || v < o.lt) &&
        (o.max === undefined || v <= o.max);
      if (!ok) fail(name, expects, v);
      return v as number;
    },
    o.default,
    'number',
  );
}

/** true or false. */
export function boolean(o: { default: boolean }): Param<boolean>;
export function boolean(o?: object): Param<boolean | undefined>;
export function boolean(o: { default?: boolean } = {}): Param<boolean> {
  return param(
    'true or false',
    (v, name) => {
      if (typeof v !== 'boolean') fail(name, 'true or false', v);
      return v;
    },
    o.default,
    'switch',
  );
}

/** One of a fixed list of strings. */
export function oneOf<const T extends string>(values: readonly T[], o: { default: T }): Param<T>;
export function oneOf<const T extends string>(
  values: readonly T[],
  o?: object,
): Param<T | undefined>;
export function oneOf<const T extends string>(
  values: readonly T[],
  o: { default?: T } = {},
): Param<T> {
  const expects = `one of ${values.map((v) => `'${v}'`).join(', ')}`;
  return param(
    expects,
    (v, name) => {
      if (!values.includes(v as T)) fail(name, expects, v);
      return v as T;
    },
    o.default,
    'text',
    values,
  );
}

/** A seed for the model's random streams (default 0). */
export function seed(): Param<number> {
  return integer({ min: 0, default: 0 });
}

/** A list of values each checked by `item`. */
export function listOf<T>(
  item: Param<T | undefined>,
  o: { minLength?: number; default: T[] },
): Param<T[]>;
export function listOf<T>(
  item: Param<T | undefined>,
  o?: { minLength?: number },
): Param<T[] | undefined>;
export function listOf<T>(
  item: Param<T | undefined>,
  o: { minLength?: number; default?: T[] } = {},
): Param<T[]> {
  const expects = `an array of ${item.expects.replace(/^an? /, '')}s`;
  return param(
    expects,
    (v, name) => {
      if (!Array.isArray(v) || v.length < (o.minLength ?? 0)) fail(name, expects, v);
      return v.map((x, i) => item.parse(x, `${name}[${i}]`) as T);
    },
    o.default,
    item.flagText === 'number' ? 'numbers' : item.flagText === 'text' ? 'texts' : undefined,
  );
}

/** A Matrix of finite float32 values (e.g. initial weights). */
export function matrix(): Param<Matrix | undefined> {
  return param(
    'a Matrix',
    (v, name) => {
      if (!(v instanceof Matrix)) fail(name, 'a Matrix (new Matrix(rows, cols, data))', v);
      for (const x of v.data)
        if (!Number.isFinite(x)) throw new ValueError(`${name} contains NaN or ±Inf values`);
      return v;
    },
    undefined,
    undefined,
  );
}

/** A Float32Array of finite values. */
export function float32(): Param<Float32Array | undefined> {
  return param(
    'a Float32Array',
    (v, name) => {
      if (!(v instanceof Float32Array)) fail(name, 'a Float32Array', v);
      for (const x of v)
        if (!Number.isFinite(x)) throw new ValueError(`${name} contains NaN or ±Inf`);
      return v;
    },
    undefined,
    undefined,
  );
}

/**
 * An option checked by a function of its own (it returns the normalised value or throws). As a
 * flag its text reaches `parse` as a string (schedules, activations, names).
 */
export function custom<T>(
  expects: string,
  parse: (v: unknown, name: string) => T,
  dflt: T | (() => T),
): Param<T>;
export function custom<T>(
  expects: string,
  parse: (v: unknown, name: string) => T,
): Param<T | undefined>;
export function custom<T>(
  expects: string,
  parse: (v: unknown, name: string) => T,
  dflt?: T | (() => T),
): Param<T> {
  return param(expects, parse, dflt, 'text');
}

/** Marks options that must be given. */
export function required<T>(p: Param<T | undefined>): Param<T> & {
  /** The option must be given. */
  required: true;
} {
  return { ...(p as Param<T>), fallback: undefined, required: true };
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** The known name closest to `name`, when it is close enough to be a likely typo. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Checks `given` against `spec`: unknown keys are an error naming the near option, every given
 * value is parsed, absent ones take their default. `where` prefixes every message
 * (e.g. 'SoftHebb'). Returns a frozen object with every declared key.
 */
export function validateOptions<S extends ParamSpec>(
  where: string,
  spec: S,
  given: unknown,
): Resolved<S> {
  if (given === undefined) given = {};
  if (
    given === null ||
    typeof given !== 'object' ||
    Array.isArray(given) ||
    given instanceof Matrix
  ) {
    throw new ValueError(
      `${where}: options must be an object like { ${Object.keys(spec)[0]}: … }, got ${show(given)}`,
    );
  }
  const known = Object.keys(spec);
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(spec, key)) continue;
    const near = nearest(key, known);
    throw new ValueError(
      `${where}: unknown option '${key}'${near ? `; did you mean '${near}'?` : ''} (options: ${known.join(', ')})`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const key of known) {
    const p = spec[key] as Param<unknown> & { required?: boolean };
    const v = (given as Record<string, unknown>)[key];
    if (v === undefined) {
      if (p.required) throw new ValueError(`${where}: option '${key}' is required (${p.expects})`);
      out[key] = p.fallback?.();
    } else {
      try {
        out[key] = p.parse(v, key);
      } catch (e) {
        if (e instanceof ValueError) throw new ValueError(`${where}: ${e.message}`);
        throw e;
      }
    }
  }
  return Object.freeze(out) as Resolved<S>;
}
