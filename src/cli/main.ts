#!/usr/bin/env node
// The `hebb` executable: the native backend is registered here (Node only), then the CLI runs.
import '../backend/register-node.ts';
import { processIO } from './io.ts';
import { runCli } from './program.ts';

// A reader that went away (`hebb … | head`) ends the command quietly, as Unix tools do, instead
// of an unhandled EPIPE with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2), processIO);
