import { ShapeError, ValueError } from '../errors.ts';
import { describeType, type Matrix } from './matrix.ts';
import {
  BINARY_OPS,
  convOutputSize,
  UNARY_OPS,
  type Backend,
  type ConvGeometry,
  type LocalMap,
  type RngKey,
  type SvcDualProblem,
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
  // --- similarity matching: LocalMap validation ---
  function localMap(k: string, m: LocalMap, blocks: unknown): void {
    const bad = (what: string) => {
      throw new ValueError(
        `${k}: invalid LocalMap: ${what}; build maps with src/similarity/structure.ts`,
      );
    };
    if (m === null || typeof m !== 'object') bad(`got ${describeType(m)}`);
    for (const f of ['sites', 'unitsPerSite', 'inputs'] as const) {
      if (!Number.isInteger(m[f]) || m[f] < 1)
        bad(`${f} must be a positive integer, got ${String(m[f])}`);
    }
    if (!(m.offsets instanceof Int32Array) || m.offsets.length !== m.sites + 1) {
      bad(`offsets must be an Int32Array of length sites + 1 = ${m.sites + 1}`);
    }
    if (
      !(m.indices instanceof Int32Array) ||
      m.indices.length !== m.offsets[m.sites] ||
      m.offsets[0] !== 0
    ) {
      bad('indices must be an Int32Array of length offsets[sites], with offsets[0] = 0');
    }
    for (let s = 0; s < m.sites; s++) {
      if (m.offsets[s + 1] < m.offsets[s]) bad(`offsets decrease at site ${s}`);
    }
    for (let i = 0; i < m.indices.length; i++) {
      if (m.indices[i] < 0 || m.indices[i] >= m.inputs) {
        bad(`indices[${i}] = ${m.indices[i]} is outside 0..${m.inputs - 1}`);
      }
    }
    const need = m.unitsPerSite * m.offsets[m.sites];
    if (!(blocks instanceof Float32Array)) {
      throw new ValueError(`${k}: blocks must be a Float32Array, got ${describeType(blocks)}`);
    }
    if (blocks.length !== need) {
      throw new ShapeError(
        `${k}: blocks hold ${blocks.length} weights but the map needs unitsPerSite × offsets[sites] = ${need}`,
      );
    }
  }
  function localShapes(
    k: string,
    m: LocalMap,
    an: string,
    a: Matrix,
    aCols: number,
    bn: string,
    b: Matrix,
    bCols: number,
  ): void {
    if (a.cols !== aCols || b.cols !== bCols || a.rows !== b.rows) {
      throw new ShapeError(
        `${k}: ${an} is ${dims(a)} and ${bn} is ${dims(b)}, but the map (${m.sites} sites × ` +
          `${m.unitsPerSite} units, ${m.inputs} inputs) needs ${an} B×${aCols} and ${bn} B×${bCols}`,
      );
    }
  }
  // --- end similarity matching ---
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
    // --- SoftHebb kernels ---
    softHebbHardUpdate(w, x, winners, u, eta) {
      const k = 'softHebbHardUpdate';
      matrix(k, 'W', w);
      matrix(k, 'X', x);
      matrix(k, 'U', u);
      if (x.cols !== w.cols) {
        throw new ShapeError(
          `${k}: X is ${dims(x)} but W is ${dims(w)}; X needs one row per sample with ${w.cols} inputs`,
        );
      }
      if (u.rows !== x.rows || u.cols !== w.rows) {
        throw new ShapeError(
          `${k}: U is ${dims(u)} but must be ${x.rows}×${w.rows} (batch × units)`,
        );
      }
      vector(k, 'winners', winners, Int32Array, x.rows, 'one winning unit per sample');
      for (let b = 0; b < winners.length; b++) {
        if (!(winners[b] >= 0 && winners[b] < w.rows)) {
          throw new ValueError(
            `${k}: winners[${b}] = ${winners[b]} is not a unit index; units are 0..${w.rows - 1}`,
          );
        }
      }
      if (typeof eta === 'number') scalar(k, 'eta', eta);
      else {
        vector(k, 'eta', eta, Float32Array, w.rows, 'one rate per unit');
        finite(k, 'eta', eta);
      }
      finite(k, 'X', x);
      finite(k, 'U', u);
      distinct(k, 'W', w, 'X', x);
      raw.softHebbHardUpdate(w, x, winners, u, eta);
    },
    softHebbOnline(w, x, bias, opts) {
      const k = 'softHebbOnline';
      matrix(k, 'W', w);
      matrix(k, 'X', x);
      if (x.cols !== w.cols) {
        throw new ShapeError(
          `${k}: X is ${dims(x)} but W is ${dims(w)}; X needs one row per sample with ${w.cols} inputs`,
        );
      }
      if (bias !== null) {
        vector(k, 'bias', bias, Float32Array, w.rows, 'one per unit');
        finite(k, 'bias', bias);
      }
      if (opts === null || typeof opts !== 'object') {
        throw new ValueError(`${k}: opts must be an object, got ${describeType(opts)}`);
      }
      if (!opts.hard) scalar(k, 'inverseTemperature', opts.inverseTemperature);
      vector(k, 'eta', opts.eta, Float32Array, x.rows, 'one learning rate per sample');
      finite(k, 'eta', opts.eta);
      if (opts.biasRate !== null) {
        if (bias === null) {
          throw new ValueError(`${k}: biasRate is given but bias is null; pass the bias vector`);
        }
        vector(k, 'biasRate', opts.biasRate, Float32Array, x.rows, 'one bias rate per sample');
        finite(k, 'biasRate', opts.biasRate);
        scalar(k, 'biasInverseTemperature', opts.biasInverseTemperature);
      }
      finite(k, 'X', x);
      finite(k, 'W', w);
      distinct(k, 'W', w, 'X', x);
      raw.softHebbOnline(w, x, bias, opts);
    },
    addColumnVector(a, v, alpha = 1) {
      matrix('addColumnVector', 'a', a);
      vector('addColumnVector', 'v', v, Float32Array, a.rows, 'one value per row of a');
      scalar('addColumnVector', 'alpha', alpha);
      raw.addColumnVector(a, v, alpha);
    },
    absMax(a) {
      matrix('absMax', 'a', a);
      return raw.absMax(a);
    },
    // --- SoftHebb read-outs / optim: fused Adam step ---
    adamUpdate(param, grad, m, v, h, direction) {
      const k = 'adamUpdate';
      matrix(k, 'param', param);
      matrix(k, 'grad', grad);
      matrix(k, 'm', m);
      matrix(k, 'v', v);
      sameShape(k, 'grad', grad, 'param', param);
      sameShape(k, 'm', m, 'param', param);
      sameShape(k, 'v', v, 'param', param);
      if (h === null || typeof h !== 'object') {
        throw new ValueError(`${k}: h must be an AdamStepParams object, got ${describeType(h)}`);
      }
      for (const f of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) scalar(k, f, h[f]);
      if (h.lr < 0 || h.eps < 0 || h.weightDecay < 0) {
        throw new ValueError(
          `${k}: lr, eps and weightDecay must be ≥ 0, got ${h.lr}, ${h.eps}, ${h.weightDecay}`,
        );
      }
      if (!(h.beta1 >= 0 && h.beta1 < 1 && h.beta2 >= 0 && h.beta2 < 1)) {
        throw new ValueError(
          `${k}: beta1 and beta2 must lie in [0, 1), got ${h.beta1} and ${h.beta2}`,
        );
      }
      if (!Number.isSafeInteger(h.step) || h.step < 1) {
        throw new ValueError(`${k}: step must be an integer ≥ 1 (counted from 1), got ${h.step}`);
      }
      finite(k, 'grad', grad);
      const named: [string, Matrix][] = [
        ['param', param],
        ['grad', grad],
        ['m', m],
        ['v', v],
      ];
      for (let i = 0; i < named.length; i++) {
        for (let j = i + 1; j < named.length; j++) {
          distinct(k, named[i][0], named[i][1], named[j][0], named[j][1]);
        }
      }
      if (direction !== undefined) {
        matrix(k, 'direction', direction);
        sameShape(k, 'direction', direction, 'param', param);
        for (const [name, x] of named) distinct(k, 'direction', direction, name, x);
      }
      raw.adamUpdate(param, grad, m, v, h, direction);
    },
    // --- end SoftHebb read-outs / optim ---
    // --- similarity matching: block-sparse locally connected kernels ---
    localMatmul(map, blocks, x, alpha, beta, out) {
      const k = 'localMatmul';
      localMap(k, map, blocks);
      matrix(k, 'x', x);
      matrix(k, 'out', out);
      localShapes(k, map, 'x', x, map.inputs, 'out', out, map.sites * map.unitsPerSite);
      scalar(k, 'alpha', alpha);
      scalar(k, 'beta', beta);
      distinct(k, 'out', out, 'x', x);
      raw.localMatmul(map, blocks, x, alpha, beta, out);
    },
    localMatmulT(map, blocks, y, alpha, beta, out) {
      const k = 'localMatmulT';
      localMap(k, map, blocks);
      matrix(k, 'y', y);
      matrix(k, 'out', out);
      localShapes(k, map, 'y', y, map.sites * map.unitsPerSite, 'out', out, map.inputs);
      scalar(k, 'alpha', alpha);
      scalar(k, 'beta', beta);
      distinct(k, 'out', out, 'y', y);
      raw.localMatmulT(map, blocks, y, alpha, beta, out);
    },
    localOuter(map, post, pre, alpha, beta, blocks) {
      const k = 'localOuter';
      localMap(k, map, blocks);
      matrix(k, 'post', post);
      matrix(k, 'pre', pre);
      localShapes(k, map, 'pre', pre, map.inputs, 'post', post, map.sites * map.unitsPerSite);
      scalar(k, 'alpha', alpha);
      scalar(k, 'beta', beta);
      if (overlaps(blocks, post.data) || overlaps(blocks, pre.data)) {
        throw new ValueError(`${k}: blocks share memory with post or pre; pass separate arrays`);
      }
      raw.localOuter(map, post, pre, alpha, beta, blocks);
    },
    smEulerStep(u, drive, bias, r, dt, op, p, q, du2, u2) {
      const k = 'smEulerStep';
      if (bias !== null) {
        matrix(k, 'bias', bias);
        sameShape(k, 'u', u, 'bias', bias);
        distinct(k, 'u', u, 'bias', bias);
        distinct(k, 'r', r, 'bias', bias);
      }
      matrix(k, 'u', u);
      matrix(k, 'drive', drive);
      matrix(k, 'r', r);
      sameShape(k, 'u', u, 'drive', drive);
      sameShape(k, 'u', u, 'r', r);
      if (!UNARY_OPS.includes(op)) {
        throw new ValueError(
          `${k}: unknown activation op '${String(op)}'; use one of ${UNARY_OPS.join(', ')}`,
        );
      }
      scalar(k, 'dt', dt);
      scalar(k, 'p', p);
      scalar(k, 'q', q);
      vector(k, 'du2', du2, Float32Array, u.rows, 'one value per row of u');
      vector(k, 'u2', u2, Float32Array, u.rows, 'one value per row of u');
      distinct(k, 'u', u, 'drive', drive);
      distinct(k, 'r', r, 'drive', drive);
      distinct(k, 'r', r, 'u', u);
      raw.smEulerStep(u, drive, bias, r, dt, op, p, q, du2, u2);
    },
    // --- end similarity matching ---
    // --- linear SVM read-out ---
    svcDualEpoch(x, sqNorms, bias, order, problems) {
      const k = 'svcDualEpoch';
      matrix(k, 'X', x);
      const n = x.rows;
      if (!(sqNorms instanceof Float64Array) || sqNorms.length !== n) {
        throw new ShapeError(
          `${k}: sqNorms must be a Float64Array of length ${n} (‖x_i‖² per row of X ${dims(x)}), got ${describeType(sqNorms)} of length ${(sqNorms as { length?: number })?.length}`,
        );
      }
      scalar(k, 'bias', bias);
      if (bias < 0) throw new ValueError(`${k}: bias must be ≥ 0 (0: no intercept), got ${bias}`);
      if (!Array.isArray(problems)) {
        throw new ValueError(
          `${k}: problems must be an array of SvcDualProblem, got ${describeType(problems)}`,
        );
      }
      if (!(order instanceof Int32Array)) {
        throw new ValueError(
          `${k}: order must be an Int32Array of sample indices, got ${describeType(order)}`,
        );
      }
      for (let s = 0; s < order.length; s++) {
        if (!(order[s] >= 0 && order[s] < n)) {
          throw new ValueError(
            `${k}: order[${s}] = ${order[s]} is not a sample index in [0, ${n})`,
          );
        }
      }
      problems.forEach((p: SvcDualProblem, t) =>
        checkSvcProblem(k, `problems[${t}]`, p, n, x.cols),
      );
      const seen = new Set<unknown>();
      for (const p of problems) {
        for (const a of [p.alpha, p.w, p.active, p.state]) {
          if (seen.has(a)) {
            throw new ValueError(
              `${k}: two problems share one alpha, w, active or state array; give each problem its own`,
            );
          }
          seen.add(a);
        }
      }
      raw.svcDualEpoch(x, sqNorms, bias, order, problems);
    },
    // --- end linear SVM read-out ---
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

// --- linear SVM read-out: argument checks of svcDualEpoch (native code trusts them) ---
function checkSvcProblem(k: string, name: string, p: SvcDualProblem, n: number, d: number): void {
  if (p === null || typeof p !== 'object') {
    throw new ValueError(`${k}: ${name} must be an SvcDualProblem object, got ${describeType(p)}`);
  }
  const typed = (f: string, v: unknown, ctor: { name: string }, len: number, what: string) => {
    if (!(v instanceof (ctor as typeof Float64Array)) || (v as Float64Array).length !== len) {
      throw new ShapeError(
        `${k}: ${name}.${f} must be a ${ctor.name} of length ${len} (${what}), got ${describeType(v)}` +
          ` of length ${(v as { length?: number } | null)?.length}`,
      );
    }
  };
  typed('y', p.y, Int8Array, n, 'one ±1 label per sample');
  typed('alpha', p.alpha, Float64Array, n, 'one dual variable per sample');
  typed('w', p.w, Float64Array, d + 1, 'one weight per feature plus the bias weight');
  typed('active', p.active, Uint8Array, n, '1 for the active samples, 0 for those shrunk');
  typed('state', p.state, Float64Array, 3, '[active count, pgMaxOld, pgMinOld]');
  const active = p.state[0];
  if (!Number.isInteger(active) || active < 0 || active > n) {
    throw new ValueError(
      `${k}: ${name}.state[0] (active count) must be an integer in [0, ${n}], got ${active}`,
    );
  }
  if (Number.isNaN(p.state[1]) || Number.isNaN(p.state[2])) {
    throw new ValueError(
      `${k}: ${name}.state[1..2] (pgMaxOld, pgMinOld) must not be NaN; start with [N, Infinity, -Infinity]`,
    );
  }
  for (const f of ['diagPos', 'diagNeg'] as const) {
    const v = p[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new ValueError(
        `${k}: ${name}.${f} must be a finite number > 0 (0.5 / C), got ${String(v)}`,
      );
    }
  }
  let on = 0;
  for (let i = 0; i < n; i++) {
    if (p.active[i] !== 0) on++;
    const y = p.y[i];
    if (y !== 1 && y !== -1)
      throw new ValueError(`${k}: ${name}.y[${i}] must be +1 or −1, got ${y}`);
    const a = p.alpha[i];
    if (!(a >= 0) || a === Infinity) {
      throw new ValueError(`${k}: ${name}.alpha[${i}] must be finite and ≥ 0, got ${a}`);
    }
  }
  if (on !== active) {
    throw new ValueError(
      `${k}: ${name}.state[0] = ${active} but ${on} samples are marked active; keep them in step`,
    );
  }
  for (let j = 0; j <= d; j++) {
    if (!Number.isFinite(p.w[j])) {
      throw new ValueError(`${k}: ${name}.w[${j}] is ${p.w[j]}; the weights must be finite`);
    }
  }
}
// --- end linear SVM read-out ---
