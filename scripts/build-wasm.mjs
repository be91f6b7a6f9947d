#!/usr/bin/env node
// Builds the WebAssembly backend: the native addon's C++ kernels compiled for wasm32 with
// SIMD128, with a GEMM of our own in place of OpenBLAS (native/wasm/gemm.cc), twice:
// wasm/hebb.wasm runs on one thread anywhere; wasm/hebb-threads.wasm imports a shared memory
// and lets worker instances share the GEMM (native/wasm/gemm_threads.cc), where the runtime
// has SharedArrayBuffer (Node; pages that are cross-origin isolated).
// Part of `npm run build`; without clang's wasm32 target it prints one line saying how to get
// it and the build goes on (hebb then runs on native or ts). --strict makes that an error (CI).
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeSources } from './native-sources.mjs';

const strict = process.argv.includes('--strict');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = join(root, 'wasm', 'build.log');
const FIX =
  'fix: apt-get install clang lld wasi-libc libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 libclang-rt-14-dev-wasm32, then npm run build:wasm';

function fail(reason) {
  console.warn(`hebb: wasm backend not built (${reason}). ${FIX}`);
  process.exit(strict ? 1 : 0);
}

if (process.env.HEBB_SKIP_WASM === '1') fail('HEBB_SKIP_WASM=1');
const cxx = process.env.HEBB_WASM_CXX || 'clang++';
const common = [
  '--target=wasm32-wasi',
  '-mexec-model=reactor', // a library: no main, exports called from JavaScript
  '-O3',
  '-msimd128',
  '-std=c++17',
  '-fno-exceptions',
  '-fopenmp-simd', // the kernels' `omp simd` loops vectorise; `omp parallel` runs serially
  // as the native build: no contraction, so both round alike where the loops are the same
  '-ffp-contract=off',
  '-fno-math-errno',
  '-fno-trapping-math',
  '-Inative/wasm',
  '-Wall',
  '-Wno-unknown-pragmas',
  '-Wno-unused-parameter',
  '-Wno-pass-failed',
  '-Wl,--max-memory=4294967296',
  '-Wl,--strip-all',
];
// The threaded module: atomics over a memory the loader creates shared (its initial size is
// THREADS_INITIAL_PAGES in src/backend/wasm/threads.ts). wasi-libc and libc++ here are built
// without atomics, so the feature check is off: only the main instance allocates or runs
// libc, the workers run the GEMM alone. Function-local statics are only reached by the main
// instance too (no guards, which would pull in stdio); thread_local needs local-exec.
const threads = [
  '-matomics',
  '-mbulk-memory',
  '-ftls-model=local-exec',
  '-fno-threadsafe-statics',
  '-Wl,--import-memory,--shared-memory,--initial-memory=2097152,--no-check-features',
  '-Wl,--export=__stack_pointer', // each worker instance sets its own stack
];
const variants = [
  { file: 'hebb.wasm', flags: [], what: 'SIMD128, one thread' },
  { file: 'hebb-threads.wasm', flags: threads, what: 'SIMD128, threads' },
];
mkdirSync(join(root, 'wasm'), { recursive: true });
let logText = '';
for (const { file, flags, what } of variants) {
  const out = join(root, 'wasm', file);
  const args = [...common, ...flags, '-o', `${out}.tmp`, ...nativeSources('wasm')];
  const res = spawnSync(cxx, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  logText += `${cxx} ${args.join(' ')}\n${res.stdout ?? ''}\n${res.stderr ?? ''}\n`;
  writeFileSync(log, logText);
  if (res.error) fail(`${cxx} not found`);
  if (res.status !== 0) {
    const err = `${res.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l)) ?? 'see log';
    fail(`compile of ${file} failed: ${err.trim().slice(0, 200)} — full output in ${log}`);
  }
  renameSync(`${out}.tmp`, out);
  console.log(`hebb: wasm backend built (wasm/${file}, ${what})`);
}
