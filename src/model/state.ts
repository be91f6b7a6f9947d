// A model's state: named tensors (parameters as float32, counters as float64 scalars so a
// sample count stays exact), the same names in memory and in a safetensors file.
import { Matrix } from '../backend/matrix.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../io/safetensors.ts';

/** Everything a model has learnt (getState): its tensors by name, e.g. 'layers.0.bias'. */
export type ModelState = Record<string, Tensor>;

/** A float32 tensor copied from a Matrix (2-D) or a vector (1-D). */
export function f32(v: Matrix | Float32Array): Tensor {
  return v instanceof Matrix
    ? { dtype: 'F32', shape: [v.rows, v.cols], data: v.data.slice() }
    : { dtype: 'F32', shape: [v.length], data: v.slice() };
}

/** A float64 scalar (counters: samples seen, steps). */
export function scalar(v: number): Tensor {
  return { dtype: 'F64', shape: [], data: Float64Array.of(v) };
}

function get(s: ModelState, key: string, where: string): Tensor {
  if (s === null || typeof s !== 'object') {
    throw new ValueError(`${where}: state must be an object of named tensors (from getState())`);
  }
  const t = s[key];
  if (!t) {
    throw new ValueError(
      `${where}: the state has no tensor '${key}' (it has ${Object.keys(s).join(', ') || 'none'}); was it saved by this kind of model?`,
    );
  }
  return t;
}

function finite(data: ArrayLike<number>, key: string, where: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ValueError(
        `${where}: tensor '${key}' holds NaN or ±Inf; the checkpoint was saved from a diverged run`,
      );
    }
  }
}

/** A 2-D float32 tensor as a fresh Matrix, with its shape checked where given. */
export function readMatrix(
  s: ModelState,
  key: string,
  where: string,
  rows?: number,
  cols?: number,
): Matrix {
  const t = get(s, key, where);
  if (t.dtype !== 'F32' || t.shape.length !== 2) {
    throw new ShapeError(
      `${where}: tensor '${key}' must be 2-D F32, got ${t.dtype} [${t.shape.join(', ')}]`,
    );
  }
  const [r, c] = t.shape;
  if ((rows !== undefined && r !== rows) || (cols !== undefined && c !== cols)) {
    throw new ShapeError(
      `${where}: tensor '${key}' is ${r}×${c} but this model needs ${rows ?? r}×${cols ?? c}; were the options the same?`,
    );
  }
  finite(t.data as Float32Array, key, where);
  return new Matrix(r, c, (t.data as Float32Array).slice());
}

/** A 1-D float32 tensor as a fresh Float32Array, with its length checked where given. */
export function readVector(
  s: ModelState,
  key: string,
  where: string,
  length?: number,
): Float32Array {
  const t = get(s, key, where);
  if (t.dtype !== 'F32' || t.shape.length !== 1) {
    throw new ShapeError(
      `${where}: tensor '${key}' must be 1-D F32, got ${t.dtype} [${t.shape.join(', ')}]`,
    );
  }
  if (length !== undefined && t.shape[0] !== length) {
    throw new ShapeError(
      `${where}: tensor '${key}' has ${t.shape[0]} values but this model needs ${length}; were the options the same?`,
    );
  }
  finite(t.data as Float32Array, key, where);
  return (t.data as Float32Array).slice();
}

/** A scalar counter (F64 or F32, shape [] or [1]) as a non-negative integer. */
export function readCount(s: ModelState, key: string, where: string): number {
  const t = get(s, key, where);
  const v = Number(t.data[0]);
  if (t.data.length !== 1 || !Number.isSafeInteger(v) || v < 0) {
    throw new ValueError(
      `${where}: tensor '${key}' must hold one non-negative integer, got ${String(t.data[0])}`,
    );
  }
  return v;
}

/** Whether the state has a tensor of that name. */
export function has(s: ModelState, key: string): boolean {
  return s !== null && typeof s === 'object' && Object.hasOwn(s, key);
}

/** An int32 tensor (class indices). */
export function i32(v: Int32Array): Tensor {
  return { dtype: 'I32', shape: [v.length], data: v.slice() };
}

/** A 1-D int32 tensor as a fresh Int32Array. */
export function readInt32(s: ModelState, key: string, where: string, length?: number): Int32Array {
  const t = get(s, key, where);
  if (
    t.dtype !== 'I32' ||
    t.shape.length !== 1 ||
    (length !== undefined && t.shape[0] !== length)
  ) {
    throw new ShapeError(
      `${where}: tensor '${key}' must be 1-D I32${length !== undefined ? ` of length ${length}` : ''}, got ${t.dtype} [${t.shape.join(', ')}]`,
    );
  }
  return (t.data as Int32Array).slice();
}

