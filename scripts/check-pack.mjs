#!/usr/bin/env node
// prepack: refuses to pack a package that would lack its built parts. The wasm build skips
// itself without clang's wasm32 target (exit 0, so that installs go on), and a pack then
// succeeded without wasm/hebb.wasm: pages got a 404 (and the threaded and relaxed-SIMD twins beside it). One line saying what to do, exit 1.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WASM_MAGIC = '0061736d';

function fail(what, fix) {
  console.error(`hebb: cannot pack: ${what}; ${fix}`);
  process.exit(1);
}

for (const file of [
  'hebb.wasm',
  'hebb-threads.wasm',
  'hebb-relaxed.wasm',
  'hebb-threads-relaxed.wasm',
]) {
  const wasm = join(root, 'wasm', file);
  if (!existsSync(wasm)) {
    fail(
      `wasm/${file} is missing (the wasm build was skipped: see wasm/build.log)`,
      "run npm run build:wasm (needs clang's wasm32 target: apt-get install clang lld wasi-libc libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 libclang-rt-14-dev-wasm32)",
    );
  }
  if (readFileSync(wasm).subarray(0, 4).toString('hex') !== WASM_MAGIC) {
    fail(`wasm/${file} is not a WebAssembly module`, 'rebuild it with npm run build:wasm');
  }
}
for (const f of ['dist/index.js', 'dist/browser.js', 'dist/cli/main.js']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing`, 'run npm run build');
}
