// The read-out `hebb attack` and `hebb robustness` keep beside a run, as a model file.
import { HebbError } from '../../errors.ts';
import type { Backend } from '../../backend/types.ts';
import { decodeSafetensors } from '../../io/safetensors.ts';
import { saveModel } from '../../io/model-file.ts';
import { readFileChecked } from '../../io/safetensors-file.ts';
import { fromSafetensors } from '../../model/model.ts';
import { StandardizedClassifier } from '../../readout/standardized-classifier.ts';

/** Saves the read-out; the metadata says what it was fitted on. */
export function saveReadout(
  m: StandardizedClassifier,
  path: string,
  fitted: { activation: string; epochs: number },
): void {
  saveModel(m, path, { activation: fitted.activation, epochs: String(fitted.epochs) });
}

/**
 * Reads a saved read-out. A file of an older hebb (bare tensors, no model metadata) is refused
 * with the fix: it is fitted again once deleted.
 */
export function loadReadout(path: string, backend: Backend): StandardizedClassifier {
  const bytes = readFileChecked(path, 'read-out');
  if (decodeSafetensors(bytes, path).metadata['hebb.model'] === undefined)
    throw new HebbError(
      `${path} is a read-out saved by an older hebb (no model metadata); delete it and it is fitted again`,
    );
  return fromSafetensors(bytes, { expect: StandardizedClassifier, backend, source: path });
}
