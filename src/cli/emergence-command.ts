import type { Command } from 'commander';
import { join } from 'node:path';
import { getBackend } from '../backend/index.ts';
import { loadAddon } from '../backend/native/index.ts';
import type { Backend } from '../backend/types.ts';
import { loadDataset } from '../data/index.ts';
import { HebbError } from '../errors.ts';
import { TABLE_RULES, tableOptions, tableTask } from '../emergence/experiments.ts';
import { EmergenceLearner } from '../emergence/learner.ts';
import { checkActivation } from '../emergence/mlp.ts';
import { reproduceCurves, reproducePhase, reproduceTable } from '../emergence/reproduce.ts';
import { checkRule, RULES, type RuleName } from '../emergence/rules.ts';
import { classificationTask } from '../emergence/tasks.ts';

function num(name: string, min = -Infinity) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || x < min) {
      throw new HebbError(
        `--${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}, got '${v}'`,
      );
    }
    return x;
  };
}

function int(name: string, min = 1) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) {
      throw new HebbError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
    }
    return x;
  };
}

function list(name: string) {
  return (v: string): number[] => v.split(',').map((s) => num(name, 0)(s));
}

/**
 * The small matrices of these experiments (batch 256 × width 128) run fastest on one BLAS
 * thread: threading overhead exceeds the work. Applies to the native backend only.
 */
function backendWithThreads(threads: number): Backend {
  const be = getBackend();
  if (be.name === 'native') {
    const res = loadAddon();
    if ('addon' in res) res.addon.setThreads(threads);
  }
  return be;
}

export function registerEmergenceCommands(program: Command): void {
  const em = program
    .command('emergence')
    .description(
      'emergent Hebbian dynamics: how Hebbian is the learning signal of SGD, Adam, DFA or a random rule',
    );
  em.command('run')
    .description(
      'train one MLP with a rule, weight decay and parameter noise; print the final alignment per layer',
    )
    .option('--rule <rule>', `learning rule: ${RULES.join(' | ')}`, 'sgd')
    .option('--decay <gamma>', 'weight decay γ in ΔW = η (g − γW)', num('decay', 0), 0)
    .option(
      '--noise <sigma>',
      'parameter noise σ: forward with w = v + ε, ε ~ N(0, σ²)',
      num('noise', 0),
      0,
    )
    .option(
      '--task <task>',
      'regression (student–teacher, SPEC §3) | mnist | fashion-mnist',
      'regression',
    )
    .option(
      '--lr <eta>',
      'learning rate η (default 0.5 regression / 0.01 classification; adam 1e-3)',
      num('lr', 0),
    )
    .option('--hidden <widths>', 'hidden widths, comma-separated', '128')
    .option('--activation <f>', 'linear | relu | tanh | sigmoid', 'tanh')
    .option('--epochs <n>', 'training epochs', int('epochs'), 30)
    .option('--batch <n>', 'mini-batch size', int('batch'), 256)
    .option('--train <n>', 'training samples for mnist tasks (default 20000)', int('train'), 20000)
    .option('--seed <n>', 'seed', int('seed', 0), 1)
    .option('--threads <n>', 'BLAS threads (native backend)', int('threads'), 1)
    .option('--data-dir <dir>', 'data root for fashion-mnist')
    .option('--json', 'print one JSON object with the settings and the final alignment per layer')
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb emergence run --rule sgd --decay 5e-3 --task regression --json\n' +
        '  $ hebb emergence run --rule dfa --decay 5e-4 --noise 0.01 --epochs 10',
    )
    .action((o) => {
      const rule = checkRule(o.rule, 'hebb emergence run --rule');
      const activation = checkActivation(o.activation, 'hebb emergence run --activation');
      const hidden = list('hidden')(o.hidden);
      const be = backendWithThreads(o.threads);
      let task;
      let lr = o.lr as number | undefined;
      if (o.task === 'regression') {
        task = tableTask(be);
        lr ??= tableOptions(rule, 0, 0).lr;
      } else if (o.task === 'mnist' || o.task === 'fashion-mnist') {
        task = classificationTask(o.task, loadDataset(o.task, { dir: o.dataDir }), {
          train: o.train,
          val: 2000,
          seed: o.seed,
        });
        lr ??= rule === 'adam' ? 1e-3 : 0.01;
      } else {
        throw new HebbError(`--task must be regression, mnist or fashion-mnist, got '${o.task}'`);
      }
      const t0 = performance.now();
      const learner = new EmergenceLearner({
        rule,
        decay: o.decay,
        noise: o.noise,
        lr,
        hidden: hidden.map((h) => Math.round(h)),
        activation,
        epochs: o.epochs,
        batch: o.batch,
        seed: o.seed,
        backend: be,
      });
      const r = learner.fit(task);
      const v = r.validation[r.validation.length - 1];
      const summary = {
        settings: {
          rule,
          decay: o.decay,
          noise: o.noise,
          task: o.task,
          lr,
          sizes: r.sizes,
          activation,
          epochs: o.epochs,
          batch: o.batch,
          seed: o.seed,
          steps: r.steps,
          backend: be.name,
        },
        alignment: {
          signal: r.final.signal,
          update: r.final.update,
          post: r.final.post,
          meanSignal: r.final.meanSignal,
        },
        stationarityRatio: r.stationarity.map((s) => s.ratio),
        validation: v,
        collapsed: r.collapsed,
        diverged: r.diverged,
        seconds: (performance.now() - t0) / 1000,
      };
      if (o.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      const f = (a: number[]) => a.map((x) => x.toFixed(3)).join(' / ');
      console.log(
        `rule ${rule}, γ=${o.decay}, σ=${o.noise}, ${o.task}, ${r.steps} steps, ${summary.seconds.toFixed(1)} s`,
      );
      console.log(
        `cos(g, H) per layer:   ${f(r.final.signal)}  (mean ${r.final.meanSignal.toFixed(3)})`,
      );
      console.log(`cos(ΔW, H) per layer:  ${f(r.final.update)}`);
      console.log(`cos(g, H⁺) per layer:  ${f(r.final.post)}`);
      console.log(`stationarity ratio:    ${f(summary.stationarityRatio)}`);
      console.log(
        `validation loss ${v.loss.toPrecision(4)}${v.accuracy !== undefined ? `, accuracy ${(100 * v.accuracy).toFixed(2)} %` : ''}${r.collapsed ? ' (collapsed)' : ''}`,
      );
    });
}

