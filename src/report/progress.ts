import { ValueError } from '../errors.ts';

/** Where progress goes: process.stderr, or anything with write() (tests pass a fake). */
export interface ProgressStream {
  /** Writes text as it is (no newline added). */
  write(s: string): unknown;
  /** Whether it is a terminal (then one line is redrawn). */
  isTTY?: boolean;
  /** The terminal's width in characters; longer lines are cut. */
  columns?: number;
}

/** Fields shown after the counts, e.g. { loss: 0.31, acc: 0.95 }. */
export type ProgressExtra = Record<string, number | string>;

/** Options of createProgress. */
export interface ProgressOptions {
  /** Number of units the job has (e.g. batches); 0 is allowed and prints only the final line. */
  total: number;
  /** Shown first on every line, e.g. 'epoch 3/10'. */
  label: string;
  /** Unit of the rate, e.g. 'img' for img/s. Default 'it'. */
  unit?: string;
  /** Print nothing at all. */
  quiet?: boolean;
  /** Where lines go (default process.stderr). */
  stream?: ProgressStream;
  /** Overrides stream.isTTY (redrawn bar vs one line per 10%). */
  isTTY?: boolean;
  /** Clock in milliseconds (tests inject a fake one). Default performance.now. */
  now?: () => number;
  /** Minimum time between TTY redraws. Default 100 ms (≤ 10 redraws/s). */
  minIntervalMs?: number;
}

/** A progress reporter (createProgress). */
export interface Progress {
  /** Adds n completed units; extra fields (e.g. {acc: 0.95}) are shown until replaced. */
  tick(n?: number, extra?: ProgressExtra): void;
  /** Prints the final line (once); later calls do nothing. */
  done(extra?: ProgressExtra): void;
  /** Units completed so far. */
  readonly count: number;
}

const BAR_WIDTH = 20;

/**
 * A progress reporter. On a terminal it redraws one line with \r (bar, count/total, rate, ETA,
 * extra fields), at most every minIntervalMs, so a fast loop does not spend its time printing.
 * Elsewhere (CI logs, pipes) it prints one plain line per 10% and a final line, keeping logs
 * short and free of control characters.
 */
export function createProgress(opts: ProgressOptions): Progress {
  const { total, label, unit = 'it', quiet = false } = opts;
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new ValueError(`createProgress: total must be a non-negative integer, got ${total}`);
  }
  const stream = opts.stream ?? process.stderr;
  const tty = opts.isTTY ?? stream.isTTY === true;
  const now = opts.now ?? (() => performance.now());
  const minInterval = opts.minIntervalMs ?? 100;
  const start = now();
  let count = 0;
  let extra: ProgressExtra = {};
  let lastDraw = -Infinity;
  let lastDecile = 0;
  let finished = false;

  const stats = (t: number) => {
    const secs = (t - start) / 1000;
    const rate = secs > 0 ? count / secs : NaN;
    const eta = rate > 0 ? Math.max(total - count, 0) / rate : NaN;
    return { secs, rate, eta };
  };
  const rateText = (rate: number) => `${formatRate(rate)} ${unit}/s`;
  const extraText = () =>
    Object.entries(extra)
      .map(([k, v]) => ` ${k}=${formatValue(v)}`)
      .join('');
  const fit = (line: string) =>
    tty && stream.columns && line.length >= stream.columns
      ? line.slice(0, stream.columns - 1)
      : line;

  const drawTty = (t: number, final: boolean) => {
    const { secs, rate, eta } = stats(t);
    const frac = total > 0 ? Math.min(count / total, 1) : 1;
    const filled = Math.round(frac * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    const time = final ? `in ${formatDuration(secs)}` : `ETA ${formatDuration(eta)}`;
    const line = `${label} ${bar} ${count}/${total} ${rateText(rate)} ${time}${extraText()}`;
    // \x1b[K clears what a longer previous line left behind.
    stream.write(`\r${fit(line)}\x1b[K${final ? '\n' : ''}`);
    lastDraw = t;
  };

  return {
    get count() {
      return count;
    },
    tick(n = 1, ex?: ProgressExtra) {
      if (!(n >= 0)) throw new ValueError(`progress.tick: n must be ≥ 0, got ${n}`);
      count += n;
      if (ex) extra = { ...extra, ...ex };
      if (quiet || finished) return;
      const t = now();
      if (tty) {
        if (t - lastDraw >= minInterval) drawTty(t, false);
        return;
      }
      const decile = total > 0 ? Math.min(Math.floor((count * 10) / total), 10) : 0;
      if (decile > lastDecile) {
        lastDecile = decile;
        const { rate, eta } = stats(t);
        stream.write(
          `${label}: ${decile * 10}% ${count}/${total} ${rateText(rate)} ETA ${formatDuration(eta)}${extraText()}\n`,
        );
      }
    },
    done(ex?: ProgressExtra) {
      if (finished) return;
      finished = true;
      if (ex) extra = { ...extra, ...ex };
      if (quiet) return;
      const t = now();
      if (tty) return drawTty(t, true);
      const { secs, rate } = stats(t);
      stream.write(
        `${label}: done ${count}/${total} ${unit} in ${formatDuration(secs)} (${rateText(rate)})${extraText()}\n`,
      );
    },
  };
}

/** m:ss or h:mm:ss; '?' while the rate is unknown. */
export function formatDuration(secs: number): string {
  if (!Number.isFinite(secs) || secs < 0) return '?';
  const s = Math.round(secs);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function formatRate(r: number): string {
  if (!Number.isFinite(r)) return '--';
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

function formatValue(v: number | string): string {
  if (typeof v === 'string' || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}
