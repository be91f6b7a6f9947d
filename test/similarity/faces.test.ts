// The faces experiment (Sec. 6.2): the paper's geometry, the feedforward reach against a
// brute-force geometric computation, reverse correlation against a direct sum, and
// `hebb reproduce sm-faces` on a generated 64×64 LFW folder (in-process) and through the CLI.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { getBackend, Matrix, Rng } from '../../src/backend/index.ts';
import {
  facesLayers,
  facesNetwork,
  feedforwardReach,
  reverseCorrelation,
  standardiseImages,
} from '../../src/reproduce/similarity/faces.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { smFaces } from '../../src/reproduce/similarity/sm-faces.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const ts = getBackend('ts');
const net64 = facesNetwork(64, { gamma: 0.01, epochs: 1, batchSize: 4, seed: 0, backend: ts });

describe('faces network (Sec. 6.2)', () => {
  it('has the paper’s 1024, 256 and 64 neurons at 64×64, and a scaled one at 25×25', () => {
    assert.deepEqual(
      [0, 1, 2].map((p) => net64.units(p)),
      [1024, 256, 64],
    );
    const small = facesNetwork(25, { gamma: 0.01, epochs: 1, batchSize: 4, seed: 0, backend: ts });
    assert.deepEqual(
      [0, 1, 2].map((p) => small.units(p)),
      [625, 144, 36],
    );
    // Radii in units of the grid below: 8 px, 12 px on a 2-px grid, 24 px on a 4-px grid.
    assert.deepEqual(
      facesLayers(64).map((l) => (l.type === 'local' ? [l.stride, l.radius, l.lateralRadius] : [])),
      [
        [2, 8, 8],
        [2, 6, 6],
        [2, 6, 6],
      ],
    );
  });

  it('feedforward reach equals the geometry: pixels within 8 px of a layer-1 neuron within 12 px of the layer-2 neuron', () => {
    const reach = feedforwardReach(net64, 1);
    const K = 64 * 64;
    // Image-pixel centres of the sites: layer 1 every 2 px from 1, layer 2 every 4 px from 2.
    for (const [i, j] of [
      [8, 8],
      [0, 0],
      [15, 3],
    ]) {
      const unit = i * 16 + j;
      const [cy, cx] = [4 * i + 2, 4 * j + 2];
      const l1: [number, number][] = [];
      for (let a = 0; a < 32; a++)
        for (let b = 0; b < 32; b++)
          if ((2 * a + 1 - cy) ** 2 + (2 * b + 1 - cx) ** 2 <= 144) l1.push([2 * a + 1, 2 * b + 1]);
      let n = 0;
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 64; x++) {
          const want = l1.some(([py, px]) => (y + 0.5 - py) ** 2 + (x + 0.5 - px) ** 2 <= 64);
          assert.equal(
            reach[unit * K + y * 64 + x],
            want ? 1 : 0,
            `unit (${i},${j}) pixel (${y},${x})`,
          );
          n += want ? 1 : 0;
        }
      assert.ok(n > 200, 'a layer-2 neuron reaches more than one layer-1 patch');
    }
  });

  it('reverse correlation is Σ r x / Σ r, masked to the reach', () => {
    const rng = new Rng(3, ts);
    const x = new Matrix(7, 64 * 64, rng.normal(7 * 4096));
    const r = new Matrix(7, 1024, rng.uniform(7 * 1024));
    for (let k = 0; k < 7; k++) r.data[k * 1024 + 5] = 0; // a silent neuron
    const { features, meanResponse } = reverseCorrelation(net64, x, r, 0);
    const reach = feedforwardReach(net64, 0);
    for (const unit of [0, 5, 500, 1023]) {
      let tot = 0;
      for (let t = 0; t < 7; t++) tot += r.data[t * 1024 + unit];
      assert.ok(Math.abs(meanResponse[unit] - tot / 7) < 1e-6);
      for (const pix of [0, 100, 2080, 4095]) {
        let s = 0;
        for (let t = 0; t < 7; t++) s += r.data[t * 1024 + unit] * x.data[t * 4096 + pix];
        const want = reach[unit * 4096 + pix] && tot > 0 ? s / tot : 0;
        assert.ok(
          Math.abs(features.data[unit * 4096 + pix] - want) < 1e-5 * (1 + Math.abs(want)),
          `unit ${unit} pixel ${pix}: ${features.data[unit * 4096 + pix]} vs ${want}`,
        );
      }
    }
  });

  it('standardiseImages gives every image mean 0 and std 1, and leaves flat images at 0', () => {
    const x = new Matrix(2, 4, Float32Array.from([1, 2, 3, 6, 5, 5, 5, 5]));
    const s = standardiseImages(x);
    const row = Array.from(s.row(0));
    const mean = row.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    assert.ok(Math.abs(mean) < 1e-6 && Math.abs(sd - 1) < 1e-6);
    assert.deepEqual(Array.from(s.row(1)), [0, 0, 0, 0]);
  });
});

