import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { browserBundle } from '../helpers/browser-bundle.ts';
import { getBackend, Matrix, Rng } from '../../src/backend/index.ts';
import { WASM_PATH } from '../../src/backend/wasm/register.ts';
import { mnist } from '../../src/data/mnist.ts';
import { EmergenceLearner, SimilarityNetwork, SoftHebb } from '../../src/browser.ts';
import type * as Hebb from '../../src/browser.ts';

// The browser entry in a real browser: bundle src/browser.ts for the browser (any Node built-in
// in its import graph fails the bundle), train models in headless Chromium on data handed over
// as typed arrays, and compare with the same calls on Node's ts backend: both are V8, so the
// float32 results must agree bit for bit. CI installs Debian's chromium; elsewhere it is skipped.
const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (apt-get install chromium)`;

/** Float32 data as base64 (a page argument of 784 000 numbers as JSON would be slow). */
const toB64 = (a: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const fromB64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

type PageHebb = typeof Hebb;

describe('the browser entry in headless Chromium', { skip }, () => {
  let browser: import('playwright-core').Browser;
  let page: import('playwright-core').Page;

  before(async () => {
    const bundle = await browserBundle();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
    await page.addScriptTag({ content: bundle });
    // Typed-array helpers inside the page.
    await page.addScriptTag({
      content: `globalThis.f32 = (s) => { const b = atob(s); const u = new Uint8Array(b.length);
        for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return new Float32Array(u.buffer); };
        globalThis.b64 = (a) => { const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
        let s = ''; for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); };`,
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('trains a 100-unit SoftHebb layer on 1000 MNIST digits to the same weights, bit for bit', async () => {
    const train = mnist().train;
    const x = train.x.sliceRows(0, 1000).clone();
    const fromPage = await page.evaluate(async (xs) => {
      const h = (globalThis as unknown as { hebb: PageHebb }).hebb;
      const f32 = (globalThis as unknown as { f32: (s: string) => Float32Array }).f32;
      const b64 = (globalThis as unknown as { b64: (a: Float32Array) => string }).b64;
      const x = new h.Matrix(1000, 784, f32(xs));
      const layer = await new h.SoftHebb({ units: 100, seed: 1, epochs: 2 }).fitAsync(x);
      const bytes = h.toSafetensors(layer);
      const back = h.fromSafetensors(bytes, { expect: h.SoftHebb });
      return {
        w: b64(layer.weights.data),
        backend: layer.backend.name,
        roundTrip: b64(back.weights.data) === b64(layer.weights.data),
      };
    }, toB64(x.data));
    const node = new SoftHebb({ units: 100, seed: 1, epochs: 2, backend: 'ts' }).fit(x);
    assert.equal(fromPage.backend, 'ts');
    assert.ok(fromPage.roundTrip, 'safetensors bytes round trip in the page');
    assert.deepEqual(fromB64(fromPage.w), node.weights.data);
  });

  it('one similarity-matching step and one emergence step agree with Node bit for bit', async () => {
    const rng = new Rng(3, getBackend('ts'));
    const x = new Matrix(20, 64, rng.normal(20 * 64));
    const ex = new Matrix(64, 8, rng.normal(64 * 8));
    const ey = new Matrix(64, 4, rng.normal(64 * 4));
    const fromPage = await page.evaluate(
      ([xs, exs, eys]) => {
        const h = (globalThis as unknown as { hebb: PageHebb }).hebb;
        const f32 = (globalThis as unknown as { f32: (s: string) => Float32Array }).f32;
        const b64 = (globalThis as unknown as { b64: (a: Float32Array) => string }).b64;
        const x = new h.Matrix(20, 64, f32(xs));
        const sm = new h.SimilarityNetwork({
          input: [8, 8, 1],
          layers: [{ type: 'local', stride: 2, radius: 2.5, nps: 3 }],
          activation: 'tanh',
          batchSize: 20,
          seed: 2,
        }).partialFit(x);
        const em = new h.EmergenceLearner({
          rule: 'dfa',
          batchSize: 64,
          hidden: [16],
          seed: 2,
        }).partialFit(new h.Matrix(64, 8, f32(exs)), new h.Matrix(64, 4, f32(eys)));
        return { W: b64(sm.W[0].w), L: b64(sm.L[0].w), em: b64(em.net!.w[0].data) };
      },
      [toB64(x.data), toB64(ex.data), toB64(ey.data)] as const,
    );
    const sm = new SimilarityNetwork({
      input: [8, 8, 1],
      layers: [{ type: 'local', stride: 2, radius: 2.5, nps: 3 }],
      activation: 'tanh',
      batchSize: 20,
      seed: 2,
      backend: 'ts',
    }).partialFit(x);
    const em = new EmergenceLearner({
      rule: 'dfa',
      batchSize: 64,
      hidden: [16],
      seed: 2,
      backend: 'ts',
    }).partialFit(ex, ey);
    assert.deepEqual(fromB64(fromPage.W), sm.W[0].w);
    assert.deepEqual(fromB64(fromPage.L), sm.L[0].w);
    assert.deepEqual(fromB64(fromPage.em), em.net!.w[0].data);
  });

  it('rejects bad input with the same clear errors', async () => {
    // (No named functions inside evaluate: the test's transpiler would wrap them in a helper
    // the page does not have.)
    const messages = await page.evaluate(() => {
      const h = (globalThis as unknown as { hebb: PageHebb }).hebb;
      return [
        () => new h.SoftHebb({ units: 10, inverseTemprature: 5 } as never),
        () =>
          h
            .getBackend()
            .gemm(
              false,
              false,
              1,
              h.Matrix.zeros(2, 3),
              h.Matrix.zeros(4, 1),
              0,
              h.Matrix.zeros(2, 1),
            ),
        () => h.setBackend('native'),
      ].map((f) => {
        try {
          f();
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      });
    });
    assert.match(
      messages[0],
      /unknown option 'inverseTemprature'; did you mean 'inverseTemperature'\?/,
    );
    assert.match(messages[1], /gemm: inner dimensions differ/);
    assert.match(messages[2], /no backend named 'native'/);
  });

  it(
    'loads the wasm backend from a URL and trains to the same weights as in Node, bit for bit',
    {
      skip: existsSync(WASM_PATH) ? false : 'wasm/hebb.wasm not built (npm run build:wasm)',
    },
    async () => {
      await page.route('http://hebb.test/hebb.wasm', (route) =>
        route.fulfill({
          body: readFileSync(WASM_PATH),
          contentType: 'application/wasm',
          headers: { 'access-control-allow-origin': '*' },
        }),
      );
      const x = mnist().train.x.sliceRows(0, 1000).clone();
      const fromPage = await page.evaluate(async (xs) => {
        const h = (globalThis as unknown as { hebb: PageHebb }).hebb;
        const f32 = (globalThis as unknown as { f32: (s: string) => Float32Array }).f32;
        const b64 = (globalThis as unknown as { b64: (a: Float32Array) => string }).b64;
        let before = '';
        try {
          h.setBackend('wasm');
        } catch (e) {
          before = (e as Error).message;
        }
        // a failed load: later selections say so, with the cause
        let failed = '';
        await h.loadWasmBackend('http://hebb.test/missing.wasm').catch(() => undefined);
        try {
          h.setBackend('wasm');
        } catch (e) {
          failed = (e as Error).message;
        }
        await h.loadWasmBackend('http://hebb.test/hebb.wasm');
        const layer = new h.SoftHebb({ units: 100, seed: 1, epochs: 2 }).fit(
          new h.Matrix(1000, 784, f32(xs)),
        );
        return { before, failed, w: b64(layer.weights.data), backend: layer.backend.name };
      }, toB64(x.data));
      assert.match(
        fromPage.before,
        /wasm module is not loaded yet; await loadWasmBackend\(\) once/,
      );
      assert.match(
        fromPage.failed,
        /loading the wasm module failed: .+: fetch failed .+; serve node_modules\/hebb\/wasm\/hebb\.wasm at that URL/,
      );
      assert.equal(fromPage.backend, 'wasm', 'automatic selection prefers wasm once loaded');
      const node = new SoftHebb({ units: 100, seed: 1, epochs: 2, backend: 'wasm' }).fit(x);
      assert.deepEqual(fromB64(fromPage.w), node.weights.data);
    },
  );
});
