// The part of the WebGPU API this folder uses, typed here so the package needs neither
// @webgpu/types nor a DOM lib that has them. Structural: a browser's navigator.gpu and Node
// bindings (the npm `webgpu` package) both fit.
/* eslint-disable @typescript-eslint/no-explicit-any */

export interface Gpu {
  requestAdapter(o?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<GpuAdapter | null>;
}
export interface GpuAdapter {
  readonly limits: Record<string, number>;
  readonly info?: { vendor?: string; architecture?: string; description?: string; device?: string };
  requestDevice(o?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}
export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
export interface GpuComputePipeline {
  getBindGroupLayout(i: number): unknown;
}
export interface GpuPass {
  setPipeline(p: GpuComputePipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
export interface GpuEncoder {
  beginComputePass(): GpuPass;
  copyBufferToBuffer(src: GpuBuffer, so: number, dst: GpuBuffer, doff: number, size: number): void;
  finish(): unknown;
}
export interface GpuDevice {
  readonly limits: Record<string, number>;
  readonly queue: {
    writeBuffer(b: GpuBuffer, offset: number, data: ArrayBufferView | ArrayBuffer): void;
    submit(cmds: unknown[]): void;
    onSubmittedWorkDone(): Promise<void>;
  };
  readonly lost: Promise<{ message: string }>;
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  createShaderModule(d: { code: string }): any;
  createComputePipeline(d: {
    layout: 'auto';
    compute: { module: any; entryPoint: string };
  }): GpuComputePipeline;
  createBindGroup(d: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer } }[];
  }): unknown;
  createCommandEncoder(): GpuEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}

/** GPUBufferUsage and GPUMapMode flags (the constants of the spec). */
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 };
export const MAP_READ = 0x1;
