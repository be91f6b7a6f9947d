// The package's public surface: the root's export list (pinned, so that it only grows on
// purpose), the subpath map, the version, a browser entry whose types need no @types/node, and
// what a pack contains (the tarball itself, installed, is test/package/consumer.ts's).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';
import * as root from '../../src/index.ts';
import * as browser from '../../src/browser.ts';
import * as webgpu from '../../src/webgpu.ts';
import * as webgpuNode from '../../src/webgpu-node.ts';
import { VERSION } from '../../src/version.ts';
import { wasmThreadsUrl, wasmUrl } from '../../src/backend/wasm/module.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const BROWSER_EXPORTS = [
  'Adam',
  'AntiHebbian',
  'BCM',
  'CompetitiveLearning',
  'DeltaRuleClassifier',
  'EmergenceLearner',
  'HebbError',
  'KMeans',
  'KrotovHopfield',
  'LabelAssignment',
  'LinearSVC',
  'Matrix',
  'MlpClassifier',
  'Oja',
  'PCA',
  'Pool2d',
  'PowerLossClassifier',
  'Rng',
  'Sanger',
  'Sequential',
  'ShapeError',
  'SimilarityNetwork',
  'SoftHebb',
  'SoftHebbConv2d',
  'SoftmaxClassifier',
  'Standardize',
  'VERSION',
  'ValueError',
  'availableBackends',
  'fromSafetensors',
  'getBackend',
  'loadWasmBackend',
  'setBackend',
  'toSafetensors',
];
const NODE_EXTRAS = ['cifar10', 'fashionMnist', 'loadDataset', 'loadModel', 'mnist', 'saveModel'];

