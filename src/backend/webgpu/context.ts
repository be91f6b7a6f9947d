// A WebGPU device with matrices that stay on it. Unlike the synchronous Backend interface,
// kernels here only enqueue work: nothing is read back until download(), so a whole epoch
// of SoftHebb runs on the device with one transfer in and one out. Browser-safe; in Node it
// needs a WebGPU implementation passed as `gpu` (nodeGpu(): the npm `webgpu` package's).
import { HebbError, ShapeError } from '../../errors.ts';
import { Matrix } from '../matrix.ts';
import {
  MAP_READ,
  USAGE,
  type Gpu,
  type GpuBuffer,
  type GpuComputePipeline,
  type GpuDevice,
  type GpuEncoder,
} from './gpu-types.ts';
import { convOutputSize, type ConvGeometry } from '../types.ts';
import { BLOCK, GATHER, GEMM, IM2COL, RATES, SM_EULER, SM_OPS, SOFTMAX } from './shaders.ts';

/** A rows × cols float32 matrix in a device buffer. */
export class GpuMatrix {
  constructor(
    /** The device buffer: rows × cols float32 values, row-major. */
    readonly buffer: GpuBuffer,
    /** Number of rows. */
    readonly rows: number,
    /** Number of columns. */
    readonly cols: number,
  ) {}
}

type Kernel = 'gemm' | 'softmax' | 'rates' | 'gather' | 'im2col' | 'smEuler';
const SOURCES: Record<Kernel, string> = {
  gemm: GEMM,
  softmax: SOFTMAX,
  rates: RATES,
  gather: GATHER,
  im2col: IM2COL,
  smEuler: SM_EULER,
};

/** The device WebGpu.create opened, as its adapter describes it (empty strings where unknown). */
export interface WebGpuInfo {
  /** Always 'webgpu'. */
  name: 'webgpu';
  /** The adapter's vendor, e.g. 'nvidia'. */
  vendor: string;
  /** The adapter's architecture, e.g. 'hopper'. */
  architecture: string;
  /** A readable name of the device. */
  description: string;
}

/** A uniform block: each word a u32 (a non-negative integer or boolean) or an f32 (`f`). */
type Word = number | boolean | { f: number };

function block(words: Word[]): ArrayBuffer {
  const buf = new ArrayBuffer(Math.ceil(words.length / 4) * 16);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  words.forEach((w, i) => {
    if (typeof w === 'object') f[i] = w.f;
    else u[i] = typeof w === 'boolean' ? (w ? 1 : 0) : w;
  });
  return buf;
}

/**
 * A WebGPU device with float32 matrices that stay on it (GpuMatrix). Kernels only enqueue work;
 * nothing is read back until download, so a whole epoch runs with one transfer in and one out.
 * Open one with WebGpu.create.
 */
export class WebGpu {
  private pipelines = new Map<Kernel, GpuComputePipeline>();
  private encoder: GpuEncoder | null = null;
  private pass: ReturnType<GpuEncoder['beginComputePass']> | null = null;
  private readonly dummy: GpuBuffer;

  private constructor(
    /** The WebGPU device the kernels run on. */
    readonly device: GpuDevice,
    /** What the device is. */
    readonly info: WebGpuInfo,
    // Held while the device lives: Dawn in Node tears its instance down, devices and all, once
    // the entry point is garbage-collected (a crash in the next kernel); destroy() lets go.
    private entry: Gpu | null,
  ) {
    this.dummy = this.createBuffer(16, USAGE.STORAGE);
    device.pushErrorScope('validation');
  }

