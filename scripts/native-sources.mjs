#!/usr/bin/env node
// The C++ sources of each build, listed in one place: the kernels (native/*.cc, each
// registering its kernels with HEBB_KERNEL) and the registry (native/glue/) go into both; the
// N-API surface (native/node/) into the addon, the exports and the GEMM (native/wasm/) into the
// WebAssembly module. binding.gyp runs this file (`node scripts/native-sources.mjs node`);
// scripts/build-wasm.mjs imports it.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const cc = (dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.cc'))
    .sort()
    .map((f) => `${dir}/${f}`);

/** Paths relative to the package root, for target 'node' or 'wasm'. */
export function nativeSources(target) {
  if (target !== 'node' && target !== 'wasm') throw new Error(`unknown target '${target}'`);
  return [...cc('native'), ...cc('native/glue'), ...cc(`native/${target}`)];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(nativeSources(process.argv[2]).join(' '));
}
