// `hebb softhebb train|eval` and `hebb reproduce softhebb-mnist|softhebb-fashion`, declared in
// src/reproduce/softhebb/.
import type { Command } from 'commander';
import { getBackend } from '../backend/registry.ts';
import { evalReport, evaluateRun, EVAL_OPTIONS } from '../reproduce/softhebb/eval.ts';
import { softhebbFashion, softhebbMnist } from '../reproduce/softhebb/reproduce.ts';
import { softhebbTrain } from '../reproduce/softhebb/train.ts';
import type { CliIO } from './io.ts';
import { registerCommand, registerExperiment } from './options.ts';

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
    args: { run: 'run directory written by hebb softhebb train' },
    options: EVAL_OPTIONS,
    examples: [
      'hebb softhebb eval runs/mnist-2000',
      'hebb softhebb eval runs/mnist-2000 --readout linear --epochs 100',
    ],
    action: (o, [dir]) => {
      const r = evaluateRun(dir, o, {
        backend: getBackend(),
        log: o.quiet ? undefined : io.err,
      });
      io.out(o.json ? JSON.stringify({ run: dir, ...r }) : evalReport(dir, r));
    },
  });
}

/** hebb reproduce softhebb-mnist | softhebb-fashion */
export function registerSoftHebbReproductions(reproduce: Command, io: CliIO): void {
  registerExperiment(reproduce, softhebbMnist, io);
  registerExperiment(reproduce, softhebbFashion, io);
}
