import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { getBackend, Matrix, Rng } from '../../src/backend/index.ts';

// The portable backend in a real browser: bundle src/portable.ts for the browser (any Node
// built-in in its import graph fails the bundle), run kernels in headless Chromium, and compare
// with the same calls in Node. CI installs Debian's chromium; elsewhere the suite is skipped.
const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (apt-get install chromium)`;

describe('portable backend in headless Chromium', { skip }, () => {
  let browser: import('playwright-core').Browser;
  let page: import('playwright-core').Page;

  before(async () => {
    const bundle = await build({
      entryPoints: [new URL('../../src/portable.ts', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      globalName: 'hebb',
      platform: 'browser',
      write: false,
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox'],
    });
    page = await browser.newPage();
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
  });

  after(async () => {
    await browser?.close();
  });

  it('runs GEMM, softmax and the RNG and matches Node bit for bit', async () => {
    const fromBrowser = await page.evaluate(() => {
      const h = (globalThis as unknown as { hebb: typeof import('../../src/portable.ts') }).hebb;
      const be = h.portableBackend();
      const rng = new h.Rng(7, be);
      const a = new h.Matrix(33, 70, rng.normal(33 * 70));
      const b = new h.Matrix(70, 21, rng.uniform(70 * 21));
      const c = h.Matrix.zeros(33, 21);
      be.gemm(false, false, 1, a, b, 0, c);
      be.softmaxRows(c, 2, c);
      return { c: Array.from(c.data), perm: Array.from(rng.permutation(50)), name: be.name };
    });
    // Same calls in Node on the ts backend: V8 in both, so identical float32 results.
    const be = getBackend('ts');
    const rng = new Rng(7, be);
    const a = new Matrix(33, 70, rng.normal(33 * 70));
    const b = new Matrix(70, 21, rng.uniform(70 * 21));
    const c = Matrix.zeros(33, 21);
    be.gemm(false, false, 1, a, b, 0, c);
    be.softmaxRows(c, 2, c);
    assert.equal(fromBrowser.name, 'ts');
    assert.deepEqual(fromBrowser.c, Array.from(c.data));
    assert.deepEqual(fromBrowser.perm, Array.from(rng.permutation(50)));
  });

  it('rejects bad input with the same clear error', async () => {
    const message = await page.evaluate(() => {
      const h = (globalThis as unknown as { hebb: typeof import('../../src/portable.ts') }).hebb;
      try {
        h.portableBackend().gemm(
          false,
          false,
          1,
          h.Matrix.zeros(2, 3),
          h.Matrix.zeros(4, 1),
          0,
          h.Matrix.zeros(2, 1),
        );
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    });
    assert.match(message, /gemm: inner dimensions differ/);
  });
});
