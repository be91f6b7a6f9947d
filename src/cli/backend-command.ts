import type { Command } from 'commander';
import {
  availableBackends,
  backendUnavailableReason,
  getBackend,
  registeredBackends,
} from '../backend/registry.ts';
import { boolean, describe } from '../model/params.ts';
import type { CliIO } from './io.ts';
import { registerCommand } from './options.ts';

export function registerBackendCommand(program: Command, io: CliIO): void {
  registerCommand(program, {
    name: 'backend',
    description:
      'print the active compute backend and, for native, the BLAS library and thread counts',
    options: { json: describe(boolean({ default: false }), 'print one JSON object') },
    examples: ['hebb backend', 'HEBB_BACKEND=ts hebb backend'],
    action: (o) => {
      const info = getBackend().info();
      const unavailable = Object.fromEntries(
        registeredBackends()
          .map((n) => [n, backendUnavailableReason(n)] as const)
          .filter(([, why]) => why !== null),
      );
      if (o.json) {
        io.out(JSON.stringify({ ...info, available: availableBackends(), unavailable }));
        return;
      }
      io.out(`backend: ${info.name}`);
      if (info.module) io.out(`addon: ${info.module}`);
      io.out(`blas: ${info.blas}`);
      io.out(`blas threads: ${info.threads}`);
      io.out(`openmp threads: ${info.ompThreads}`);
      io.out(`available: ${availableBackends().join(', ')}`);
      for (const [n, why] of Object.entries(unavailable)) io.out(`${n} unavailable: ${why}`);
    },
  });
}
