// The WebAssembly module (wasm/hebb.wasm, built from native/ by scripts/build-wasm.mjs) seen
// through the native addon's interface, so createAddonKernels serves both. The module exports
// the addon's functions under the same names, each typed array as (pointer, length) into its
// own memory: every call copies its arrays into one scratch area of that memory, calls, and
// copies back the arrays the function writes. The parameter lists come from the addon's
// signature table (ADDON_SIGNATURES), so the two builds cannot drift apart silently.
// Browser-safe.
import type { SvcDualProblem } from '../types.ts';
import type { Addon } from '../addon/addon.ts';
import { ADDON_SIGNATURES } from '../addon/signatures.ts';

type Typed = Float32Array | Int32Array | Uint32Array | Float64Array | Int8Array | Uint8Array;
type Fn = keyof typeof ADDON_SIGNATURES;

/**
 * The arrays each function writes (copied back after the call), and of those the ones it
 * never reads (not copied in). test/backend/wasm.test.ts checks the first list is complete.
 */
export const WASM_WRITES: Partial<Record<Fn, { writes: string[]; writeOnly?: string[] }>> = {
  gemm: { writes: ['c'] },
  unary: { writes: ['y'], writeOnly: ['y'] },
  binary: { writes: ['y'], writeOnly: ['y'] },
  axpy: { writes: ['y'] },
  scale: { writes: ['x'] },
  addRowVector: { writes: ['a'] },
  addColumnVector: { writes: ['a'] },
  scaleRows: { writes: ['a'] },
  scaleColumns: { writes: ['a'] },
  softmaxRows: { writes: ['out'], writeOnly: ['out'] },
  softmaxRowsBackward: { writes: ['out'] },
  rowNorms: { writes: ['out'], writeOnly: ['out'] },
  normalizeRows: { writes: ['out'], writeOnly: ['out'] },
  normalizeRowsBackward: { writes: ['out'] },
  argmaxRows: { writes: ['out'], writeOnly: ['out'] },
  sum: { writes: ['out'] },
  im2col: { writes: ['out'], writeOnly: ['out'] },
  col2im: { writes: ['out'], writeOnly: ['out'] },
  pool2d: { writes: ['out'], writeOnly: ['out'] },
  softHebbUpdate: { writes: ['w'] },
  softHebbHardUpdate: { writes: ['w'] },
  softHebbSoftStep: { writes: ['w', 'y', 'scale'], writeOnly: ['y'] },
  softHebbOnline: { writes: ['w', 'bias', 'preActivations'] },
  adamUpdate: { writes: ['param', 'm', 'v', 'direction'] },
  localMatmul: { writes: ['out'] },
  localMatmulT: { writes: ['out'] },
  localOuter: { writes: ['blocks'] },
  smEulerStep: { writes: ['u', 'r', 'du2', 'u2'] },
  attention: { writes: ['probs', 'out'], writeOnly: ['probs', 'out'] },
  attentionBackward: { writes: ['dq', 'dk', 'dv'], writeOnly: ['dq', 'dk', 'dv'] },
  randomU32: { writes: ['out'], writeOnly: ['out'] },
  fillUniform: { writes: ['out'], writeOnly: ['out'] },
  fillNormal: { writes: ['out'], writeOnly: ['out'] },
};

interface Exports {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  arena(bytes: number): number;
  [fn: string]: unknown;
}

/** One array of a call: where it goes in the scratch area and whether it moves in and out. */
interface Slot {
  array: Typed;
  offset: number;
  copyIn: boolean;
  copyOut: boolean;
}

