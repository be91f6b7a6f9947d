import { ShapeError, ValueError } from '../errors.ts';
import { describeType, type Matrix } from './matrix.ts';
import {
  BINARY_OPS,
  convOutputSize,
  UNARY_OPS,
  type Backend,
  type ConvGeometry,
  type RngKey,
} from './types.ts';

const dims = (m: Matrix) => `${m.rows}×${m.cols}`;

/**
 * Wraps a backend's raw kernels with argument checks, so that every backend rejects bad input
 * the same way, in TypeScript, before native code runs. Messages name the kernel, the
 * argument, the shapes seen and the fix.
 */
export function withChecks(raw: Backend): Backend {
  function matrix(k: string, name: string, m: unknown): asserts m is Matrix {
    const x = m as Matrix;
    if (
      x === null ||
      typeof x !== 'object' ||
      typeof x.rows !== 'number' ||
      typeof x.cols !== 'number'
    ) {
      throw new ValueError(
        `${k}: ${name} must be a Matrix, got ${describeType(m)}; wrap data with new Matrix(rows, cols, data)`,
      );
    }
    if (!(x.data instanceof Float32Array)) {
      throw new ValueError(
        `${k}: ${name}.data must be a Float32Array, got ${describeType(x.data)}; hebb computes in float32 — convert with Float32Array.from(values)`,
      );
    }
    if (x.data.length !== x.rows * x.cols) {
      throw new ShapeError(`${k}: ${name} claims ${dims(x)} but holds ${x.data.length} values`);
    }
  }
  function sameShape(k: string, an: string, a: Matrix, bn: string, b: Matrix): void {
    if (a.rows !== b.rows || a.cols !== b.cols) {
      throw new ShapeError(
        `${k}: ${an} is ${dims(a)} but ${bn} is ${dims(b)}; they must have the same shape`,
      );
    }
  }
  function vector<T extends Float32Array | Int32Array | Uint32Array>(
    k: string,
    name: string,
    v: unknown,
    ctor: { new (n: number): T; name: string },
    length?: number,
    why?: string,
  ): asserts v is T {
    if (!(v instanceof ctor)) {
      throw new ValueError(`${k}: ${name} must be a ${ctor.name}, got ${describeType(v)}`);
    }
    if (length !== undefined && v.length !== length) {
      throw new ShapeError(`${k}: ${name} has length ${v.length} but must have ${length} (${why})`);
    }
  }
  function scalar(k: string, name: string, x: unknown): void {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ValueError(`${k}: ${name} must be a finite number, got ${String(x)}`);
    }
  }
  function finite(k: string, name: string, m: Matrix | Float32Array): void {
    const data = m instanceof Float32Array ? m : m.data;
    const bad = raw.countNonFinite(data);
    if (bad > 0) {
      const shape = m instanceof Float32Array ? `length ${m.length}` : dims(m);
      throw new ValueError(
        `${k}: ${name} (${shape}) contains ${bad} non-finite value${bad > 1 ? 's' : ''} (NaN or ±Inf); ` +
          'check the input data, or lower the learning rate if training diverged',
      );
    }
  }
  function overlaps(a: Float32Array, b: Float32Array): boolean {
    if (a.buffer !== b.buffer) return false;
    return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
  }
  function distinct(k: string, outName: string, out: Matrix, inName: string, input: Matrix): void {
    if (out.size > 0 && input.size > 0 && overlaps(out.data, input.data)) {
      throw new ValueError(
        `${k}: ${outName} shares memory with ${inName}; pass a separate output matrix`,
      );
    }
  }
  function key(k: string, kk: unknown, counter: unknown): void {
    const ok =
      Array.isArray(kk) &&
      kk.length === 2 &&
      kk.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32);
    if (!ok)
      throw new ValueError(
        `${k}: key must be two unsigned 32-bit integers, got ${JSON.stringify(kk)}`,
      );
    if (!Number.isSafeInteger(counter) || (counter as number) < 0) {
      throw new ValueError(
        `${k}: counter must be a non-negative safe integer, got ${String(counter)}`,
      );
    }
  }
  function geometry(k: string, g: ConvGeometry): void {
    for (const f of ['inH', 'inW', 'channels', 'kernelH', 'kernelW', 'stride'] as const) {
      if (!Number.isInteger(g?.[f]) || g[f] < 1) {
        throw new ValueError(
          `${k}: geometry.${f} must be a positive integer, got ${String(g?.[f])}`,
        );
      }
    }
    if (!Number.isInteger(g.pad) || g.pad < 0) {
      throw new ValueError(
        `${k}: geometry.pad must be a non-negative integer, got ${String(g.pad)}`,
      );
    }
    const { outH, outW } = convOutputSize(g);
    if (outH < 1 || outW < 1) {
      throw new ShapeError(
        `${k}: a ${g.kernelH}×${g.kernelW} kernel with pad ${g.pad} does not fit a ${g.inH}×${g.inW} image; use a smaller kernel or more padding`,
      );
    }
  }
  function convShapes(
    k: string,
    g: ConvGeometry,
    images: Matrix,
    cols: Matrix,
    imgName: string,
    colName: string,
  ): void {
    geometry(k, g);
    const { outH, outW } = convOutputSize(g);
    const imageLen = g.inH * g.inW * g.channels;
    if (images.cols !== imageLen) {
      throw new ShapeError(
        `${k}: ${imgName} rows have ${images.cols} values but an ${g.inH}×${g.inW}×${g.channels} (H×W×C) image needs ${imageLen}`,
      );
    }
    const rows = images.rows * outH * outW;
    const patch = g.kernelH * g.kernelW * g.channels;
    if (cols.rows !== rows || cols.cols !== patch) {
      throw new ShapeError(
        `${k}: ${colName} is ${dims(cols)} but ${images.rows} images give ${images.rows}·${outH}·${outW} = ${rows} patches of ${g.kernelH}·${g.kernelW}·${g.channels} = ${patch} values; allocate ${rows}×${patch}`,
      );
    }
  }

  return {
    name: raw.name,
    info: () => raw.info(),
    gemm(transA, transB, alpha, a, b, beta, c) {
      const k = 'gemm';
      matrix(k, 'A', a);
      matrix(k, 'B', b);
      matrix(k, 'C', c);
      scalar(k, 'alpha', alpha);
      scalar(k, 'beta', beta);
      const [am, ak] = transA ? [a.cols, a.rows] : [a.rows, a.cols];
      const [bk, bn] = transB ? [b.cols, b.rows] : [b.rows, b.cols];
      if (ak !== bk) {
        throw new ShapeError(
          `gemm: inner dimensions differ: op(A) is ${am}×${ak} (A ${dims(a)}, transA=${transA}) but op(B) is ${bk}×${bn} (B ${dims(b)}, transB=${transB}); op(A).cols must equal op(B).rows`,
        );
      }
      if (c.rows !== am || c.cols !== bn) {
        throw new ShapeError(
          `gemm: C is ${dims(c)} but op(A)·op(B) is ${am}×${bn}; allocate C as Matrix.zeros(${am}, ${bn})`,
        );
      }
      distinct(k, 'C', c, 'A', a);
      distinct(k, 'C', c, 'B', b);
      raw.gemm(!!transA, !!transB, alpha, a, b, beta, c);
    },
    unary(op, a, out, p = 0, q = 0) {
      const k = `unary(${op})`;
      if (!UNARY_OPS.includes(op)) {
        throw new ValueError(
          `unary: unknown op '${String(op)}'; choose one of ${UNARY_OPS.join(', ')}`,
        );
      }
      matrix(k, 'a', a);
      matrix(k, 'out', out);
      sameShape(k, 'a', a, 'out', out);
      scalar(k, 'p', p);
      scalar(k, 'q', q);
      if (op === 'clip' && p > q)
        throw new ValueError(`${k}: lower bound p = ${p} exceeds upper bound q = ${q}`);
      if ((op === 'shrink' || op === 'cappedRelu') && p < 0) {
        throw new ValueError(`${k}: threshold p must be ≥ 0, got ${p}`);
      }
      if (op === 'cappedRelu' && q < 0) throw new ValueError(`${k}: cap q must be ≥ 0, got ${q}`);
      raw.unary(op, a, out, p, q);
    },
    binary(op, a, b, out) {
      const k = `binary(${op})`;
      if (!BINARY_OPS.includes(op)) {
        throw new ValueError(
          `binary: unknown op '${String(op)}'; choose one of ${BINARY_OPS.join(', ')}`,
        );
      }
      matrix(k, 'a', a);
      matrix(k, 'b', b);
      matrix(k, 'out', out);
      sameShape(k, 'a', a, 'b', b);
      sameShape(k, 'a', a, 'out', out);
      raw.binary(op, a, b, out);
    },
    axpy(alpha, x, y) {
      matrix('axpy', 'x', x);
      matrix('axpy', 'y', y);
      scalar('axpy', 'alpha', alpha);
      sameShape('axpy', 'x', x, 'y', y);
      raw.axpy(alpha, x, y);
    },
    scale(alpha, x) {
      matrix('scale', 'x', x);
      scalar('scale', 'alpha', alpha);
      raw.scale(alpha, x);
    },
    addRowVector(a, v, alpha = 1) {
      matrix('addRowVector', 'a', a);
      vector(
        'addRowVector',
        'v',
        v,
        Float32Array,
        a.cols,
        `one value per column of the ${dims(a)} matrix`,
      );
      scalar('addRowVector', 'alpha', alpha);
      raw.addRowVector(a, v, alpha);
    },
    scaleRows(a, s) {
      matrix('scaleRows', 'a', a);
      vector(
        'scaleRows',
        's',
        s,
        Float32Array,
        a.rows,
        `one value per row of the ${dims(a)} matrix`,
      );
      raw.scaleRows(a, s);
    },
    softmaxRows(a, t, out) {
      const k = 'softmaxRows';
      matrix(k, 'a', a);
      matrix(k, 'out', out);
      sameShape(k, 'a', a, 'out', out);
      scalar(k, 'inverseTemperature', t);
      finite(k, 'a', a);
      if (a.rows > 0 && a.cols === 0)
        throw new ShapeError(`${k}: a is ${dims(a)}; a softmax needs at least one column`);
      raw.softmaxRows(a, t, out);
    },
    rowNorms(a, out) {
      matrix('rowNorms', 'a', a);
      vector('rowNorms', 'out', out, Float32Array, a.rows, 'one norm per row');
      raw.rowNorms(a, out);
    },
    normalizeRows(a, out, eps = 1e-12) {
      const k = 'normalizeRows';
      matrix(k, 'a', a);
      matrix(k, 'out', out);
      sameShape(k, 'a', a, 'out', out);
      scalar(k, 'eps', eps);
      if (eps <= 0) throw new ValueError(`${k}: eps must be positive, got ${eps}`);
      finite(k, 'a', a);
      raw.normalizeRows(a, out, eps);
    },
    argmaxRows(a, out) {
      const k = 'argmaxRows';
      matrix(k, 'a', a);
      vector(k, 'out', out, Int32Array, a.rows, 'one index per row');
      if (a.rows > 0 && a.cols === 0)
        throw new ShapeError(`${k}: a is ${dims(a)}; argmax needs at least one column`);
      finite(k, 'a', a);
      raw.argmaxRows(a, out);
    },
    sum(a, axis, out) {
      matrix('sum', 'a', a);
      if (axis !== 0 && axis !== 1)
        throw new ValueError(
          `sum: axis must be 0 (over rows) or 1 (over columns), got ${String(axis)}`,
        );
      const len = axis === 0 ? a.cols : a.rows;
      vector(
        'sum',
        'out',
        out,
        Float32Array,
        len,
        axis === 0 ? 'one sum per column' : 'one sum per row',
      );
      raw.sum(a, axis, out);
    },
    dot(a, b) {
      matrix('dot', 'a', a);
      matrix('dot', 'b', b);
      sameShape('dot', 'a', a, 'b', b);
      return raw.dot(a, b);
    },
    countNonFinite(a) {
      vector('countNonFinite', 'a', a, Float32Array);
      return raw.countNonFinite(a);
    },
    im2col(images, g, out) {
      matrix('im2col', 'images', images);
      matrix('im2col', 'out', out);
      convShapes('im2col', g, images, out, 'images', 'out');
      raw.im2col(images, g, out);
    },
    col2im(cols, g, out) {
      matrix('col2im', 'cols', cols);
      matrix('col2im', 'out', out);
      convShapes('col2im', g, out, cols, 'out', 'cols');
      raw.col2im(cols, g, out);
    },
    softHebbUpdate(w, x, y, u, eta) {
      const k = 'softHebbUpdate';
      matrix(k, 'W', w);
      matrix(k, 'X', x);
      matrix(k, 'Y', y);
      matrix(k, 'U', u);
      if (x.cols !== w.cols) {
        throw new ShapeError(
          `${k}: X is ${dims(x)} but W is ${dims(w)}; X needs one row per sample with ${w.cols} inputs`,
        );
      }
      if (y.rows !== x.rows || y.cols !== w.rows) {
        throw new ShapeError(
          `${k}: Y is ${dims(y)} but must be ${x.rows}×${w.rows} (batch × units)`,
        );
      }
      sameShape(k, 'Y', y, 'U', u);
      if (typeof eta === 'number') scalar(k, 'eta', eta);
      else {
        vector(k, 'eta', eta, Float32Array, w.rows, 'one rate per unit');
        finite(k, 'eta', eta);
      }
      finite(k, 'X', x);
      finite(k, 'Y', y);
      finite(k, 'U', u);
      distinct(k, 'W', w, 'X', x);
      raw.softHebbUpdate(w, x, y, u, eta);
    },
    randomU32(out, kk: RngKey, counter) {
      vector('randomU32', 'out', out, Uint32Array);
      key('randomU32', kk, counter);
      raw.randomU32(out, kk, counter);
    },
    fillUniform(out, kk, counter, low = 0, high = 1) {
      vector('fillUniform', 'out', out, Float32Array);
      key('fillUniform', kk, counter);
      scalar('fillUniform', 'low', low);
      scalar('fillUniform', 'high', high);
      raw.fillUniform(out, kk, counter, low, high);
    },
    fillNormal(out, kk, counter, mean = 0, std = 1) {
      vector('fillNormal', 'out', out, Float32Array);
      key('fillNormal', kk, counter);
      scalar('fillNormal', 'mean', mean);
      scalar('fillNormal', 'std', std);
      if (std < 0) throw new ValueError(`fillNormal: std must be ≥ 0, got ${std}`);
      raw.fillNormal(out, kk, counter, mean, std);
    },
  };
}
