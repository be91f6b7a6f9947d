import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { browserBundle } from '../helpers/browser-bundle.ts';
import { Matrix } from '../../src/backend/matrix.ts';
import { WebGpu } from '../../src/backend/webgpu/context.ts';
import { mnist } from '../../src/data/mnist.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import type * as Hebb from '../../src/browser.ts';
import type * as HebbGpu from '../../src/webgpu.ts';
import { randMatrix } from '../helpers/reference.ts';

// hebb/webgpu in headless Chromium on its CPU WebGPU adapter (SwiftShader): correctness only —
// its speed says nothing about a GPU. The page must come from http://127.0.0.1 (on
// about:blank there is no navigator.gpu). Results are compared with the ts backend in Node:
// the same steps in float32, summed in other orders (tolerances below).
const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (apt-get install chromium)`;
type PageHebb = typeof Hebb & typeof HebbGpu;

const b64 = (a: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const fromB64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

describe('hebb/webgpu in headless Chromium (SwiftShader)', { skip }, () => {
  let browser: import('playwright-core').Browser;
  let page: import('playwright-core').Page;
  let server: http.Server;
  const x = mnist().train.x.sliceRows(0, 1000).clone();

  before(async () => {
    const bundle = await browserBundle({ webgpu: true });
    server = http.createServer((req, res) => {
      if (req.url === '/x.bin') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>hebb webgpu</title>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--use-webgpu-adapter=swiftshader',
        '--enable-features=Vulkan',
      ],
    });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.addScriptTag({ content: bundle });
    await page.addScriptTag({
      content: `globalThis.f32 = (s) => { const b = atob(s); const u = new Uint8Array(b.length);
        for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return new Float32Array(u.buffer); };
        globalThis.b64 = (a) => { const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
        let s = ''; for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); };
        globalThis.gpuReady = hebb.WebGpu.create();`,
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('gemm, every transpose, with the update epilogue, against a float64 reference', async () => {
    const cases = [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const;
    const [M, K, N] = [37, 53, 29];
    for (const [ta, tb] of cases) {
      const a = ta ? randMatrix(K, M, 1) : randMatrix(M, K, 1);
      const b = tb ? randMatrix(N, K, 2) : randMatrix(K, N, 2);
      const c = randMatrix(M, N, 3);
      const rs = randMatrix(1, M, 4).data;
      const cs = randMatrix(1, M, 5).data;
      const got = await page.evaluate(
        async ([ta, tb, M, K, N, as, bs, css, rss, kss]) => {
          const g = globalThis as unknown as {
            hebb: PageHebb;
            f32: (s: string) => Float32Array;
            b64: (a: Float32Array) => string;
            gpuReady: Promise<HebbGpu.WebGpu>;
          };
          const gpu = await g.gpuReady;
          const h = g.hebb;
          const A = gpu.upload(new h.Matrix(ta ? K : M, ta ? M : K, g.f32(as)));
          const B = gpu.upload(new h.Matrix(tb ? N : K, tb ? K : N, g.f32(bs)));
          const C = gpu.upload(new h.Matrix(M, N, g.f32(css)));
          const rowScale = gpu.constant(g.f32(rss));
          const keep = gpu.constant(g.f32(kss));
          gpu.gemm(ta, tb, 1.5, A, B, 0.5, C, { rowScale, keep });
          return g.b64((await gpu.download(C)).data);
        },
        [ta, tb, M, K, N, b64(a.data), b64(b.data), b64(c.data), b64(rs), b64(cs)] as const,
      );
      const out = fromB64(got);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = 0; p < K; p++) {
            const av = ta ? a.data[p * M + i] : a.data[i * K + p];
            const bv = tb ? b.data[j * K + p] : b.data[p * N + j];
            s += av * bv;
          }
          const want = 1.5 * rs[i] * s + 0.5 * cs[i] * c.data[i * N + j];
          // float32 sums of 53 products of size ≤ 1
          assert.ok(
            Math.abs(out[i * N + j] - want) < 2e-5 * (1 + Math.abs(want)),
            `C[${i},${j}] (${ta},${tb}): ${out[i * N + j]} vs ${want}`,
          );
        }
    }
  });

  /** Trains in the page; returns the weights and the device's description. */
  const fitInPage = (o: { units: number; epochs: number; batchSize: number; rows: number }) =>
    page.evaluate(async (o) => {
      const g = globalThis as unknown as {
        hebb: PageHebb;
        b64: (a: Float32Array) => string;
        gpuReady: Promise<HebbGpu.WebGpu>;
      };
      const h = g.hebb;
      const gpu = await g.gpuReady;
      const all = new Float32Array(await (await fetch('/x.bin')).arrayBuffer());
      const x = new h.Matrix(o.rows, 784, all.subarray(0, o.rows * 784));
      // (no function literals here: the test's transpiler names them with a helper the page lacks)
      const epochs: number[] = [];
      const layer = await h.fitSoftHebbWebGpu(
        new h.SoftHebb({ units: o.units, epochs: o.epochs, batchSize: o.batchSize, seed: 3 }),
        x,
        { gpu, onEpoch: epochs.push.bind(epochs) },
      );
      const u = await h.preActivationWebGpu(layer, x.sliceRows(0, 50), { gpu, chunk: 20 });
      return {
        w: g.b64(layer.weights.data),
        u: g.b64(u.data),
        epochs,
        arch: gpu.info.architecture,
      };
    }, o);

  it('one SoftHebb step (a single batch) equals the ts backend to float rounding', async () => {
    const r = await fitInPage({ units: 50, epochs: 1, batchSize: 400, rows: 400 });
    assert.equal(r.arch, 'swiftshader');
    const cpu = new SoftHebb({ units: 50, epochs: 1, batchSize: 400, seed: 3, backend: 'ts' });
    cpu.fit(x.sliceRows(0, 400));
    const w = fromB64(r.w);
    let worst = 0;
    for (let i = 0; i < w.length; i++)
      worst = Math.max(worst, Math.abs(w[i] - cpu.weights.data[i]));
    // weights ~0.05; one step of sums over 400 samples and 784 inputs in float32
    assert.ok(worst < 5e-6, `largest difference ${worst}`);
    const u = fromB64(r.u);
    const want = cpu.preActivation(x.sliceRows(0, 50)).data;
    for (let i = 0; i < u.length; i++) assert.ok(Math.abs(u[i] - want[i]) < 1e-5, `u[${i}]`);
  });

  it('two epochs of 10 batches follow the ts backend (same order, schedule, initial weights)', async () => {
    const r = await fitInPage({ units: 100, epochs: 2, batchSize: 100, rows: 1000 });
    // onEpoch(epoch, seconds) pushed both
    assert.deepEqual([r.epochs[0], r.epochs[2]], [1, 2]);
    assert.ok(r.epochs[1] > 0 && r.epochs[3] > 0);
    const cpu = new SoftHebb({ units: 100, epochs: 2, batchSize: 100, seed: 3, backend: 'ts' });
    cpu.fit(x);
    const w = fromB64(r.w);
    // At inverse temperature 200 the posteriors amplify rounding a few hundred times per step,
    // so after 20 steps single weights part by ~1e-4 while every unit keeps its direction.
    let worst = 0;
    let minCos = 1;
    for (let k = 0; k < 100; k++) {
      let d = 0;
      let a = 0;
      let b = 0;
      for (let j = 0; j < 784; j++) {
        const p = w[k * 784 + j];
        const q = cpu.weights.data[k * 784 + j];
        worst = Math.max(worst, Math.abs(p - q));
        d += p * q;
        a += p * p;
        b += q * q;
      }
      minCos = Math.min(minCos, d / Math.sqrt(a * b));
    }
    assert.ok(worst < 2e-3, `largest weight difference ${worst}`);
    assert.ok(minCos > 0.9999, `least cosine between a unit's two weight vectors ${minCos}`);
  });

  it('refuses what it does not run, naming the option', async () => {
    const msg = await page.evaluate(async () => {
      const g = globalThis as unknown as { hebb: PageHebb; gpuReady: Promise<HebbGpu.WebGpu> };
      const gpu = await g.gpuReady;
      const x = new g.hebb.Matrix(4, 3, new Float32Array(12).fill(1));
      try {
        await g.hebb.fitSoftHebbWebGpu(new g.hebb.SoftHebb({ units: 2, wta: 'hard' }), x, { gpu });
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    });
    assert.match(msg, /runs the batched soft-WTA rule only, not wta: 'hard'/);
  });
});

describe('hebb/webgpu without a device', () => {
  it('says what is missing in Node (no navigator.gpu, no gpu option)', async () => {
    await assert.rejects(WebGpu.create(), /WebGPU is not available here: no navigator\.gpu/);
  });

  it('a layer it cannot train is refused before any device work', async () => {
    const { fitSoftHebbWebGpu } = await import('../../src/softhebb/webgpu.ts');
    const layer = new SoftHebb({ units: 2, batchSize: 1 });
    await assert.rejects(
      fitSoftHebbWebGpu(layer, new Matrix(2, 2), { gpu: null as unknown as WebGpu }),
      /not batchSize: 1 \(online\)/,
    );
  });
});
