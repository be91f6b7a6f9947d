// Node only: any hebb model to and from a .safetensors file (the bytes come from
// toSafetensors / fromSafetensors, which also work in a browser).
import type { Backend } from '../backend/types.ts';
import { fromSafetensors, toSafetensors, type Model, type ModelClass } from '../model/model.ts';
import { writeFileAtomic } from './atomic.ts';
import { readFileChecked } from './safetensors-file.ts';

/** Writes a model atomically (a crash leaves the old file or the new one, never half of one). */
export function saveModel(model: Model, path: string, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, toSafetensors(model, metadata));
}

/** Reads a model saved by saveModel (or toSafetensors), of any kind or of the one expected. */
export function loadModel<M extends Model = Model>(
  path: string,
  o: { expect?: ModelClass<M>; backend?: string | Backend } = {},
): M {
  return fromSafetensors<M>(readFileChecked(path, 'model'), { ...o, source: path });
}
