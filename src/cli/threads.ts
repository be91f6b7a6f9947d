import { loadAddon } from '../backend/native/index.ts';
import type { Backend } from '../backend/types.ts';

/** Sets the native backend's BLAS and OpenMP threads (the portable backend has one). */
export function setThreads(be: Backend, n: number): void {
  if (be.name !== 'native') return;
  const res = loadAddon();
  if ('addon' in res) res.addon.setThreads(n);
}
