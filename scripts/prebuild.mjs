#!/usr/bin/env node
// Builds the prebuilt addon the package ships (prebuilds/linux-x64/hebb_native.node), so that
// `npm i hebb` on Linux x64 with OpenBLAS gets the native backend without a compiler. Run by
// `npm run build:prebuilt` and by prepack. Compiled for the x86-64 baseline (any x86-64 CPU);
// the hot loops carry AVX2 copies picked when the addon loads (HEBB_CLONES, native/dispatch.h).
// At run time it needs glibc ≥ 2.29, libstdc++ (GCC ≥ 5), libgomp.so.1 and libopenblas.so.0
// (linking libstdc++ in statically would raise the glibc it needs to the build machine's).
// N-API version 8: one file for every Node ≥ 20. It is built in a scratch copy, leaving build/
// (the build from source) alone.
//
// Options (for comparing builds, bench/addon-builds.ts): --march <target> (e.g. native; default:
// the portable flags), --no-clones (no AVX2 copies), --out <file>.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileAddon, portableFlags } from './native-gyp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? fallback : process.argv[i + 1];
};
const march = arg('--march', null);
const clones = !process.argv.includes('--no-clones');
const out = resolve(arg('--out', join(root, 'prebuilds', 'linux-x64', 'hebb_native.node')));

if (process.platform !== 'linux' || process.arch !== 'x64') {
  // Packing elsewhere leaves the prebuilt out: Linux x64 users then compile at install.
  console.warn(
    `hebb: no prebuilt addon made (it is built on linux-x64, this is ${process.platform}-${process.arch})`,
  );
  process.exit(0);
}
if (march !== null && !/^[\w.-]+$/.test(march)) {
  console.error(`hebb: --march '${march}' is not a -march value`);
  process.exit(1);
}

/** Builds the addon into `out` in a scratch copy of the sources; null, or why not. */
function build() {
  const scratch = mkdtempSync(join(tmpdir(), 'hebb-prebuild-'));
  try {
    cpSync(join(root, 'binding.gyp'), join(scratch, 'binding.gyp'));
    cpSync(join(root, 'native'), join(scratch, 'native'), { recursive: true });
    const sources = join('scripts', 'native-sources.mjs');
    cpSync(join(root, sources), join(scratch, sources));
    // binding.gyp resolves node-addon-api's headers from its folder.
    symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
    const flags = march === null ? portableFlags() : `-march=${march}`;
    const cflags = `${flags}${clones ? '' : ' -DHEBB_NO_CLONES'}`;
    const failed = compileAddon({ dir: scratch, cflags, log: join(root, 'build', 'prebuild.log') });
    if (failed) return failed;
    mkdirSync(dirname(out), { recursive: true });
    const built = join(scratch, 'build', 'Release', 'hebb_native.node');
    // Symbols are not needed to load or profile the exported kernels: a third of the size.
    const strip = spawnSync('strip', ['--strip-unneeded', '-o', out, built]);
    if (strip.error || strip.status !== 0) cpSync(built, out);
    return null;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const failed = build();
// It must load here (the N-API module initialises and lists its kernels).
const check = failed
  ? null
  : spawnSync(
      process.execPath,
      ['-e', `process.stdout.write(String(Object.keys(require(${JSON.stringify(out)})).length))`],
      { encoding: 'utf8' },
    );
const problem =
  failed ?? (check.status !== 0 ? `it does not load: ${check.stderr.split('\n')[0]}` : null);
if (problem) {
  // No stale addon goes into a package. Packing a git dependency (npm runs prepack while
  // installing it) must not fail for want of a compiler: the install then compiles, or says
  // why not. Everywhere else (npm publish, npm run build:prebuilt, CI) it is an error.
  rmSync(out, { force: true });
  const lenient =
    process.env.npm_lifecycle_event === 'prepack' && process.env.npm_command !== 'publish';
  console.error(
    `hebb: prebuilt addon not built (${problem})${lenient ? '; packing without it' : ''}`,
  );
  process.exit(lenient ? 0 : 1);
}
const kb = Math.round(statSync(out).size / 1024);
const how = `${march === null ? 'x86-64 baseline' : `-march=${march}`}${clones ? ' with AVX2 copies of the hot loops' : ''}`;
console.log(
  `hebb: prebuilt addon ${relative(root, out)} (${kb} KB, ${how}, ${check.stdout} exports)`,
);
