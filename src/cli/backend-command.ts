import type { Command } from 'commander';
import { availableBackends, getBackend, nativeUnavailableReason } from '../backend/index.ts';

export function registerBackendCommand(program: Command): void {
  program
    .command('backend')
    .description(
      'print the active compute backend and, for native, the BLAS library and thread counts',
    )
    .addHelpText('after', '\nExample:\n  $ hebb backend\n  $ HEBB_BACKEND=ts hebb backend')
    .action(() => {
      const b = getBackend();
      const info = b.info();
      console.log(`backend: ${info.name}`);
      console.log(`blas: ${info.blas}`);
      console.log(`blas threads: ${info.threads}`);
      console.log(`openmp threads: ${info.ompThreads}`);
      console.log(`available: ${availableBackends().join(', ')}`);
      const why = nativeUnavailableReason();
      if (why) console.log(`native unavailable: ${why}`);
    });
}
