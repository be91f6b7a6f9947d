import type { Command } from 'commander';
import { summarizeCheckpoint, type CheckpointSummary } from '../io/checkpoint-summary.ts';
import { boolean, describe } from '../model/params.ts';
import type { CliIO } from './io.ts';
import { registerCommand } from './options.ts';
import { count } from '../model/wording.ts';

/** The human-readable report: metadata, then an aligned table of tensors. */
export function formatSummary(s: CheckpointSummary): string {
  const total = s.tensors.reduce((a, t) => a + t.size, 0);
  const lines = [
    `${s.file}: ${count(s.tensors.length, 'tensor')}, ${count(total, 'value')}, ${s.bytes} bytes`,
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
  registerCommand(program, {
    name: 'inspect <file>',
    description:
      "print a checkpoint's tensors (name, dtype, shape, size, min/max/mean) and metadata",
    args: { file: 'a .safetensors file, or a run directory (reads its model.safetensors)' },
    options: {
      json: describe(boolean({ default: false }), 'print one JSON object instead of a table'),
    },
    examples: ['hebb inspect runs/demo/model.safetensors', 'hebb inspect runs/demo --json'],
    action: (o, [file]) => {
      const summary = summarizeCheckpoint(file);
      io.out(o.json ? JSON.stringify(summary) : formatSummary(summary));
    },
  });
}
