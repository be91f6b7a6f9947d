/** Median wall time of fn over at least `minReps` runs and about `minSeconds` in total, after one warm-up. */
export function medianSeconds(
  fn: () => void,
  { minReps = 3, minSeconds = 1, maxReps = 200 } = {},
): number {
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (
    times.length < minReps ||
    ((performance.now() - start) / 1000 < minSeconds && times.length < maxReps)
  ) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export const fmt = (x: number, digits = 2): string =>
  Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
