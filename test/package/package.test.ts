// The package's public surface: the root's export list (pinned, so that it only grows on
// purpose), the subpath map, the version, and a browser entry whose types need no @types/node.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import * as root from '../../src/index.ts';
import * as browser from '../../src/browser.ts';
import { VERSION } from '../../src/version.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const BROWSER_EXPORTS = [
  'Adam',
  'DeltaRuleClassifier',
  'EmergenceLearner',
  'HebbError',
  'KMeans',
  'LabelAssignment',
  'LinearSVC',
  'Matrix',
  'MlpClassifier',
  'PCA',
  'Pool2d',
  'Rng',
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
      const src = t.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$|\.js$/, '.ts');
      assert.ok(existsSync(join(ROOT, src)), `${t} → ${src}`);
    }
    assert.equal(pkg.bin.hebb, './dist/cli/main.js');
    assert.ok(existsSync(join(ROOT, 'src/cli/main.ts')));
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
});
