// A WebGPU device in Node for tests and benches (the npm `webgpu` package, Dawn): the machine's
// adapter, else SwiftShader's CPU Vulkan driver from Chromium (Debian's lavapipe, mesa 22.3,
// lacks features Dawn requires). Returns the device, or why there is none (a skip reason).
import { existsSync } from 'node:fs';
import { WebGpu } from '../../src/backend/webgpu/context.ts';
import { nodeGpu, SWIFTSHADER_ICD } from '../../src/backend/webgpu/node-gpu.ts';
import { missingPackages } from '../../src/io/optional-packages.ts';

export async function openNodeWebGpu(): Promise<{ gpu: WebGpu } | { skip: string }> {
  if (missingPackages('webgpu').length > 0)
    return { skip: 'the npm package webgpu is not installed (npm install webgpu)' };
  try {
    return { gpu: await WebGpu.create({ gpu: await nodeGpu() }) };
  } catch (e) {
    // Dawn reads VK_ICD_FILENAMES when it enumerates adapters, so setting it now still counts
    if (process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD))
      return { skip: `no WebGPU adapter: ${(e as Error).message}` };
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    try {
      return { gpu: await WebGpu.create({ gpu: await nodeGpu() }) };
    } catch (e2) {
      return { skip: `no WebGPU adapter, SwiftShader's neither: ${(e2 as Error).message}` };
    }
  }
}
