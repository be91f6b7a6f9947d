import type { ProgressStream } from '../report/progress.ts';

/** Where a command prints: results on `out` (stdout), messages and progress on stderr. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  progress: ProgressStream;
}

/** The process's own streams. */
export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr,
};

/** Captures everything a command prints (tests). */
export function memoryIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    progress: { write: (s: string) => stderr.push(s), isTTY: false },
  };
}
