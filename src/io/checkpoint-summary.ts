// A checkpoint's contents in numbers: each tensor's dtype, shape and min/max/mean, and the
// file's metadata (what `hebb inspect` prints).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { halfToFloat, type Tensor } from './safetensors.ts';
import { loadSafetensors } from './safetensors-file.ts';
import { RUN_FILES } from '../run/run-dir.ts';

export interface TensorSummary {
  name: string;
  dtype: Tensor['dtype'];
  shape: number[];
  size: number;
  bytes: number;
  /** Over the finite values; null when there are none. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Count of NaN and ±Inf entries (always 0 for integer dtypes). */
  nonFinite: number;
}

export interface CheckpointSummary {
  file: string;
  bytes: number;
  metadata: Record<string, string>;
  tensors: TensorSummary[];
}

/** Statistics of one tensor; F16 is decoded and I64 converted to numbers for them. */
export function summarizeTensor(name: string, t: Tensor): TensorSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  const n = t.data.length;
  for (let i = 0; i < n; i++) {
    const raw = t.data[i];
    const v = t.dtype === 'F16' ? halfToFloat(raw as number) : Number(raw);
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    finite++;
  }
  return {
    name,
    dtype: t.dtype,
    shape: t.shape,
    size: n,
    bytes: t.data.byteLength,
    min: finite > 0 ? min : null,
    max: finite > 0 ? max : null,
    mean: finite > 0 ? sum / finite : null,
    nonFinite: n - finite,
  };
}

/** Reads a checkpoint (or the model.safetensors of a run directory) and summarises it. */
export function summarizeCheckpoint(file: string): CheckpointSummary {
  let path = file;
  let bytes = 0;
  try {
    const st = statSync(file);
    if (st.isDirectory()) path = join(file, RUN_FILES.model);
    bytes = statSync(path).size;
  } catch {
    // loadSafetensors reports a missing file with the fix
  }
  const { tensors, metadata } = loadSafetensors(path);
  const names = Object.keys(tensors).sort();
  return {
    file: path,
    bytes,
    metadata,
    tensors: names.map((name) => summarizeTensor(name, tensors[name])),
  };
}
