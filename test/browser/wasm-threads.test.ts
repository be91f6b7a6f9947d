import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { browserBundle } from '../helpers/browser-bundle.ts';
import { Matrix } from '../../src/backend/index.ts';
import { WASM_PATH, WASM_THREADS_PATH, wasmPath } from '../../src/backend/wasm/register.ts';
import { mnist } from '../../src/data/mnist.ts';
import { SoftHebb } from '../../src/browser.ts';
import type * as Hebb from '../../src/browser.ts';
import { randMatrix, refGemm } from '../helpers/reference.ts';
import { assertClose } from '../helpers/backends.ts';

// The threaded wasm module in a real browser: a page served cross-origin isolated (COOP and
// COEP headers, from 127.0.0.1, a secure context) loads wasm/hebb-threads.wasm with workers
// made from a Blob URL; its GEMM gives the bits of hebb.wasm on one thread (loaded in the same
// page), and a SoftHebb layer trains to the weights Node's wasm backend gives. Chromium has
// relaxed SIMD: the -relaxed twins load, their GEMM near float64 and the same bits on workers
// as on one thread. A page that is not isolated falls back to a one-thread module.
const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM)
  ? `${CHROMIUM} not installed (apt-get install chromium)`
  : !existsSync(WASM_THREADS_PATH) ||
      !existsSync(WASM_PATH) ||
      !existsSync(wasmPath('hebb-threads-relaxed.wasm'))
    ? 'wasm modules not built (npm run build:wasm)'
    : false;

