// `hebb demo`, declared in src/reproduce/softhebb/demo.ts.
import type { Command } from 'commander';
import { demo } from '../reproduce/softhebb/demo.ts';
import type { CliIO } from './io.ts';
import { registerExperiment } from './options.ts';

export function registerDemoCommand(program: Command, io: CliIO): void {
  registerExperiment(program, demo, io);
}
