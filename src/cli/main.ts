#!/usr/bin/env node
import { Command } from 'commander';
import { HebbError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { registerBackendCommand } from './backend-command.ts';
import { registerDataCommands } from './data-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerEmergenceCommands, registerEmergenceReproductions } from './emergence-command.ts';
import { registerInspectCommand } from './inspect-command.ts';
import { registerSoftHebbCommands, registerSoftHebbReproductions } from './softhebb-command.ts';
import {
  registerSimilarityCommands,
  registerSimilarityReproductions,
} from './similarity-command.ts';

const program = new Command();
program
  .name('hebb')
  .description(
    'Hebbian and other local learning rules: SoftHebb, similarity matching, emergent Hebbian dynamics',
  )
  .version(VERSION, '-V, --version')
  .showHelpAfterError();

registerBackendCommand(program);
registerDemoCommand(program);
registerDataCommands(program);
registerInspectCommand(program);
registerSoftHebbCommands(program); // SoftHebb (SPEC §1)
registerEmergenceCommands(program); // emergent Hebbian dynamics (SPEC §3)
registerSimilarityCommands(program); // structured similarity matching (SPEC §2)

// Each system adds its paper's experiments here as subcommands: hebb reproduce <experiment>.
const reproduce = program
  .command('reproduce')
  .description("run a paper's experiment and write report.md with figures");
registerSoftHebbReproductions(reproduce); // SoftHebb (SPEC §1)
registerEmergenceReproductions(reproduce); // emergent Hebbian dynamics (SPEC §3)
registerSimilarityReproductions(reproduce); // structured similarity matching (SPEC §2)

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Bad input is reported as one clear line; anything else is a bug and keeps its stack.
  if (e instanceof HebbError) {
    console.error(`hebb: ${e.message}`);
    process.exit(2);
  }
  throw e;
}
