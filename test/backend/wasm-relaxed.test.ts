// The relaxed-SIMD modules (wasm/hebb-relaxed.wasm and wasm/hebb-threads-relaxed.wasm), run
// here by turning on Node 20's --experimental-wasm-relaxed-simd in this process: the probe
// finds relaxed SIMD only then; the GEMM, whose multiply-adds relaxed_madd may fuse, stays
// within the float32 tolerance of a float64 reference, with the same bits on one thread and on
// workers; and the kernels besides the GEMM give hebb.wasm's bits (only the GEMM changed).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import type { Backend } from '../../src/backend/types.ts';
import {
  createThreadedWasmBackend,
  createWasmBackend,
  hasRelaxedSimd,
} from '../../src/backend/wasm/module.ts';
import { nodeSpawn, wasmPath } from '../../src/backend/wasm/register.ts';
import { assertClose } from '../helpers/backends.ts';
import { randMatrix, refGemm } from '../helpers/reference.ts';

const FILES = ['hebb.wasm', 'hebb-relaxed.wasm', 'hebb-threads-relaxed.wasm'] as const;
const missing = FILES.filter((f) => !existsSync(wasmPath(f)));
const skip = missing.length ? `${missing.join(', ')} not built (npm run build:wasm)` : false;
const compile = (f: (typeof FILES)[number]) => new WebAssembly.Module(readFileSync(wasmPath(f)));

describe('relaxed-SIMD wasm modules', { skip }, () => {
  let relaxed: Backend;
  let threaded: Backend;
  let plain: Backend;

  before(async () => {
    assert.equal(hasRelaxedSimd(), false, 'Node 20 has no relaxed SIMD without the flag');
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    assert.equal(hasRelaxedSimd(), true, 'the probe validates once the flag is on');
    relaxed = createWasmBackend(compile('hebb-relaxed.wasm'), true);
    const r = createThreadedWasmBackend(compile('hebb-threads-relaxed.wasm'), 2, nodeSpawn, true);
    assert.ok('backend' in r);
    threaded = r.backend;
    assert.equal(await r.ready, 2);
    plain = createWasmBackend(compile('hebb.wasm'));
  });

  it('says what it runs', () => {
    assert.match(
      relaxed.info().blas,
      /^hebb relaxed-SIMD FMA GEMM \(WebAssembly, single-threaded\)$/,
    );
    assert.match(threaded.info().blas, /relaxed-SIMD FMA GEMM .*3 threads/);
  });

  for (const [m, n, k] of [
    [301, 257, 300],
    [67, 2100, 33],
    [5, 3, 7],
  ]) {
    for (const [ta, tb] of [
      [false, false],
      [true, true],
    ]) {
      it(`GEMM ${m}×${k} · ${k}×${n}, transA=${ta}, transB=${tb}: near float64, same bits on workers`, () => {
        const a = ta ? randMatrix(k, m, 3 + m) : randMatrix(m, k, 3 + m);
        const b = tb ? randMatrix(n, k, 5 + n) : randMatrix(k, n, 5 + n);
        const c0 = randMatrix(m, n, 11);
        const expected = refGemm(ta, tb, 0.75, a, b, -0.5, c0);
        const c1 = c0.clone();
        const c2 = c0.clone();
        relaxed.gemm(ta, tb, 0.75, a, b, -0.5, c1);
        threaded.gemm(ta, tb, 0.75, a, b, -0.5, c2);
        assertClose(c1.data, expected, { atol: 1e-6 * (k + 1), rtol: 1e-5, what: 'C' });
        assert.deepEqual(new Uint32Array(c2.data.buffer), new Uint32Array(c1.data.buffer));
      });
    }
  }

  it('kernels other than the GEMM: hebb.wasm bits', () => {
    const x = randMatrix(64, 100, 9);
    const outR = randMatrix(64, 100, 0);
    const outP = outR.clone();
    relaxed.unary('tanh', x, outR);
    plain.unary('tanh', x, outP);
    assert.deepEqual(outR.data, outP.data);
    const sumR = new Float32Array(100);
    const sumP = new Float32Array(100);
    relaxed.sum(x, 0, sumR);
    plain.sum(x, 0, sumP);
    assert.deepEqual(sumR, sumP);
  });
});
