import type { KernelName, Kernels } from '../kernels/methods.ts';
import type { Ctx } from './validators.ts';

export type { KernelName };

/**
 * The checks of one kernel: validates a call's arguments in the order the messages should
 * fire, throwing a HebbError. Returns the arguments to pass on when it fills in a default or
 * normalises one; otherwise the caller's arguments go through unchanged.
 */
export type Check<K extends KernelName> = (
  c: Ctx,
  ...args: Parameters<Kernels[K]>
) => void | Parameters<Kernels[K]>;

/** One check per kernel of the table (src/backend/kernels/table.ts). */
export type CheckTable = { [K in KernelName]: Check<K> };
/** The checks of one group file, named as the group's file in src/backend/ts/. */
export type CheckGroup = Partial<CheckTable>;
