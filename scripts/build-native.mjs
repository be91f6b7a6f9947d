#!/usr/bin/env node
// The install script: makes the optional native backend (C++ N-API addon over OpenBLAS) usable
// and never fails an install because of it. Where the package ships a prebuilt addon for this
// platform (prebuilds/linux-x64, scripts/prebuild.mjs) and it loads, nothing is compiled.
// Otherwise — another platform, HEBB_BUILD_FROM_SOURCE=1 (or npm's --build-from-source), a
// clone of hebb itself, `npm run build:native` (--strict) — the addon is compiled into
// build/Release, which hebb then prefers to the prebuilt one. One line says what happened, and
// when hebb will not run native, why and which command fixes it. npm ≥ 7 shows this output only
// with --foreground-scripts or on failure, so the notice hebb prints when it picks a backend
// says the same (src/backend/native/messages.ts). Compiler output: build/native-build.log.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileAddon, portableFlags } from './native-gyp.mjs';
import { missingLibrary, missingLibraryLine, notBuiltLine } from './native-messages.mjs';

const strict = process.argv.includes('--strict');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const inClone = existsSync(join(root, '.git'));
const target = `${process.platform}-${process.arch}`;
const prebuilt = join(root, 'prebuilds', target, 'hebb_native.node');
// The backend hebb falls back to when no addon loads.
const fallback = existsSync(join(root, 'wasm', 'hebb.wasm')) ? 'wasm' : 'ts';

function done(line, ok) {
  (ok ? console.log : console.warn)(line);
  process.exit(ok || !strict ? 0 : 1);
}

/** Null when the prebuilt addon loads here, else the loader's message. In a child process, so
 * that an addon that cannot run on this machine cannot take the install down with it. */
function tryPrebuilt() {
  const code = `try { require(${JSON.stringify(prebuilt)}) } catch (e) { process.stderr.write(String(e.message)); process.exit(1) }`;
  const r = spawnSync(process.execPath, ['-e', code], {
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
  });
  return r.status === 0 ? null : r.stderr.split('\n')[0] || `exit ${r.status ?? r.signal}`;
}

if (process.env.HEBB_SKIP_NATIVE === '1') done('hebb: native build skipped (HEBB_SKIP_NATIVE=1)');

const fromSource =
  strict ||
  inClone ||
  process.env.HEBB_BUILD_FROM_SOURCE === '1' ||
  process.env.npm_config_build_from_source === 'true';
const hasPrebuilt = existsSync(prebuilt);
let prebuiltError; // why the prebuilt addon does not load here, once tried
if (hasPrebuilt && !fromSource) {
  prebuiltError = tryPrebuilt();
  if (prebuiltError === null) {
    done(
      `hebb: native backend ready (the prebuilt addon for ${target} loads; nothing to compile)`,
      true,
    );
  }
  const lib = missingLibrary(prebuiltError);
  // Compiling would need the same library: say what to install instead.
  if (lib) done(missingLibraryLine(lib, fallback, inClone));
}

// Compiled for the x86-64 baseline with AVX2 copies of the hot loops (native/dispatch.h), so
// that a build runs on any x86-64 CPU, e.g. in an image built on one machine and run on
// another. HEBB_NATIVE_MARCH=native compiles for this CPU alone (measured no faster:
// docs/api.md); HEBB_NATIVE_MARCH=none adds no -march flag (the compiler's default).
const march = process.env.HEBB_NATIVE_MARCH || undefined;
if (march !== undefined && !/^[\w.-]+$/.test(march)) {
  done(`hebb: HEBB_NATIVE_MARCH='${march}' is not a -march value (e.g. native, x86-64-v3, none)`);
}
const cflags = march === undefined ? portableFlags() : march === 'none' ? '' : `-march=${march}`;
const failed = compileAddon({ dir: root, cflags, log: join(root, 'build', 'native-build.log') });
if (!failed) {
  done(
    `hebb: native backend built from source (OpenBLAS via pkg-config, OpenMP${cflags ? `, ${cflags}` : ''})`,
    true,
  );
}
// What hebb runs on instead: the prebuilt addon where it loads (here it was not wanted).
if (hasPrebuilt) prebuiltError ??= tryPrebuilt();
const why = prebuiltError
  ? `${failed}; the prebuilt addon does not load: ${prebuiltError}`
  : failed;
const instead = hasPrebuilt && !prebuiltError ? 'the prebuilt addon' : `the ${fallback} backend`;
done(notBuiltLine(why, instead, inClone));