/** Lays out a call's arrays in the scratch area; the same array twice gets one slot (aliasing kept). */
class Layout {
  slots: Slot[] = [];
  bytes = 0;
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

/**
 * The module's functions behind the Addon interface. `copyAll` (for tests) copies every array
 * in and out, whatever WASM_WRITES says.
 */
export function wasmAddon(instance: WebAssembly.Instance, copyAll = false): Addon {
  const e = instance.exports as unknown as Exports;
  e._initialize?.();

  function call(fn: Fn, args: unknown[]): unknown {
    const params = ADDON_SIGNATURES[fn] as readonly string[];
    const table = WASM_WRITES[fn] ?? { writes: [] };
    const layout = new Layout();
    // Each argument becomes one or two wasm parameters; arrays as [slot, length] until placed.
    const plan: (number | Slot | [Slot | null, number])[] = [];
    let problems: { list: readonly SvcDualProblem[]; slots: Slot[][] } | undefined;
    params.forEach((param, i) => {
      const [name, type] = param.split(':');
      const v = args[i];
      if (type === 'number') plan.push(v as number);
      else if (type === 'boolean') plan.push(v ? 1 : 0);
      else if (type === 'SvcProblem[]') {
        const list = v as readonly SvcDualProblem[];
        problems = {
          list,
          slots: list.map((p) => [
            layout.add(p.y, true, false),
            layout.add(p.alpha, true, true),
            layout.add(p.w, true, true),
            layout.add(p.active, true, true),
            layout.add(p.state, true, true),
          ]),
        };
      } else if (v === null) plan.push([null, 0]);
      else {
        const a = v as Typed;
        const writes = copyAll || table.writes.includes(name);
        const writeOnly =
          !copyAll &&
          ((table.writeOnly?.includes(name) ?? false) ||
            (fn === 'gemm' && name === 'c' && args[10] === 0));
        plan.push([layout.add(a, !writeOnly, writes), a.length]);
      }
    });
    // svcDualEpoch's problems: per problem five pointers and two diagonal terms.
    let ptrs: Slot | undefined;
    let diags: Slot | undefined;
    if (problems) {
      const n = problems.list.length;
      ptrs = layout.add(new Int32Array(5 * n), true, false);
      diags = layout.add(new Float64Array(2 * n), true, false);
    }
    const base = e.arena(layout.bytes);
    if (problems && ptrs && diags) {
      const p = ptrs.array as Int32Array;
      const d = diags.array as Float64Array;
      problems.slots.forEach((s, t) => {
        s.forEach((slot, j) => (p[5 * t + j] = base + slot.offset));
        d[2 * t] = problems!.list[t].diagPos;
        d[2 * t + 1] = problems!.list[t].diagNeg;
      });
    }
    for (const s of layout.slots) {
      if (s.copyIn) view(e.memory, s.array, base + s.offset).set(s.array as never);
    }
    const flat: number[] = [];
    for (const p of plan) {
      if (typeof p === 'number') flat.push(p);
      else if (Array.isArray(p)) flat.push(p[0] ? base + p[0].offset : 0, p[1]);
    }
    if (ptrs && diags) flat.push(base + ptrs.offset, base + diags.offset, problems!.list.length);
    const result = (e[fn] as (...a: number[]) => unknown)(...flat);
    // Views are made after the call: the kernel may have grown (and so moved) the memory.
    for (const s of layout.slots) {
      if (s.copyOut) s.array.set(view(e.memory, s.array, base + s.offset) as never);
    }
    return result;
  }

  const addon: Record<string, unknown> = {
    info: () => ({
      blas: 'hebb SIMD128 GEMM (WebAssembly, single-threaded)',
      threads: 1,
      ompThreads: 1,
    }),
    signatures: () => ADDON_SIGNATURES,
    setThreads: () => {},
  };
  for (const fn of Object.keys(ADDON_SIGNATURES) as Fn[]) {
    if (fn in addon) continue;
    if (typeof e[fn] !== 'function') {
      throw new Error(`the WebAssembly module lacks '${fn}': rebuild it (npm run build:wasm)`);
    }
    addon[fn] = (...args: unknown[]) => call(fn, args);
  }
  return addon as unknown as Addon;
}
