// Node only: makes the native addon (C++ over OpenBLAS) available to backend selection.
// Imported for its effect by the Node entry, the CLI, the tests and the benchmarks.
import { registerBackend } from '../registry.ts';
import { withChecks } from '../checks/index.ts';
import { createNativeKernels, loadAddon } from './index.ts';

registerBackend({
  name: 'native',
  priority: 10,
  // What to do depends on why it did not load: load() says (src/backend/native/messages.ts).
  load: () => {
    const res = loadAddon();
    if (!('addon' in res)) return res;
    try {
      const kernels = createNativeKernels(res.addon);
      const info = kernels.info;
      const module = `${res.file.path} (${res.file.origin})`;
      return withChecks({ ...kernels, info: () => ({ ...info(), module }) });
    } catch (e) {
      // A build from other kernel sources than the table: unusable, and the message says why.
      return { reason: (e as Error).message };
    }
  },
});
