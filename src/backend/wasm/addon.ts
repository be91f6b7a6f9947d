// The WebAssembly module (wasm/hebb.wasm, built from native/ by scripts/build-wasm.mjs) seen as
// an Addon, so createAddonKernels serves both builds. The module runs its registered kernels
// through one export, call(id, record): the record is one float64 slot per number or boolean
// and two, (pointer, length), per array, the arrays living in the module's own memory. Every
// call copies its arrays into one scratch area of that memory, calls, and copies back the
// arrays the kernel writes, as the kernel table says (../kernels/describe.ts). Browser-safe.
import { HebbError } from '../../errors.ts';
import type { Addon, KernelFunction, KernelSignature } from '../addon/addon.ts';
import { DESCRIPTORS, type KernelDescriptor } from '../kernels/describe.ts';
import type { KernelName } from '../kernels/methods.ts';
import type { SvcDualProblem } from '../types.ts';

type Typed = Float32Array | Int32Array | Uint32Array | Float64Array | Int8Array | Uint8Array;

interface Exports {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  /** Scratch space of at least `bytes` (16-byte aligned), or 0 when memory is exhausted. */
  arena(bytes: number): number;
  /** The registered kernels' signatures: a NUL-terminated JSON string. */
  signatures(): number;
  call(id: number, record: number): number;
}

/** One array of a call: where it goes in the scratch area and whether it moves in and out. */
interface Slot {
  array: Typed;
  offset: number;
  copyIn: boolean;
  copyOut: boolean;
}

/** Lays out a call's arrays after its record; the same array twice gets one slot (aliasing kept). */
class Layout {
  slots: Slot[] = [];
  constructor(public bytes: number) {}
  add(array: Typed, copyIn: boolean, copyOut: boolean): Slot {
    const same = this.slots.find(
      (s) =>
        s.array.buffer === array.buffer &&
        s.array.byteOffset === array.byteOffset &&
        s.array.byteLength === array.byteLength,
    );
    if (same) {
      same.copyIn ||= copyIn;
      same.copyOut ||= copyOut;
      return same;
    }
    const slot = { array, offset: this.bytes, copyIn, copyOut };
    this.bytes += (array.byteLength + 15) & ~15;
    this.slots.push(slot);
    return slot;
  }
}

function view(memory: WebAssembly.Memory, a: Typed, at: number): Typed {
  const C = a.constructor as new (b: ArrayBuffer, o: number, n: number) => Typed;
  return new C(memory.buffer, at, a.length);
}

/** A problem's arrays in SvcProblem's field order, and whether the kernel writes each. */
const problemArrays = (p: SvcDualProblem): [Typed, boolean][] => [
  [p.y, false],
  [p.alpha, true],
  [p.w, true],
  [p.active, true],
  [p.state, true],
];
/** Float64 slots per problem: the five array pointers and the two diagonal terms. */
const PROBLEM_SLOTS = 7;

