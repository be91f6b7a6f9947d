// The native backend's thread count, for Node code that sets it per run (the emergence
// experiments' --threads: their small matrices run fastest on one thread).
import type { Backend } from '../types.ts';
import { loadAddon } from './index.ts';

/** Sets the native backend's BLAS and OpenMP threads; other backends run on one and ignore it. */
export function setNativeThreads(be: Backend, n: number): void {
  if (be.name !== 'native') return;
  const res = loadAddon();
  if ('addon' in res) res.addon.setThreads(n);
}
