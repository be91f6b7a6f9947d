// `hebb reproduce krotov-hopfield` on small data: --quick end to end through the CLI (report
// beside the paper's numbers, the layer saved, the learnt fields drawn), a resumed run, and the
// paper's constants as the command's defaults.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { memoryIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { loadModel } from '../../src/io/model-file.ts';
import { KrotovHopfield } from '../../src/krotov/index.ts';
import { validateOptions } from '../../src/model/params.ts';
import { Matrix } from '../../src/backend/matrix.ts';
import {
  KROTOV_OPTIONS,
  PAPER,
  readoutFeatures,
} from '../../src/reproduce/krotov/krotov-hopfield.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const dir = mkdtempSync(join(tmpdir(), 'hebb-krotov-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function hebb(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('hebb reproduce krotov-hopfield', () => {
  const out = join(dir, 'quick');
  it('--quick: report beside the paper, layer saved, learnt fields drawn', async () => {
    const r = await hebb(
      'reproduce',
      'krotov-hopfield',
      '--quick',
      '--units',
      '40',
      '--quiet',
      '--json',
      '--out',
      out,
    );
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out);
    // 40 units, 2000 images, 20 + 20 epochs: far from chance, far from the full run.
    assert.ok(res.testError < 40 && res.testError >= 0, String(res.testError));
    assert.equal(res.units, 40);
    for (const f of ['report.md', 'model.safetensors', 'figures/learned-fields.png'])
      assert.ok(existsSync(join(out, f)), f);
    assertFiguresLinked(join(out, 'report.md'), 1);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(report, /\| \*\*\d+\.\d\d %\*\* \| 1\.46 % \|/);
    assert.match(report, /\| — \| 1\.5 % \|/);
    const layer = loadModel(join(out, 'model.safetensors'), { expect: KrotovHopfield });
    assert.deepEqual([layer.options.units, layer.options.epochs], [40, 20]);
  });

  it('--resume of a finished run recomputes nothing and reports the same numbers', async () => {
    const again = await hebb(
      'reproduce',
      'krotov-hopfield',
      '--resume',
      '--quiet',
      '--json',
      '--out',
      out,
    );
    assert.equal(again.code, 0, again.err);
    const first = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))[0];
    assert.equal(JSON.parse(again.out).testError, first.testError);
  });
});

describe('krotov-hopfield settings', () => {
  it("defaults to the paper's MNIST network: 2000 units, p = 3, k = 7, Δ = 0.4, n = 4.5, m = 6", () => {
    const o = validateOptions('test', KROTOV_OPTIONS, {});
    assert.deepEqual([o.units, o.p, o.rank, o.delta, o.power, o.m], [2000, 3, 7, 0.4, 4.5, 6]);
    assert.deepEqual(PAPER, { biological: 1.46, backprop: 1.5 });
  });

  it('the top layer reads ReLU(W·x̂)^n of unit-length images x̂ (by default), or of the raw pixels', () => {
    const layer = new KrotovHopfield({ units: 2, rank: 2, p: 3, epochs: 1, batchSize: 2, seed: 1 });
    layer.fit(new Matrix(2, 3, Float32Array.from([1, 0, 2, 0, 3, 1])));
    const w = layer.weights;
    const x = new Matrix(2, 3, Float32Array.from([3, 4, 0, 0, 0, 2]));
    const unit = readoutFeatures(layer, x, 2, true);
    const raw = readoutFeatures(layer, x, 2, false);
    for (let i = 0; i < 2; i++) {
      const norm = Math.hypot(...x.row(i));
      for (let k = 0; k < 2; k++) {
        let dot = 0;
        for (let j = 0; j < 3; j++) dot += w.data[k * 3 + j] * x.data[i * 3 + j];
        const want = Math.max(dot, 0) ** 2;
        assert.ok(Math.abs(raw.data[i * 2 + k] - want) <= 1e-5 * (1 + want), `raw [${i},${k}]`);
        const u = Math.max(dot / norm, 0) ** 2;
        assert.ok(Math.abs(unit.data[i * 2 + k] - u) <= 1e-6 * (1 + u), `unit [${i},${k}]`);
      }
    }
  });
});
