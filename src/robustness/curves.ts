// Accuracy curves under corruption and attack, with 95 % intervals.
import type { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { accuracy, gaussianNoise, pgd, type PgdOptions } from './attacks.ts';
import type { Pipeline } from './pipeline.ts';

/** Wilson score interval for k successes out of n (95 %: z = 1.96). */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** One point of an accuracy curve. */
export interface CurvePoint {
  /** σ for noise, ε for PGD. */
  level: number;
  /** Accuracy at that level, in [0, 1]. */
  accuracy: number;
  /** Its 95 % Wilson score interval. */
  interval: [number, number];
  /** Samples it was measured on. */
  samples: number;
}

/** Accuracy on x + N(0, σ²) (clipped to [0, 1]) for each σ; one noise draw per σ, seeded. */
export function noiseCurve(
  net: Pipeline,
  x: Matrix,
  y: ArrayLike<number>,
  sigmas: number[],
  seed: number,
): CurvePoint[] {
  return sigmas.map((sigma, i) => {
    const xn = gaussianNoise(x, sigma, new Rng(seed + 7919 * i, net.backend));
    const acc = accuracy(net, xn, y);
    const k = Math.round(acc * x.rows);
    return { level: sigma, accuracy: acc, interval: wilson(k, x.rows), samples: x.rows };
  });
}

/** One point of a PGD curve: the accuracy and what the attack found. */
export interface PgdPoint extends CurvePoint {
  /** The adversarial inputs (PgdResult.adversarial). */
  adversarial: Matrix;
  /** 1 where the sample withstood the attack (PgdResult.robust). */
  robust: Uint8Array;
  /** Wall-clock time of the attack, in seconds. */
  seconds: number;
  /** Gradient evaluations (sample·steps). */
  sampleSteps: number;
}

/** Accuracy under PGD at each ε (same seed per ε, so curves of different nets are paired). */
export function pgdCurve(
  net: Pipeline,
  x: Matrix,
  y: ArrayLike<number>,
  epsList: number[],
  o: Omit<PgdOptions, 'eps'>,
  log?: (s: string) => void,
): PgdPoint[] {
  return epsList.map((eps) => {
    const t = performance.now();
    const res = pgd(net, x, y, { ...o, eps });
    const k = res.robust.reduce((a, b) => a + b, 0);
    const seconds = (performance.now() - t) / 1000;
    log?.(
      `    ε = ${eps.toFixed(4)}: ${((100 * k) / x.rows).toFixed(1)} % robust (${seconds.toFixed(1)} s, ${res.sampleSteps} sample·steps)`,
    );
    return {
      level: eps,
      accuracy: k / x.rows,
      interval: wilson(k, x.rows),
      samples: x.rows,
      adversarial: res.adversarial,
      robust: res.robust,
      seconds,
      sampleSteps: res.sampleSteps,
    };
  });
}
