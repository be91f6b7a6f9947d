// The package as a consumer gets it (`npm run test:consumer`, CI after the README commands):
// pack it, install the tarball into fresh projects under the system's temp folder, and run the
// README's "In code" example (test/package/consumer/example.ts: the same calls on synthetic
// data) in each. Fails on a missing or unwanted file in the tarball, a type error, a failed
// request (a wasm 404), or a result off the expected backend.
//   node    — ESM + TypeScript strict (nodenext, lib ES2022, @types/node), install scripts run
//             (the native addon builds where OpenBLAS is): compiled with tsc, run with node.
//   plain   — the same compiled example where the install ran with --ignore-scripts: no native
//             addon, so Node trains on the wasm module read from the package; the CLI answers.
//   web     — a fresh Vite app (--ignore-scripts): its types checked as a browser project
//             (bundler resolution, no @types/node, skipLibCheck false; lib ES2022 + DOM and
//             ES2022 alone), built, and run in headless Chromium from the build and from the
//             dev server: loadWasmBackend() with no argument, the example on wasm, the
//             module's ?url import, docs/api.md's Web Worker recipe. Then an esbuild bundle of
//             docs/api.md's esbuild recipe in the same browser.
// Installs use npm's cache first (--prefer-offline); vite and esbuild are the repo's own.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serveFolder } from '../helpers/static-server.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, 'consumer');
const CHROMIUM = '/usr/bin/chromium';
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const keep = process.env.HEBB_CONSUMER_KEEP === '1';
const requireNative = process.env.HEBB_REQUIRE_NATIVE === '1';
// the consumers run as a user's would: no HEBB_* setting of this run (HEBB_BACKEND, …)
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEBB_')));
const work = mkdtempSync(join(tmpdir(), 'hebb-consumer-'));
const started = performance.now();
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

function step(name: string): void {
  console.log(`== ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

/** Runs a command; on a non-zero exit prints its output and fails. Returns stdout. */
function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, env, ...opts });
  if (r.status !== 0) {
    const where = opts.cwd ? ` (in ${opts.cwd})` : '';
    throw new Error(
      `${cmd} ${args.join(' ')}${where} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`,
    );
  }
  return String(r.stdout);
}

/** What `npm install hebb` may bring: the library and its few dependencies (issue 30). */
const DEPENDENCY_BUDGET = { packages: 15, bytes: 10e6 };

/** Packages (folders with a package.json, scoped and nested ones included) and their bytes. */
function installedPackages(nodeModules: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  const walk = (dir: string, isModules: boolean) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (isModules && !e.name.startsWith('.') && !e.name.startsWith('@')) count++;
        walk(p, e.name === 'node_modules' || (isModules && e.name.startsWith('@')));
      } else if (e.isFile()) bytes += statSync(p).size;
    }
  };
  walk(nodeModules, true);
  return { count, bytes };
}

/** An installed hebb with an addon that loads here: built at install, or the prebuilt one. */
function hasAddon(hebb: string): boolean {
  if (existsSync(join(hebb, 'build', 'Release', 'hebb_native.node'))) return true;
  const prebuilt = join(
    hebb,
    'prebuilds',
    `${process.platform}-${process.arch}`,
    'hebb_native.node',
  );
  if (!existsSync(prebuilt)) return false;
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(prebuilt)})`]);
  return probe.status === 0;
}

/** A fresh project folder with a package.json and the given fixture files. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }, null, 2),
  );
  for (const [to, from] of Object.entries(files)) cpSync(join(FIXTURES, from), join(dir, to));
  return dir;
}

/** Type-checks a project's tsconfig; fails when a file of @types/node was read. */
function typecheck(dir: string, config: string, { node = false } = {}): void {
  const files = sh(process.execPath, [TSC, '-p', config, '--listFiles'], { cwd: dir });
  if (!node) assert.ok(!files.includes('@types/node'), `${config} read @types/node:\n${files}`);
}

