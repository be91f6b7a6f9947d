import { HebbError } from '../errors.ts';
import { tensorToMatrix, type SafetensorsFile, type Tensor } from '../io/safetensors.ts';
import type { Matrix } from '../backend/matrix.ts';
import type { SoftHebbState } from './layer.ts';

/**
 * A SoftHebb state as safetensors tensors + string metadata: `weights` (F32 units × inputs),
 * `bias` (F32, when learnt), and the schedule position in the metadata (samples are counted
 * exactly up to 2^53, so a string keeps them whole).
 */
export function stateToTensors(s: SoftHebbState): {
  tensors: Record<string, Tensor | Matrix>;
  metadata: Record<string, string>;
} {
  const tensors: Record<string, Tensor | Matrix> = { weights: s.weights };
  if (s.bias) tensors.bias = { dtype: 'F32', shape: [s.bias.length], data: s.bias };
  return {
    tensors,
    metadata: { samples_seen: String(s.samplesSeen), horizon: String(s.horizon) },
  };
}

export function stateFromTensors(f: SafetensorsFile, source: string): SoftHebbState {
  const w = f.tensors.weights;
  if (!w) throw new HebbError(`${source}: no 'weights' tensor; is this a SoftHebb checkpoint?`);
  const b = f.tensors.bias;
  if (b && (b.dtype !== 'F32' || b.shape.length !== 1))
    throw new HebbError(
      `${source}: 'bias' must be a 1-D F32 tensor, got ${b.dtype} ${JSON.stringify(b.shape)}`,
    );
  const num = (k: string) => {
    const v = Number(f.metadata[k] ?? '0');
    if (!Number.isSafeInteger(v) || v < 0)
      throw new HebbError(`${source}: metadata ${k} = '${f.metadata[k]}' is not a sample count`);
    return v;
  };
  return {
    weights: tensorToMatrix(w, 'weights'),
    bias: b ? (b.data as Float32Array).slice() : null,
    samplesSeen: num('samples_seen'),
    horizon: num('horizon'),
  };
}
