// The table and the phase diagram are grids of regression cells: each cell a setting run over
// seeds as `hebb emergence run` points (in this process, on a pool or on a queue).
import type { RuleName } from '../../emergence/rules.ts';
import type { Task } from '../../emergence/tasks.ts';
import { tableOptions, tableTask } from '../../emergence/paper-setup.ts';
import type { SweepPoint } from '../../sweep/spec.ts';
import type { ExperimentContext } from '../context.ts';
import { runPoints, type PointExecFlags } from '../points.ts';
import { f2 } from './report-text.ts';
import { regressionRun, summarise, type CellSummary, type RunSummary } from './table.ts';

/** Seeds 1 … n, as the table has always used. */
const seedList = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Runs `hebb emergence run` at every (setting, seed) point — here, on a pool or on a queue
 * (runPoints) — and groups the runs into cells, one per setting, in the grid's order.
 */
export async function regressionCells(
  ctx: ExperimentContext,
  exec: PointExecFlags,
  options: Record<string, string | number>,
  grid: Record<string, (string | number)[]>,
  seeds: number,
  describe: (p: SweepPoint) => string,
): Promise<CellSummary[]> {
  let task: Task | undefined;
  const runs = await runPoints<RunSummary>(
    ctx,
    {
      spec: { command: 'emergence run', options, grid, seeds: seedList(seeds), threads: 1 },
      inline: (p) => {
        const v = { ...options, ...p.setting };
        task ??= tableTask(ctx.backend);
        return regressionRun(
          task,
          tableOptions(
            v.rule as RuleName,
            Number(v['weight-decay']),
            Number(v['weight-noise'] ?? 0),
            {
              ...(v.architecture === 'transformer' ? { architecture: 'transformer' as const } : {}),
              epochs: Number(v.epochs),
              gradientNoise: Number(v['gradient-noise'] ?? 0),
              seed: p.seed,
              backend: ctx.backend,
              ...(v['adam-decay'] ? { adamDecay: v['adam-decay'] as 'coupled' | 'decoupled' } : {}),
            },
          ),
        );
      },
      onResult: (p, r) =>
        ctx.log(`${describe(p)} seed ${p.seed}: ${f2(r.secondLayer)} (${r.seconds.toFixed(1)} s)`),
    },
    exec,
  );
  const cells: CellSummary[] = [];
  for (let i = 0; i < runs.length; i += seeds) cells.push(summarise(runs.slice(i, i + seeds)));
  return cells;
}
