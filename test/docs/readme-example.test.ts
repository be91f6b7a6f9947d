// The README's "In code" example, run as written (its imports pointed at src/, MNIST cut to a
// seeded subset), trains the layer `hebb demo` trains and prints what the demo's 2-layer
// read-out computes for that layer, to the last digit: the example and the demo cannot drift
// apart again (the example once skipped the demo's standardisation: 90 % against 96 %).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { subset, type Split } from '../../src/data/dataset.ts';
import { mnist } from '../../src/data/mnist.ts';
import { loadModel } from '../../src/io/model-file.ts';
import { validateOptions } from '../../src/model/params.ts';
import { DEMO_OPTIONS, demo } from '../../src/reproduce/softhebb/demo.ts';
import { RUN_OPTIONS } from '../../src/reproduce/experiment.ts';
import { SoftHebb } from '../../src/softhebb/layer.ts';
import { linearAccuracy } from '../../src/softhebb/readout.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hebb-readme-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The README's "In code" block, importing from src/ and reading `readmeData()` for mnist(). */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /## In code\n\n```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README.md has an "In code" section with a ts block');
  const code = block[1];
  assert.equal(code.match(/\bmnist\(\)/g)?.length, 1, 'the example loads MNIST once: mnist()');
  return code
    .replace(/from 'hebb'/g, `from ${JSON.stringify(join(root, 'src', 'index.ts'))}`)
    .replace(
      /from 'hebb\/([\w-]+)'/g,
      (_, sub: string) => `from ${JSON.stringify(join(root, 'src', sub, 'index.ts'))}`,
    )
    .replace(/\bmnist\(\)/, '(globalThis as { readmeData: () => unknown }).readmeData()');
}

describe('README "In code"', () => {
  it("trains the demo's layer and prints the demo's 2-layer read-out accuracy for it", async () => {
    const full = mnist();
    const data: Split = {
      ...full,
      train: subset(full.train, 2000, 1),
      test: subset(full.test, 1000, 1),
    };
    (globalThis as { readmeData?: () => Split }).readmeData = () => data;
    const file = join(dir, 'example.mts');
    writeFileSync(file, readmeExample());
    const printed: unknown[] = [];
    const log = console.log;
    const cwd = process.cwd();
    console.log = (...v: unknown[]) => printed.push(...v);
    process.chdir(dir);
    try {
      await import(pathToFileURL(file).href);
    } finally {
      process.chdir(cwd);
      console.log = log;
    }
    const layer = loadModel(join(dir, 'layer.safetensors'), { expect: SoftHebb });
    const o = validateOptions('demo', { ...RUN_OPTIONS, ...DEMO_OPTIONS }, { out: dir });
    const demoLayer = demo.prepare(o, getBackend()).layer;
    assert.deepEqual(layer.getParams(), demoLayer.getParams(), "the demo's layer options");
    const expected = linearAccuracy(layer, data, { epochs: o.readoutEpochs }).accuracy;
    assert.deepEqual(printed, [expected]);
  });
});
