// The part of the WebGPU API this folder uses, typed here so the package needs neither
// @webgpu/types nor a DOM lib that has them. Structural: a browser's navigator.gpu and Node
// bindings (the npm `webgpu` package) both fit.
/* eslint-disable @typescript-eslint/no-explicit-any */

/** The entry point of WebGPU (navigator.gpu, GPU in the spec): the part hebb uses. */
export interface Gpu {
  /** A physical device, or null when there is none. */
  requestAdapter(o?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<GpuAdapter | null>;
}
/** A physical device (GPUAdapter in the spec): the part hebb uses. */
export interface GpuAdapter {
  /** The largest sizes and counts the device supports, by the spec's limit names. */
  readonly limits: Record<string, number>;
  /** What the device is; absent in older implementations. */
  readonly info?: {
    /** e.g. 'nvidia'. */
    vendor?: string;
    /** The GPU family. */
    architecture?: string;
    /** A readable name. */
    description?: string;
    /** A device identifier. */
    device?: string;
  };
  /** Opens a logical device with at least the limits asked for. */
  requestDevice(o?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}
/** Memory on the device (GPUBuffer in the spec): the part hebb uses. */
export interface GpuBuffer {
  /** Its length in bytes. */
  readonly size: number;
  /** Resolves once the buffer can be read from JavaScript (mode: a GPUMapMode flag). */
  mapAsync(mode: number): Promise<void>;
  /** The mapped bytes; valid until unmap. */
  getMappedRange(): ArrayBuffer;
  /** Gives the buffer back to the device. */
  unmap(): void;
  /** Frees the buffer. */
  destroy(): void;
}
/** A compiled compute shader (GPUComputePipeline in the spec). */
export interface GpuComputePipeline {
  /** The layout of bind group i, inferred from the shader ('auto' layout). */
  getBindGroupLayout(i: number): unknown;
}
/** A compute pass being recorded (GPUComputePassEncoder in the spec). */
export interface GpuPass {
  /** Selects the shader the next dispatches run. */
  setPipeline(p: GpuComputePipeline): void;
  /** Binds the buffers of group i. */
  setBindGroup(i: number, g: unknown): void;
  /** Runs x × y × z workgroups of the current shader. */
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  /** Ends the pass. */
  end(): void;
}
/** Records commands for the queue (GPUCommandEncoder in the spec). */
export interface GpuEncoder {
  /** Starts a compute pass. */
  beginComputePass(): GpuPass;
  /** Copies `size` bytes from src at byte so to dst at byte doff. */
  copyBufferToBuffer(src: GpuBuffer, so: number, dst: GpuBuffer, doff: number, size: number): void;
  /** The recorded command buffer, for queue.submit. */
  finish(): unknown;
}
/** A logical device (GPUDevice in the spec): the part hebb uses. */
export interface GpuDevice {
  /** The limits the device was opened with. */
  readonly limits: Record<string, number>;
  /** Where work and writes are submitted. */
  readonly queue: {
    /** Copies data into buffer b at byte `offset`. */
    writeBuffer(b: GpuBuffer, offset: number, data: ArrayBufferView | ArrayBuffer): void;
    /** Runs command buffers, in order. */
    submit(cmds: unknown[]): void;
    /** Resolves when everything submitted so far has run. */
    onSubmittedWorkDone(): Promise<void>;
  };
  /** Resolves if the device is lost (a driver reset, destroy). */
  readonly lost: Promise<{
    /** Why. */
    message: string;
  }>;
  /** A new buffer of `size` bytes with the given GPUBufferUsage flags. */
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  /** Compiles WGSL source. */
  createShaderModule(d: { code: string }): any;
  /** A compute pipeline running the shader's entry point. */
  createComputePipeline(d: {
    layout: 'auto';
    compute: { module: any; entryPoint: string };
  }): GpuComputePipeline;
  /** Binds buffers to a pipeline's binding slots. */
  createBindGroup(d: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer } }[];
  }): unknown;
  /** A fresh encoder for a batch of commands. */
  createCommandEncoder(): GpuEncoder;
  /** Starts collecting errors of the given kind. */
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  /** The first error since the matching pushErrorScope, or null. */
  popErrorScope(): Promise<{
    /** What went wrong. */
    message: string;
  } | null>;
  /** Releases the device and everything on it. */
  destroy(): void;
}

/** GPUBufferUsage and GPUMapMode flags (the constants of the spec). */
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 };
export const MAP_READ = 0x1;
