// The Backend's kernel methods, read by the compiler from the kernel table (./table.ts): each
// declaration's parameters become the method's, with their names and documentation, each typed
// by its kind; a kind with a default makes the parameter optional.
import type { Kind, TypeOf } from './kinds.ts';
import type { KERNELS } from './table.ts';

type Table = typeof KERNELS;
/**
 * The name of a kernel method of the Backend interface, one per entry of the kernel table.
 *
 * @useDeclaredType
 */
export type KernelName = keyof Table;

// A declaration's parameters are all optional (they have defaults); One turns a one-element
// slice of them into the method's parameter, keeping its name: required unless its kind is
// optional. Slicing rather than indexing keeps the names, which tuple element types do not have.
type One<H extends unknown[]> =
  NonNullable<H[0]> extends Kind<unknown, true>
    ? { [I in keyof H]?: TypeOf<NonNullable<H[I]>> }
    : { [I in keyof H]-?: TypeOf<NonNullable<H[I]>> };
type Params<T extends unknown[]> = T extends []
  ? []
  : number extends T['length']
    ? never
    : T extends [unknown?, ...infer Rest]
      ? T extends [...infer Head, ...Rest]
        ? [...One<Head>, ...Params<Rest>]
        : never
      : never;

type Returns<D> = D extends (...args: never[]) => infer R
  ? R extends number
    ? number
    : void
  : never;

/**
 * Every kernel of the table as a Backend method. Written over `keyof Table` in place (not
 * through an alias) so that each method keeps its declaration's documentation.
 */
export type Kernels = {
  [K in keyof Table]: (...args: Params<Parameters<Table[K]>>) => Returns<Table[K]>;
};

/** Some kernels: what one group file of a backend (e.g. src/backend/ts/softhebb.ts) provides. */
export type KernelGroup = Partial<Kernels>;
