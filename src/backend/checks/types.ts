import type { Backend } from '../types.ts';
import type { Ctx } from './validators.ts';

/** Every member of Backend that is called (all but its name). */
export type KernelName = Exclude<keyof Backend, 'name'>;

/**
 * The checks of one kernel: validates a call's arguments in the order the messages should
 * fire, throwing a HebbError. Returns the arguments to pass on when it fills in a default or
 * normalises one; otherwise the caller's arguments go through unchanged.
 */
export type Check<K extends KernelName> = (
  c: Ctx,
  ...args: Parameters<Backend[K]>
) => void | Parameters<Backend[K]>;

/** One check per kernel; a group file declares `{…} satisfies CheckGroup`. */
export type CheckTable = { [K in KernelName]: Check<K> };
export type CheckGroup = Partial<CheckTable>;
