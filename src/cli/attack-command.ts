// `hebb attack RUN` and `hebb robustness RUN` (src/reproduce/softhebb/attack.ts): PGD and
// Gaussian noise on a trained SoftHebb run, through its read-out kept in the run directory.
import type { Command } from 'commander';
import { getBackend } from '../backend/registry.ts';
import {
  ATTACK_OPTIONS,
  attackReport,
  attackRun,
  NOISE_OPTIONS,
  noiseReport,
  noiseRun,
} from '../reproduce/softhebb/attack.ts';
import type { CliIO } from './io.ts';
import { registerCommand } from './options.ts';

const RUN_ARG = { run: 'run directory written by hebb softhebb train' };

export function registerAttackCommands(program: Command, io: CliIO): void {
  const hooks = (quiet: boolean) => ({ backend: getBackend(), log: quiet ? undefined : io.err });
  registerCommand(program, {
    name: 'attack <run>',
    description:
      'PGD on a trained SoftHebb run, end to end through its read-out; adds the result to its metrics.json',
    args: RUN_ARG,
    options: ATTACK_OPTIONS,
    examples: ['hebb attack runs/mnist-2000 --eps 8,16,32 --steps 200 --restarts 5'],
    action: (o, [dir]) => {
      const r = attackRun(dir, o, hooks(o.quiet));
      if (o.json) io.out(JSON.stringify({ run: dir, ...r }));
      else attackReport(r).forEach((l) => io.out(l));
    },
  });
  registerCommand(program, {
    name: 'robustness <run>',
    description:
      'accuracy of a trained SoftHebb run under Gaussian input noise (clipped to [0, 1]); adds the result to its metrics.json',
    args: RUN_ARG,
    options: NOISE_OPTIONS,
    examples: ['hebb robustness runs/mnist-2000 --noise 0,0.2,0.5,1'],
    action: (o, [dir]) => {
      const { row, testImages } = noiseRun(dir, o, hooks(o.quiet));
      if (o.json) io.out(JSON.stringify({ run: dir, ...row }));
      else noiseReport(row, testImages).forEach((l) => io.out(l));
    },
  });
}
