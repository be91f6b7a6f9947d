// `hebb sweep run|status|report SPEC`: one command over a grid of settings × seeds, each point
// its own run directory (docs/sweeps.md).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../io/atomic.ts';
import { createProgress, formatDuration } from '../report/progress.ts';
import { saveChart } from '../report/render.ts';
import { runLocalSweep } from '../sweep/local-pool.ts';
import { expandPoints, parseSweepSpec, type SweepPoint, type SweepSpec } from '../sweep/spec.ts';
import { collectResults } from '../sweep/state.ts';
import {
  metricColumns,
  numericLeaves,
  summarize,
  summaryCsv,
  summaryMarkdown,
  type PointResult,
  type SummaryRow,
} from '../sweep/summary.ts';
import { sweepFigure } from '../sweep/figure.ts';
import { Interrupted, RunFailure, UsageError } from '../reproduce/context.ts';
import { boolean, describe, integer, listOf, nearest, oneOf, required } from '../model/params.ts';
import { RUN_OPTIONS } from '../reproduce/experiment.ts';
import { text } from '../reproduce/options.ts';
import { registerCommand } from './options.ts';
import { checkSweepCommand } from './sweep-check.ts';
import type { CliIO } from './io.ts';

/**
 * Reads and checks a sweep file; its default output folder is runs/sweeps/<file name>. Given
 * the program, its command, options and values are checked against that command's flags too.
 */