function tarballChecks(files: string[]): void {
  const has = new Set(files);
  const targets: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') targets.push(v.replace(/^\.\//, ''));
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pkg.exports);
  walk(pkg.bin);
  const missing = ['LICENSE', 'README.md', 'package.json', 'wasm/hebb.wasm', ...targets].filter(
    (f) => !has.has(f),
  );
  assert.deepEqual(missing, [], 'files the package names but the tarball lacks');
  const unwanted = files.filter((f) =>
    /\.map$|^src\/|^test\/|^web\/|^bench\/|^scripts\/(readme-commands|build-web-assets|check-pack|build-wasm)/.test(
      f,
    ),
  );
  assert.deepEqual(unwanted, [], 'files the tarball should not ship');
  // every file the install script reads
  for (const f of [
    'scripts/build-native.mjs',
    'scripts/native-gyp.mjs',
    'scripts/native-messages.mjs',
    'scripts/native-sources.mjs',
    'binding.gyp',
  ]) {
    assert.ok(has.has(f), `${f} is missing from the tarball`);
  }
  // CI packs on Linux x64: the addon a consumer without a compiler loads must be in it
  if (requireNative && process.platform === 'linux' && process.arch === 'x64')
    assert.ok(has.has('prebuilds/linux-x64/hebb_native.node'), 'no prebuilt addon in the tarball');
}

interface PageRun {
  result: Record<string, unknown>;
  failed: string[];
  errors: string[];
}

let browser: import('playwright-core').Browser | undefined;

