// `hebb reproduce softhebb-robustness`, declared in src/reproduce/softhebb/robustness.ts.
import type { Command } from 'commander';
import { softhebbRobustness } from '../reproduce/softhebb/robustness.ts';
import type { CliIO } from './io.ts';
import { registerExperiment } from './options.ts';

export function registerRobustnessReproduction(reproduce: Command, io: CliIO): void {
  registerExperiment(reproduce, softhebbRobustness, io);
}
