// The wasm backend's own plumbing (its kernels are checked with every backend's in the other
// files of this folder): the marshaller copies back every array a function writes and skips
// copying in only arrays a function never reads, large calls split into pieces give the same
// bits as one call, and models train on it reproducibly and close to native.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/backend/matrix.ts';
import { withChecks } from '../../src/backend/checks/index.ts';
import type { Addon } from '../../src/backend/addon/addon.ts';
import { createAddonKernels } from '../../src/backend/addon/kernels.ts';
import {
  DESCRIPTORS,
  KERNEL_NAMES,
  writtenParameters,
} from '../../src/backend/kernels/describe.ts';
import type { KernelName } from '../../src/backend/kernels/methods.ts';
import { UNARY_OPS, BINARY_OPS, type Backend } from '../../src/backend/types.ts';
import { availableBackends, getBackend } from '../../src/backend/index.ts';
import { wasmAddon } from '../../src/backend/wasm/addon.ts';
import { CHUNK, chunked } from '../../src/backend/wasm/chunked.ts';
import { WASM_PATH } from '../../src/backend/wasm/register.ts';
import { gaussianClusters } from '../../src/data/synthetic.ts';
import { EmergenceLearner } from '../../src/emergence/learner.ts';
import { LinearSVC, MlpClassifier, SoftmaxClassifier } from '../../src/readout/index.ts';
import { SimilarityNetwork } from '../../src/similarity/network.ts';
import { locallyConnected } from '../../src/similarity/structure.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import { SoftHebbConv2d } from '../../src/softhebb/conv.ts';
import { Pool2d, Sequential } from '../../src/stack/index.ts';
import { randMatrix } from '../helpers/reference.ts';

const skip = existsSync(WASM_PATH) ? false : `${WASM_PATH} not built (npm run build:wasm)`;
const instance = () =>
  new WebAssembly.Instance(new WebAssembly.Module(readFileSync(WASM_PATH)), {});
type Typed = Float32Array | Int32Array | Uint32Array | Float64Array | Int8Array | Uint8Array;

/**
 * Wraps an addon so each call records, per kernel, the positions of the flat parameters whose
 * typed arrays it changed, as "i" or, for an array passed in several places, "i|j"
 * (svcDualEpoch's problem objects are not typed arrays: the same-bits check covers them).
 */
function spy(addon: Addon, changed: Map<KernelName, Set<string>>): Addon {
  const out: Record<string, unknown> = { ...addon };
  for (const fn of KERNEL_NAMES) {
    const f = addon[fn] as (...a: unknown[]) => unknown;
    out[fn] = (...args: unknown[]) => {
      const before = args.map((a) => (ArrayBuffer.isView(a) ? (a as Typed).slice() : null));
      const r = f(...args);
      const seen = changed.get(fn) ?? new Set<string>();
      const same = (p: unknown, q: unknown) =>
        ArrayBuffer.isView(p) &&
        ArrayBuffer.isView(q) &&
        p.buffer === q.buffer &&
        p.byteOffset === q.byteOffset &&
        p.byteLength === q.byteLength;
      args.forEach((a, i) => {
        const b = before[i];
        if (b && !Buffer.from(b.buffer).equals(Buffer.from((a as Typed).slice().buffer))) {
          seen.add(
            args
              .map((x, j) => (same(x, a) ? String(j) : ''))
              .filter(Boolean)
              .join('|'),
          );
        }
      });
      changed.set(fn, seen);
      return r;
    };
  }
  return out as unknown as Addon;
}

