// `hebb attack RUN` and `hebb robustness RUN`: PGD and Gaussian noise on a SoftHebb layer
// trained by `hebb softhebb train`, through a linear read-out fitted once and kept in the run
// directory (docs/robustness.md).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { Matrix } from '../backend/matrix.ts';
import { getBackend } from '../backend/registry.ts';
import { Rng } from '../backend/rng.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors.ts';
import { formatActivation, parseActivation } from '../model/activation.ts';
import { SoftmaxClassifier } from '../readout/softmax-classifier.ts';
import { noiseCurve, pgdCurve } from '../robustness/curves.ts';
import { softHebbNetwork } from '../robustness/networks.ts';
import { activationStage, type Pipeline } from '../robustness/pipeline.ts';
import { openRun, type Run } from '../run/run-dir.ts';
import { SoftHebb } from '../softhebb/layer.ts';
import { fitLinearReadout } from '../softhebb/readout.ts';
import { epsScale } from '../reproduce/softhebb/robustness-options.ts';
import { loadTrainingData, type TrainFlags } from '../reproduce/softhebb/train.ts';
import type { Split } from '../data/dataset.ts';
import { intFlag, listFlag, numFlag } from './flags.ts';
import type { CliIO } from './io.ts';

interface NetFlags {
  activation?: string;
  readoutEpochs: number;
  seed: number;
  quiet?: boolean;
  json?: boolean;
}

/**
 * The run's layer with its read-out as one network. The read-out (for this activation and
 * epoch count) is fitted on first use and saved beside the model, so later calls reuse it.
 */
function runNetwork(
  dir: string,
  f: NetFlags,
  log: (s: string) => void,
): { run: Run; net: Pipeline; data: Split; activation: string } {
  const be = getBackend();
  const run = openRun(dir);
  const layer = run.loadModel({ expect: SoftHebb, backend: be });
  const act = parseActivation(
    f.activation ?? `softmax:${layer.options.inverseTemperature}`,
    undefined,
    '--activation',
  );
  activationStage(be, act); // refuses an activation without a gradient, with the reason
  const text = formatActivation(act);
  const data = loadTrainingData(run.config.options as unknown as TrainFlags);
  const file = join(
    run.dir,
    `readout-${text.replace(/[^a-zA-Z0-9.]+/g, '-')}-e${f.readoutEpochs}-s${f.seed}.safetensors`,
  );
  let classifier: SoftmaxClassifier;
  let stats: { mean: Float32Array; std: Float32Array } | null;
  if (existsSync(file)) {
    const t = decodeSafetensors(readFileSync(file), file).tensors;
    const m = (k: string) => t[k].data as Float32Array;
    classifier = new SoftmaxClassifier({ backend: be }).setParameters(
      new Matrix(t.weights.shape[0], t.weights.shape[1], m('weights')),
      m('bias'),
    );
    stats = t.mean ? { mean: m('mean'), std: m('std') } : null;
    log(`read-out: ${file} (saved earlier)`);
  } else {
    log(`fitting the linear read-out on ${text} (${f.readoutEpochs} epochs) …`);
    const ro = fitLinearReadout(layer, data, {
      epochs: f.readoutEpochs,
      activation: text,
      seed: f.seed,
    });
    classifier = ro.classifier;
    stats = ro.stats;
    const tensors: Record<string, Matrix> = {
      weights: ro.classifier.weights,
      bias: new Matrix(1, ro.classifier.bias.length, ro.classifier.bias),
    };
    if (stats) {
      tensors.mean = new Matrix(1, stats.mean.length, stats.mean);
      tensors.std = new Matrix(1, stats.std.length, stats.std);
    }
    writeFileAtomic(
      file,
      encodeSafetensors(tensors, { activation: text, epochs: String(f.readoutEpochs) }),
    );
    log(`read-out saved: ${file}`);
  }
  return { run, net: softHebbNetwork(layer, act, { classifier, stats }), data, activation: text };
}

const shared = (c: Command): Command =>
  c
    .option(
      '--activation <f>',
      "the layer's output at inference (default softmax at its inverse temperature)",
    )
    .option(
      '--readout-epochs <n>',
      'epochs of the linear read-out (fitted once, kept in the run)',
      intFlag('--readout-epochs'),
      100,
    )
    .option(
      '--seed <n>',
      'seed of the read-out, the attacked subset and the random draws',
      intFlag('--seed', { min: 0 }),
      0,
    )
    .option('--quiet', 'no progress lines')
    .option('--json', 'the result as one JSON object on stdout');