describe('package surface', () => {
  it('the root exports the models, arrays, backend selection, data loaders and errors — and no more', () => {
    assert.deepEqual(Object.keys(browser).sort(), [...BROWSER_EXPORTS].sort());
    assert.deepEqual(Object.keys(root).sort(), [...BROWSER_EXPORTS, ...NODE_EXTRAS].sort());
  });

  it('every export in package.json maps to a source file', () => {
    const targets: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string') targets.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(pkg.exports);
    for (const t of targets) {
      if (t === './package.json') continue;
      if (/^\.\/wasm\/hebb(-threads)?(-relaxed)?\.wasm$/.test(t)) {
        // a build output: shipped, and one that scripts/build-wasm.mjs writes into wasm/
        assert.ok(pkg.files.includes(t.slice(2)), t);
        const build = readFileSync(join(ROOT, 'scripts/build-wasm.mjs'), 'utf8');
        assert.match(build, new RegExp(`\\{\\s*file: '${t.slice('./wasm/'.length)}'`), t);
        assert.match(build, /join\(root, 'wasm', file\)/);
        continue;
      }
      const src = t.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$|\.js$/, '.ts');
      assert.ok(existsSync(join(ROOT, src)), `${t} → ${src}`);
    }
    assert.equal(pkg.bin.hebb, './dist/cli/main.js');
    assert.ok(existsSync(join(ROOT, 'src/cli/main.ts')));
  });

  it("hebb/webgpu: Node's entry is the browser's plus nodeGpu; pages never get the Node file", () => {
    assert.deepEqual(
      Object.keys(webgpuNode).sort(),
      [...Object.keys(webgpu), 'nodeGpu', 'SWIFTSHADER_ICD'].sort(),
    );
    const e = pkg.exports['./webgpu'];
    // conditions are tried in order: `node` first, and a bundler for a page (no `node`) falls through
    assert.deepEqual(Object.keys(e), ['node', 'types', 'default']);
    assert.equal(e.node.default, './dist/webgpu-node.js');
    assert.equal(e.default, './dist/webgpu.js');
  });

  it('VERSION is package.json’s version', () => {
    assert.equal(VERSION, pkg.version);
  });

  it('the browser entry type-checks without @types/node (lib ES2022 + DOM only)', () => {
    const program = ts.createProgram([join(ROOT, 'src/browser.ts')], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.replace(ROOT, '')}:` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    assert.deepEqual(errors, []);
    const files = program.getSourceFiles().map((f) => f.fileName.replace(ROOT, ''));
    assert.ok(
      !files.some((f) =>
        /\/(cli|run|report)\/|native\/|register(-node)?\.ts|safetensors-file|model-file|atomic/.test(
          f,
        ),
      ),
      `Node-only files in the browser graph: ${files.filter((f) => f.startsWith('/src')).join(', ')}`,
    );
  });

  it('the wasm module is named by the literal new URL(…, import.meta.url) that bundlers follow', () => {
    const text = readFileSync(join(ROOT, 'src/backend/wasm/module.ts'), 'utf8');
    // Vite's own pattern (assetImportMetaUrlPlugin): a string literal, then import.meta.url
    const found = [
      ...text.matchAll(/\bnew\s+URL\s*\(\s*('[^']+'|"[^"]+")\s*,\s*import\.meta\.url\s*\)/g),
    ];
    // hebb.wasm, then the threaded and relaxed-SIMD modules
    const files = [
      'hebb.wasm',
      'hebb-threads.wasm',
      'hebb-relaxed.wasm',
      'hebb-threads-relaxed.wasm',
    ];
    assert.equal(found.length, files.length, 'a literal new URL(…, import.meta.url) per module');
    for (const [i, file] of files.entries()) {
      const rel = found[i][1].slice(1, -1);
      // from src/backend/wasm/ (tsx, tests) and dist/backend/wasm/ (the package) alike
      for (const dir of ['src/backend/wasm', 'dist/backend/wasm']) {
        const at = new URL(rel, `file://${join(ROOT, dir)}/module.js`);
        assert.equal(relative(ROOT, fileURLToPath(at)), join('wasm', file), dir);
      }
    }
    assert.equal(fileURLToPath(wasmUrl()), join(ROOT, 'wasm', 'hebb.wasm'));
    assert.equal(fileURLToPath(wasmThreadsUrl()), join(ROOT, 'wasm', 'hebb-threads.wasm'));
  });

  it('the pack: an MIT LICENSE, no source maps, no development scripts', () => {
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    assert.equal(pkg.license, 'MIT');
    assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 the hebb authors\n/);
    // dist/ ships without src/, so maps to ../src/*.ts would point nowhere: none are emitted
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8'));
    assert.equal(build.compilerOptions.sourceMap, false);
    assert.equal(build.compilerOptions.declarationMap ?? false, false);
    // the install script's files only (scripts/ holds the README runner, web assets, checks)
    assert.deepEqual(
      pkg.files.filter((f: string) => f.startsWith('scripts')),
      [
        'scripts/build-native.mjs',
        'scripts/native-gyp.mjs',
        'scripts/native-messages.mjs',
        'scripts/native-sources.mjs',
      ],
    );
    // everything the shipped scripts import is shipped too
    for (const s of pkg.files.filter((f: string) => f.startsWith('scripts'))) {
      const text = readFileSync(join(ROOT, s), 'utf8');
      const local = [...text.matchAll(/from '\.\/([^']+)'/g)].map((m) => `scripts/${m[1]}`);
      for (const f of local) assert.ok(pkg.files.includes(f), `${s} imports ${f}`);
    }
    assert.equal(pkg.scripts.prepack, 'node scripts/prebuild.mjs && node scripts/check-pack.mjs');
  });

  it('prepack refuses a package without wasm/hebb.wasm, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hebb-prepack-'));
    try {
      cpSync(join(ROOT, 'scripts/check-pack.mjs'), join(dir, 'scripts/check-pack.mjs'));
      const run = () =>
        spawnSync(process.execPath, [join(dir, 'scripts/check-pack.mjs')], { encoding: 'utf8' });
      const r = run();
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /^hebb: cannot pack: wasm\/hebb\.wasm is missing \(the wasm build was skipped: see wasm\/build\.log\); run npm run build:wasm .*\n$/,
      );
      // a file that is no module, then a module but no dist/: each says so in its line
      mkdirSync(join(dir, 'wasm'));
      writeFileSync(join(dir, 'wasm/hebb.wasm'), '<!doctype html>');
      assert.match(
        run().stderr,
        /^hebb: cannot pack: wasm\/hebb\.wasm is not a WebAssembly module/,
      );
      writeFileSync(
        join(dir, 'wasm/hebb.wasm'),
        Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
      );
      assert.match(run().stderr, /^hebb: cannot pack: wasm\/hebb-threads\.wasm is missing /);
      for (const twin of ['hebb-threads', 'hebb-relaxed', 'hebb-threads-relaxed']) {
        writeFileSync(
          join(dir, `wasm/${twin}.wasm`),
          Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
        );
      }
      assert.match(
        run().stderr,
        /^hebb: cannot pack: dist\/index\.js is missing; run npm run build\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("docs/api.md's Web Worker recipe is the worker the consumer test runs", () => {
    const doc = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
    const block = /```ts\n\/\/ train-worker\.ts\n([\s\S]*?)```/.exec(doc);
    assert.ok(block, 'docs/api.md shows train-worker.ts');
    const fixture = readFileSync(join(ROOT, 'test/package/consumer/vite/train-worker.ts'), 'utf8');
    assert.equal(block[1], fixture.slice(fixture.indexOf('import ')));
  });
});