const toB64 = (a: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const fromB64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

type PageHebb = typeof Hebb;
// Typed arrays as base64 inside the page (a script: tsx would name arrow functions in an
// evaluated one with a helper the page lacks).
const B64_HELPERS = `globalThis.f32 = (s) => { const b = atob(s); const u = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return new Float32Array(u.buffer); };
  globalThis.b64 = (a) => { const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = ''; for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); };`;
const WORKERS = 2;
// [m, k, n]: above the GEMM's sharing threshold, ragged at every blocking edge
const [M, K, N] = [301, 300, 257];

describe('the threaded wasm module in headless Chromium', { skip }, () => {
  let browser: import('playwright-core').Browser;
  let server: http.Server;
  let origin: string;

  before(async () => {
    const files: Record<string, [Buffer | string, string]> = {
      '/': ['<!doctype html><title>hebb threads</title>', 'text/html'],
      '/hebb.js': [await browserBundle(), 'text/javascript'],
      '/hebb.wasm': [readFileSync(WASM_PATH), 'application/wasm'],
      '/hebb-threads.wasm': [readFileSync(WASM_THREADS_PATH), 'application/wasm'],
      '/hebb-relaxed.wasm': [readFileSync(wasmPath('hebb-relaxed.wasm')), 'application/wasm'],
      '/hebb-threads-relaxed.wasm': [
        readFileSync(wasmPath('hebb-threads-relaxed.wasm')),
        'application/wasm',
      ],
    };
    server = http.createServer((req, res) => {
      const [path, query] = (req.url ?? '').split('?');
      const f = files[path];
      // ?open: the same page without isolation
      const isolate =
        query === 'open'
          ? {}
          : {
              'cross-origin-opener-policy': 'same-origin',
              'cross-origin-embedder-policy': 'require-corp',
            };
      res.writeHead(f ? 200 : 404, { 'content-type': f?.[1] ?? 'text/plain', ...isolate });
      res.end(f?.[0] ?? 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('GEMM on workers: the one-thread bits; SoftHebb: the weights Node gives', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.addScriptTag({ url: '/hebb.js' });
    await page.addScriptTag({ content: B64_HELPERS });
    const a = randMatrix(M, K, 1);
    const b = randMatrix(K, N, 2);
    const x = mnist().train.x.sliceRows(0, 1000).clone();
    const r = await page.evaluate(
      async ({ as, bs, xs, dims, workers }) => {
        const h = (globalThis as unknown as { hebb: PageHebb }).hebb;
        const { f32, b64 } = globalThis as unknown as {
          f32: (s: string) => Float32Array;
          b64: (a: Float32Array) => string;
        };
        const [m, k, n] = dims;
        const a = new h.Matrix(m, k, f32(as));
        const b = new h.Matrix(k, n, f32(bs));
        const cThreaded = h.Matrix.zeros(m, n);
        const cSingle = h.Matrix.zeros(m, n);
        const isolated = crossOriginIsolated;
        await h.loadWasmBackend('/hebb.wasm', {
          threadsSource: '/hebb-threads.wasm',
          threads: 1 + workers,
        });
        const threads = h.getBackend('wasm').info().threads;
        h.getBackend('wasm').gemm(false, false, 1, a, b, 0, cThreaded);
        const layer = new h.SoftHebb({ units: 100, seed: 1, epochs: 2, backend: 'wasm' }).fit(
          new h.Matrix(1000, 784, f32(xs)),
        );
        await h.loadWasmBackend('/hebb.wasm', { threadsSource: false });
        const single = h.getBackend('wasm').info().threads;
        h.getBackend('wasm').gemm(false, false, 1, a, b, 0, cSingle);
        return {
          isolated,
          threads,
          single,
          cThreaded: b64(cThreaded.data),
          cSingle: b64(cSingle.data),
          w: b64(layer.weights.data),
        };
      },
      {
        as: toB64(a.data),
        bs: toB64(b.data),
        xs: toB64(x.data),
        dims: [M, K, N],
        workers: WORKERS,
      },
    );
    await page.close();
    assert.equal(r.isolated, true, 'the page is cross-origin isolated');
    assert.equal(r.threads, 1 + WORKERS);
    assert.equal(r.single, 1);
    assert.deepEqual(fromB64(r.cThreaded), fromB64(r.cSingle));
    const expected = refGemm(false, false, 1, a, b, 0, Matrix.zeros(M, N));
    assertClose(fromB64(r.cThreaded), expected, { atol: 1e-6 * (K + 1), rtol: 1e-5, what: 'C' });
    const node = new SoftHebb({ units: 100, seed: 1, epochs: 2, backend: 'wasm' }).fit(x);
    assert.deepEqual(fromB64(r.w), node.weights.data);
  });

  it('relaxed SIMD: the fused GEMM near float64, the same bits on workers and on one thread', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.addScriptTag({ url: '/hebb.js' });
    await page.addScriptTag({ content: B64_HELPERS });
    const a = randMatrix(M, K, 1);
    const b = randMatrix(K, N, 2);
    const r = await page.evaluate(
      async ({ as, bs, dims }) => {
        const h = (globalThis as unknown as { hebb: PageHebb }).hebb;
        const { f32, b64 } = globalThis as unknown as {
          f32: (s: string) => Float32Array;
          b64: (a: Float32Array) => string;
        };
        const [m, k, n] = dims;
        const a = new h.Matrix(m, k, f32(as));
        const b = new h.Matrix(k, n, f32(bs));
        const cThreaded = h.Matrix.zeros(m, n);
        const cSingle = h.Matrix.zeros(m, n);
        await h.loadWasmBackend('/hebb.wasm', {
          threadsRelaxedSource: '/hebb-threads-relaxed.wasm',
          threads: 3,
        });
        const threaded = h.getBackend('wasm').info();
        h.getBackend('wasm').gemm(false, false, 1, a, b, 0, cThreaded);
        await h.loadWasmBackend('/hebb.wasm', { relaxedSource: '/hebb-relaxed.wasm' });
        const single = h.getBackend('wasm').info();
        h.getBackend('wasm').gemm(false, false, 1, a, b, 0, cSingle);
        return { threaded, single, cThreaded: b64(cThreaded.data), cSingle: b64(cSingle.data) };
      },
      { as: toB64(a.data), bs: toB64(b.data), dims: [M, K, N] },
    );
    await page.close();
    assert.match(r.threaded.blas, /^hebb relaxed-SIMD FMA GEMM \(WebAssembly, 3 threads/);
    assert.match(r.single.blas, /^hebb relaxed-SIMD FMA GEMM \(WebAssembly, single-threaded\)/);
    assert.deepEqual(fromB64(r.cThreaded), fromB64(r.cSingle));
    const expected = refGemm(false, false, 1, a, b, 0, Matrix.zeros(M, N));
    assertClose(fromB64(r.cSingle), expected, { atol: 1e-6 * (K + 1), rtol: 1e-5, what: 'C' });
  });

  it('a page that is not isolated: hebb.wasm on one thread', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/?open`);
    await page.addScriptTag({ url: '/hebb.js' });
    const r = await page.evaluate(async () => {
      const h = (globalThis as unknown as { hebb: PageHebb }).hebb;
      await h.loadWasmBackend('/hebb.wasm', { threadsSource: '/hebb-threads.wasm', threads: 4 });
      return { isolated: crossOriginIsolated, info: h.getBackend('wasm').info() };
    });
    await page.close();
    assert.equal(r.isolated, false);
    assert.equal(r.info.threads, 1);
    assert.match(r.info.blas, /^hebb SIMD128 GEMM \(WebAssembly, single-threaded\)$/);
  });
});
