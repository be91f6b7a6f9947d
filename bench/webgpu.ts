// hebb/webgpu in Node through the npm `webgpu` package (Dawn): GEMM GFLOPS, one SoftHebb epoch
// and one SoftHebbConv2d epoch (the softhebb-conv bench's layer), timed to the device's completion. Usage: npm run bench -- webgpu [--json] [--quick]
// Without a GPU it runs on SwiftShader (a CPU Vulkan driver): a check that the path runs, not
// a GPU speed — the output says so.
import { Rng, getBackend } from '../src/backend/index.ts';
import { Matrix } from '../src/backend/matrix.ts';
import type { WebGpu } from '../src/backend/webgpu/context.ts';
import { mnist } from '../src/data/mnist.ts';
import { SoftHebb, SoftHebbConv2d } from '../src/softhebb/index.ts';
import { fitSoftHebbConv2dWebGpu, fitSoftHebbWebGpu } from '../src/softhebb/webgpu.ts';
import { openNodeWebGpu } from '../test/helpers/node-webgpu.ts';
import { fmt } from './timing.ts';

/** Best seconds per GEMM of m×k·k×n: batches of `per` dispatches, until ~2 s have passed. */
async function gemmSeconds(gpu: WebGpu, [m, k, n]: number[]): Promise<number> {
  const rng = new Rng(0, getBackend('ts'));
  const a = gpu.upload(new Matrix(m, k, rng.normal(m * k)));
  const b = gpu.upload(new Matrix(k, n, rng.normal(k * n)));
  const c = gpu.zeros(m, n);
  let t0 = performance.now();
  gpu.gemm(false, false, 1, a, b, 0, c); // compiles the pipeline, warms the device
  await gpu.sync();
  const once = (performance.now() - t0) / 1000;
  const per = Math.max(1, Math.min(50, Math.round(0.2 / once)));
  let best = Infinity;
  const start = performance.now();
  for (let r = 0; r < 3 || (performance.now() - start < 2000 && r < 20); r++) {
    t0 = performance.now();
    for (let i = 0; i < per; i++) gpu.gemm(false, false, 1, a, b, 0, c);
    await gpu.sync();
    best = Math.min(best, (performance.now() - t0) / 1000 / per);
  }
  return best;
}

export async function benchWebGpu(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const opened = await openNodeWebGpu();
  if ('skip' in opened) throw new Error(`WebGPU in Node not available: ${opened.skip}`);
  const gpu = opened.gpu;
  const i = gpu.info;
  const device = [i.vendor, i.architecture, i.description].filter(Boolean).join(' ');
  const cpuAdapter = /swiftshader|llvmpipe|lavapipe/i.test(device);
  const shapes = quick
    ? [[256, 256, 256]]
    : [
        [1000, 784, 2000],
        [2048, 2048, 2048],
      ];
  const images = quick ? 1000 : 10_000;
  const rows: Record<string, unknown>[] = [];
  for (const s of shapes) {
    const sec = await gemmSeconds(gpu, s);
    const gflops = (2 * s[0] * s[1] * s[2]) / sec / 1e9;
    rows.push({ bench: 'webgpu', device, gemm: s.join('×'), seconds: sec, gflops });
    if (!json) console.log(`  GEMM ${s.join('×').padEnd(15)} ${fmt(gflops, 2).padStart(8)} GFLOPS`);
  }
  const x = mnist().train.x.sliceRows(0, images).clone();
  const layer = new SoftHebb({ units: 400, epochs: 1, batchSize: 100, seed: 1 });
  const t0 = performance.now();
  await fitSoftHebbWebGpu(layer, x, { gpu });
  const perS = images / ((performance.now() - t0) / 1000);
  rows.push({ bench: 'webgpu', device, softhebb_images: images, images_per_s: perS });
  // The softhebb-conv bench's layer: 96 kernels 5×5 on raw MNIST patches, 10 images per update.
  const convImages = quick ? 100 : 1000;
  const conv = new SoftHebbConv2d({
    units: 96,
    inputShape: [28, 28, 1],
    kernelSize: 5,
    batchSize: 10,
    seed: 1,
  });
  const t1 = performance.now();
  await fitSoftHebbConv2dWebGpu(conv, x.sliceRows(0, convImages), { gpu });
  const convPerS = convImages / ((performance.now() - t1) / 1000);
  rows.push({ bench: 'webgpu', device, conv_images: convImages, conv_images_per_s: convPerS });
  gpu.destroy();
  if (json) {
    for (const r of rows) console.log(JSON.stringify({ ...r, cpu_adapter: cpuAdapter }));
    return;
  }
  console.log(
    `  SoftHebb 784→400, one epoch of ${images} MNIST images, batch 100: ${fmt(perS, 0)} img/s`,
  );
  console.log(
    `  SoftHebbConv2d 96 kernels 5×5, one epoch of ${convImages} MNIST images, 10 per update: ${fmt(convPerS, 0)} img/s`,
  );
  console.log(`  device: ${device} (Node ${process.versions.node}, webgpu package)`);
  if (cpuAdapter)
    console.log('  (a CPU adapter: proof that the kernels run in Node, not a GPU speed)');
}
