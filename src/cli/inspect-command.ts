import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { halfToFloat, type Tensor } from '../io/safetensors.ts';
import { loadSafetensors } from '../io/safetensors-file.ts';
import type { CliIO } from './io.ts';
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

/** The human-readable report: metadata, then an aligned table of tensors. */
export function formatSummary(s: CheckpointSummary): string {
  const total = s.tensors.reduce((a, t) => a + t.size, 0);
  const lines = [
    `${s.file}: ${s.tensors.length} tensor${s.tensors.length === 1 ? '' : 's'}, ${total} values, ${s.bytes} bytes`,
  ];
  const meta = Object.entries(s.metadata);
  if (meta.length > 0) {
    lines.push('metadata:');
    for (const [k, v] of meta) lines.push(`  ${k}: ${v}`);
  }
  if (s.tensors.length === 0) return lines.join('\n');
  const rows = [
    ['name', 'dtype', 'shape', 'size', 'min', 'max', 'mean'],
    ...s.tensors.map((t) => [
      t.name,
      t.dtype,
      `[${t.shape.join(', ')}]`,
      String(t.size),
      num(t.min),
      num(t.max),
      num(t.mean) + (t.nonFinite > 0 ? ` (${t.nonFinite} non-finite)` : ''),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  lines.push('tensors:');
  for (const r of rows) {
    lines.push(
      '  ' +
        r
          .map((cell, c) => cell.padEnd(widths[c]))
          .join('  ')
          .trimEnd(),
    );
  }
  return lines.join('\n');
}

function num(v: number | null): string {
  if (v === null) return '-';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  // Large or tiny non-integers in exponent form, so rounding never passes for an exact value.
  if (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4) return v.toExponential(4);
  return String(Number(v.toPrecision(5)));
}

export function registerInspectCommand(program: Command, io: CliIO): void {
  program
    .command('inspect')
    .description(
      "print a checkpoint's tensors (name, dtype, shape, size, min/max/mean) and metadata",
    )
    .argument('<file>', 'a .safetensors file, or a run directory (reads its model.safetensors)')
    .option('--json', 'print one JSON object instead of a table')
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb inspect runs/demo/model.safetensors\n  $ hebb inspect runs/demo --json',
    )
    .action((file: string, opts: { json?: boolean }) => {
      const summary = summarizeCheckpoint(file);
      io.out(opts.json ? JSON.stringify(summary) : formatSummary(summary));
    });
}
