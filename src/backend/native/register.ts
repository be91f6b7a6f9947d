// Node only: makes the native addon (C++ over OpenBLAS) available to backend selection.
// Imported for its effect by the Node entry, the CLI, the tests and the benchmarks.
import { registerBackend } from '../registry.ts';
import { withChecks } from '../checks/index.ts';
import { createNativeKernels, loadAddon } from './index.ts';

export const NATIVE_FIX =
  'install OpenBLAS (apt-get install libopenblas-dev pkg-config) and run npm run build:native';

registerBackend({
  name: 'native',
  priority: 10,
  fix: NATIVE_FIX,
  load: () => {
    const res = loadAddon();
    if (!('addon' in res)) return { reason: res.reason };
    try {
      return withChecks(createNativeKernels(res.addon));
    } catch (e) {
      // A build from other kernel sources than the table: unusable, and the message says why.
      return { reason: (e as Error).message };
    }
  },
});
