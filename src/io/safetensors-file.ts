// Node only: safetensors checkpoints on disk (the codec itself is browser-safe, safetensors.ts).
import { readFileSync } from 'node:fs';
import type { Matrix } from '../backend/matrix.ts';
import { HebbError } from '../errors.ts';
import { writeFileAtomic } from './atomic.ts';
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsFile,
  type Tensor,
} from './safetensors.ts';

/** Writes a checkpoint atomically (a crash leaves the old file or the new one, never half). */
export function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor | Matrix>,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Reads and validates a checkpoint file. */
export function loadSafetensors(path: string): SafetensorsFile {
  return decodeSafetensors(readFileChecked(path, 'checkpoint'), path);
}

/** A file's bytes, or one clear HebbError naming the file and the fix. */
export function readFileChecked(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file; check the path'
        : code === 'EISDIR'
          ? 'it is a directory; pass the .safetensors file inside it'
          : `${(e as Error).message}; check the path and its permissions`;
    throw new HebbError(`cannot read ${what} ${path}: ${why}`);
  }
}
