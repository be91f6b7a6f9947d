// The threaded wasm module (wasm/hebb-threads.wasm): its GEMM, cut into blocks that worker
// instances on a shared memory take, gives the same bits as the one-thread module's (each
// element's sums run in the same order whoever computes its block) and matches a float64
// reference; the workers do take blocks; a model trains to the same bits on both modules; and
// without shared memory the loader says why, so that the one-thread module is used instead.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { Backend } from '../../src/backend/types.ts';
import { createThreadedWasmBackend, createWasmBackend } from '../../src/backend/wasm/module.ts';
import { WASM_PATH, WASM_THREADS_PATH, nodeSpawn } from '../../src/backend/wasm/register.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import { gaussianClusters } from '../../src/data/synthetic.ts';
import { assertClose } from '../helpers/backends.ts';
import { randMatrix, refGemm } from '../helpers/reference.ts';

const skip =
  existsSync(WASM_PATH) && existsSync(WASM_THREADS_PATH)
    ? false
    : `${WASM_THREADS_PATH} not built (npm run build:wasm)`;

// Three workers whatever the cores here: the results may not depend on how many there are.
const WORKERS = 3;

// [m, n, k]: above the sharing threshold (2^21 multiply-adds); m > n cuts rows, else columns;
// k > 256 spans several packed panels, n > 2048 several column panels; odd sizes leave ragged
// blocks and micro-tiles.
const SHAPES: [number, number, number][] = [
  [301, 257, 300],
  [67, 2100, 301],
  [1000, 37, 129],
  [129, 129, 129],
];

describe('wasm GEMM on workers', { skip }, () => {
  let threaded: Backend;
  let single: Backend;
  let workerBlocks: () => number;

  before(async () => {
    const r = createThreadedWasmBackend(
      new WebAssembly.Module(readFileSync(WASM_THREADS_PATH)),
      WORKERS,
      nodeSpawn,
    );
    assert.ok('backend' in r, 'reason' in r ? r.reason : '');
    threaded = r.backend;
    assert.equal(await r.ready, WORKERS);
    const e = r.instance.exports as unknown as {
      workers_blocks(): number;
      main_may_block(): void;
    };
    // as Node's loader does: the main thread sleeps while workers finish (pages spin: the
    // browser test covers that)
    e.main_may_block();
    workerBlocks = () => e.workers_blocks();
    single = createWasmBackend(new WebAssembly.Module(readFileSync(WASM_PATH)));
  });
  it('reports the main thread and its workers', () => {
    assert.equal(threaded.info().threads, 1 + WORKERS);
    assert.equal(single.info().threads, 1);
  });

  for (const [m, n, k] of SHAPES) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      it(`${m}×${k} · ${k}×${n}, transA=${ta}, transB=${tb}: the one-thread bits, near float64`, () => {
        const a = ta ? randMatrix(k, m, 1 + m) : randMatrix(m, k, 1 + m);
        const b = tb ? randMatrix(n, k, 7 + n) : randMatrix(k, n, 7 + n);
        const c0 = randMatrix(m, n, 99);
        const expected = refGemm(ta, tb, 0.75, a, b, -0.5, c0);
        const cThreaded = c0.clone();
        const cSingle = c0.clone();
        const before = workerBlocks();
        threaded.gemm(ta, tb, 0.75, a, b, -0.5, cThreaded);
        single.gemm(ta, tb, 0.75, a, b, -0.5, cSingle);
        assert.ok(workerBlocks() >= before);
        assert.deepEqual(
          new Uint32Array(cThreaded.data.buffer),
          new Uint32Array(cSingle.data.buffer),
          'threaded GEMM differs from the one-thread GEMM',
        );
        // float32 sums of k terms of size ≤ 1, as test/backend/gemm.test.ts
        assertClose(cThreaded.data, expected, { atol: 1e-6 * (k + 1), rtol: 1e-5, what: 'C' });
      });
    }
  }

  it('the workers take blocks', () => {
    const a = randMatrix(400, 300, 1);
    const b = randMatrix(300, 400, 2);
    const c = randMatrix(400, 400, 3);
    const before = workerBlocks();
    // Several products, so that a worker the system schedules late still gets one in.
    for (let r = 0; r < 20 && workerBlocks() === before; r++) {
      threaded.gemm(false, false, 1, a, b, 0, c);
    }
    assert.ok(workerBlocks() > before, 'no GEMM block ran on a worker');
  });

  it('SoftHebb trains to the same bits on the threaded and one-thread modules', () => {
    const { x } = gaussianClusters({
      clusters: 4,
      perCluster: 150,
      dim: 256,
      spread: 0.3,
      seed: 5,
    });
    const fit = (backend: Backend) =>
      new SoftHebb({ units: 300, epochs: 2, batchSize: 200, seed: 3, backend }).fit(x).weights;
    assert.deepEqual(
      new Uint32Array(fit(threaded).data.buffer),
      new Uint32Array(fit(single).data.buffer),
    );
  });
});

describe('wasm threads without shared memory', { skip }, () => {
  it('a page that is not cross-origin isolated: says so (the loader then uses hebb.wasm)', () => {
    const g = globalThis as { crossOriginIsolated?: boolean };
    g.crossOriginIsolated = false;
    try {
      const r = createThreadedWasmBackend(
        new WebAssembly.Module(readFileSync(WASM_THREADS_PATH)),
        WORKERS,
        nodeSpawn,
      );
      assert.deepEqual(r, { reason: 'the page is not cross-origin isolated' });
    } finally {
      delete g.crossOriginIsolated;
    }
  });
});