export function registerEmergenceReproductions(reproduce: Command): void {
  const log = (line: string) => console.error(line);
  reproduce
    .command('emergence-table')
    .description(
      'SPEC §3 table: alignment of sgd/adam/dfa/random × γ ∈ {0, 5e-5, 5e-4, 5e-3}, mean ± std over seeds',
    )
    .option('--seeds <n>', 'seeds per cell', int('seeds'), 10)
    .option('--epochs <n>', 'epochs per run', int('epochs'), 30)
    .option('--rules <list>', 'comma-separated rules', TABLE_RULES.join(','))
    .option('--out <dir>', 'output folder', join('runs', 'emergence-table'))
    .option('--threads <n>', 'BLAS threads (native backend)', int('threads'), 1)
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb reproduce emergence-table\n  $ hebb reproduce emergence-table --seeds 2 --rules sgd,dfa',
    )
    .action((o) => {
      const rules = (o.rules as string)
        .split(',')
        .map((r) => checkRule(r.trim(), '--rules')) as RuleName[];
      const r = reproduceTable({
        dir: o.out,
        backend: backendWithThreads(o.threads),
        log,
        seeds: o.seeds,
        epochs: o.epochs,
        rules,
      });
      log(`wrote ${join(o.out, 'report.md')} (${r.seconds.toFixed(0)} s)`);
    });
  reproduce
    .command('emergence-phase')
    .description(
      'SPEC §3 phase diagram: alignment over parameter noise σ × weight decay γ (log axes)',
    )
    .option('--seeds <n>', 'seeds per cell', int('seeds'), 3)
    .option('--epochs <n>', 'epochs per run', int('epochs'), 15)
    .option('--rule <rule>', 'learning rule', 'sgd')
    .option('--sigmas <list>', 'noise levels σ (increasing)', '0.001,0.003,0.01,0.03,0.1')
    .option(
      '--decays <list>',
      'weight decays γ (increasing, > 0)',
      '0.00001,0.0001,0.001,0.003,0.01,0.03',
    )
    .option('--out <dir>', 'output folder', join('runs', 'emergence-phase'))
    .option('--threads <n>', 'BLAS threads (native backend)', int('threads'), 1)
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb reproduce emergence-phase\n  $ hebb reproduce emergence-phase --sigmas 0.003,0.1 --decays 0.001,0.01 --seeds 1',
    )
    .action((o) => {
      const sigmas = list('sigmas')(o.sigmas);
      const decays = list('decays')(o.decays);
      if ([...sigmas, ...decays].some((v) => !(v > 0))) {
        throw new HebbError('--sigmas and --decays must be positive (the axes are logarithmic)');
      }
      const r = reproducePhase({
        dir: o.out,
        backend: backendWithThreads(o.threads),
        log,
        seeds: o.seeds,
        epochs: o.epochs,
        rule: checkRule(o.rule, '--rule'),
        sigmas,
        decays,
      });
      log(`wrote ${join(o.out, 'report.md')} (${r.seconds.toFixed(0)} s)`);
    });
  reproduce
    .command('emergence-curves')
    .description(
      'SPEC §3 curves: alignment vs step for a 784-128-10 tanh MLP (SGD, lr 0.01) on MNIST / Fashion-MNIST / CIFAR-10',
    )
    .option(
      '--datasets <list>',
      'data sets (missing ones are skipped)',
      'mnist,fashion-mnist,cifar10',
    )
    .option('--decays <list>', 'weight decays γ', '0,0.01,0.1')
    .option('--epochs <n>', 'epochs', int('epochs'), 20)
    .option('--train <n>', 'training images', int('train'), 20000)
    .option('--val <n>', 'validation images', int('val'), 2000)
    .option('--seed <n>', 'seed', int('seed', 0), 1)
    .option('--data-dir <dir>', 'data root for fashion-mnist / cifar10')
    .option('--out <dir>', 'output folder', join('runs', 'emergence-curves'))
    .option('--threads <n>', 'BLAS threads (native backend)', int('threads'), 1)
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb reproduce emergence-curves\n  $ hebb reproduce emergence-curves --datasets mnist --epochs 3',
    )
    .action((o) => {
      const r = reproduceCurves({
        dir: o.out,
        backend: backendWithThreads(o.threads),
        log,
        datasets: (o.datasets as string).split(','),
        decays: list('decays')(o.decays),
        epochs: o.epochs,
        train: o.train,
        val: o.val,
        seed: o.seed,
        dataDir: o.dataDir,
      });
      log(`wrote ${join(o.out, 'report.md')} (${r.seconds.toFixed(0)} s)`);
    });
}
