/**
 * A dense row-major float32 matrix: the one array type every kernel takes.
 * Element (i, j) lives at data[i * cols + j]. Views share storage with their parent.
 */
export class Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** The elements, row after row (length rows × cols). */
  readonly data: Float32Array;

  constructor(rows: number, cols: number, data?: Float32Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(
        `Matrix: rows and cols must be non-negative integers, got ${rows}×${cols}`,
      );
    }
    if (data !== undefined) {
      if (!(data instanceof Float32Array)) {
        throw new TypeError(
          `Matrix: data must be a Float32Array, got ${describeType(data)}; convert with Float32Array.from(values)`,
        );
      }
      if (data.length !== rows * cols) {
        throw new RangeError(
          `Matrix: data has ${data.length} elements but ${rows}×${cols} needs ${rows * cols}`,
        );
      }
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float32Array(rows * cols);
  }

  /** A rows × cols matrix of zeros. */
  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /** A rows × cols matrix with every element `value`. */
  static filled(rows: number, cols: number, value: number): Matrix {
    const m = new Matrix(rows, cols);
    m.data.fill(value);
    return m;
  }

  /** From nested arrays (rows of equal length). */
  static from(values: ArrayLike<ArrayLike<number>>): Matrix {
    const rows = values.length;
    const cols = rows === 0 ? 0 : values[0].length;
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) {
      const r = values[i];
      if (r.length !== cols) {
        throw new RangeError(`Matrix.from: row ${i} has ${r.length} values, row 0 has ${cols}`);
      }
      for (let j = 0; j < cols; j++) m.data[i * cols + j] = r[j];
    }
    return m;
  }

  /** The n × n identity matrix. */
  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** Number of elements, rows × cols. */
  get size(): number {
    return this.rows * this.cols;
  }

  /** [rows, cols]. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** Element (i, j). */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  /** Sets element (i, j) to v. */
  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** Row i as a view (no copy). */
  row(i: number): Float32Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** Rows [start, end) as a view matrix sharing storage. */
  sliceRows(start: number, end: number): Matrix {
    if (start < 0 || end > this.rows || start > end) {
      throw new RangeError(`Matrix.sliceRows: [${start}, ${end}) is outside 0..${this.rows}`);
    }
    return new Matrix(
      end - start,
      this.cols,
      this.data.subarray(start * this.cols, end * this.cols),
    );
  }

  /** The same storage seen with another shape of equal size. */
  reshape(rows: number, cols: number): Matrix {
    if (rows * cols !== this.size) {
      throw new RangeError(
        `Matrix.reshape: ${this.rows}×${this.cols} cannot become ${rows}×${cols}`,
      );
    }
    return new Matrix(rows, cols, this.data);
  }

  /** A copy with storage of its own. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** Selected rows copied into a new matrix, in the given order. */
  gatherRows(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(indices.length, this.cols);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!(i >= 0 && i < this.rows)) {
        throw new RangeError(`Matrix.gatherRows: index ${i} is outside 0..${this.rows - 1}`);
      }
      out.data.set(this.row(i), k * this.cols);
    }
    return out;
  }

  /** A new cols × rows matrix holding the transpose. */
  transpose(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++)
        out.data[j * this.rows + i] = this.data[i * this.cols + j];
    }
    return out;
  }

  /** The elements as nested arrays, one per row. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** `Matrix(rows×cols)`: the shape, not the values. */
  toString(): string {
    return `Matrix(${this.rows}×${this.cols})`;
  }
}

export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}
