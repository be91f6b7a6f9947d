// A model's state: named tensors (parameters as float32, counters as float64 scalars so a
// sample count stays exact), the same names in memory and in a safetensors file.
import { Matrix } from '../backend/matrix.ts';
import { ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../io/safetensors.ts';

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
