// The backends in a real browser: headless Debian Chromium (playwright-core) loads the browser
// bundle and the wasm module from a local server, and times GEMM (1000×784·784×2000) and a
// 400-unit SoftHebb layer on 10 000 MNIST images (batch 100) on the ts and wasm backends (wasm
// on one thread, then its relaxed-SIMD and threaded modules: the page is served cross-origin
// isolated, so it has SharedArrayBuffer), and on WebGPU (hebb/webgpu) when the browser has an adapter; the same in
// this Node process for comparison, in the same run.
// Usage: npm run bench -- browser [--json] [--swiftshader] [--no-webgpu]
// (--swiftshader: WebGPU on Chromium's CPU adapter — proves the path runs, says nothing of a GPU;
// --no-webgpu: skip it, as on a machine without a GPU its fallback takes minutes)
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { browserBundle } from '../test/helpers/browser-bundle.ts';
import { getBackend, Matrix, Rng } from '../src/backend/index.ts';
import {
  WASM_PATH,
  WASM_THREADS_PATH,
  wasmPath,
  wasmWorkersReady,
} from '../src/backend/wasm/register.ts';
import { mnist } from '../src/data/mnist.ts';
import { SoftHebb } from '../src/softhebb/index.ts';
import type * as Hebb from '../src/browser.ts';
import type * as HebbGpu from '../src/webgpu.ts';
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
  const { threads, blas } = be.info();
  // e.g. wasm+fma×4: relaxed-SIMD multiply-adds, four threads
  const label = `${backend}${blas.includes('relaxed') ? '+fma' : ''}${threads > 1 ? `×${threads}` : ''}`;
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
  return {
    backend: label,
    gemm_gflops: (2 * m * k * n) / best / 1e9,
    softhebb_images_per_s: x.rows / s,
  };
}

/** In the page: the same GEMM and SoftHebb epoch through hebb/webgpu (timed to the read-back). */
async function measureWebGpu(
  h: typeof Hebb & typeof HebbGpu,
  x: Hebb.Matrix,
): Promise<Omit<Row, 'where'>> {
  const gpu = await h.WebGpu.create();
  const rng = new h.Rng(0, h.getBackend('ts'));
  const [m, k, n] = [1000, 784, 2000];
  const a = gpu.upload(new h.Matrix(m, k, rng.normal(m * k)));
  const b = gpu.upload(new h.Matrix(k, n, rng.normal(k * n)));
  const c = gpu.zeros(m, n);
  gpu.gemm(false, false, 1, a, b, 0, c);
  await gpu.sync();
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) gpu.gemm(false, false, 1, a, b, 0, c);
    await gpu.sync();
    best = Math.min(best, (performance.now() - t0) / 1000 / 10);
  }
  const t0 = performance.now();
  await h.fitSoftHebbWebGpu(new h.SoftHebb({ units: 400, epochs: 1, batchSize: 100, seed: 1 }), x, {
    gpu,
  });
  const s = (performance.now() - t0) / 1000;
  const i = gpu.info;
  return {
    backend: `webgpu (${[i.vendor, i.architecture, i.description].filter(Boolean).join(' ')})`,
    gemm_gflops: (2 * m * k * n) / best / 1e9,
    softhebb_images_per_s: x.rows / s,
  };
}

