// A trace as a curve: training records the alignments every metricsEvery steps and at every
// step of the final window (for its means), so the raw trace is ten times denser in its last
// tenth; drawn as is, that stretch looks like a burst of noise.
import type { AlignmentTrace } from './training.ts';

/**
 * The entries of `trace` on its regular grid (steps that are multiples of `every`, the
 * learner's metricsEvery) that are already recorded: one spacing from the first step to the
 * last, for drawing.
 */
export function regularTrace(trace: AlignmentTrace, every: number): AlignmentTrace {
  const keep: number[] = [];
  trace.steps.forEach((t, k) => {
    if (t % every === 0 && !trace.signal.some((s) => Number.isNaN(s[k]))) keep.push(k);
  });
  const pick = (a: Float32Array) => Float32Array.from(keep, (k) => a[k]);
  return {
    steps: Int32Array.from(keep, (k) => trace.steps[k]),
    signal: trace.signal.map(pick),
    update: trace.update.map(pick),
    post: trace.post.map(pick),
    gradient: trace.gradient.map(pick),
  };
}
