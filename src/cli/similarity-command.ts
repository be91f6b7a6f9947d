// `hebb similarity train|eval` and `hebb reproduce sm-toy|sm-mnist`, registered from their
// declarations in src/reproduce/similarity/ (docs/math/similarity-matching.md).
import type { Command } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { EVAL_OPTIONS, evalOutput, evaluateRun } from '../reproduce/similarity/eval.ts';
import { smMnist } from '../reproduce/similarity/sm-mnist.ts';
import { smToy } from '../reproduce/similarity/sm-toy.ts';
import { similarityTrain } from '../reproduce/similarity/train.ts';
import type { CliIO } from './io.ts';
import { registerCommand, registerExperiment } from './options.ts';

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
    options: EVAL_OPTIONS,
    examples: ['hebb similarity eval runs/sm8 --train-samples 10000'],
    action: (o, [dir]) => io.out(evalOutput(dir, evaluateRun(dir, o, getBackend()), o.json)),
  });
}

export function registerSimilarityReproductions(reproduce: Command, io: CliIO): void {
  registerExperiment(reproduce, smToy, io);
  registerExperiment(reproduce, smMnist, io);
}
