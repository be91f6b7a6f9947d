// Node-only: WebGPU in Node through the npm `webgpu` package (Dawn, Google's WebGPU
// implementation, as a Node addon), so the WGSL kernels that run in browsers run here too. The
// package is an optional peer: the library installs and runs without it, and nodeGpu names the
// install command when it is absent.
import { HebbError } from '../../errors.ts';
import { requirePackages } from '../../io/optional-packages.ts';
import type { Gpu } from './gpu-types.ts';

/** Chromium's SwiftShader Vulkan driver on Debian (package chromium-common): a CPU adapter. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * A WebGPU entry point (navigator.gpu's counterpart) from the `webgpu` package, for
 * `WebGpu.create({ gpu: await nodeGpu() })`. `flags` are Dawn's options, e.g.
 * `['backend=vulkan']`. Dawn needs a Vulkan driver (Metal, D3D12 elsewhere); without a GPU,
 * set VK_ICD_FILENAMES to a CPU driver such as SwiftShader's (SWIFTSHADER_ICD) before the first
 * call. When Dawn finds no adapter, requestAdapter rejects with what to do instead of null.
 */
export async function nodeGpu(flags: string[] = []): Promise<Gpu> {
  requirePackages('webgpu');
  // a computed name: bundlers and tsc leave the optional package alone
  const name = 'webgpu';
  const { create } = (await import(name)) as { create: (flags: string[]) => Gpu };
  const gpu = create(flags);
  return {
    async requestAdapter(o) {
      const adapter = await gpu.requestAdapter(o);
      if (adapter) return adapter;
      throw new HebbError(
        `WebGPU in Node (the webgpu package, Dawn): no adapter; Dawn needs a Vulkan driver with WebGPU's features (Debian 12's lavapipe lacks some), or without a GPU SwiftShader's: VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (apt-get install chromium)`,
      );
    },
  };
}
