// The addon-shaped kernels as a Backend: the native addon (native/addon.cc) and the WebAssembly
// module (native/wasm/api.cc) export the same functions, so both backends share this table.
// Browser-safe: nothing here imports a Node built-in.
import type { Matrix } from '../matrix.ts';
import { adamScalars } from '../ts/optim.ts';
import type { Addon, ConvParams, LocalMapParams } from './addon.ts';
import {
  BINARY_OPS,
  convOutputSize,
  UNARY_OPS,
  type Backend,
  type BackendInfo,
  type ConvGeometry,
  type LocalMap,
  type RngKey,
} from '../types.ts';

function convArgs(batch: number, g: ConvGeometry): ConvParams {
  const { outH, outW } = convOutputSize(g);
  const d = g.dilation ?? 1;
  return [batch, g.inH, g.inW, g.channels, g.kernelH, g.kernelW, g.stride, g.pad, d, outH, outW];
}

/** The addon's (eta, etaVec | null) pair: a scalar rate, or one rate per unit. */
function rateArgs(eta: number | Float32Array): [number, Float32Array | null] {
  return typeof eta === 'number' ? [eta, null] : [0, eta];
}

/** The kernels of an addon-shaped module as a Backend named `name` (unchecked: wrap with withChecks). */
export function createAddonKernels(n: Addon, name: BackendInfo['name'] = 'native'): Backend {
  const k = (key: RngKey): [number, number] => [key[0], key[1]];
  return {
    name,
    info: () => ({ name, ...n.info() }),
    gemm(ta, tb, alpha, a: Matrix, b: Matrix, beta, c: Matrix) {
      const kk = ta ? a.rows : a.cols;
      n.gemm(
        ta,
        tb,
        c.rows,
        c.cols,
        kk,
        alpha,
        a.data,
        a.cols,
        b.data,
        b.cols,
        beta,
        c.data,
        c.cols,
      );
    },
    unary: (op, a, out, p = 0, q = 0) => n.unary(UNARY_OPS.indexOf(op), a.data, out.data, p, q),
    binary: (op, a, b, out) => n.binary(BINARY_OPS.indexOf(op), a.data, b.data, out.data),
    axpy: (alpha, x, y) => n.axpy(alpha, x.data, y.data),
    scale: (alpha, x) => n.scale(alpha, x.data),
    addRowVector: (a, v, alpha = 1) => n.addRowVector(a.data, a.rows, a.cols, v, alpha),
    scaleRows: (a, s) => n.scaleRows(a.data, a.rows, a.cols, s),
    scaleColumns: (a, s) => n.scaleColumns(a.data, a.rows, a.cols, s),
    softmaxRows: (a, t, out) => n.softmaxRows(a.data, a.rows, a.cols, t, out.data),
    softmaxRowsBackward: (h, g, t, out) =>
      n.softmaxRowsBackward(h.data, g.data, h.rows, h.cols, t, out.data),
    rowNorms: (a, out) => n.rowNorms(a.data, a.rows, a.cols, out),
    normalizeRows: (a, out, eps = 1e-12) => n.normalizeRows(a.data, a.rows, a.cols, out.data, eps),
    normalizeRowsBackward: (a, g, out, eps = 1e-12) =>
      n.normalizeRowsBackward(a.data, a.rows, a.cols, g.data, out.data, eps),
    argmaxRows: (a, out) => n.argmaxRows(a.data, a.rows, a.cols, out),
    sum: (a, axis, out) => n.sum(a.data, a.rows, a.cols, axis, out),
    dot: (a, b) => n.dot(a.data, b.data),
    countNonFinite: (a) => n.countNonFinite(a),
    im2col: (images, g, out) => n.im2col(images.data, ...convArgs(images.rows, g), out.data),
    col2im: (cols, g, out) => n.col2im(cols.data, ...convArgs(out.rows, g), out.data),
    pool2d: (images, g, kind, out) =>
      n.pool2d(images.data, ...convArgs(images.rows, g), kind === 'max', out.data),
    softHebbUpdate: (w, x, y, u, eta) =>
      n.softHebbUpdate(w.data, w.rows, w.cols, x.data, x.rows, y.data, u.data, ...rateArgs(eta)),
    // SoftHebb kernels
    softHebbHardUpdate: (w, x, winners, u, eta) =>
      n.softHebbHardUpdate(
        w.data,
        w.rows,
        w.cols,
        x.data,
        x.rows,
        winners,
        u.data,
        ...rateArgs(eta),
      ),
    softHebbSoftStep: (w, x, u, bias, o, y) =>
      n.softHebbSoftStep(
        w.data,
        w.rows,
        w.cols,
        x.data,
        x.rows,
        u.data,
        bias,
        o.inverseTemperature,
        o.eta,
        o.exact,
        o.scale ?? null,
        y.data,
      ),
    softHebbOnline: (w, x, bias, o) =>
      n.softHebbOnline(
        w.data,
        w.rows,
        w.cols,
        x.data,
        x.rows,
        bias,
        o.hard ? 0 : o.inverseTemperature,
        o.hard,
        o.eta,
        o.biasRate,
        o.biasRate ? o.biasInverseTemperature : 0,
        o.preActivations?.data ?? null,
      ),
    addColumnVector: (a, v, alpha = 1) => n.addColumnVector(a.data, a.rows, a.cols, v, alpha),
    absMax: (a) => n.absMax(a.data),
    randomU32: (out, key, counter) => n.randomU32(out, ...k(key), counter),
    fillUniform: (out, key, counter, low = 0, high = 1) =>
      n.fillUniform(out, ...k(key), counter, low, high),
    fillNormal: (out, key, counter, mean = 0, std = 1) =>
      n.fillNormal(out, ...k(key), counter, mean, std),
    // --- SoftHebb read-outs / optim ---
    adamUpdate(param, grad, m, v, h, direction) {
      const s = adamScalars(h);
      n.adamUpdate(
        param.data,
        grad.data,
        m.data,
        v.data,
        s.beta1,
        s.beta2,
        s.c1,
        s.c2,
        s.eps,
        s.l2,
        s.decay,
        s.stepSize,
        s.sqrtBc2,
        direction ? direction.data : null,
      );
    },
    // --- end SoftHebb read-outs / optim ---
    // --- linear SVM read-out ---
    svcDualEpoch: (x, sqNorms, bias, order, problems) =>
      n.svcDualEpoch(x.data, x.rows, x.cols, sqNorms, bias, order, problems),
    // --- end linear SVM read-out ---
    // --- similarity matching ---
    localMatmul: (m, blocks, x, alpha, beta, out) =>
      n.localMatmul(...mapArgs(m), blocks, x.data, x.rows, alpha, beta, out.data),
    localMatmulT: (m, blocks, y, alpha, beta, out) =>
      n.localMatmulT(...mapArgs(m), blocks, y.data, y.rows, alpha, beta, out.data),
    localOuter: (m, post, pre, alpha, beta, blocks) =>
      n.localOuter(...mapArgs(m), post.data, pre.data, post.rows, alpha, beta, blocks),
    smEulerStep: (u, drive, bias, r, dt, op, p, q, du2, u2) =>
      n.smEulerStep(
        u.data,
        drive.data,
        bias ? bias.data : null,
        r.data,
        u.rows,
        u.cols,
        dt,
        UNARY_OPS.indexOf(op),
        p,
        q,
        du2,
        u2,
      ),
    // --- end similarity matching ---
    attention: (q, k, v, heads, tokens, scale, probs, out) =>
      n.attention(
        q.data,
        k.data,
        v.data,
        q.rows,
        q.cols,
        heads,
        tokens,
        scale,
        probs.data,
        out.data,
      ),
    attentionBackward: (q, k, v, probs, dOut, heads, tokens, scale, dq, dk, dv) =>
      n.attentionBackward(
        q.data,
        k.data,
        v.data,
        probs.data,
        dOut.data,
        q.rows,
        q.cols,
        heads,
        tokens,
        scale,
        dq.data,
        dk.data,
        dv.data,
      ),
  };
}

// similarity matching: a LocalMap as the addon's five leading arguments.
function mapArgs(m: LocalMap): LocalMapParams {
  return [m.sites, m.unitsPerSite, m.inputs, m.offsets, m.indices];
}
