#!/usr/bin/env node
// Builds the WebAssembly backend (wasm/hebb.wasm): the native addon's C++ kernels compiled for
// wasm32 with SIMD128, with a GEMM of our own in place of OpenBLAS (native/wasm/gemm.cc).
// Part of `npm run build`; without clang's wasm32 target it prints one line saying how to get
// it and the build goes on (hebb then runs on native or ts). --strict makes that an error (CI).
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeSources } from './native-sources.mjs';

const strict = process.argv.includes('--strict');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'wasm', 'hebb.wasm');
const log = join(root, 'wasm', 'build.log');
const FIX =
  'fix: apt-get install clang lld wasi-libc libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 libclang-rt-14-dev-wasm32, then npm run build:wasm';

function fail(reason) {
  console.warn(`hebb: wasm backend not built (${reason}). ${FIX}`);
  process.exit(strict ? 1 : 0);
}

if (process.env.HEBB_SKIP_WASM === '1') fail('HEBB_SKIP_WASM=1');
const cxx = process.env.HEBB_WASM_CXX || 'clang++';
const args = [
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
  '-o',
  `${out}.tmp`,
  ...nativeSources('wasm'),
];
mkdirSync(dirname(out), { recursive: true });
const res = spawnSync(cxx, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
writeFileSync(log, `${cxx} ${args.join(' ')}\n${res.stdout ?? ''}\n${res.stderr ?? ''}`);
if (res.error) fail(`${cxx} not found`);
if (res.status !== 0) {
  const err = `${res.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l)) ?? 'see log';
  fail(`compile failed: ${err.trim().slice(0, 200)} — full output in ${log}`);
}
renameSync(`${out}.tmp`, out);
console.log(`hebb: wasm backend built (${out.slice(root.length + 1)}, SIMD128)`);
