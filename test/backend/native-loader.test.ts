// Which native addon file loads (HEBB_NATIVE_PATH, else the build from source, else the prebuilt
// one for this platform), and what hebb says when none can: at install (scripts/build-native.mjs,
// whose output npm hides) and in the notice when it picks a backend. The texts are pinned. The
// "OpenBLAS is missing" case is made real on Linux: a copy of the addon whose libopenblas.so.0
// dependency is renamed libopenblas.so.9, which the dynamic loader then cannot find.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { signatureDrift } from '../../src/backend/addon/kernels.ts';
import { findAddon, loadAddon } from '../../src/backend/native/index.ts';
import {
  missingLibrary,
  missingLibraryProblem,
  notBuiltProblem,
  PACKAGES,
} from '../../src/backend/native/messages.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = `${process.platform}-${process.arch}`;
const scratch = mkdtempSync(join(tmpdir(), 'hebb-loader-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// The addon this run uses (build/Release, the prebuilt one, or HEBB_NATIVE_PATH's), if any.
const found = findAddon();
const addonFile = 'path' in found ? found.path : null;
const linux = process.platform === 'linux' && addonFile !== null;

let dirs = 0;
/** A package root in the scratch folder holding the given files (relative path → source). */
function packageRoot(files: Record<string, string | Buffer>): string {
  const root = join(scratch, `pkg${dirs++}`);
  for (const [rel, src] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    if (typeof src === 'string') copyFileSync(src, join(root, rel));
    else writeFileSync(join(root, rel), src);
  }
  return root;
}

/** The addon with its libopenblas.so.0 dependency renamed libopenblas.so.9 (same length). */
function withoutOpenBlas(path: string): Buffer {
  const bytes = Buffer.from(readFileSync(path));
  const from = Buffer.from('libopenblas.so.0\0');
  const at = bytes.indexOf(from);
  assert.ok(at >= 0 && bytes.indexOf(from, at + 1) < 0, 'one libopenblas.so.0 in the addon');
  Buffer.from('libopenblas.so.9\0').copy(bytes, at);
  return bytes;
}

const prebuiltRel = join('prebuilds', target, 'hebb_native.node');
const sourceRel = join('build', 'Release', 'hebb_native.node');

describe('native addon: which file loads', () => {
  const fake = Buffer.from('not an addon');
  it('the build from source when build/Release has one, else the prebuilt one', () => {
    const both = packageRoot({ [prebuiltRel]: fake, [sourceRel]: fake });
    assert.deepEqual(findAddon({ root: both, env: {} }), {
      path: join(both, sourceRel),
      origin: 'source',
    });
    const prebuiltOnly = packageRoot({ [prebuiltRel]: fake });
    assert.deepEqual(findAddon({ root: prebuiltOnly, env: {} }), {
      path: join(prebuiltOnly, prebuiltRel),
      origin: 'prebuilt',
    });
  });

  it('HEBB_NATIVE_PATH over both', () => {
    const both = packageRoot({ [prebuiltRel]: fake, [sourceRel]: fake, 'other.node': fake });
    const path = join(both, 'other.node');
    const env = { HEBB_NATIVE_PATH: path };
    assert.deepEqual(findAddon({ root: both, env }), { path, origin: 'HEBB_NATIVE_PATH' });
    assert.deepEqual(findAddon({ root: both, env: { HEBB_NATIVE_PATH: `${path}.x` } }), {
      reason: `HEBB_NATIVE_PATH=${path}.x does not exist`,
      fix: 'unset it or name a .node file',
    });
  });

  it('neither: says so, with the command for a project using hebb or for a clone of hebb', () => {
    const empty = packageRoot({ 'package.json': Buffer.from('{}') });
    assert.deepEqual(findAddon({ root: empty, env: {}, platform: 'linux', arch: 'arm64' }), {
      reason: 'the native addon is not built and hebb has no prebuilt one for linux-arm64',
      fix: 'install a compiler and OpenBLAS (apt-get install g++ make pkg-config libopenblas-dev), then npm rebuild hebb',
    });
    const clone = packageRoot({ '.git/HEAD': Buffer.from('ref: refs/heads/main\n') });
    assert.equal(
      notBuiltProblem('linux-arm64', true).fix,
      'install a compiler and OpenBLAS (apt-get install g++ make pkg-config libopenblas-dev), then npm run build:native',
    );
    assert.deepEqual(
      findAddon({ root: clone, env: {}, platform: 'linux', arch: 'arm64' }),
      notBuiltProblem('linux-arm64', true),
    );
  });

  it('a prebuilt addon loads and its kernels match the table', { skip: !addonFile }, () => {
    const root = packageRoot({ [prebuiltRel]: addonFile! });
    const res = loadAddon({ root, env: {} });
    assert.ok('addon' in res, 'reason' in res ? res.reason : '');
    assert.equal(res.file.origin, 'prebuilt');
    assert.deepEqual(signatureDrift(res.addon), []);
  });

  it(
    'hebb backend names the addon file that loaded and why it was chosen',
    { skip: !addonFile },
    () => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(repo, 'src/cli/main.ts'), 'backend', '--json'],
        {
          encoding: 'utf8',
          env: { ...process.env, HEBB_NATIVE_PATH: addonFile!, HEBB_BACKEND: 'native' },
        },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).module, `${addonFile} (HEBB_NATIVE_PATH)`);
    },
  );
});

