import { ValueError } from '../errors.ts';

/* Axis scales: the ticks and labels of a chart axis, and where a value falls along it. */

export interface AxisScale {
  ticks: number[];
  labels: string[];
  /** Position of a value along the axis: 0 at the low end, 1 at the high end. */
  t: (v: number) => number;
}

/**
 * Limits and ticks of one axis. 'round' rounds the limits out to ticks (y: data never touches
 * the frame); 'data' keeps the data's limits (x) unless that allows no 4–6 ticks; 'fixed' keeps
 * the caller's limits whatever the tick count.
 */
export function axisScale(
  lo: number,
  hi: number,
  log: boolean,
  mode: 'round' | 'data' | 'fixed',
): AxisScale {
  if (!log) {
    if (lo === hi) [lo, hi] = [lo - (Math.abs(lo) * 0.1 || 1), hi + (Math.abs(hi) * 0.1 || 1)];
    let nt = niceTicks(lo, hi, 5, mode === 'round');
    if (mode === 'data' && (nt.ticks.length < 4 || nt.ticks.length > 6 || nt.quarter))
      nt = niceTicks(lo, hi, 5, true);
    if (mode !== 'fixed') [lo, hi] = [nt.lo, nt.hi];
    return {
      ticks: nt.ticks,
      labels: formatTicks(nt.ticks, nt.step),
      t: (v) => (v - lo) / (hi - lo),
    };
  }
  const extend = mode === 'round';
  let [a, b] = [Math.log10(lo), Math.log10(hi)];
  if (extend) [a, b] = [Math.floor(a + 1e-9), Math.ceil(b - 1e-9)];
  if (a === b) [a, b] = extend ? [a, a + 1] : [a - 0.5, b + 0.5];
  // Powers of ten (every k-th when there are many decades), with 2× and 5× added when few.
  const inside = (v: number) => Math.log10(v) >= a - 1e-9 && Math.log10(v) <= b + 1e-9;
  const k0 = Math.floor(a);
  const stride = Math.ceil((b - a + 1) / 6);
  let ticks: number[] = [];
  for (let k = k0; k <= b; k++) if (k % stride === 0) ticks.push(clean(10 ** k));
  ticks = ticks.filter(inside);
  if (ticks.length < 3) {
    ticks = [];
    for (let k = k0; k <= b; k++) ticks.push(...[1, 2, 5].map((m) => clean(m * 10 ** k)));
    ticks = ticks.filter(inside);
  }
  if (ticks.length < 2) ticks = niceTicks(10 ** a, 10 ** b, 4).ticks.filter((v) => v > 0);
  return { ticks, labels: formatTicks(ticks, 'each'), t: (v) => (Math.log10(v) - a) / (b - a) };
}

/**
 * Ticks at a 1/2/5×10^k spacing within lo..hi (the nice-number scheme), 4–6 where the range
 * allows; with `extend`, lo and hi are first rounded out to multiples of the step, which gives
 * 4–6 in practice (no miss in 200,000 random ranges).
 */
export function niceTicks(lo: number, hi: number, target = 5, extend = false) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new ValueError(`niceTicks: need finite lo < hi, got ${lo} and ${hi}`);
  }
  const e = Math.floor(Math.log10((hi - lo) / (target - 1)));
  let best = { score: Infinity, step: 1, lo, hi, i0: 0, i1: 0 };
  for (let k = e - 1; k <= e + 1; k++) {
    // 2.5 only when 1, 2 and 5 all miss 4–6 ticks: its labels (0.25, 0.75) read less easily.
    for (const m of [1, 2, 2.5, 5]) {
      const step = m * 10 ** k;
      const a = extend ? Math.floor(lo / step + 1e-9) * step : lo;
      const b = extend ? Math.ceil(hi / step - 1e-9) * step : hi;
      const [i0, i1] = [Math.ceil(a / step - 1e-9), Math.floor(b / step + 1e-9)];
      const n = i1 - i0 + 1;
      const score = Math.abs(n - target) + (n < 4 || n > 6 ? 10 : 0) + (m === 2.5 ? 1.5 : 0);
      if (score < best.score) best = { score, step, lo: clean(a), hi: clean(b), i0, i1 };
    }
  }
  const ticks = Array.from({ length: best.i1 - best.i0 + 1 }, (_, i) =>
    clean((best.i0 + i) * best.step),
  );
  const quarter = Math.abs(best.step / 10 ** Math.floor(Math.log10(best.step)) - 2.5) < 1e-9;
  return { ticks, step: best.step, lo: best.lo, hi: best.hi, quarter };
}

/**
 * Tick labels in one style: decimals with the fewest places that show every value exactly (at
 * most 3 significant digits of the step), or 2e5 / 1e−4 style when values reach 1e5 or all
 * stay below 1e−3. With 'each', every label gets its own places (log axes: 0.01, 0.1, 1, 10),
 * and one label below 1e−3 turns them all to 1e−k style, since 0.00001 is hard to count.
 */
export function formatTicks(values: number[], step: number | 'each'): string[] {
  const abs = values.map(Math.abs).filter((v) => v > 0);
  const small = step === 'each' ? Math.min(...abs) : Math.max(...abs);
  const sci = abs.length > 0 && (Math.max(...abs) >= 1e5 || small < 1e-3);
  const places = (vs: number[], st: number): number => {
    const most = Math.max(0, 2 - Math.floor(Math.log10(st)));
    for (let d = 0; d < most; d++) {
      if (vs.every((v) => Math.abs(v * 10 ** d - Math.round(v * 10 ** d)) < 1e-6)) return d;
    }
    return most;
  };
  return values.map((v) => {
    const st = step === 'each' ? Math.abs(v) || 1 : step || Math.abs(v) || 1;
    let s: string;
    if (!sci) s = v.toFixed(places(step === 'each' ? [v] : values, st));
    else if (v === 0) s = '0';
    else {
      const digits = Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(st));
      s = v
        .toExponential(Math.min(3, Math.max(0, digits)))
        .replace(/\.?0+e/, 'e')
        .replace('e+', 'e');
    }
    return s.replace(/-/g, '−'); // a true minus sign, as wide as a digit
  });
}

/** Removes binary noise (0.30000000000000004) so ticks print and compare cleanly. */
function clean(v: number): number {
  return parseFloat(v.toPrecision(12));
}
