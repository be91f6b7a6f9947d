// The emergence reproductions write reports whose figures exist and are SVG charts: the phase
// map (values over its γ = σ² line) and the per-data-set alignment curves.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hebbSync } from '../helpers/cli.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const hebb = (...args: string[]) => hebbSync(args);

describe('emergence reproductions: reports and figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-emergence-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('emergence-phase: a 2 × 2 grid, its figure linked from the report', () => {
    const out = join(dir, 'phase');
    const r = hebb(
      'reproduce', 'emergence-phase', '--sigmas', '0.003,0.1', '--decays', '0.001,0.01',
      '--seeds', '1', '--epochs', '1', '--out', out, '--quiet',
    ); // prettier-ignore
    assert.equal(r.status, 0, r.stderr);
    const [fig] = assertFiguresLinked(join(out, 'report.md'), 1);
    const svg = readFileSync(join(out, fig), 'utf8');
    for (const label of ['3e-3', '1e-1', '1e-3', '1e-2', 'weight decay γ', 'noise σ'])
      assert.ok(svg.includes(`>${label}<`), `${label} missing from the phase map`);
  });

  it('emergence-curves on MNIST: a figure per activation with both panels on one x-range, and one against γ', () => {
    const out = join(dir, 'curves');
    const r = hebb(
      'reproduce', 'emergence-curves', '--datasets', 'mnist', '--decays', '0,0.01', '--epochs', '1',
      '--train-samples', '512', '--val-samples', '256', '--activations', 'tanh,relu', '--out', out, '--quiet',
    ); // prettier-ignore
    assert.equal(r.status, 0, r.stderr);
    const figs = assertFiguresLinked(join(out, 'report.md'), 3);
    assert.deepEqual(figs, [
      'figures/curves-mnist-tanh.svg',
      'figures/curves-mnist-relu.svg',
      'figures/decay-mnist.svg',
    ]);
    const fig = figs[0];
    const spec = JSON.parse(readFileSync(join(out, fig.replace(/\.svg$/, '.vl.json')), 'utf8'));
    const ranges = spec.vconcat.map(
      (c: { layer: { encoding: { x: { scale: { domain: number[] } } } }[] }) =>
        c.layer[0].encoding.x.scale.domain,
    );
    assert.equal(ranges.length, 2);
    assert.deepEqual(ranges[0], ranges[1]);
    // every legend entry of the alignment panel: layer l, γ — each drawn
    const names = new Set(spec.vconcat[0].data.values.map((v: { series: string }) => v.series));
    assert.deepEqual([...names].sort(), [
      'layer 1, γ=0',
      'layer 1, γ=1e-2',
      'layer 2, γ=0',
      'layer 2, γ=1e-2',
    ]);
    // against γ: both activations, both layers' alignment, and the validation loss
    const decay = JSON.parse(readFileSync(join(out, 'figures', 'decay-mnist.vl.json'), 'utf8'));
    const [align, loss] = decay.hconcat.map((c: { data: { values: object[] } }) => c.data.values);
    assert.equal(align.length, 2 * 2 * 2); // activation × γ × layer
    assert.equal(loss.length, 2 * 2);
    const bad = hebb(
      'reproduce',
      'emergence-curves',
      '--activations',
      'gelu',
      '--out',
      join(dir, 'x'),
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown activation 'gelu'/);
    const arch = hebb(
      'reproduce',
      'emergence-table',
      '--architectures',
      'mlp,cnn',
      '--out',
      join(dir, 'y'),
    );
    assert.equal(arch.status, 2);
    assert.match(
      arch.stderr,
      /--architectures: unknown architecture 'cnn'; choose from mlp, transformer/,
    );
    const dfa = hebb(
      'emergence',
      'run',
      '--architecture',
      'transformer',
      '--rule',
      'dfa',
      '--out',
      join(dir, 'z'),
    );
    assert.equal(dfa.status, 2);
    assert.match(dfa.stderr, /--rule dfa needs --architecture mlp/);
  });

  it('emergence run: --adam-decay and --label-noise reach the run; --label-noise off the regression task is refused', () => {
    const run = (...a: string[]) =>
      hebb(
        'emergence',
        'run',
        '--rule',
        'adam',
        '--weight-decay',
        '5e-3',
        '--epochs',
        '1',
        '--json',
        '--quiet',
        ...a,
      );
    const out = (k: string) => ['--out', join(dir, k), '--overwrite'];
    const coupled = JSON.parse(run(...out('c')).stdout);
    const decoupled = JSON.parse(run('--adam-decay', 'decoupled', ...out('d')).stdout);
    const noisy = JSON.parse(run('--label-noise', '1', ...out('n')).stdout);
    // AdamW's −ηγv at η = 1e-3 barely moves the weights: another run, but not coupled's
    assert.notDeepEqual(decoupled.alignment.signal, coupled.alignment.signal);
    assert.ok(noisy.validation.loss > 10 * coupled.validation.loss, 'noisy targets: larger loss');
    assert.equal(coupled.alignment.gradient.length, 2);
    const bad = hebb(
      'emergence',
      'run',
      '--task',
      'mnist',
      '--label-noise',
      '1',
      '--out',
      join(dir, 'x'),
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--label-noise applies to the regression task only/);
  });
});
