// The kernel table (./table.ts) as data, derived once at load: each kernel's argument kinds,
// the parameters the compiled kernels take (what native/glue/ reports for comparison), and
// which of those parameters a kernel writes (what the wasm marshaller copies back).
import { recordKinds, type Access, type FlatType, type Kind } from './kinds.ts';
import type { KernelName } from './methods.ts';
import { KERNELS } from './table.ts';

export interface KernelDescriptor {
  readonly name: KernelName;
  /** One kind per argument. */
  readonly args: readonly Kind[];
  readonly returns: 'number' | 'void';
  /** The compiled kernel's parameters, in order. */
  readonly flat: readonly FlatType[];
  /** How the kernel uses each of them ('in' for every scalar). */
  readonly access: readonly Access[];
  /**
   * For an output read only when a scalar is nonzero (gemm's C), that scalar's position in
   * `flat`; −1 elsewhere.
   */
  readonly readUnlessZero: readonly number[];
}

/** The flat parameters of one argument, with how each is used. */
function expand(k: Kind): { flat: FlatType[]; access: Access[]; kinds: Kind[] } {
  if (k.shape === 'options') {
    const parts = Object.values(k.fields!).map(expand);
    return {
      flat: parts.flatMap((p) => p.flat),
      access: parts.flatMap((p) => p.access),
      kinds: parts.flatMap((p) => p.kinds),
    };
  }
  // A matrix's or an array's data carries the access; sizes and other scalars are read.
  const data = k.shape === 'matrix' || k.shape === 'array' || k.shape === 'svcProblems';
  return {
    flat: [...k.flat],
    access: k.flat.map((_, i) => (data && i === 0 ? k.access : 'in')),
    kinds: k.flat.map(() => k),
  };
}

function describe(name: KernelName): KernelDescriptor {
  const { args, returns } = recordKinds(KERNELS[name] as () => unknown);
  const parts = args.map(expand);
  const kinds = parts.flatMap((p) => p.kinds);
  return {
    name,
    args,
    returns,
    flat: parts.flatMap((p) => p.flat),
    access: parts.flatMap((p) => p.access),
    readUnlessZero: kinds.map((k, i) =>
      k.readUnlessZero && i === kinds.indexOf(k) ? kinds.indexOf(k.readUnlessZero) : -1,
    ),
  };
}

export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

export const DESCRIPTORS = Object.fromEntries(KERNEL_NAMES.map((k) => [k, describe(k)])) as {
  readonly [K in KernelName]: KernelDescriptor;
};

/** The positions of the flat parameters a kernel writes (copied back by the wasm marshaller). */
export function writtenParameters(name: KernelName): number[] {
  return DESCRIPTORS[name].access.flatMap((a, i) => (a === 'in' ? [] : [i]));
}

/** Each kernel's flat parameter types and return, as native/glue/registry.cc reports them. */
export function expectedSignatures(): Record<string, { params: FlatType[]; returns: string }> {
  return Object.fromEntries(
    KERNEL_NAMES.map((k) => [
      k,
      { params: [...DESCRIPTORS[k].flat], returns: DESCRIPTORS[k].returns },
    ]),
  );
}
