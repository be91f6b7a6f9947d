#!/usr/bin/env node
// The `hebb` executable: the native backend is registered here (Node only), then the CLI runs.
import '../backend/register-node.ts';
import { processIO } from './io.ts';
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2), processIO);
