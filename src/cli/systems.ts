// The commands of the three systems and the paper reproductions, each registered from its
// declaration in src/reproduce/ (flags, defaults and --help come from the option tables).
import type { Command } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { emergenceCurves } from '../reproduce/emergence/curves.ts';
import { emergenceTable } from '../reproduce/emergence/paper-table.ts';
import { emergencePhase } from '../reproduce/emergence/phase.ts';
import { emergenceRun } from '../reproduce/emergence/run.ts';
import * as smEval from '../reproduce/similarity/eval.ts';
import { smFaces } from '../reproduce/similarity/sm-faces.ts';
import { smMnist } from '../reproduce/similarity/sm-mnist.ts';
import { smToy } from '../reproduce/similarity/sm-toy.ts';
import { similarityTrain } from '../reproduce/similarity/train.ts';
import * as attack from '../reproduce/softhebb/attack.ts';
import { softhebbConv } from '../reproduce/softhebb/conv.ts';
import { softhebbDeep } from '../reproduce/softhebb/deep.ts';
import * as shEval from '../reproduce/softhebb/eval.ts';
import { softhebbFashion, softhebbMnist } from '../reproduce/softhebb/reproduce.ts';
import { softhebbRobustness } from '../reproduce/softhebb/robustness.ts';
import { softhebbTrain } from '../reproduce/softhebb/train.ts';
import { krotovHopfield } from '../reproduce/krotov/krotov-hopfield.ts';
import type { CliIO } from './io.ts';
import { registerCommand, registerExperiment } from './options.ts';

/** Every paper experiment, as `hebb reproduce <name>`, in --help's order. */
export const REPRODUCTIONS = [
  softhebbMnist,
  softhebbFashion,
  softhebbConv,
  emergenceTable,
  emergencePhase,
  emergenceCurves,
  smToy,
  smMnist,
  smFaces,
  softhebbRobustness,
  krotovHopfield,
  softhebbDeep,
] as const;

export function registerReproductions(program: Command, io: CliIO): void {
  const reproduce = program
    .command('reproduce')
    .description("run a paper's experiment and write report.md with figures");
  for (const r of REPRODUCTIONS) registerExperiment(reproduce, r as never, io);
}

const TRAINED_RUN = { run: 'run directory written by hebb softhebb train' };
const ATTACKED_RUN = {
  run: 'run directory written by hebb softhebb train, hebb reproduce softhebb-conv or softhebb-deep',
};

/** hebb softhebb train | eval */
export function registerSoftHebbCommands(program: Command, io: CliIO): void {
  const sh = program
    .command('softhebb')
    .description(
      'SoftHebb: soft winner-take-all layers with a local Hebbian rule (docs/math/softhebb.md)',
    );
  registerExperiment(sh, softhebbTrain, io);
  registerCommand(sh, {
    name: 'eval <run>',
    description:
      'evaluate a trained run: label read-out (1-layer) or a linear classifier (2-layer); adds the result to its metrics.json',
    args: TRAINED_RUN,
    options: shEval.EVAL_OPTIONS,
    examples: [
      'hebb softhebb eval runs/mnist-2000',
      'hebb softhebb eval runs/mnist-2000 --readout linear --epochs 100',
    ],
    action: (o, [dir]) => {
      const r = shEval.evaluateRun(dir, o, {
        backend: getBackend(),
        log: o.quiet ? undefined : io.err,
      });
      io.out(o.json ? JSON.stringify({ run: dir, ...r }) : shEval.evalReport(dir, r));
    },
  });
}

/** hebb emergence run */
export function registerEmergenceCommands(program: Command, io: CliIO): void {
  const em = program
    .command('emergence')
    .description(
      'emergent Hebbian dynamics: how Hebbian is the learning signal of SGD, Adam, DFA or a random rule',
    );
  registerExperiment(em, emergenceRun, io);
}

/** hebb similarity train | eval */
export function registerSimilarityCommands(program: Command, io: CliIO): void {
  const sm = program
    .command('similarity')
    .description('structured similarity matching (Hebbian/anti-Hebbian) networks on image data');
  registerExperiment(sm, similarityTrain, io);
  registerCommand(sm, {
    name: 'eval <run>',
    description:
      'fixed-point features of a trained run + LinearSVC: test error; adds the result to its metrics.json',
    args: { run: 'run directory written by hebb similarity train' },
    options: smEval.EVAL_OPTIONS,
    examples: ['hebb similarity eval runs/sm8 --train-samples 10000'],
    action: (o, [dir]) =>
      io.out(smEval.evalOutput(dir, smEval.evaluateRun(dir, o, getBackend()), o.json)),
  });
}

/** hebb attack RUN and hebb robustness RUN: PGD and Gaussian noise on a trained SoftHebb or conv run. */
export function registerAttackCommands(program: Command, io: CliIO): void {
  const hooks = (quiet: boolean) => ({ backend: getBackend(), log: quiet ? undefined : io.err });
  registerCommand(program, {
    name: 'attack <run>',
    description:
      'PGD on a trained SoftHebb or softhebb-conv run, end to end through its read-out; adds the result to its metrics.json',
    args: ATTACKED_RUN,
    options: attack.ATTACK_OPTIONS,
    examples: [
      'hebb attack runs/mnist-2000 --eps 8,16,32 --steps 200 --restarts 5',
      'hebb attack runs/conv-quick --eps 8,32 --steps 20 --restarts 1',
    ],
    action: (o, [dir]) => {
      const r = attack.attackRun(dir, o, hooks(o.quiet));
      if (o.json) io.out(JSON.stringify({ run: dir, ...r }));
      else attack.attackReport(r).forEach((l) => io.out(l));
    },
  });
  registerCommand(program, {
    name: 'robustness <run>',
    description:
      'accuracy of a trained SoftHebb or softhebb-conv run under Gaussian input noise (clipped to [0, 1]); adds the result to its metrics.json',
    args: ATTACKED_RUN,
    options: attack.NOISE_OPTIONS,
    examples: ['hebb robustness runs/mnist-2000 --noise 0,0.2,0.5,1'],
    action: (o, [dir]) => {
      const { row, testImages } = attack.noiseRun(dir, o, hooks(o.quiet));
      if (o.json) io.out(JSON.stringify({ run: dir, ...row }));
      else attack.noiseReport(row, testImages).forEach((l) => io.out(l));
    },
  });
}
