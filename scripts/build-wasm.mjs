#!/usr/bin/env node
// Builds the WebAssembly backend: the native addon's C++ kernels compiled for wasm32 with
// SIMD128, with a GEMM of our own in place of OpenBLAS (native/wasm/gemm.cc), four ways:
// wasm/hebb.wasm runs on one thread anywhere; wasm/hebb-threads.wasm imports a shared memory
// and lets worker instances share the GEMM (native/wasm/gemm_threads.cc), where the runtime
// has SharedArrayBuffer (Node; pages that are cross-origin isolated); the -relaxed twins of
// both fuse the GEMM's multiply-adds with relaxed SIMD, where the runtime validates it
// (Chromium; Node 20 only with --experimental-wasm-relaxed-simd).
// Part of `npm run build`; without clang's wasm32 target it prints one line saying how to get
// it and the build goes on (hebb then runs on native or ts). --strict makes that an error (CI).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
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
  { file: 'hebb-relaxed.wasm', flags: ['-mrelaxed-simd'], what: 'relaxed SIMD, one thread' },
  {
    file: 'hebb-threads-relaxed.wasm',
    flags: [...threads, '-mrelaxed-simd'],
    what: 'relaxed SIMD, threads',
  },
];

// clang 14 emits the relaxed multiply-add by its prototype opcode (f32x4.fma, fd af 01), which
// no runtime accepts now; the standard f32x4.relaxed_madd is fd 85 02, of the same length and
// operand order (a·b + c, as gemm.cc's madd uses it). The code section's pattern count must
// equal the disassembler's instruction count: then every occurrence is an instruction.
const OLD_FMA = Buffer.from([0xfd, 0xaf, 0x01]);
const RELAXED_MADD = Buffer.from([0xfd, 0x85, 0x02]);

/** The [start, end) of the module's code section (id 10). */
function codeSection(bytes) {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      size += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    if (id === 10) return [at, at + size];
    at += size;
  }
  throw new Error('no code section');
}

/* global WebAssembly */
function renumberRelaxed(path) {
  const objdump = process.env.HEBB_WASM_OBJDUMP || 'llvm-objdump-14';
  const dis = spawnSync(objdump, ['-d', path], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (dis.status !== 0) return `${objdump} failed (${dis.error?.message ?? dis.stderr.trim()})`;
  const want = dis.stdout.split('\n').filter((l) => /\bf32x4\.fma\b/.test(l)).length;
  const bytes = readFileSync(path);
  const [start, end] = codeSection(bytes);
  const found = [];
  for (let i = bytes.indexOf(OLD_FMA, start); i >= 0 && i < end; i = bytes.indexOf(OLD_FMA, i + 3))
    found.push(i);
  if (want === 0 || found.length !== want)
    return `${found.length} fd af 01 in the code, ${want} f32x4.fma instructions`;
  for (const i of found) RELAXED_MADD.copy(bytes, i);
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (!WebAssembly.validate(bytes)) return 'the renumbered module does not validate';
  writeFileSync(path, bytes);
  return null;
}
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
  if (flags.includes('-mrelaxed-simd')) {
    const why = renumberRelaxed(`${out}.tmp`);
    if (why) fail(`wasm/${file}: relaxed SIMD not renumbered: ${why}`);
  }
  renameSync(`${out}.tmp`, out);
  console.log(`hebb: wasm backend built (wasm/${file}, ${what})`);
}
