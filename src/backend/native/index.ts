import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Addon } from '../addon/addon.ts';
import { createAddonKernels } from '../addon/kernels.ts';
import type { Backend } from '../types.ts';

export const ADDON_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'build',
  'Release',
  'hebb_native.node',
);

/** Loads the addon, or returns why it cannot be used. */
export function loadAddon(): { addon: Addon } | { reason: string } {
  if (!existsSync(ADDON_PATH)) {
    return { reason: `the native addon is not built (${ADDON_PATH} is missing)` };
  }
  // OpenMP's idle threads spin by default, and between our fused loops the BLAS threads then
  // share the cores with spinning OpenMP workers: a SoftHebb batch of 100 at 784→2000 ran 3×
  // slower (0.200 vs 0.0625 ms/sample). libgomp reads this when the addon is loaded; a
  // setting of the user's own wins.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    return { addon: createRequire(import.meta.url)(ADDON_PATH) as Addon };
  } catch (e) {
    return { reason: `the native addon failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** The native backend's kernels (unchecked: wrap with withChecks). */
export function createNativeKernels(n: Addon): Backend {
  return createAddonKernels(n, 'native');
}

export type { Addon } from '../addon/addon.ts';
