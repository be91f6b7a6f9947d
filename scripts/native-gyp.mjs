// Compiling the native addon with node-gyp, shared by the install script (build-native.mjs,
// which builds in place into build/Release) and the prebuilt addon's build (prebuild.mjs, which
// builds a scratch copy). Each check names the missing tool, so that a message blames what is
// actually missing rather than the first thing the compile trips over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The compiler flags of a build that runs on every CPU of this architecture: on x86-64 the
 * baseline, the hot loops getting AVX2 copies picked at load time (HEBB_CLONES,
 * native/dispatch.h); elsewhere the compiler's default.
 */
export function portableFlags(arch = process.arch) {
  return arch === 'x64' ? '-march=x86-64 -mtune=generic' : '';
}

const runs = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
};

/**
 * Why the addon cannot be compiled here, or null when the tools are all present: a C++
 * compiler (CXX, else g++ as gyp's Makefiles use), make, pkg-config, OpenBLAS's headers, Node's
 * headers and node-gyp.
 */
export function missingBuildTool() {
  const cxx = process.env.CXX || 'g++';
  if (!runs(cxx, ['--version'])) return `no C++ compiler: ${cxx} not found`;
  if (!runs('make', ['--version'])) return 'make not found';
  if (!runs('pkg-config', ['--version'])) return 'pkg-config not found';
  if (!runs('pkg-config', ['--exists', 'openblas'])) {
    return 'OpenBLAS headers not found (pkg-config openblas)';
  }
  if (!existsSync(join(nodeHeaders(), 'include', 'node', 'node_api.h'))) {
    return `Node headers not found under ${nodeHeaders()}/include/node; set npm_config_nodedir`;
  }
  if (!nodeGyp()) return 'node-gyp not found';
  return null;
}

// npm exports npm_config_nodedir; otherwise the prefix of this node binary. Passing --nodedir
// keeps node-gyp from trying to download headers.
function nodeHeaders() {
  return process.env.npm_config_nodedir || join(dirname(process.execPath), '..');
}

// npm sets npm_config_node_gyp to its bundled copy during lifecycle scripts; otherwise ours.
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

/**
 * Runs `node-gyp rebuild` in `dir` (a folder with binding.gyp, native/ and scripts/) with extra
 * compiler flags; the output goes to `log`. Returns null on success, else why not.
 */
export function compileAddon({ dir, cflags = '', log }) {
  const missing = missingBuildTool();
  if (missing) return missing;
  const res = spawnSync(process.execPath, [nodeGyp(), 'rebuild', `--nodedir=${nodeHeaders()}`], {
    env: { ...process.env, HEBB_ARCH_CFLAGS: cflags },
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, `cflags: ${cflags}\n${res.stdout ?? ''}\n${res.stderr ?? ''}`);
  if (res.status === 0) return null;
  const err = `${res.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l)) ?? 'see the log';
  return `compile failed: ${err.trim().slice(0, 200)}; full output in ${log}`;
}