/** The tensors whose names start with `prefix`, with the prefix removed (nested states). */
export function substate(s: ModelState, prefix: string): ModelState {
  const out: ModelState = {};
  for (const [k, v] of Object.entries(s)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** A nested state under a prefix, e.g. an optimizer's tensors as 'optimizer.m.0'. */
export function prefixed(s: ModelState, prefix: string): ModelState {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [prefix + k, v]));
}

/** A 1-D float64 tensor (statistics summed over many samples keep their precision). */
export function f64(v: Float64Array): Tensor {
  return { dtype: 'F64', shape: [v.length], data: v.slice() };
}

/** A 1-D float64 tensor as a fresh Float64Array, with its length checked where given. */
export function readFloat64(
  s: ModelState,
  key: string,
  where: string,
  length?: number,
): Float64Array {
  const t = get(s, key, where);
  if (t.dtype !== 'F64' || t.shape.length !== 1) {
    throw new ShapeError(
      `${where}: tensor '${key}' must be 1-D F64, got ${t.dtype} [${t.shape.join(', ')}]`,
    );
  }
  if (length !== undefined && t.shape[0] !== length) {
    throw new ShapeError(
      `${where}: tensor '${key}' has ${t.shape[0]} values but this model needs ${length}; were the options the same?`,
    );
  }
  finite(t.data as Float64Array, key, where);
  return Float64Array.from(t.data as Float64Array);
}

// ---------------------------------------------------------------------------------------------
// Declared state (PyTorch's registered parameters and buffers → state_dict): a model lists its
// tensors once — name, kind, expected shape, where the value lives — and getState/setState with
// their checks follow from that list (Model.getState, Model.setState). For example:
//
//   stateSlots(): TensorSlots {
//     return {
//       weights: tensor.matrix({ rows: this.options.units, get: () => this.w, set: (w) => (this.w = w) }),
//       bias: tensor.vector({ length: sizeOf('weights', 0), get: () => this.b, set: (b) => (this.b = b) }),
//       samples_seen: tensor.count({ get: () => this.seen, set: (n) => (this.seen = n) }),
//     };
//   }

/** A size a tensor must have: a number, free (undefined), or that of another tensor's axis. */
export type Dim = number | undefined | SizeOf;

/** The size of axis `axis` of the tensor `key` in the same state (read before this one). */
export interface SizeOf {
  /** The other tensor's name. */
  readonly sizeOf: string;
  /** Its axis, from 0. */
  readonly axis: number;
}

/** A dimension tied to another tensor of the state, e.g. a bias as long as the weights' rows. */
export function sizeOf(key: string, axis = 0): SizeOf {
  return { sizeOf: key, axis };
}

/** How a value is held in memory: Matrix (F32 2-D), vectors (1-D), a counter, a nested state. */
export type SlotKind = 'matrix' | 'vector' | 'float64' | 'int32' | 'count' | 'state';

/** The value a slot of each kind holds. */
export interface SlotValues {
  /** A float32 matrix. */
  matrix: Matrix;
  /** A float32 vector. */
  vector: Float32Array;
  /** A float64 vector. */
  float64: Float64Array;
  /** An int32 vector. */
  int32: Int32Array;
  /** A whole number, saved as an F64 scalar. */
  count: number;
  /** Another object's state. */
  state: ModelState;
}

/** One declared tensor (or, for kind 'state', the tensors under `name.`) of a model's state. */
export interface Slot<K extends SlotKind> {
  /** How the value is held. */
  readonly kind: K;
  /** Expected sizes per axis (a matrix: rows, cols; a vector: length). */
  readonly shape: readonly Dim[];
  /** The current value, for getState (it throws where the model must be fitted first). */
  readonly get: () => SlotValues[K];
  /** Puts a restored value in place; absent: the model's afterSetState takes it. */
  readonly set?: (v: SlotValues[K]) => void;
  /** Whether the model holds this tensor (default true); false: left out, and refused. */
  readonly present?: boolean;
  /** When the model holds it, for messages (e.g. 'bias: true'). */
  readonly heldWith?: string;
  /** A further check of a read value: what is wrong with it, or undefined. */
  readonly check?: (v: SlotValues[K]) => string | undefined;
}

/** A declared tensor of any kind. */
export type TensorSlot = { [K in SlotKind]: Slot<K> }[SlotKind];

/** A model's declared tensors (stateSlots()), by name. */
export type TensorSlots = Record<string, TensorSlot>;

/** What setState read, by tensor name (absent where the model does not hold the tensor). */
export type StateValues = Record<string, unknown>;

/** What a model gives a tensor declaration: the accessors and conditions of its Slot. */
export type Access<K extends SlotKind> = Pick<
  Slot<K>,
  'get' | 'set' | 'present' | 'heldWith' | 'check'
>;