/** The function that runs kernel `id` (described by d) on its flat parameters. */
function caller(e: Exports, id: number, d: KernelDescriptor, copyAll: boolean): KernelFunction {
  // Record slots: two per array or problem list, one per number or boolean.
  const twoSlots = d.flat.map((t) => t !== 'number' && t !== 'boolean');
  const slots = twoSlots.reduce((n, two) => n + (two ? 2 : 1), 0);
  return (...flat: unknown[]) => {
    const problems = d.flat.flatMap((t, i) => (t === 'SvcProblem[]' ? flat[i] : [])) as
      | SvcDualProblem[]
      | never[];
    const header = (slots + PROBLEM_SLOTS * problems.length) * 8;
    const layout = new Layout((header + 15) & ~15);
    const placed = flat.map((v, i) => {
      if (!twoSlots[i] || v === null || d.flat[i] === 'SvcProblem[]') return null;
      const z = d.readUnlessZero[i];
      const read = d.access[i] !== 'out' && !(z >= 0 && flat[z] === 0);
      return layout.add(v as Typed, copyAll || read, copyAll || d.access[i] !== 'in');
    });
    const problemSlots = (problems as SvcDualProblem[]).map((p) =>
      problemArrays(p).map(([a, writes]) => layout.add(a, true, copyAll || writes)),
    );
    const base = e.arena(layout.bytes);
    if (base === 0 && layout.bytes > 0) {
      throw new HebbError(`wasm: no memory left for the ${layout.bytes} bytes of a ${d.name} call`);
    }
    for (const s of layout.slots) {
      if (s.copyIn) view(e.memory, s.array, base + s.offset).set(s.array as never);
    }
    const record = new Float64Array(e.memory.buffer, base, header / 8);
    let r = 0;
    flat.forEach((v, i) => {
      if (!twoSlots[i]) record[r++] = typeof v === 'boolean' ? Number(v) : (v as number);
      else if (d.flat[i] === 'SvcProblem[]') {
        record[r++] = base + slots * 8;
        record[r++] = problems.length;
      } else {
        record[r++] = placed[i] ? base + placed[i]!.offset : 0;
        record[r++] = placed[i] ? (v as Typed).length : 0;
      }
    });
    (problems as SvcDualProblem[]).forEach((p, t) => {
      const at = slots + PROBLEM_SLOTS * t;
      const ptr = problemSlots[t].map((s) => base + s.offset);
      record.set([ptr[0], ptr[1], ptr[2], ptr[3], p.diagPos, p.diagNeg, ptr[4]], at);
    });
    const result = e.call(id, base);
    // Views are made after the call: the kernel may have grown (and so moved) the memory.
    for (const s of layout.slots) {
      if (s.copyOut) s.array.set(view(e.memory, s.array, base + s.offset) as never);
    }
    return d.returns === 'number' ? result : undefined;
  };
}

/** The NUL-terminated string at `at` in the module's memory. */
function readString(memory: WebAssembly.Memory, at: number): string {
  const bytes = new Uint8Array(memory.buffer, at);
  // A copy: TextDecoder refuses views of a shared memory's buffer.
  return new TextDecoder().decode(bytes.slice(0, bytes.indexOf(0)));
}

/** The threaded module's main instance: the memory it imports and its live worker count. */
export interface WasmThreading {
  memory: WebAssembly.Memory;
  workers: () => number;
}

/**
 * The module's kernels behind the Addon interface. `copyAll` (for tests) copies every array
 * in and out, whatever the table says; `threading` for the threaded module's main instance;
 * `relaxed` for a relaxed-SIMD build (named in info()).
 */
export function wasmAddon(
  instance: WebAssembly.Instance,
  copyAll = false,
  threading?: WasmThreading,
  relaxed = false,
): Addon {
  const e = (
    threading ? { ...instance.exports, memory: threading.memory } : instance.exports
  ) as unknown as Exports;
  if (typeof e.call !== 'function' || typeof e.signatures !== 'function') {
    throw new HebbError(
      'the wasm module was built before the kernel table (it has no call export); rebuild it with npm run build:wasm',
    );
  }
  e._initialize?.();
  const signatures = readString(e.memory, e.signatures());
  const addon: Record<string, unknown> = {
    info: () => {
      const threads = 1 + (threading?.workers() ?? 0);
      const gemm = relaxed ? 'hebb relaxed-SIMD FMA GEMM' : 'hebb SIMD128 GEMM';
      return {
        blas: threading
          ? `${gemm} (WebAssembly, ${threads} threads on a shared memory)`
          : `${gemm} (WebAssembly, single-threaded)`,
        threads,
        ompThreads: 1,
      };
    },
    signatures: () => signatures,
    setThreads: () => {},
  };
  // Kernel ids are the registration order, which is the order of the JSON's keys.
  const registered = Object.keys(JSON.parse(signatures) as Record<string, KernelSignature>);
  registered.forEach((name, id) => {
    const d = DESCRIPTORS[name as KernelName];
    // A kernel the table lacks is reported by createAddonKernels; it is never called.
    if (d) addon[name] = caller(e, id, d, copyAll);
  });
  return addon as unknown as Addon;
}
