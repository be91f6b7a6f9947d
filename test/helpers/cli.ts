// The CLI as a child process, as a user runs it (through tsx, from the sources).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Node's arguments that run `hebb`: append the command line. */
export const CLI_ARGS = [
  '--import',
  'tsx',
  join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'),
];

/** Runs `hebb ...args` to the end; stdout and stderr as text. */
export function hebbSync(args: string[], env?: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [...CLI_ARGS, ...args], {
    encoding: 'utf8',
    ...(env ? { env } : {}),
  });
}
