#!/usr/bin/env node
import { Command } from 'commander';
import { HebbError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { registerBackendCommand } from './backend-command.ts';
import { registerDataCommands } from './data-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerInspectCommand } from './inspect-command.ts';

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