/** Every kernel at least once: small models of each system, then the kernels no model reaches. */
function workload(backend: Backend): Float32Array[] {
  const data = gaussianClusters({ clusters: 3, perCluster: 20, dim: 16, spread: 0.3, seed: 3 });
  const x = data.x;
  for (let i = 0; i < x.data.length; i++) x.data[i] = Math.abs(x.data[i]);
  const results: Float32Array[] = [];
  const soft = new SoftHebb({ units: 5, epochs: 2, batchSize: 8, seed: 1, backend }).fit(x);
  results.push(soft.weights.data, soft.transform(x).data);
  const hard = new SoftHebb({ units: 5, wta: 'hard', epochs: 2, seed: 1, backend }).fit(x);
  results.push(hard.weights.data);
  const online = new SoftHebb({ units: 5, batchSize: 1, epochs: 1, seed: 1, backend }).fit(x);
  results.push(online.weights.data);
  const stack = new Sequential({
    layers: [
      new SoftHebbConv2d({ units: 3, inputShape: [4, 4, 1], kernelSize: 2, seed: 2, backend }),
      new Pool2d({ inputShape: [3, 3, 3], size: 2, stride: 1, backend }),
      new SoftHebb({ units: 4, seed: 3, backend }),
    ],
    backend,
  }).fit(x);
  results.push(stack.transform(x).data);
  const sm = new SimilarityNetwork({
    layers: [
      locallyConnected({ input: [4, 4, 1], stride: 2, radius: 1, nps: 2, lateralRadius: 2 }),
    ],
    activation: 'tanh',
    lr: 0.05,
    batchSize: 5,
    epochs: 2,
    seed: 8,
    backend,
  }).fit(x);
  results.push(sm.transform(x).data);
  const targets = new Matrix(x.rows, 2, x.data.slice(0, x.rows * 2));
  for (const rule of ['sgd', 'adam', 'dfa'] as const) {
    const em = new EmergenceLearner({
      rule,
      hidden: [6],
      batchSize: 16,
      epochs: 2,
      seed: 1,
      backend,
    });
    results.push(em.fit(x, targets).output(x).data);
  }
  results.push(new LinearSVC({ seed: 1, backend }).fit(x, data.y).decisionFunction(x).data);
  const mlp = new MlpClassifier({ hidden: 6, epochs: 2, seed: 1, backend }).fit(x, data.y);
  results.push(mlp.predictProba(x).data);
  const lin = new SoftmaxClassifier({ epochs: 2, seed: 1, backend }).fit(x, data.y);
  results.push(lin.predictProba(x).data);
  // kernels no model above calls
  const a = randMatrix(6, 5, 1);
  const b = randMatrix(6, 5, 2);
  const o = new Matrix(6, 5);
  for (const op of UNARY_OPS) {
    backend.unary(op, a, o, op === 'clip' ? -0.5 : 2, 0.5);
    results.push(o.data.slice());
  }
  for (const op of BINARY_OPS) {
    backend.binary(op, a, b, o);
    results.push(o.data.slice());
  }
  backend.softmaxRowsBackward(a, b, 2, o);
  results.push(o.data.slice());
  backend.normalizeRowsBackward(a, b, o);
  results.push(o.data.slice());
  const stepped = a.clone();
  backend.signStepClip(b, 0.3, Matrix.filled(6, 5, -0.5), Matrix.filled(6, 5, 0.5), stepped);
  results.push(stepped.data);
  const w = randMatrix(5, 5, 3);
  backend.softHebbUpdate(w, b, a, b, 0.1);
  results.push(w.data.slice());
  const geom = { inH: 3, inW: 2, channels: 1, kernelH: 2, kernelW: 2, stride: 1, pad: 0 };
  const img = new Matrix(1, 6);
  backend.col2im(randMatrix(2, 4, 4), geom, img);
  results.push(img.data.slice());
  results.push(Float32Array.of(backend.dot(a, b), backend.absMax(a)));
  const s = new Float32Array(5);
  backend.sum(a, 0, s);
  backend.axpy(0.5, a, b);
  backend.scaleColumns(b, s);
  backend.scaleRows(b, Float32Array.of(1, 2, 3, 4, 5, 6));
  results.push(s, b.data.slice());
  const x3 = new Matrix(6, 3, a.data.slice(0, 18));
  backend.addColumnVector(x3, Float32Array.of(1, 2, 3, 4, 5, 6), 0.5);
  // two sites of two units over inputs {0, 1} and {1, 2}
  const map = {
    sites: 2,
    unitsPerSite: 2,
    inputs: 3,
    offsets: Int32Array.of(0, 2, 4),
    indices: Int32Array.of(0, 1, 1, 2),
  };
  const back = new Matrix(6, 3);
  backend.localMatmulT(map, b.data.slice(0, 8), new Matrix(6, 4, a.data.slice(0, 24)), 1, 0, back);
  results.push(x3.data, back.data);
  // two sequences of three tokens, width 4 in two heads
  const [q, k, v] = [5, 6, 7].map((seed) => randMatrix(6, 4, seed));
  const probs = new Matrix(12, 3);
  const att = new Matrix(6, 4);
  backend.attention(q, k, v, 2, 3, 0.7, probs, att);
  const grads = [0, 1, 2].map(() => new Matrix(6, 4));
  backend.attentionBackward(
    q,
    k,
    v,
    probs,
    randMatrix(6, 4, 8),
    2,
    3,
    0.7,
    grads[0],
    grads[1],
    grads[2],
  );
  results.push(probs.data, att.data, ...grads.map((g) => g.data));
  const u = new Uint32Array(8);
  backend.randomU32(u, [1, 2], 3);
  results.push(new Float32Array(u.buffer));
  return results;
}

