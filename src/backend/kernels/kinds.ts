// The kinds of kernel argument the kernel table (./table.ts) declares with: for each, its
// TypeScript type, the parameters the compiled kernels receive for it (native/glue/kernel.h
// reads the same list), and whether the kernel reads or writes it. Browser-safe.
import type { Matrix } from '../matrix.ts';
import type {
  AdamStepParams,
  ConvGeometry,
  LocalMap,
  RngKey,
  SvcDualProblem,
} from './arguments.ts';

/** in: read only; out: written and never read (wasm skips copying it in); inout: both. */
export type Access = 'in' | 'out' | 'inout';

/** A parameter of a compiled kernel, as JavaScript passes it (the addon checks each one). */
export type FlatType =
  | 'number'
  | 'boolean'
  | 'Float32Array'
  | 'Float32Array|null'
  | 'Int32Array'
  | 'Uint32Array'
  | 'Float64Array'
  | 'SvcProblem[]';

/** How a value is flattened into those parameters: one case each in ./flatten.ts. */
export type Shape =
  | 'number'
  | 'boolean'
  | 'array'
  | 'matrix'
  | 'choice'
  | 'conv'
  | 'localMap'
  | 'rngKey'
  | 'rate'
  | 'adamStep'
  | 'svcProblems'
  | 'options';

/** One argument kind. T is its TypeScript type; Optional, whether a caller may leave it out. */
export interface Kind<T = unknown, Optional extends boolean = boolean> {
  readonly shape: Shape;
  readonly flat: readonly FlatType[];
  readonly access: Access;
  readonly optional: Optional;
  /** The value passed when a number is left out. */
  readonly fallback?: number;
  /** A choice's values; the kernel receives the index. */
  readonly index?: ReadonlyMap<unknown, number>;
  /** An options object's fields, flattened in this order. */
  readonly fields?: Readonly<Record<string, Kind>>;
  /** An output whose old contents are read only when this scalar is nonzero (gemm's beta). */
  readonly readUnlessZero?: Kind;
  /** Never set: carries T for the compiler. */
  readonly type?: T;
}

// A kernel declaration's defaults are evaluated once, left to right, while `recorded` is set:
// each kind made then is appended, and a kind made from others (orNull, optional, options)
// takes them back out, so what remains is one kind per parameter, in order.
let recorded: Kind[] | null = null;

function make<T, O extends boolean = false>(
  k: Omit<Kind<T, O>, 'optional' | 'access'> & { optional?: O; access?: Access },
): Kind<T, O> {
  const kind = { optional: false, access: 'in', ...k } as Kind<T, O>;
  recorded?.push(kind);
  return kind;
}

function consume(k: Kind): void {
  const i = recorded?.lastIndexOf(k) ?? -1;
  if (i >= 0) recorded!.splice(i, 1);
}

/** The kinds a declaration's parameters default to, in order, and what it returns. */
export function recordKinds(declaration: () => unknown): {
  args: Kind[];
  returns: 'number' | 'void';
} {
  recorded = [];
  try {
    const result = declaration();
    return { args: recorded, returns: typeof result === 'number' ? 'number' : 'void' };
  } finally {
    recorded = null;
  }
}

const numbers = (n: number): FlatType[] => new Array<FlatType>(n).fill('number');

export const bool = () => make<boolean>({ shape: 'boolean', flat: ['boolean'] });
/** An integer (a count, a size); the C++ side takes an integer type. */
export const int = () => make<number>({ shape: 'number', flat: ['number'] });

/** A number, or with a default an optional one (the kernel receives the default). */
export function float(): Kind<number, false>;
export function float(fallback: number): Kind<number, true>;
export function float(fallback?: number): Kind<number> {
  return fallback === undefined
    ? make<number>({ shape: 'number', flat: ['number'] })
    : make<number, true>({ shape: 'number', flat: ['number'], optional: true, fallback });
}

