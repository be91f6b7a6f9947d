// The emergence experiments, run in-process from their declarations: the reproductions write
// reports whose figures exist and are SVG charts (the phase map with its γ = σ² line, the
// per-data-set alignment curves), `emergence run` passes its options to the learner, and
// contradicting options are refused. One command line (phase) checks the flags reach the same run.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { emergenceCurves } from '../../src/reproduce/emergence/curves.ts';
import { emergenceTable } from '../../src/reproduce/emergence/paper-table.ts';
import { emergencePhase } from '../../src/reproduce/emergence/phase.ts';
import { emergenceRun } from '../../src/reproduce/emergence/run.ts';
import { assertFiguresLinked } from '../helpers/report-links.ts';

const hooks = () => ({ backend: getBackend() });

describe('emergence reproductions: reports and figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-emergence-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('emergence-phase: a 2 × 2 grid, its figure linked from the report; the command line gives the same grid', async () => {
    const out = join(dir, 'phase');
    const phase = { sigmas: [0.003, 0.1], decays: [0.001, 0.01], seeds: 1, epochs: 1 };
    const { result } = await runDeclared(emergencePhase, { ...phase, out, quiet: true }, hooks());
    const [fig] = assertFiguresLinked(join(out, 'report.md'), 1);
    const svg = readFileSync(join(out, fig), 'utf8');
    for (const label of ['3e-3', '1e-1', '1e-3', '1e-2', 'weight decay γ', 'weight noise σ'])
      assert.ok(svg.includes(`>${label}<`), `${label} missing from the phase map`);
    const io = memoryIO();
    const code = await runCli(
      [
        'reproduce', 'emergence-phase', '--sigmas', '0.003,0.1', '--decays', '0.001,0.01',
        '--seeds', '1', '--epochs', '1', '--out', join(dir, 'phase-cli'), '--json', '--quiet',
      ],
      io,
    ); // prettier-ignore
    assert.equal(code, 0, io.stderr.join('\n'));
    assert.deepEqual(JSON.parse(io.stdout.join('\n')).grid, result.grid);
  });

  it('emergence-phase --noise gradient: the runs take gradient noise; the signal and the raw gradient each get a map, without the γ = σ² line', async () => {
    const out = join(dir, 'phase-gradient');
    const phase = { sigmas: [0.001, 0.03], decays: [0.001, 0.01], seeds: 1, epochs: 1 };
    const { result } = await runDeclared(
      emergencePhase,
      { ...phase, noise: 'gradient', out, quiet: true },
      hooks(),
    );
    assert.equal(result.noise, 'gradient');
    const figs = assertFiguresLinked(join(out, 'report.md'), 2);
    assert.deepEqual(figs, ['figures/phase.svg', 'figures/phase-raw-gradient.svg']);
    for (const f of figs) {
      const svg = readFileSync(join(out, f), 'utf8');
      assert.ok(svg.includes('>gradient noise σ<'), `${f}: axis title`);
      assert.ok(!svg.includes('stroke-dasharray="6,4"'), `${f}: no γ = σ² line`);
    }
    // the signal carries ξ, the raw gradient does not: the two grids differ
    assert.equal(result.gradientGrid?.length, 2);
    assert.notDeepEqual(result.grid, result.gradientGrid);
  });

  it('emergence-curves on MNIST: a figure per activation with both panels on one x-range, and one against γ', async () => {
    const out = join(dir, 'curves');
    await runDeclared(
      emergenceCurves,
      {
        datasets: ['mnist'],
        decays: [0, 0.01],
        epochs: 1,
        trainSamples: 512,
        valSamples: 256,
        activations: ['tanh', 'relu'],
        out,
        quiet: true,
      },
      hooks(),
    );
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
  });

  it('unknown names and a rule the transformer cannot take are refused', async () => {
    await assert.rejects(
      runDeclared(
        emergenceCurves,
        { activations: ['gelu'] as never, out: join(dir, 'x') },
        hooks(),
      ),
      /unknown activation 'gelu'/,
    );
    await assert.rejects(
      runDeclared(
        emergenceTable,
        { architectures: ['mlp', 'cnn'] as never, out: join(dir, 'y') },
        hooks(),
      ),
      /unknown architecture 'cnn'; choose from mlp, transformer/,
    );
    await assert.rejects(
      runDeclared(
        emergenceRun,
        { architecture: 'transformer', rule: 'dfa', out: join(dir, 'z') },
        hooks(),
      ),
      /--rule dfa needs --architecture mlp/,
    );
  });

  it('emergence run: --adam-decay, --label-noise and --lr-warmup reach the run; --label-noise off the regression task is refused', async () => {
    type More = { adamDecay?: 'decoupled'; labelNoise?: number; lrWarmup?: number };
    const run = async (k: string, more: More = {}) =>
      (
        await runDeclared(
          emergenceRun,
          { rule: 'adam', weightDecay: 5e-3, epochs: 1, out: join(dir, k), quiet: true, ...more },
          hooks(),
        )
      ).result;
    const coupled = await run('c');
    const decoupled = await run('d', { adamDecay: 'decoupled' });
    const noisy = await run('n', { labelNoise: 1 });
    const warm = await run('w', { lrWarmup: 78 });
    // Σ η_t γ over 78 steps of η = 1e-3, γ = 5e-3: constant, or ramped (t + 1)/78 (mean 79/156)
    assert.ok(Math.abs(coupled.decayTimes - 78 * 5e-6) < 1e-12, String(coupled.decayTimes));
    assert.ok(Math.abs(warm.decayTimes - 39.5 * 5e-6) < 1e-12, String(warm.decayTimes));
    assert.notDeepEqual(warm.alignment.signal, coupled.alignment.signal);
    // AdamW's −ηγv at η = 1e-3 barely moves the weights: another run, but not coupled's
    assert.notDeepEqual(decoupled.alignment.signal, coupled.alignment.signal);
    assert.ok(noisy.validation.loss > 10 * coupled.validation.loss, 'noisy targets: larger loss');
    assert.equal(coupled.alignment.gradient.length, 2);
    await assert.rejects(
      runDeclared(emergenceRun, { task: 'mnist', labelNoise: 1, out: join(dir, 'x') }, hooks()),
      /--label-noise applies to the regression task only/,
    );
  });
});
