// Node only: finds and loads the native addon. In order: the file HEBB_NATIVE_PATH names (tests,
// benchmarks); else the addon built from source (build/Release, by the install script or
// `npm run build:native`) when present; else the prebuilt one the package ships for this
// platform (prebuilds/<platform>-<arch>, made by scripts/prebuild.mjs).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Addon } from '../addon/addon.ts';
import { createAddonKernels } from '../addon/kernels.ts';
import type { Backend } from '../types.ts';
import {
  BUILD_PACKAGES,
  missingLibrary,
  missingLibraryProblem,
  notBuiltProblem,
  rebuildCommand,
  type NativeProblem,
} from './messages.ts';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where the addon built from source lands. */
export const ADDON_PATH = join(PACKAGE_ROOT, 'build', 'Release', 'hebb_native.node');

/** Where to look, for tests: the package root, the environment and the platform. */
export interface AddonSearch {
  root?: string;
  env?: Record<string, string | undefined>;
  platform?: string;
  arch?: string;
}

/** An addon file and how it came to be there. */
export interface AddonFile {
  path: string;
  origin: 'HEBB_NATIVE_PATH' | 'source' | 'prebuilt';
}

/** The addon file to load, or why there is none. */
export function findAddon(search: AddonSearch = {}): AddonFile | NativeProblem {
  const root = search.root ?? PACKAGE_ROOT;
  const env = search.env ?? process.env;
  const target = `${search.platform ?? process.platform}-${search.arch ?? process.arch}`;
  const inClone = existsSync(join(root, '.git'));
  const given = env.HEBB_NATIVE_PATH?.trim();
  if (given) {
    const path = resolve(given);
    if (existsSync(path)) return { path, origin: 'HEBB_NATIVE_PATH' };
    return {
      reason: `HEBB_NATIVE_PATH=${given} does not exist`,
      fix: 'unset it or name a .node file',
    };
  }
  const source = join(root, 'build', 'Release', 'hebb_native.node');
  if (existsSync(source)) return { path: source, origin: 'source' };
  const prebuilt = join(root, 'prebuilds', target, 'hebb_native.node');
  if (existsSync(prebuilt)) return { path: prebuilt, origin: 'prebuilt' };
  return notBuiltProblem(target, inClone);
}

/** Loads the addon, or returns why it cannot be used and what to do about it. */
export function loadAddon(
  search: AddonSearch = {},
): { addon: Addon; file: AddonFile } | NativeProblem {
  const file = findAddon(search);
  if (!('path' in file)) return file;
  // OpenMP's idle threads spin by default, and between our fused loops the BLAS threads then
  // share the cores with spinning OpenMP workers: a SoftHebb batch of 100 at 784→2000 ran 3×
  // slower (0.200 vs 0.0625 ms/sample). libgomp reads this when the addon is loaded; a
  // setting of the user's own wins.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  // The reverse: OpenBLAS's idle threads spin for 2^28 cycles (about 0.1 s) after each call,
  // sharing a core with our OpenMP loops that follow it. The sparse-A GEMM of a ReLU network's
  // backward pass, run after the forward sgemm, took 30 ms instead of 13 at 1000 rows. 2^20
  // cycles (about 0.35 ms) still covers back-to-back BLAS calls; SoftHebb and MLP fits measured
  // the same either way, while the Krotov–Hopfield fit, whose JavaScript loop between GEMMs is
  // longer, is 7–8 % slower (docs/benchmarks.md).
  process.env.OPENBLAS_THREAD_TIMEOUT ??= '20';
  try {
    return { addon: createRequire(import.meta.url)(file.path) as Addon, file };
  } catch (e) {
    return loadProblem(file, (e as Error).message, search.root ?? PACKAGE_ROOT);
  }
}

function loadProblem(file: AddonFile, message: string, root: string): NativeProblem {
  const inClone = existsSync(join(root, '.git'));
  const lib = missingLibrary(message);
  if (lib) return missingLibraryProblem(lib, inClone);
  const which =
    file.origin === 'prebuilt'
      ? `the prebuilt native addon (${relative(root, dirname(file.path))})`
      : `the native addon ${file.path}`;
  return {
    reason: `${which} failed to load: ${message.split('\n')[0]}`,
    fix:
      file.origin === 'prebuilt'
        ? `build it from source: apt-get install ${BUILD_PACKAGES}, then ${rebuildCommand(inClone)}`
        : `rebuild it: ${rebuildCommand(inClone)}`,
  };
}

/** The native backend's kernels (unchecked: wrap with withChecks). */
export function createNativeKernels(n: Addon): Backend {
  return createAddonKernels(n, 'native');
}

export type { Addon } from '../addon/addon.ts';