export function loadSweep(
  file: string,
  program?: Command,
): { spec: SweepSpec; points: SweepPoint[] } {
  if (!existsSync(file)) throw new UsageError(`${file}: no such sweep file`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    const spec = parseSweepSpec(raw, join('runs', 'sweeps', basename(file, extname(file))));
    if (program) checkSweepCommand(program, spec);
    return { spec, points: expandPoints(spec) };
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
}

/** Workers by default: one per `threads` cores, at least one. */
export const defaultWorkers = (threads: number) =>
  Math.max(1, Math.floor(availableParallelism() / threads));

const SPEC_ARG = { spec: 'the sweep file (JSON)' };
const QUEUE = describe(
  required(text('a redis:// URL')),
  'the Redis server, e.g. redis://10.0.0.5:6379',
  '<url>',
);

export function registerSweepCommands(program: Command, io: CliIO): void {
  const sweep = program
    .command('sweep')
    .description('run one command over a grid of settings × seeds, and tabulate the results');

  registerCommand(sweep, {
    name: 'run <spec>',
    description: 'run every point not yet complete, in a pool of worker processes on this machine',
    args: SPEC_ARG,
    options: {
      workers: describe(
        integer({ min: 1 }),
        "runs at the same time (default: the cores divided by the spec's threads per run)",
      ),
      quiet: RUN_OPTIONS.quiet,
    },
    examples: ['hebb sweep run sweeps/emergence-table.json --workers 2'],
    action: async (o, [file]) => {
      const { spec, points } = loadSweep(file, program);
      const workers = o.workers ?? defaultWorkers(spec.threads);
      const ac = new AbortController();
      const onSigint = () => ac.abort(new Interrupted());
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigint);
      const bar = createProgress({
        total: points.length,
        label: `sweep ${basename(spec.out)}`,
        unit: 'run',
        quiet: o.quiet,
        stream: io.progress,
      });
      let failed = 0;
      try {
        const r = await runLocalSweep(spec, points, {
          workers,
          signal: ac.signal,
          onOutcome: (out) => {
            if (!out.ok) failed++;
            bar.tick(1, { failed });
            if (!out.ok && !ac.signal.aborted)
              io.err(`${out.point.name}: failed (exit ${out.code}); see ${out.log}`);
          },
        });
        bar.done();
        if (r.interrupted)
          throw new RunFailure(
            `interrupted; complete points are kept, unfinished ones continue with: hebb sweep run ${file}`,
            true,
          );
        const ran = r.outcomes.filter((x) => x.ok).length;
        io.out(
          `${spec.out}: ${ran} run${ran === 1 ? '' : 's'} now complete, ${r.skipped} complete before, ${failed} failed` +
            (r.outcomes.length
              ? ` (${formatDuration(r.outcomes.reduce((a, x) => a + x.seconds, 0))} of run time on ${workers} worker${workers === 1 ? '' : 's'})`
              : ''),
        );
        if (failed > 0)
          throw new RunFailure(
            `${failed} point${failed === 1 ? '' : 's'} failed (logs in ${join(spec.out, 'logs')}); fix the cause and run the sweep again — complete points are skipped`,
            false,
          );
      } finally {
        process.removeListener('SIGINT', onSigint);
        process.removeListener('SIGTERM', onSigint);
      }
    },
  });

  registerCommand(sweep, {
    name: 'submit <spec>',
    description:
      'put every incomplete point on a Redis job queue, for `hebb worker` on any machine',
    args: { spec: 'the sweep file (JSON); its "out" must be the same path on every worker' },
    options: {
      queue: QUEUE,
      attempts: describe(
        integer({ min: 1, default: 2 }),
        'runs of a failing point before it counts as failed',
      ),
    },
    examples: [
      'hebb sweep submit sweeps/emergence-table.json --queue redis://127.0.0.1:6379',
      'hebb worker --queue redis://127.0.0.1:6379      # on each machine',
    ],
    action: async (o, [file]) => {
      const { spec, points } = loadSweep(file, program);
      const { submitSweep } = await import('../sweep/queue.ts');
      const r = await submitSweep(o.queue, spec, points, { attempts: o.attempts });
      io.out(
        `${spec.out}: ${r.added} point${r.added === 1 ? '' : 's'} queued, ${r.queued} on the queue already, ${r.complete} complete; follow with: hebb sweep status ${file}`,
      );
    },
  });

  registerCommand(sweep, {
    name: 'status <spec>',
    description: 'which points are complete',
    args: SPEC_ARG,
    options: { json: describe(boolean({ default: false }), 'print one JSON object') },
    examples: ['hebb sweep status sweeps/emergence-table.json'],
    action: (o, [file]) => {
      const { spec, points } = loadSweep(file);
      const results = collectResults(spec, points);
      const done = results.filter((r) => r.result !== undefined);
      if (o.json) {
        io.out(
          JSON.stringify({
            out: spec.out,
            total: points.length,
            complete: done.length,
            pending: results.filter((r) => r.result === undefined).map((r) => r.point.name),
          }),
        );
        return;
      }
      io.out(`${spec.out}: ${done.length}/${points.length} points complete`);
      for (const r of results) if (r.result === undefined) io.out(`  pending ${r.point.name}`);
    },
  });

  registerCommand(sweep, {
    name: 'report <spec>',
    description:
      'one table of every metric, mean ± std over seeds per setting (report.md, .csv, .json and a figure)',
    args: SPEC_ARG,
    options: {
      format: describe(
        oneOf(['md', 'csv', 'json'] as const, { default: 'md' }),
        'what to print',
        '<f>',
      ),
      metrics: describe(
        listOf(text('a metric path')),
        "dotted paths into the results, comma separated (default: the spec's, or every number)",
      ),
    },
    examples: [
      'hebb sweep report sweeps/emergence-table.json',
      'hebb sweep report sweeps/emergence-table.json --format csv --metrics secondLayer,validation.loss',
    ],
    action: async (o, [file]) => {
      const { spec, points } = loadSweep(file);
      const results = collectResults(spec, points);
      checkMetrics(
        results,
        o.metrics ? '--metrics' : `${file}: sweep spec (metrics)`,
        o.metrics ?? spec.metrics,
      );
      const columns = metricColumns(results, o.metrics ?? spec.metrics);
      const rows = summarize(results, columns);
      const md = summaryMarkdown(rows, columns);
      const csv = summaryCsv(rows, columns);
      const json = JSON.stringify({ command: spec.command, columns, rows }, null, 1);
      const fig = sweepFigure(spec, rows, columns[0]);
      const svg = join(spec.out, 'report.svg');
      // A figure from an earlier report would sit beside a table it no longer matches.
      if (fig) await saveChart(svg, fig);
      else rmSync(svg, { force: true });
      writeFileAtomic(join(spec.out, 'report.md'), reportMarkdown(spec, rows, md, fig !== null));
      writeFileAtomic(join(spec.out, 'report.csv'), csv);
      writeFileAtomic(join(spec.out, 'report.json'), json);
      io.out(o.format === 'md' ? md.trimEnd() : o.format === 'csv' ? csv.trimEnd() : json);
      io.err(
        `wrote ${join(spec.out, 'report.md')}, report.csv, report.json${fig ? ' and report.svg' : ' (no figure: no metric has a value)'}`,
      );
    },
  });
}

