// Reusable argument validators. Each throws a HebbError whose message starts with the kernel's
// label (Ctx.k), names the argument and what was seen, and says how to fix it.
import { ShapeError, ValueError } from '../../errors.ts';
import { describeType, type Matrix } from '../matrix.ts';
import type { Backend } from '../types.ts';

/** What a check knows besides the arguments. */
export interface Ctx {
  /** The label messages start with: the kernel's name, or e.g. 'unary(relu)'. */
  readonly k: string;
  /** The wrapped backend: its own countNonFinite runs the scans, at native speed on native. */
  readonly raw: Backend;
}

/** The same context under another label (unary and binary name their op). */
export const relabel = (c: Ctx, k: string): Ctx => ({ k, raw: c.raw });

export const dims = (m: Matrix) => `${m.rows}×${m.cols}`;

export function matrix(c: Ctx, name: string, m: unknown): asserts m is Matrix {
  const x = m as Matrix;
  if (
    x === null ||
    typeof x !== 'object' ||
    typeof x.rows !== 'number' ||
    typeof x.cols !== 'number'
  ) {
    throw new ValueError(
      `${c.k}: ${name} must be a Matrix, got ${describeType(m)}; wrap data with new Matrix(rows, cols, data)`,
    );
  }
  if (!(x.data instanceof Float32Array)) {
    throw new ValueError(
      `${c.k}: ${name}.data must be a Float32Array, got ${describeType(x.data)}; hebb computes in float32 — convert with Float32Array.from(values)`,
    );
  }
  if (x.data.length !== x.rows * x.cols) {
    throw new ShapeError(`${c.k}: ${name} claims ${dims(x)} but holds ${x.data.length} values`);
  }
}

export function sameShape(c: Ctx, an: string, a: Matrix, bn: string, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(
      `${c.k}: ${an} is ${dims(a)} but ${bn} is ${dims(b)}; they must have the same shape`,
    );
  }
}

/** A typed array of the given type and, when given, length (why: what one entry is). */
export function vector<T extends Float32Array | Int32Array | Uint32Array>(
  c: Ctx,
  name: string,
  v: unknown,
  ctor: { new (n: number): T; name: string },
  length?: number,
  why?: string,
): asserts v is T {
  if (!(v instanceof ctor)) {
    throw new ValueError(`${c.k}: ${name} must be a ${ctor.name}, got ${describeType(v)}`);
  }
  if (length !== undefined && v.length !== length) {
    throw new ShapeError(`${c.k}: ${name} has length ${v.length} but must have ${length} (${why})`);
  }
}

export function scalar(c: Ctx, name: string, x: unknown): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new ValueError(`${c.k}: ${name} must be a finite number, got ${String(x)}`);
  }
}

/** A finite number > 0 (an eps guarding a division). */
export function positive(c: Ctx, name: string, x: unknown): void {
  scalar(c, name, x);
  if ((x as number) <= 0)
    throw new ValueError(`${c.k}: ${name} must be positive, got ${String(x)}`);
}

/** No NaN or ±Inf: kernels would spread them silently. */
export function finite(c: Ctx, name: string, m: Matrix | Float32Array): void {
  const data = m instanceof Float32Array ? m : m.data;
  const bad = c.raw.countNonFinite(data);
  if (bad > 0) {
    const shape = m instanceof Float32Array ? `length ${m.length}` : dims(m);
    throw new ValueError(
      `${c.k}: ${name} (${shape}) contains ${bad} non-finite value${bad > 1 ? 's' : ''} (NaN or ±Inf); ` +
        'check the input data, or lower the learning rate if training diverged',
    );
  }
}

export function overlaps(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** An output that a kernel writes while it still reads the input must not share its memory. */
export function distinct(
  c: Ctx,
  outName: string,
  out: Matrix,
  inName: string,
  input: Matrix,
): void {
  if (out.size > 0 && input.size > 0 && overlaps(out.data, input.data)) {
    throw new ValueError(
      `${c.k}: ${outName} shares memory with ${inName}; pass a separate output matrix`,
    );
  }
}

/** An op name from the kernel's list (UNARY_OPS, BINARY_OPS). */
export function knownOp(c: Ctx, op: unknown, ops: readonly string[]): void {
  if (!ops.includes(op as string)) {
    throw new ValueError(`${c.k}: unknown op '${String(op)}'; choose one of ${ops.join(', ')}`);
  }
}