describe('native addon: what hebb says when OpenBLAS is missing', () => {
  it("the missing library, from the dynamic loader's message", () => {
    const msg = 'libopenblas.so.0: cannot open shared object file: No such file or directory';
    assert.equal(missingLibrary(msg), 'libopenblas.so.0');
    assert.equal(missingLibrary('undefined symbol: cblas_sgemm'), null);
    assert.deepEqual(missingLibraryProblem('libopenblas.so.0', false), {
      reason: 'OpenBLAS was not found (libopenblas.so.0)',
      fix: 'apt-get install libopenblas0 libgomp1, then npm rebuild hebb',
    });
    assert.deepEqual(missingLibraryProblem('libgomp.so.1', false), {
      reason: 'the OpenMP runtime was not found (libgomp.so.1)',
      fix: 'apt-get install libgomp1, then npm rebuild hebb',
    });
    assert.deepEqual(missingLibraryProblem('libfoo.so.2', true), {
      reason: 'libfoo.so.2 was not found (libfoo.so.2)',
      fix: 'install the package that provides libfoo.so.2, then npm run build:native',
    });
  });

  it('the install script names the same libraries and packages', async () => {
    const url = pathToFileURL(join(repo, 'scripts', 'native-messages.mjs')).href;
    const script = (await import(url)) as {
      PACKAGES: typeof PACKAGES;
      missingLibraryLine: (lib: string, fallback: string, inClone: boolean) => string;
    };
    assert.deepEqual(script.PACKAGES, PACKAGES);
    assert.equal(
      script.missingLibraryLine('libopenblas.so.0', 'wasm', false),
      'hebb: OpenBLAS not found (libopenblas.so.0); using the wasm backend. For native speed: apt-get install libopenblas0 libgomp1, then npm rebuild hebb',
    );
  });

  it('a real failed load: the loader names OpenBLAS and the fix', { skip: !linux }, () => {
    const root = packageRoot({ [prebuiltRel]: withoutOpenBlas(addonFile!) });
    assert.deepEqual(loadAddon({ root, env: {} }), {
      reason: 'OpenBLAS was not found (libopenblas.so.9)',
      fix: 'apt-get install libopenblas0 libgomp1, then npm rebuild hebb',
    });
  });

  it('a real failed load: the notice when hebb picks a backend', { skip: !linux }, () => {
    const broken = join(packageRoot({ 'x.node': withoutOpenBlas(addonFile!) }), 'x.node');
    const registry = pathToFileURL(join(repo, 'src', 'backend', 'index.ts')).href;
    const entry = pathToFileURL(join(repo, 'src', 'backend', 'register-node.ts')).href;
    const code = `await import(${JSON.stringify(entry)}); const { getBackend } = await import(${JSON.stringify(registry)}); getBackend();`;
    const env: Record<string, string | undefined> = { ...process.env, HEBB_NATIVE_PATH: broken };
    delete env.HEBB_BACKEND;
    delete env.HEBB_REQUIRE_NATIVE;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: repo,
      env,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const fallback = existsSync(join(repo, 'wasm', 'hebb.wasm')) ? 'wasm' : 'ts';
    const rebuild = existsSync(join(repo, '.git')) ? 'npm run build:native' : 'npm rebuild hebb';
    assert.equal(
      r.stderr,
      `hebb: using the ${fallback} backend because OpenBLAS was not found (libopenblas.so.9); for speed, apt-get install libopenblas0 libgomp1, then ${rebuild}\n`,
    );
  });
});

describe('the install script, in a project that installs hebb', { skip: !linux }, () => {
  /** Runs a copy of the install script in a package root holding `files`; its output. */
  function install(files: Record<string, string | Buffer>, env: Record<string, string> = {}) {
    const scripts = ['build-native.mjs', 'native-gyp.mjs', 'native-messages.mjs'];
    const root = packageRoot({
      ...Object.fromEntries(scripts.map((s) => [join('scripts', s), join(repo, 'scripts', s)])),
      ...files,
    });
    const base: Record<string, string | undefined> = { ...process.env };
    for (const k of ['HEBB_BUILD_FROM_SOURCE', 'HEBB_SKIP_NATIVE', 'npm_config_build_from_source'])
      delete base[k];
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs')], {
      cwd: root,
      env: { ...base, ...env },
      encoding: 'utf8',
    });
    return { status: r.status, out: r.stdout + r.stderr, built: existsSync(join(root, 'build')) };
  }

  it('the prebuilt addon loads: nothing is compiled', () => {
    assert.deepEqual(install({ [prebuiltRel]: addonFile! }), {
      status: 0,
      out: `hebb: native backend ready (the prebuilt addon for ${target} loads; nothing to compile)\n`,
      built: false,
    });
  });

  it('OpenBLAS is missing: one line naming it, the backend used and the fix', () => {
    const wasm = { 'wasm/hebb.wasm': Buffer.from('') };
    assert.deepEqual(install({ [prebuiltRel]: withoutOpenBlas(addonFile!), ...wasm }), {
      status: 0,
      out: 'hebb: OpenBLAS not found (libopenblas.so.9); using the wasm backend. For native speed: apt-get install libopenblas0 libgomp1, then npm rebuild hebb\n',
      built: false,
    });
  });

  it('no prebuilt addon and no compiler: says so, and names the ts backend without wasm', () => {
    // CXX names the compiler the build would use (gyp's Makefiles read it too).
    assert.deepEqual(install({}, { CXX: '/nonexistent/g++' }), {
      status: 0,
      out: 'hebb: native backend not built (no C++ compiler: /nonexistent/g++ not found); using the ts backend. For native speed: apt-get install g++ make pkg-config libopenblas-dev, then npm rebuild hebb\n',
      built: false,
    });
  });
});
