// The hebb command line: its commands, and one way to end — an exit code and, on failure,
// one `hebb:` line that says what went wrong and what to do.
import { Command, CommanderError } from 'commander';
import { HebbError } from '../errors.ts';
import { demo } from '../reproduce/softhebb/demo.ts';
import { VERSION } from '../version.ts';
import { registerBackendCommand } from './backend-command.ts';
import { registerDataCommands } from './data-command.ts';
import { RunFailure, UsageError } from './experiment.ts';
import { registerInspectCommand } from './inspect-command.ts';
import type { CliIO } from './io.ts';
import { registerExperiment } from './options.ts';
import { registerSweepCommands, registerWorkerCommand } from './sweep-command.ts';
import {
  registerAttackCommands,
  registerEmergenceCommands,
  registerReproductions,
  registerSimilarityCommands,
  registerSoftHebbCommands,
} from './systems.ts';

/** Exit codes, as documented in `hebb --help`. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

const EXIT_HELP = `
Exit codes:
  0    success
  1    the run failed (missing data, diverged training, a file system error); the message says
       why and what was kept in the run directory
  2    bad command line (unknown flag, bad value, conflicting flags); nothing was written
  130  interrupted (Ctrl-C); the message says what was saved and how to --resume

Docs: docs/ in the package (api.md, cli.md, math/, reproducing.md).`;

export function createProgram(io: CliIO): Command {
  const program = new Command();
  program
    .name('hebb')
    .description(
      'Hebbian and other local learning rules: SoftHebb, similarity matching, emergent Hebbian dynamics',
    )
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      outputError: (s, write) => write(s.replace(/^error: /, 'hebb: ')),
    })
    .addHelpText('after', EXIT_HELP);

  registerBackendCommand(program, io);
  registerExperiment(program, demo, io);
  registerDataCommands(program, io);
  registerInspectCommand(program, io);
  registerSoftHebbCommands(program, io);
  registerEmergenceCommands(program, io);
  registerSimilarityCommands(program, io);
  registerAttackCommands(program, io);
  registerSweepCommands(program, io);
  registerWorkerCommand(program, io);
  registerReproductions(program, io);
  return program;
}

const FS_REASONS: Record<string, [string, string]> = {
  EACCES: ['permission denied', 'choose a writable --out or fix the permissions'],
  EPERM: ['operation not permitted', 'choose another path or fix the permissions'],
  EROFS: ['read-only file system', 'choose a --out on a writable disk'],
  ENOSPC: ['no space left on the device', 'free some space or choose a --out on another disk'],
  ENOENT: ['no such file or directory', 'check the path'],
  ENOTDIR: ['a part of the path is a file, not a directory', 'check the path'],
  EISDIR: ['it is a directory', 'give a file path'],
  EEXIST: ['it already exists', 'choose another path'],
};

/** A file-system error as one line with the fix, or null for anything else. */
export function describeFsError(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof err.code !== 'string' || !FS_REASONS[err.code]) return null;
  if (err.syscall === 'mkdir' && err.code === 'ENOENT') {
    // The parent exists (makeDirs made it) but refuses a folder in it, as /proc does.
    return `cannot create ${err.path ?? 'a folder'}: the file system refuses a folder there (ENOENT); choose another --out`;
  }
  const [why, fix] = FS_REASONS[err.code];
  const verb =
    err.syscall === 'open' || err.syscall === 'mkdir' || err.syscall === 'rename'
      ? 'write'
      : (err.syscall ?? 'use');
  return `cannot ${verb === 'write' && err.syscall === 'open' && err.code === 'ENOENT' ? 'open' : verb} ${err.path ?? 'a file'}: ${why} (${err.code}); ${fix}`;
}

/**
 * A message as one printable line: newlines become spaces, other control characters (a
 * damaged file's NUL bytes quoted in a parse error) are written as \xNN.
 */
export function printable(message: string): string {
  return message.replace(/\r?\n/g, ' ').replace(
    // eslint-disable-next-line no-control-regex -- finding them is the point
    /[\x00-\x08\x0b-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Runs the command line; returns the exit code. Unexpected errors (bugs) keep their stack. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof UsageError) {
      io.err(`hebb: ${printable(e.message)}`);
      return EXIT.usage;
    }
    if (e instanceof RunFailure) {
      io.err(`hebb: ${printable(e.message)}`);
      return e.interrupted ? EXIT.interrupted : EXIT.failed;
    }
    if (e instanceof HebbError) {
      io.err(`hebb: ${printable(e.message)}`);
      return EXIT.failed;
    }
    const fs = describeFsError(e);
    if (fs) {
      io.err(`hebb: ${printable(fs)}`);
      return EXIT.failed;
    }
    throw e;
  }
}