describe('the wasm backend', { skip }, () => {
  it('copies back every array a kernel writes, and reads none it skips copying in', () => {
    const changed = new Map<KernelName, Set<string>>();
    const plain = withChecks(chunked(createAddonKernels(wasmAddon(instance()), 'wasm')));
    const full = withChecks(
      chunked(createAddonKernels(spy(wasmAddon(instance(), true), changed), 'wasm')),
    );
    const a = workload(plain);
    const b = workload(full);
    // copyAll copies every array in and out: the same bits mean no array was left out
    assert.equal(a.length, b.length);
    a.forEach((r, i) => assert.deepEqual(r, b[i], `result ${i}`));
    // The workload reaches the kernels that existed when it was written; a kernel added since
    // is checked on wasm by its own tests (every backend suite runs on wasm), so adding one
    // does not mean editing this file.
    assert.ok(changed.size >= 37, `the workload reaches only ${[...changed.keys()].join(', ')}`);
    for (const [fn, seen] of changed) {
      const written = fn === 'svcDualEpoch' ? [] : writtenParameters(fn);
      for (const places of seen) {
        const ok = places.split('|').some((i) => written.includes(Number(i)));
        const what = places
          .split('|')
          .map((i) => `${i} (${DESCRIPTORS[fn].flat[Number(i)]})`)
          .join(', ');
        assert.ok(ok, `${fn} wrote its parameter ${what}, which the table reads only`);
      }
    }
  });

  it('splits large row-wise calls into pieces with the same bits as one call', () => {
    const wasm = getBackend('wasm');
    const whole = withChecks(createAddonKernels(wasmAddon(instance()), 'wasm'));
    const rows = Math.ceil((2.5 * CHUNK) / 300);
    const x = randMatrix(rows, 300, 5);
    const w = randMatrix(7, 300, 6);
    for (const be of [wasm, whole]) assert.equal(be.countNonFinite(x.data), 0);
    const u1 = new Matrix(rows, 7);
    const u2 = new Matrix(rows, 7);
    wasm.gemm(false, true, 1, x, w, 0, u1);
    whole.gemm(false, true, 1, x, w, 0, u2);
    assert.deepEqual(u1.data, u2.data);
    const n1 = new Matrix(rows, 300);
    const n2 = new Matrix(rows, 300);
    wasm.normalizeRows(x, n1);
    whole.normalizeRows(x, n2);
    assert.deepEqual(n1.data, n2.data);
    wasm.softmaxRows(u1, 3, u1);
    whole.softmaxRows(u2, 3, u2);
    assert.deepEqual(u1.data, u2.data);
    x.data[rows * 300 - 1] = NaN;
    assert.equal(wasm.countNonFinite(x.data), 1);
    assert.equal(wasm.absMax(n1), whole.absMax(n2));
  });

  it('trains SoftHebb reproducibly, within float tolerance of native', () => {
    const data = gaussianClusters({ clusters: 4, perCluster: 50, dim: 64, spread: 0.2, seed: 9 });
    for (let i = 0; i < data.x.data.length; i++) data.x.data[i] = Math.abs(data.x.data[i]);
    const fit = (backend: string) =>
      new SoftHebb({ units: 20, epochs: 3, batchSize: 20, seed: 4, backend }).fit(data.x);
    const a = fit('wasm');
    assert.deepEqual(a.weights.data, fit('wasm').weights.data, 'same seed, same bits');
    if (availableBackends().includes('native')) {
      const native = fit('native');
      let worst = 0;
      for (let i = 0; i < a.weights.data.length; i++) {
        worst = Math.max(worst, Math.abs(a.weights.data[i] - native.weights.data[i]));
      }
      // GEMM sums in another order: float32 rounding, amplified a little by 30 steps
      assert.ok(worst < 1e-4, `largest weight difference wasm vs native ${worst}`);
    }
  });
});
