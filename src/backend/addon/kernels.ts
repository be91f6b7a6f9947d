// The compiled kernels (the native addon or the wasm module) as a Backend: for each kernel of
// the table, a caller derived from its declaration (../kernels/callers.ts) that flattens the
// arguments and calls the kernel. The module's own list of kernels is compared with the table
// once, when it is wrapped, so a stale build says so instead of misreading arguments.
// Browser-safe.
import { HebbError } from '../../errors.ts';
import { DESCRIPTORS, expectedSignatures, KERNEL_NAMES } from '../kernels/describe.ts';
import { caller } from '../kernels/callers.ts';
import { compile } from '../kernels/flatten.ts';
import type { Backend, BackendName } from '../types.ts';
import type { Addon, KernelSignature } from './addon.ts';

/** Differences between the module's kernels and the table's, in words (none: []). */
export function signatureDrift(addon: Addon): string[] {
  const json: unknown = addon.signatures();
  // An addon built before the kernel table reported an object of parameter lists.
  if (typeof json !== 'string') return ['it was built before the kernel table'];
  const got = JSON.parse(json) as Record<string, KernelSignature>;
  const want = expectedSignatures();
  const said = (s: KernelSignature) => `(${s.params.join(', ')}) → ${s.returns}`;
  const drift: string[] = [];
  for (const k of KERNEL_NAMES) {
    if (!got[k]) drift.push(`it lacks ${k}`);
    else if (said(got[k]) !== said(want[k]))
      drift.push(`its ${k} takes ${said(got[k])} but the table declares ${said(want[k])}`);
  }
  for (const k of Object.keys(got)) {
    if (!(k in want)) drift.push(`it registers ${k}, which the table does not declare`);
  }
  return drift;
}

/** The kernels of an addon-shaped module as a Backend named `name` (unchecked: wrap with withChecks). */
export function createAddonKernels(addon: Addon, name: BackendName = 'native'): Backend {
  const drift = signatureDrift(addon);
  if (drift.length > 0) {
    const build = name === 'wasm' ? 'npm run build:wasm' : 'npm run build:native';
    throw new HebbError(
      `the ${name} kernels differ from src/backend/kernels/table.ts: ${drift.slice(0, 3).join('; ')}${drift.length > 3 ? ` (and ${drift.length - 3} more)` : ''}; rebuild them with ${build}`,
    );
  }
  const backend: Record<string, unknown> = { name, info: () => ({ name, ...addon.info() }) };
  for (const k of KERNEL_NAMES) {
    const d = DESCRIPTORS[k];
    backend[k] = caller(compile(d.args), d.flat.length, addon[k]);
  }
  return backend as unknown as Backend;
}