/** Opens url in a fresh page of one Chromium and waits (≤ 90 s) for window.result. */
async function inChromium(url: string): Promise<PageRun> {
  if (!browser) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }
  const context = await browser.newContext(); // no cache or storage shared between runs
  try {
    const page = await context.newPage();
    const failed: string[] = [];
    const errors: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    page.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText} ${r.url()}`));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    await page.waitForFunction('window.result !== undefined', null, { timeout: 90_000 });
    const result = (await page.evaluate('window.result')) as Record<string, unknown>;
    return { result, failed, errors };
  } finally {
    await context.close();
  }
}

/** The Vite page's result: the example, the ?url import and the worker, all on wasm. */
function checkVitePage(run: PageRun, where: string, allowFailed: RegExp | null = null): void {
  console.log(`   ${where}: ${JSON.stringify(run.result)}`);
  const failed = run.failed.filter((f) => !allowFailed?.test(f));
  assert.deepEqual(failed, [], `${where}: failed requests`);
  assert.deepEqual(run.errors, [], `${where}: page errors`);
  const r = run.result as {
    error?: string;
    backend: string;
    layerBackend: string;
    score: number;
    assetUrl: { status: number; head: number[] };
    worker: { backend: string; epochs: number; sameWeights: boolean };
  };
  assert.equal(r.error, undefined, `${where}: ${r.error}`);
  assert.equal(r.backend, 'wasm', `${where}: automatic selection after loadWasmBackend()`);
  assert.equal(r.layerBackend, 'wasm');
  assert.ok(r.score > 0.9, `${where}: the read-out scores ${r.score} on 10 clusters`);
  assert.deepEqual(r.assetUrl, { status: 200, head: [0x00, 0x61, 0x73, 0x6d] });
  assert.equal(r.worker.backend, 'wasm', `${where}: the worker trains on wasm`);
  assert.ok(r.worker.epochs >= 1, `${where}: the worker reported its epochs`);
  assert.ok(r.worker.sameWeights, `${where}: the worker's layer equals the page's, bit for bit`);
}

/** Sizes of a Vite build's emitted files by kind. */
function bundleSizes(dist: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const ext = e.name.split('.').pop() ?? '';
        sizes[ext] = (sizes[ext] ?? 0) + statSync(p).size;
      }
    }
  };
  walk(dist);
  return sizes;
}

try {
  step('pack (the prepack check, then npm pack)');
  sh(process.execPath, [join(ROOT, 'scripts', 'check-pack.mjs')]);
  // dist/ and wasm/ are built (npm ci's prepare); --ignore-scripts keeps pack from rebuilding
  const packed = JSON.parse(
    sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT }),
  )[0] as { filename: string; files: { path: string }[]; size: number; entryCount: number };
  const tarball = join(work, packed.filename);
  console.log(`   ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes`);
  tarballChecks(packed.files.map((f) => f.path));

  step('node: install (install scripts run), type-check (nodenext, strict), run');
  const node = project('node', {
    'main.ts': 'node/main.ts',
    'example.ts': 'example.ts',
    'tsconfig.json': 'node/tsconfig.json',
  });
  sh('npm', [...NPM_INSTALL, tarball, `@types/node@${pkg.devDependencies['@types/node']}`], {
    cwd: node,
  });
  typecheck(node, 'tsconfig.json', { node: true });
  const nodeOut = JSON.parse(sh(process.execPath, ['build/main.js'], { cwd: node }));
  console.log(`   ${JSON.stringify(nodeOut)}`);
  assert.equal(nodeOut.version, pkg.version);
  assert.ok(nodeOut.score > 0.9, `the read-out scores ${nodeOut.score}`);
  assert.ok(nodeOut.same, 'loadModel rebuilds the saved layer');
  const native = hasAddon(join(node, 'node_modules', 'hebb'));
  assert.equal(nodeOut.backend, native ? 'native' : 'wasm');
  if (requireNative) assert.ok(native, 'no addon built or shipped (HEBB_REQUIRE_NATIVE=1)');

  step('plain: install --ignore-scripts (the prebuilt addon, else wasm), on wasm, the CLI');
  const plain = project('plain', {});
  sh('npm', [...NPM_INSTALL, '--ignore-scripts', tarball], { cwd: plain });
  cpSync(join(node, 'build'), plain, { recursive: true });
  const plainOut = JSON.parse(sh(process.execPath, ['main.js'], { cwd: plain }));
  console.log(`   ${JSON.stringify(plainOut)}`);
  // no install script ran: the prebuilt addon needs none; without one, the packaged wasm module
  assert.equal(plainOut.backend, hasAddon(join(plain, 'node_modules', 'hebb')) ? 'native' : 'wasm');
  assert.ok(plainOut.score > 0.9, `the read-out scores ${plainOut.score}`);
  const wasmOut = JSON.parse(
    sh(process.execPath, ['main.js'], { cwd: plain, env: { ...env, HEBB_BACKEND: 'wasm' } }),
  );
  assert.equal(wasmOut.backend, 'wasm');
  assert.ok(wasmOut.score > 0.9, `on wasm the read-out scores ${wasmOut.score}`);
  assert.equal(sh(join(plain, 'node_modules', '.bin', 'hebb'), ['--version']).trim(), pkg.version);
  const deps = installedPackages(join(plain, 'node_modules'));
  console.log(`   node_modules: ${deps.count} packages, ${(deps.bytes / 1e6).toFixed(1)} MB`);
  assert.ok(deps.count <= DEPENDENCY_BUDGET.packages, `${deps.count} packages installed`);
  assert.ok(deps.bytes <= DEPENDENCY_BUDGET.bytes, `${deps.bytes} bytes installed`);
  // an optional peer missing: one line with the install command, nothing written
  const figures = spawnSync(
    join(plain, 'node_modules', '.bin', 'hebb'),
    ['reproduce', 'sm-toy', '--quick', '--out', join(plain, 'toy')],
    { encoding: 'utf8', env },
  );
  assert.equal(figures.status, 1, figures.stderr);
  assert.match(figures.stderr, /hebb: .*install: npm install vega vega-lite\n/);
  assert.ok(!existsSync(join(plain, 'toy')), 'nothing written before the check');

  step('web: install --ignore-scripts, type-check as a browser project');
  const web = project('web', {
    'index.html': 'vite/index.html',
    'main.ts': 'vite/main.ts',
    'train-worker.ts': 'vite/train-worker.ts',
    'example.ts': 'example.ts',
    'every-entry.ts': 'vite/every-entry.ts',
    'webgpu-entry.ts': 'vite/webgpu-entry.ts',
    'tsconfig.json': 'vite/tsconfig.json',
    'tsconfig.es2022.json': 'vite/tsconfig.es2022.json',
    'esbuild/index.html': 'esbuild/index.html',
    'esbuild/main.ts': 'esbuild/main.ts',
    'esbuild/wasm.d.ts': 'esbuild/wasm.d.ts',
  });
  sh('npm', [...NPM_INSTALL, '--ignore-scripts', tarball], { cwd: web });
  // a fresh app has vite in its own node_modules (vite/client's types, the dev server)
  symlinkSync(join(ROOT, 'node_modules', 'vite'), join(web, 'node_modules', 'vite'), 'dir');
  typecheck(web, 'tsconfig.json');
  typecheck(web, 'tsconfig.es2022.json');

  if (!existsSync(CHROMIUM)) {
    console.log(`   ${CHROMIUM} not installed: the pages are not run (apt-get install chromium)`);
  } else {
    const vite = await import('vite');
    step('web: vite build, served, in Chromium');
    await vite.build({ root: web, configFile: false, logLevel: 'warn' });
    const sizes = bundleSizes(join(web, 'dist'));
    console.log(`   bundle: ${JSON.stringify(sizes)} bytes`);
    assert.ok(sizes.wasm > 0, 'the build emitted no .wasm');
    const served = await serveFolder(join(web, 'dist'));
    try {
      checkVitePage(await inChromium(served.url), 'vite build');
    } finally {
      await served.close();
    }

    step('web: vite dev server, in Chromium');
    const dev = await vite.createServer({
      root: web,
      configFile: false,
      logLevel: 'warn',
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await dev.listen();
    try {
      const url = dev.resolvedUrls?.local[0];
      assert.ok(url, 'the dev server has no URL');
      checkVitePage(await inChromium(url), 'vite dev');
    } finally {
      await dev.close();
    }

    step('web: esbuild bundle (docs/api.md recipe), in Chromium');
    const esbuild = await import('esbuild');
    const out = join(web, 'esbuild', 'out');
    await esbuild.build({
      absWorkingDir: web,
      entryPoints: ['esbuild/main.ts'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outdir: out,
      loader: { '.wasm': 'file' },
      logLevel: 'warning',
    });
    cpSync(join(web, 'esbuild', 'index.html'), join(out, 'index.html'));
    const servedEs = await serveFolder(out);
    try {
      const run = await inChromium(servedEs.url);
      console.log(`   esbuild: ${JSON.stringify(run.result)}`);
      // the no-argument load asks for wasm/hebb.wasm beside the bundle, which is not there
      // (nor its relaxed-SIMD twin, tried first where Chromium has relaxed SIMD)
      assert.deepEqual(
        run.failed.filter((f) => !/^404 .*\/wasm\/hebb(-relaxed)?\.wasm$/.test(f)),
        [],
        'esbuild: failed requests',
      );
      const r = run.result as Record<string, string | number>;
      assert.equal(r.error, undefined, `esbuild: ${r.error}`);
      assert.match(String(r.noArgument), /HTTP 404; serve .*or pass its URL or bytes/);
      assert.equal(r.backend, 'wasm');
      assert.equal(r.layerBackend, 'wasm');
      assert.ok(Number(r.score) > 0.9, `esbuild: the read-out scores ${r.score}`);
    } finally {
      await servedEs.close();
    }
  }
  step(`passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await browser?.close();
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
