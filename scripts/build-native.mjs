#!/usr/bin/env node
// Builds the optional native backend (C++ N-API addon over OpenBLAS). An install never fails
// because of it: without --strict a failed build prints one line saying why and how to fix it,
// and hebb runs on the portable TypeScript backend. Full compiler output goes to
// build/native-build.log.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = join(root, 'build', 'native-build.log');
const FIX = 'fix: apt-get install libopenblas-dev pkg-config, then npm run build:native';

function fail(reason) {
  const line = `hebb: native backend not built (${reason}); using the portable TypeScript backend. ${FIX}`;
  console.warn(line);
  process.exit(strict ? 1 : 0);
}

if (process.env.HEBB_SKIP_NATIVE === '1') fail('HEBB_SKIP_NATIVE=1');

const pc = spawnSync('pkg-config', ['--exists', 'openblas']);
if (pc.error) fail('pkg-config is not installed');
if (pc.status !== 0) fail('OpenBLAS not found by pkg-config openblas');

// Node's headers: npm exports npm_config_nodedir; otherwise use the prefix of this node binary.
// Passing --nodedir keeps node-gyp from trying to download headers (no network here).
const nodedir = process.env.npm_config_nodedir || join(dirname(process.execPath), '..');
if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
  fail(`Node headers not found under ${nodedir}/include/node; set npm_config_nodedir`);
}

// npm sets npm_config_node_gyp to its bundled copy during lifecycle scripts; otherwise use ours.
let gyp = process.env.npm_config_node_gyp;
if (!gyp) {
  try {
    gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    fail('node-gyp not found (install dev dependencies)');
  }
}

// The kernels are compiled for this machine's CPU on x86-64 (-march=native: AVX2/AVX-512 where
// present; the softmax of a SoftHebb step ran 2.3× faster than with the baseline x86-64 build).
// To build one addon for several machines, set HEBB_NATIVE_MARCH to their common target (e.g.
// x86-64-v2); HEBB_NATIVE_MARCH=none adds no -march flag (the compiler's default).
const march = process.env.HEBB_NATIVE_MARCH || (process.arch === 'x64' ? 'native' : 'none');
if (!/^[\w.-]+$/.test(march)) fail(`HEBB_NATIVE_MARCH='${march}' is not a -march value`);
const archFlags = march === 'none' ? '' : `-march=${march}`;
const res = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], {
  env: { ...process.env, HEBB_ARCH_CFLAGS: archFlags },
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
mkdirSync(dirname(log), { recursive: true });
writeFileSync(log, `${res.stdout ?? ''}\n${res.stderr ?? ''}`);
if (res.status !== 0) {
  const err = `${res.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l)) ?? 'see log';
  fail(`compile failed: ${err.trim().slice(0, 200)} — full output in ${log}`);
}
console.log(
  `hebb: native backend built (OpenBLAS via pkg-config, OpenMP${archFlags ? `, ${archFlags}` : ''})`,
);