describe('hebb reproduce sm-faces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-faces-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const backend = getBackend();

  it('runs end to end on a generated LFW folder at the paper’s 64×64 geometry', async () => {
    // 20 pictures of 250×250 (the LFW frame): a bright ellipse "face" moved around.
    const rng = new Rng(1, ts);
    for (let k = 0; k < 20; k++) {
      const person = join(dir, 'lfw', `Person_${k % 4}`);
      mkdirSync(person, { recursive: true });
      const w = 250;
      const data = Buffer.alloc(w * w * 4);
      const [cy, cx] = [125 + 20 * (rng.uniform(1)[0] - 0.5), 125 + 20 * (rng.uniform(1)[0] - 0.5)];
      for (let y = 0; y < w; y++)
        for (let x = 0; x < w; x++) {
          const v =
            ((y - cy) / 60) ** 2 + ((x - cx) / 45) ** 2 < 1 ? 200 - k * 3 : 40 + ((x + k * 7) % 50);
          data.set([v, v, v, 255], (y * w + x) * 4);
        }
      writeFileSync(
        join(person, `Person_${k % 4}_${String(k).padStart(4, '0')}.jpg`),
        jpeg.encode({ data, width: w, height: w }, 90).data,
      );
    }
    const out = join(dir, 'run');
    const { result: res } = await runDeclared(
      smFaces,
      { data: 'lfw', dataDir: dir, epochs: 1, batchSize: 6, out, quiet: true },
      { backend },
    );
    assert.equal(res.data, 'lfw');
    assert.equal(res.side, 64);
    assert.deepEqual(
      res.rows[0].layers.map((l) => l.units),
      [1024, 256, 64],
    );
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /Data: \*\*lfw\*\*, 18 training faces of 64×64/);
    assert.match(report, /the paper’s geometry/);
    for (const f of [
      'fig3-features-gamma0.01-layer1.png',
      'fig3-features-gamma0.01-layer3.svg',
      'cost.svg',
    ])
      assert.ok(existsSync(join(out, 'figures', f)), f);
    assertFiguresLinked(join(out, 'report.md'), 4);
  });

  it('a missing LFW folder is a clear error that says how to get it', async () => {
    const io = memoryIO();
    const code = await runCli(
      [
        'reproduce',
        'sm-faces',
        '--data',
        'lfw',
        '--data-dir',
        join(dir, 'none'),
        '--out',
        join(dir, 'x'),
      ],
      io,
    );
    assert.equal(code, 1);
    assert.match(io.stderr.join('\n'), /^hebb: LFW not found .*hebb data fetch lfw/);
    await assert.rejects(
      runDeclared(
        smFaces,
        { data: 'auto', dataDir: join(dir, 'none'), out: join(dir, 'x') },
        { backend },
      ),
      /no faces found — neither LFW .* nor the 200-image lfw-subset/,
    );
    assert.ok(!existsSync(join(dir, 'x')), 'nothing was created');
  });
});