export function registerAttackCommands(program: Command, io: CliIO): void {
  shared(
    program
      .command('attack')
      .description(
        'PGD on a trained SoftHebb run, end to end through its read-out; adds the result to its metrics.json',
      )
      .argument('<run>', 'run directory written by hebb softhebb train')
      .option(
        '--eps <list>',
        'budgets ε, comma separated: L∞ in pixel levels of 255, L2 as radii in pixel units',
        listFlag('--eps', numFlag('--eps', { min: 0, max: 255 })),
        [4, 8, 16, 32, 64],
      )
      .option('--steps <n>', 'PGD steps', intFlag('--steps'), 200)
      .option('--restarts <n>', 'random restarts', intFlag('--restarts'), 5)
      .addOption(new Option('--norm <norm>', 'attack norm').choices(['linf', 'l2']).default('linf'))
      .option(
        '--attack-samples <n>',
        'test images attacked, fixed by the seed',
        intFlag('--attack-samples'),
        1000,
      ),
  )
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb attack runs/mnist-2000 --eps 8,16,32 --steps 200 --restarts 5',
    )
    .action(
      (
        dir: string,
        f: NetFlags & {
          eps: number[];
          steps: number;
          restarts: number;
          norm: 'linf' | 'l2';
          attackSamples: number;
        },
      ) => {
        const log = (s: string) => (f.quiet ? undefined : io.err(s));
        const { run, net, data, activation } = runNetwork(dir, f, log);
        const be = net.backend;
        const idx = new Rng(f.seed + 1, be)
          .permutation(data.test.x.rows)
          .subarray(0, Math.min(f.attackSamples, data.test.x.rows));
        const x = data.test.x.gatherRows(idx);
        const y = Array.from(idx, (i) => data.test.y[i]);
        const pts = pgdCurve(
          net,
          x,
          y,
          f.eps.map((e) => e * epsScale(f.norm)),
          { norm: f.norm, steps: f.steps, restarts: f.restarts, seed: f.seed },
          log,
        );
        const row = {
          eval: 'attack',
          activation,
          norm: f.norm,
          steps: f.steps,
          restarts: f.restarts,
          samples: x.rows,
          points: pts.map((p) => ({
            eps: p.level / epsScale(f.norm),
            accuracy: p.accuracy,
            interval: p.interval,
            seconds: p.seconds,
          })),
        };
        run.appendMetrics(row);
        if (f.json) io.out(JSON.stringify({ run: dir, ...row }));
        else
          for (const p of row.points)
            io.out(
              `ε = ${p.eps}${f.norm === 'linf' ? '/255' : ' (L2)'}: ${(100 * p.accuracy).toFixed(1)} % robust [${(100 * p.interval[0]).toFixed(1)}, ${(100 * p.interval[1]).toFixed(1)}] of ${x.rows} test images`,
            );
      },
    );

  shared(
    program
      .command('robustness')
      .description(
        'accuracy of a trained SoftHebb run under Gaussian input noise (clipped to [0, 1]); adds the result to its metrics.json',
      )
      .argument('<run>', 'run directory written by hebb softhebb train')
      .option(
        '--noise <list>',
        'noise standard deviations σ, comma separated',
        listFlag('--noise', numFlag('--noise', { min: 0 })),
        [0, 0.1, 0.2, 0.4, 0.6, 0.8, 1],
      ),
  )
    .addHelpText('after', '\nExample:\n  $ hebb robustness runs/mnist-2000 --noise 0,0.2,0.5,1')
    .action((dir: string, f: NetFlags & { noise: number[] }) => {
      const log = (s: string) => (f.quiet ? undefined : io.err(s));
      const { run, net, data, activation } = runNetwork(dir, f, log);
      const pts = noiseCurve(net, data.test.x, data.test.y, f.noise, f.seed);
      const row = {
        eval: 'noise',
        activation,
        points: pts.map((p) => ({ sigma: p.level, accuracy: p.accuracy, interval: p.interval })),
      };
      run.appendMetrics(row);
      if (f.json) io.out(JSON.stringify({ run: dir, ...row }));
      else
        for (const p of row.points)
          io.out(
            `σ = ${p.sigma}: ${(100 * p.accuracy).toFixed(2)} % of ${data.test.x.rows} test images`,
          );
    });
}