  /**
   * Opens the device: navigator.gpu in a browser, or the `gpu` given (a WebGPU implementation
   * for Node). Rejects with what to do when there is none.
   */
  static async create(
    o: { gpu?: Gpu; powerPreference?: 'low-power' | 'high-performance' } = {},
  ): Promise<WebGpu> {
    const gpu = o.gpu ?? (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;
    if (!gpu) {
      throw new HebbError(
        'WebGPU is not available here: no navigator.gpu (a browser with WebGPU, on a page served over http(s) or localhost) and no gpu option (in Node: WebGpu.create({ gpu: await nodeGpu() }) with nodeGpu from hebb/webgpu, after npm install webgpu)',
      );
    }
    const adapter = await gpu.requestAdapter({
      powerPreference: o.powerPreference ?? 'high-performance',
    });
    if (!adapter)
      throw new HebbError('WebGPU: no adapter (the browser has WebGPU but no usable device)');
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
      },
    });
    const i = adapter.info ?? {};
    const info: WebGpuInfo = {
      name: 'webgpu',
      vendor: i.vendor ?? '',
      architecture: i.architecture ?? '',
      description: i.description || i.device || '',
    };
    return new WebGpu(device, info, gpu);
  }

  private createBuffer(bytes: number, usage: number): GpuBuffer {
    return this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
  }

  private checkSize(bytes: number, what: string): void {
    const max = Math.min(
      this.device.limits.maxStorageBufferBindingSize,
      this.device.limits.maxBufferSize,
    );
    if (bytes > max) {
      throw new ShapeError(
        `WebGPU: ${what} needs ${bytes} bytes, more than this device's largest buffer (${max}); use fewer samples at a time`,
      );
    }
  }

  /** A copy of m on the device. */
  upload(m: Matrix): GpuMatrix {
    const g = this.zeros(m.rows, m.cols);
    this.device.queue.writeBuffer(g.buffer, 0, m.data);
    return g;
  }

  /** A rows × cols matrix of zeros on the device. */
  zeros(rows: number, cols: number): GpuMatrix {
    this.checkSize(rows * cols * 4, `a ${rows}×${cols} matrix`);
    const usage = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
    return new GpuMatrix(this.createBuffer(rows * cols * 4, usage), rows, cols);
  }

  /** A buffer holding the given words, read-only to kernels. */
  constant(data: Float32Array | Uint32Array): GpuBuffer {
    this.checkSize(data.byteLength, `an array of ${data.length}`);
    const b = this.createBuffer(data.byteLength, USAGE.STORAGE | USAGE.COPY_DST);
    this.device.queue.writeBuffer(b, 0, data);
    return b;
  }

  /**
   * Runs everything enqueued so far and copies m back: m as it is after the kernels enqueued
   * before this call. Calls may overlap (Promise.all): each reads the device's error scope in
   * turn.
   */
  download(m: GpuMatrix): Promise<Matrix> {
    const bytes = m.rows * m.cols * 4;
    const staging = this.createBuffer(bytes, USAGE.MAP_READ | USAGE.COPY_DST);
    this.encoderNow().copyBufferToBuffer(
      m.buffer,
      0,
      staging,
      0,
      Math.max(16, Math.ceil(bytes / 4) * 4),
    );
    this.flush();
    return this.exclusive(async () => {
      await this.checkErrors();
      await staging.mapAsync(MAP_READ);
      const out = new Matrix(
        m.rows,
        m.cols,
        new Float32Array(staging.getMappedRange().slice(0, bytes)),
      );
      staging.unmap();
      staging.destroy();
      return out;
    });
  }

  private tail: Promise<unknown> = Promise.resolve();

  /** Runs f after every earlier exclusive call has settled (the error scope is one per device). */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.tail.then(f, f);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Submits the enqueued kernels (they run while JavaScript goes on). */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = null;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
  }

  /** Waits until the device has run everything submitted; throws what the device refused. */
  sync(): Promise<void> {
    this.flush();
    return this.exclusive(async () => {
      await this.device.queue.onSubmittedWorkDone();
      await this.checkErrors();
    });
  }

  private async checkErrors(): Promise<void> {
    const e = await this.device.popErrorScope();
    this.device.pushErrorScope('validation');
    if (e) throw new HebbError(`WebGPU refused a kernel: ${e.message}`);
  }

  /** Submits what is enqueued and releases the device; the matrices on it are lost. */
  destroy(): void {
    this.flush();
    this.device.destroy();
    this.entry = null;
  }

  private encoderNow(): GpuEncoder {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private pipeline(k: Kernel): GpuComputePipeline {
    let p = this.pipelines.get(k);
    if (!p) {
      const module = this.device.createShaderModule({ code: SOURCES[k] });
      p = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      this.pipelines.set(k, p);
    }
    return p;
  }

  /**
   * Enqueues kernel k: `buffers` by binding number, with the uniform block inserted at binding
   * `uniformAt` (absent optional buffers bind a small dummy the kernel does not read).
   */
  private dispatch(
    k: Kernel,
    buffers: (GpuBuffer | null | undefined)[],
    uniformAt: number,
    words: Word[],
    groups: [number, number],
  ): void {
    const data = block(words);
    const uniform = this.createBuffer(data.byteLength, USAGE.UNIFORM | USAGE.COPY_DST);
    this.device.queue.writeBuffer(uniform, 0, data);
    const p = this.pipeline(k);
    const bound: GpuBuffer[] = buffers.map((b) => b ?? this.dummy);
    bound.splice(uniformAt, 0, uniform);
    const entries = bound.map((buffer, binding) => ({ binding, resource: { buffer } }));
    const group = this.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries });
    if (!this.pass) this.pass = this.encoderNow().beginComputePass();
    this.pass.setPipeline(p);
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(groups[0], groups[1]);
  }

  /**
   * c = alpha·diag(rowScale)·op(a)·op(b) + beta·diag(keep)·c, with op(x) = xᵀ when the flag is
   * set; rowScale and keep (length c.rows) are optional.
   */
  gemm(
    ta: boolean,
    tb: boolean,
    alpha: number,
    a: GpuMatrix,
    b: GpuMatrix,
    beta: number,
    c: GpuMatrix,
    o: { rows?: number; rowScale?: GpuBuffer; keep?: GpuBuffer } = {},
  ): void {
    const M = o.rows ?? c.rows;
    const K = ta ? a.rows : a.cols;
    const N = c.cols;
    const [ar, ac] = ta ? [a.cols, a.rows] : [a.rows, a.cols];
    const [br, bc] = tb ? [b.cols, b.rows] : [b.rows, b.cols];
    if ((o.rows === undefined && ar !== M) || ac !== br || bc !== N) {
      throw new ShapeError(
        `WebGPU gemm: op(A) ${ar}×${ac} · op(B) ${br}×${bc} does not give C ${M}×${N}`,
      );
    }
    const words: Word[] = [M, N, K, ta, tb, a.cols, b.cols, c.cols];
    words.push({ f: alpha }, { f: beta }, !!o.rowScale, !!o.keep);
    const buffers = [a.buffer, b.buffer, c.buffer, o.rowScale, o.keep];
    this.dispatch('gemm', buffers, 3, words, [Math.ceil(N / BLOCK), Math.ceil(M / BLOCK)]);
  }

  /** out = softmax(t·(u + bias)) per row, over the first `rows` rows. */
  softmaxRows(
    u: GpuMatrix,
    t: number,
    out: GpuMatrix,
    o: { rows?: number; bias?: GpuBuffer } = {},
  ): void {
    const rows = o.rows ?? u.rows;
    const words: Word[] = [rows, u.cols, { f: t }, !!o.bias];
    const groups: [number, number] = [Math.min(rows, 65535), Math.ceil(rows / 65535)];
    this.dispatch('softmax', [u.buffer, o.bias, out.buffer], 3, words, groups);
  }

  /** Per column k of y and u (first `rows` rows): rate_k and keep_k of the SoftHebb step. */
  rates(
    y: GpuMatrix,
    u: GpuMatrix,
    eta: number,
    exact: boolean,
    rate: GpuBuffer,
    keep: GpuBuffer,
    rows = y.rows,
  ): void {
    const words: Word[] = [rows, y.cols, { f: eta }, exact];
    this.dispatch('rates', [y.buffer, u.buffer, rate, keep], 3, words, [Math.ceil(y.cols / 64), 1]);
  }

  /**
   * One Euler step of similarity-matching dynamics, as the Backend's smEulerStep:
   * u' = u + dt·((bias + drive + r) − u), du2[b] = Σ (u' − u)², u2[b] = Σ u'², u ← u',
   * r ← op(u', p, q). op: one of the similarity-matching activations' ops (SM_OPS).
   */
  smEulerStep(
    u: GpuMatrix,
    drive: GpuMatrix,
    bias: GpuMatrix | null,
    r: GpuMatrix,
    dt: number,
    op: string,
    p: number,
    q: number,
    du2: GpuBuffer,
    u2: GpuBuffer,
  ): void {
    const code = (SM_OPS as readonly string[]).indexOf(op);
    if (code < 0) {
      throw new HebbError(
        `WebGPU smEulerStep: op '${op}' is not one of ${SM_OPS.join(', ')} (the similarity-matching activations)`,
      );
    }
    for (const [m, what] of [
      [drive, 'drive'],
      [r, 'r'],
      ...(bias ? [[bias, 'bias'] as const] : []),
    ] as const) {
      if (m.rows !== u.rows || m.cols !== u.cols) {
        throw new ShapeError(
          `WebGPU smEulerStep: ${what} is ${m.rows}×${m.cols}, u ${u.rows}×${u.cols}; they must match`,
        );
      }
    }
    const rows = u.rows;
    const words: Word[] = [rows, u.cols, { f: dt }, !!bias, code, { f: p }, { f: q }, 0];
    const groups: [number, number] = [Math.min(rows, 65535), Math.ceil(rows / 65535)];
    const buffers = [u.buffer, drive.buffer, bias?.buffer, r.buffer, du2, u2];
    this.dispatch('smEuler', buffers, 3, words, groups);
  }

  /**
   * The patches of the first `images` rows of x (HWC images of geometry g) as the Backend's
   * im2col: images·outH·outW rows of kernelH·kernelW·channels, into the first rows of out.
   * `reflect`: taps outside the image read it mirrored at its edge (reflect padding of g.pad
   * pixels), else 0; `normalize`: each patch divided by its Euclidean norm (normalizeRows).
   */
  im2col(
    x: GpuMatrix,
    g: ConvGeometry,
    out: GpuMatrix,
    o: { images?: number; reflect?: boolean; normalize?: boolean } = {},
  ): void {
    const images = o.images ?? x.rows;
    const { outH, outW } = convOutputSize(g);
    const n = g.kernelH * g.kernelW * g.channels;
    const rows = images * outH * outW;
    if (
      x.cols !== g.inH * g.inW * g.channels ||
      images > x.rows ||
      out.cols !== n ||
      rows > out.rows
    ) {
      throw new ShapeError(
        `WebGPU im2col: ${images} of ${x.rows} images of ${x.cols} values (geometry ${g.inH}×${g.inW}×${g.channels}) into ${out.rows}×${out.cols} patches; need ${rows}×${n}`,
      );
    }
    if (o.reflect && (g.pad >= g.inH || g.pad >= g.inW)) {
      throw new ShapeError(
        `WebGPU im2col: reflect padding ${g.pad} needs images larger than ${g.pad} pixels on each side, got ${g.inH}×${g.inW}`,
      );
    }
    const words: Word[] = [rows, g.inH, g.inW, g.channels, g.kernelH, g.kernelW, g.stride, g.pad];
    words.push(g.dilation ?? 1, outH, outW, !!o.reflect, !!o.normalize, n, 0, 0);
    const groups: [number, number] = [Math.min(rows, 65535), Math.ceil(rows / 65535)];
    this.dispatch('im2col', [x.buffer, out.buffer], 2, words, groups);
  }

  /** out[i] = x[idx[offset + i]] for i < rows. */
  gather(x: GpuMatrix, idx: GpuBuffer, offset: number, rows: number, out: GpuMatrix): void {
    this.dispatch('gather', [x.buffer, idx, out.buffer], 3, [rows, x.cols, offset, 0], [4, rows]);
  }
}