export async function benchBrowser(args: string[]): Promise<void> {
  const json = args.includes('--json');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  if (!existsSync(WASM_PATH)) throw new Error(`${WASM_PATH} not built: npm run build:wasm`);
  const x = mnist().train.x.sliceRows(0, IMAGES).clone();
  const bundle = await browserBundle({ webgpu: true });
  const { chromium } = await import('playwright-core');
  const swiftshader = args.includes('--swiftshader');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      ...(swiftshader ? ['--use-webgpu-adapter=swiftshader'] : []),
    ],
  });
  // WebGPU needs a page from http(s) or localhost: serve the page, the module and the data here
  const files: Record<string, [Buffer, string]> = {
    '/': [Buffer.from('<!doctype html><title>hebb bench</title>'), 'text/html'],
    '/hebb.wasm': [readFileSync(WASM_PATH), 'application/wasm'],
    '/hebb-threads.wasm': [readFileSync(WASM_THREADS_PATH), 'application/wasm'],
    '/hebb-relaxed.wasm': [readFileSync(wasmPath('hebb-relaxed.wasm')), 'application/wasm'],
    '/hebb-threads-relaxed.wasm': [
      readFileSync(wasmPath('hebb-threads-relaxed.wasm')),
      'application/wasm',
    ],
    '/x.bin': [Buffer.from(x.data.buffer), 'application/octet-stream'],
  };
  const server = http.createServer((req, res) => {
    const f = files[req.url ?? ''];
    // cross-origin isolated, so that the page has SharedArrayBuffer for the threaded module
    res.writeHead(f ? 200 : 404, {
      'content-type': f?.[1] ?? 'text/plain',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(f?.[0] ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const rows: Row[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.addScriptTag({ content: bundle });
    await page.addScriptTag({
      content: `globalThis.measure = ${measure.toString()};
        globalThis.measureWebGpu = ${measureWebGpu.toString()};`,
    });
    const version = browser.version();
    const withWebGpu = !args.includes('--no-webgpu');
    const inPage = await page.evaluate(
      async ([images, withWebGpu]) => {
        const g = globalThis as unknown as {
          hebb: typeof Hebb & typeof HebbGpu;
          measure: typeof measure;
          measureWebGpu: typeof measureWebGpu;
        };
        const h = g.hebb;
        await h.loadWasmBackend('/hebb.wasm', { threadsSource: false });
        const data = new Float32Array(await (await fetch('/x.bin')).arrayBuffer());
        const x = new h.Matrix(images, 784, data);
        const rows = ['wasm', 'ts'].map((b) => g.measure(h, b, x));
        // the faster modules, each where this browser runs it (the loader falls back otherwise)
        for (const options of [
          { relaxedSource: '/hebb-relaxed.wasm' },
          { threadsSource: '/hebb-threads.wasm' },
          { threadsRelaxedSource: '/hebb-threads-relaxed.wasm' },
        ]) {
          await h.loadWasmBackend('/hebb.wasm', options);
          const row = g.measure(h, 'wasm', x);
          if (!rows.some((r) => r.backend === row.backend)) rows.push(row);
        }
        let webgpu = withWebGpu ? '' : '--no-webgpu';
        try {
          if (withWebGpu) rows.push(await g.measureWebGpu(h, x));
        } catch (e) {
          webgpu = (e as Error).message;
        }
        return { rows, webgpu };
      },
      [IMAGES, withWebGpu] as const,
    );
    for (const r of inPage.rows) rows.push({ where: `chromium ${version}`, ...r });
    if (inPage.webgpu && !json) console.log(`WebGPU not measured: ${inPage.webgpu}`);
  } finally {
    await browser.close();
    server.close();
  }
  const hebb = { getBackend, Matrix, Rng, SoftHebb } as unknown as typeof Hebb;
  await wasmWorkersReady();
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
      `  ${r.where.padEnd(18)} ${r.backend.padEnd(10)} GEMM ${fmt(r.gemm_gflops, 1).padStart(6)} GFLOPS   SoftHebb ${fmt(r.softhebb_images_per_s, 0).padStart(6)} img/s`,
    );
  }
  if (rows.some((r) => r.backend.includes('swiftshader')))
    console.log(
      "  (webgpu ran on SwiftShader, Chromium's CPU adapter: a check that it runs, not a GPU speed)",
    );
  for (const where of new Set(rows.map((r) => r.where))) {
    const t = rows.find((r) => r.where === where && r.backend === 'ts')!;
    for (const w of rows.filter((r) => r.where === where && r.backend.startsWith('wasm'))) {
      console.log(
        `  ${where}: ${w.backend}/ts GEMM ${fmt(w.gemm_gflops / t.gemm_gflops, 1)}×, SoftHebb ${fmt(w.softhebb_images_per_s / t.softhebb_images_per_s, 1)}×`,
      );
    }
  }
}