/**
 * Metrics asked for must be numbers in the results (once any point is complete): a misspelt
 * path would give a column of '–'. Names the near path and the known ones.
 */
function checkMetrics(results: PointResult[], where: string, asked?: string[]): void {
  if (!asked) return;
  const known = metricColumns(results);
  if (!results.some((r) => r.result !== undefined)) return;
  const all = new Set(results.flatMap((r) => [...numericLeaves(r.result).keys()]));
  for (const m of asked) {
    if (all.has(m)) continue;
    const near = nearest(m, [...all]);
    const shown = known.length > 12 ? [...known.slice(0, 12), '…'] : known;
    throw new UsageError(
      `${where}: '${m}' is not a number in the results${near ? `; did you mean '${near}'?` : ''} (metrics: ${shown.join(', ')}${known.length > 12 ? `; all ${known.length} are the columns of a report without --metrics` : ''})`,
    );
  }
}

function reportMarkdown(
  spec: SweepSpec,
  rows: SummaryRow[],
  table: string,
  figure: boolean,
): string {
  const complete = rows.reduce((a, r) => a + r.complete, 0);
  const total = rows.reduce((a, r) => a + r.total, 0);
  return [
    `# Sweep: hebb ${spec.command}`,
    '',
    `Options of every point: ${
      Object.entries(spec.options)
        .map(([k, v]) => `--${k} ${String(v)}`)
        .join(' ') || 'none'
    }; seeds ${spec.seeds.join(', ')}; ${complete}/${total} points complete.`,
    'Cells: mean ± sample standard deviation over the complete seeds.',
    '',
    table,
    ...(figure ? ['', '![the first metric over the grid](report.svg)', ''] : []),
  ].join('\n');
}

export function registerWorkerCommand(program: Command, io: CliIO): void {
  registerCommand(program, {
    name: 'worker',
    description: 'take sweep points from a Redis job queue and run them, until Ctrl-C or SIGTERM',
    options: {
      queue: QUEUE,
      concurrency: describe(
        integer({ min: 1 }),
        "points run at the same time (default: the cores; each run's threads come from its sweep file)",
      ),
      lockSeconds: describe(
        integer({ min: 1, default: 30 }),
        'seconds without a sign of life after which a job counts as stalled and goes to another worker',
        '<s>',
      ),
    },
    examples: ['hebb worker --queue redis://10.0.0.5:6379 --concurrency 2'],
    action: async (o) => {
      const { runWorker } = await import('../sweep/queue.ts');
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const r = await runWorker(o.queue, {
          concurrency: o.concurrency ?? availableParallelism(),
          lockSeconds: o.lockSeconds,
          log: (l) => io.err(l),
          signal: ac.signal,
        });
        io.out(`worker: ${r.ran} point${r.ran === 1 ? '' : 's'} run`);
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
    },
  });
}
