import type { Command } from 'commander';
import { emergenceCurves } from '../reproduce/emergence/curves.ts';
import { emergenceTable } from '../reproduce/emergence/paper-table.ts';
import { emergencePhase } from '../reproduce/emergence/phase.ts';
import { emergenceRun } from '../reproduce/emergence/run.ts';
import type { CliIO } from './io.ts';
import { registerExperiment } from './options.ts';

/** hebb emergence run */
export function registerEmergenceCommands(program: Command, io: CliIO): void {
  const em = program
    .command('emergence')
    .description(
      'emergent Hebbian dynamics: how Hebbian is the learning signal of SGD, Adam, DFA or a random rule',
    );
  registerExperiment(em, emergenceRun, io);
}

/** hebb reproduce emergence-table | emergence-phase | emergence-curves */
export function registerEmergenceReproductions(reproduce: Command, io: CliIO): void {
  registerExperiment(reproduce, emergenceTable, io);
  registerExperiment(reproduce, emergencePhase, io);
  registerExperiment(reproduce, emergenceCurves, io);
}