/** The declarations a model's stateSlots() returns. */
export const tensor = {
  /** An F32 matrix (2-D), e.g. weights: units × inputs. */
  matrix: (o: Access<'matrix'> & { rows?: Dim; cols?: Dim }): Slot<'matrix'> => ({
    kind: 'matrix',
    shape: [o.rows, o.cols],
    ...o,
  }),
  /** An F32 vector (1-D), e.g. a bias. */
  vector: (o: Access<'vector'> & { length?: Dim }): Slot<'vector'> => ({
    kind: 'vector',
    shape: [o.length],
    ...o,
  }),
  /** An F64 vector: sums over many samples. */
  float64: (o: Access<'float64'> & { length?: Dim }): Slot<'float64'> => ({
    kind: 'float64',
    shape: [o.length],
    ...o,
  }),
  /** An I32 vector: indices, iteration counts. */
  int32: (o: Access<'int32'> & { length?: Dim }): Slot<'int32'> => ({
    kind: 'int32',
    shape: [o.length],
    ...o,
  }),
  /** A counter (samples seen, steps), saved as an F64 scalar so it stays exact. */
  count: (o: Access<'count'>): Slot<'count'> => ({ kind: 'count', shape: [], ...o }),
  /** Another object's state (an optimizer, a stack's layer) under the prefix `name.`. */
  state: (o: Access<'state'>): Slot<'state'> => ({ kind: 'state', shape: [], ...o }),
};

/** The state the slots hold now: copies, under the declared names. */
export function collectState(slots: TensorSlots): ModelState {
  const out: ModelState = {};
  for (const [name, slot] of Object.entries(slots)) {
    if (slot.present === false) continue;
    switch (slot.kind) {
      case 'matrix':
      case 'vector':
        out[name] = f32(slot.get());
        break;
      case 'float64':
        out[name] = f64(slot.get());
        break;
      case 'int32':
        out[name] = i32(slot.get());
        break;
      case 'count':
        out[name] = scalar(slot.get());
        break;
      case 'state':
        Object.assign(out, prefixed(slot.get(), `${name}.`));
    }
  }
  return out;
}

/** Sizes per axis of a read value. */
function sizes(v: unknown): number[] {
  if (v instanceof Matrix) return [v.rows, v.cols];
  return ArrayBuffer.isView(v) ? [(v as Float32Array).length] : [];
}

/**
 * Reads every declared tensor of `s` with its checks, and only then puts them in place (a
 * state that fails a check leaves the model as it was): nested states first, as their own
 * setState checks them while it restores them. Returns the values read.
 */
export function restoreState(where: string, slots: TensorSlots, s: ModelState): StateValues {
  if (s === null || typeof s !== 'object') {
    throw new ValueError(`${where}: state must be an object of named tensors (from getState())`);
  }
  const values: StateValues = {};
  const dim = (d: Dim, key: string): number | undefined => {
    if (typeof d !== 'object') return d;
    const of = values[d.sizeOf];
    if (of === undefined)
      throw new Error(
        `${where}: '${key}' is declared with the size of '${d.sizeOf}', declare that first`,
      );
    return sizes(of)[d.axis];
  };
  const inState = (name: string, slot: TensorSlot) =>
    slot.kind === 'state'
      ? Object.keys(s).some((k) => k.startsWith(`${name}.`))
      : Object.hasOwn(s, name);
  // A tensor the model does not hold says most plainly that the options differ: first.
  for (const [name, slot] of Object.entries(slots)) {
    if (slot.present === false && inState(name, slot))
      throw new ValueError(
        `${where}: the state has a tensor '${name}' but this model holds none${slot.heldWith ? ` (only with ${slot.heldWith})` : ''}; were the options the same?`,
      );
  }
  for (const [name, slot] of Object.entries(slots)) {
    if (slot.present === false) continue;
    if (slot.heldWith && slot.kind !== 'state' && !inState(name, slot))
      throw new ValueError(
        `${where}: the state has no tensor '${name}', which this model holds with ${slot.heldWith}; were the options the same?`,
      );
    const [a, b] = slot.shape.map((d) => dim(d, name));
    let v: unknown;
    switch (slot.kind) {
      case 'matrix':
        v = readMatrix(s, name, where, a, b);
        break;
      case 'vector':
        v = readVector(s, name, where, a);
        break;
      case 'float64':
        v = readFloat64(s, name, where, a);
        break;
      case 'int32':
        v = readInt32(s, name, where, a);
        break;
      case 'count':
        v = readCount(s, name, where);
        break;
      case 'state':
        v = substate(s, `${name}.`);
    }
    const wrong = (slot.check as ((v: unknown) => string | undefined) | undefined)?.(v);
    if (wrong) throw new ValueError(`${where}: tensor '${name}' ${wrong}`);
    values[name] = v;
  }
  const order = Object.entries(slots).sort(
    ([, a], [, b]) => Number(b.kind === 'state') - Number(a.kind === 'state'),
  );
  for (const [name, slot] of order)
    if (slot.present !== false) (slot.set as ((v: unknown) => void) | undefined)?.(values[name]);
  return values;
}