/** A row-major Matrix: the kernel receives its data, rows and cols. */
export function matrix(
  access: Access = 'in',
  o: { readUnlessZero?: Kind } = {},
): Kind<Matrix, false> {
  return make<Matrix>({
    shape: 'matrix',
    flat: ['Float32Array', 'number', 'number'],
    access,
    ...o,
  });
}

const array =
  <T>(flat: FlatType) =>
  (access: Access = 'in') =>
    make<T>({ shape: 'array', flat: [flat], access });
export const f32 = array<Float32Array>('Float32Array');
export const i32 = array<Int32Array>('Int32Array');
export const u32 = array<Uint32Array>('Uint32Array');
export const f64 = array<Float64Array>('Float64Array');

type Nullable = Kind<Matrix, false> | Kind<Float32Array, false>;
/** Float32Array data that may be null (the kernel receives a null pointer). */
const nullData = (flat: readonly FlatType[]): FlatType[] => ['Float32Array|null', ...flat.slice(1)];

/** The same kind, or null. */
export function orNull<T>(k: Nullable & Kind<T, false>): Kind<T | null, false> {
  consume(k);
  return make<T | null>({ ...k, flat: nullData(k.flat) });
}

/** A matrix or array the caller may leave out (passed as null), or an options field it may omit. */
export function optional<T>(k: Kind<T, false>): Kind<T, true> {
  consume(k);
  const flat = k.shape === 'matrix' || k.shape === 'array' ? nullData(k.flat) : k.flat;
  return make<T, true>({ ...k, flat, optional: true });
}

/** One of a list of values; the kernel receives its index in the list. */
export function choice<const V extends readonly (string | number)[]>(values: V) {
  const index = new Map<unknown, number>(values.map((v, i) => [v, i]));
  return make<V[number]>({ shape: 'choice', flat: ['number'], index });
}

/** inH, inW, channels, kernelH, kernelW, stride, pad, dilation, outH, outW. */
export const convGeometry = () => make<ConvGeometry>({ shape: 'conv', flat: numbers(10) });
/** sites, unitsPerSite, inputs, offsets, indices. */
export const localMap = () =>
  make<LocalMap>({
    shape: 'localMap',
    flat: [...numbers(3), 'Int32Array', 'Int32Array'],
  });
/** The two key words. */
export const rngKey = () => make<RngKey>({ shape: 'rngKey', flat: numbers(2) });
/** A scalar rate, or one per unit: (eta, null) or (0, rates). */
export const rate = () =>
  make<number | Float32Array>({ shape: 'rate', flat: ['number', 'Float32Array|null'] });
/** The nine float32 scalars of adamScalars() (src/backend/ts/optim.ts). */
export const adamStep = () => make<AdamStepParams>({ shape: 'adamStep', flat: numbers(9) });
/** The problems of svcDualEpoch, read field by field (their arrays are updated in place). */
export const svcProblems = () =>
  make<SvcDualProblem[]>({ shape: 'svcProblems', flat: ['SvcProblem[]'], access: 'inout' });

/** The TypeScript type of a kind. */
export type TypeOf<K> = K extends Kind<infer T> ? T : never;

type OptionalKeys<F> = { [P in keyof F]: F[P] extends Kind<unknown, true> ? P : never }[keyof F];
// Two mapped types (required, then optional fields) that keep each field's documentation.
type FieldTypes<F> = {
  -readonly [P in keyof F as P extends OptionalKeys<F> ? never : P]: TypeOf<F[P]>;
} & { -readonly [P in keyof F as P extends OptionalKeys<F> ? P : never]?: TypeOf<F[P]> };
// `& {}` makes editors show the fields rather than the name of this type.
type Merge<T> = { [P in keyof T]: T[P] } & {};
export type OptionsOf<F> = Merge<FieldTypes<F>>;

/** An options object: its fields flattened one after another, in the order written. */
export function options<F extends Record<string, Kind>>(fields: F): Kind<OptionsOf<F>, false> {
  Object.values(fields).forEach(consume);
  const flat = Object.values(fields).flatMap((k) => k.flat);
  return make<OptionsOf<F>>({ shape: 'options', flat, fields });
}
