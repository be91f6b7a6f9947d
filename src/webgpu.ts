/**
 * hebb/webgpu: a WebGPU device with resident matrices (WebGpu, GpuMatrix) and SoftHebb's
 * batched training (dense and convolutional) and inference on it. Browser-safe; asynchronous, unlike the Backend
 * interface, because nothing is read back from the device until the end.
 *
 * @module hebb/webgpu
 */
export { GpuMatrix, WebGpu, type WebGpuInfo } from './backend/webgpu/context.ts';
export type {
  Gpu,
  GpuAdapter,
  GpuBuffer,
  GpuComputePipeline,
  GpuDevice,
  GpuEncoder,
  GpuPass,
} from './backend/webgpu/gpu-types.ts';
export {
  fitSoftHebbConv2dWebGpu,
  fitSoftHebbWebGpu,
  preActivationWebGpu,
  type WebGpuFitOptions,
} from './softhebb/webgpu.ts';
