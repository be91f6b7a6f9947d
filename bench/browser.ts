// The backends in a real browser: headless Debian Chromium (playwright-core) loads the browser
// bundle and the wasm module, and times GEMM (1000×784·784×2000) and a 400-unit SoftHebb layer
// on 10 000 MNIST images (batch 100) on the ts and wasm backends; the same in this Node process
// for comparison, in the same run. Usage: npm run bench -- browser [--json]
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { getBackend, Matrix, Rng } from '../src/backend/index.ts';
import { WASM_PATH } from '../src/backend/wasm/register.ts';
import { mnist } from '../src/data/mnist.ts';
import { SoftHebb } from '../src/softhebb/index.ts';
import type * as Hebb from '../src/browser.ts';
import { fmt } from './timing.ts';

const CHROMIUM = '/usr/bin/chromium';
const IMAGES = 10_000;

interface Row {
  where: string;
  backend: string;
  gemm_gflops: number;
  softhebb_images_per_s: number;
}

/** Runs in the page and in Node alike: best-of-3 GEMM, then one SoftHebb epoch over x. */
function measure(h: typeof Hebb, backend: string, x: Hebb.Matrix): Omit<Row, 'where'> {
  const be = h.getBackend(backend);
  const rng = new h.Rng(0, be);
  const [m, k, n] = [1000, 784, 2000];
  const a = new h.Matrix(m, k, rng.normal(m * k));
  const b = new h.Matrix(k, n, rng.normal(k * n));
  const c = h.Matrix.zeros(m, n);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    be.gemm(false, false, 1, a, b, 0, c);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  const t0 = performance.now();
  new h.SoftHebb({ units: 400, epochs: 1, batchSize: 100, seed: 1, backend }).fit(x);
  const s = (performance.now() - t0) / 1000;
  return { backend, gemm_gflops: (2 * m * k * n) / best / 1e9, softhebb_images_per_s: x.rows / s };
}

export async function benchBrowser(args: string[]): Promise<void> {
  const json = args.includes('--json');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  if (!existsSync(WASM_PATH)) throw new Error(`${WASM_PATH} not built: npm run build:wasm`);
  const x = mnist().train.x.sliceRows(0, IMAGES).clone();
  const bundle = await build({
    entryPoints: [new URL('../src/browser.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    globalName: 'hebb',
    platform: 'browser',
    write: false,
    logOverride: { 'empty-import-meta': 'silent' },
  });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const rows: Row[] = [];
  try {
    const page = await browser.newPage();
    const serve = (path: string, body: Buffer, contentType: string) =>
      page.route(`http://hebb.test/${path}`, (r) =>
        r.fulfill({ body, contentType, headers: { 'access-control-allow-origin': '*' } }),
      );
    await serve('hebb.wasm', readFileSync(WASM_PATH), 'application/wasm');
    await serve('x.bin', Buffer.from(x.data.buffer), 'application/octet-stream');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    await page.addScriptTag({ content: `globalThis.measure = ${measure.toString()};` });
    const version = browser.version();
    const inPage = await page.evaluate(async (images) => {
      const g = globalThis as unknown as {
        hebb: typeof Hebb;
        measure: typeof measure;
      };
      const h = g.hebb;
      await h.loadWasmBackend('http://hebb.test/hebb.wasm');
      const data = new Float32Array(await (await fetch('http://hebb.test/x.bin')).arrayBuffer());
      const x = new h.Matrix(images, 784, data);
      return ['wasm', 'ts'].map((b) => g.measure(h, b, x));
    }, IMAGES);
    for (const r of inPage) rows.push({ where: `chromium ${version}`, ...r });
  } finally {
    await browser.close();
  }
  const hebb = { getBackend, Matrix, Rng, SoftHebb } as unknown as typeof Hebb;
  for (const b of ['wasm', 'ts']) rows.push({ where: 'node', ...measure(hebb, b, x) });
  if (json) {
    for (const r of rows) console.log(JSON.stringify({ bench: 'browser', ...r }));
    return;
  }
  console.log(
    `GEMM 1000×784·784×2000 (best of 3) and SoftHebb 784→400, one epoch of ${IMAGES} MNIST images, batch 100`,
  );
  for (const r of rows) {
    console.log(
      `  ${r.where.padEnd(18)} ${r.backend.padEnd(5)} GEMM ${fmt(r.gemm_gflops, 1).padStart(6)} GFLOPS   SoftHebb ${fmt(r.softhebb_images_per_s, 0).padStart(6)} img/s`,
    );
  }
  for (const where of new Set(rows.map((r) => r.where))) {
    const w = rows.find((r) => r.where === where && r.backend === 'wasm')!;
    const t = rows.find((r) => r.where === where && r.backend === 'ts')!;
    console.log(
      `  ${where}: wasm/ts GEMM ${fmt(w.gemm_gflops / t.gemm_gflops, 1)}×, SoftHebb ${fmt(w.softhebb_images_per_s / t.softhebb_images_per_s, 1)}×`,
    );
  }
}
