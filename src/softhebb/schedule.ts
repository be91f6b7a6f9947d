import { ValueError } from '../errors.ts';

/**
 * A learning-rate schedule over the samples of training (paper Appendix D): constant η₀,
 * linear η₀ → 0, or exponential η₀ → η₁ (geometric interpolation).
 */
export type Schedule =
  | { kind: 'constant'; from: number }
  | { kind: 'linear'; from: number; to?: number }
  | { kind: 'exponential'; from: number; to: number };

export type ScheduleKind = Schedule['kind'];

export function validateSchedule(s: Schedule, what: string): Schedule {
  const kinds = ['constant', 'linear', 'exponential'];
  if (!s || !kinds.includes(s.kind)) {
    throw new ValueError(
      `${what}: schedule kind must be one of ${kinds.join(', ')}, got ${String(s?.kind)}`,
    );
  }
  if (!(Number.isFinite(s.from) && s.from >= 0)) {
    throw new ValueError(`${what}: initial rate must be a finite number ≥ 0, got ${s.from}`);
  }
  if (s.kind === 'exponential' && !(Number.isFinite(s.to) && s.to > 0 && s.from > 0)) {
    throw new ValueError(
      `${what}: an exponential schedule needs positive start and end rates, got ${s.from} → ${String(s.to)}`,
    );
  }
  if (s.kind === 'linear' && s.to !== undefined && !(Number.isFinite(s.to) && s.to >= 0)) {
    throw new ValueError(`${what}: the end rate must be a finite number ≥ 0, got ${s.to}`);
  }
  return s;
}

/** The rate after `done` of `total` samples (done is clamped to [0, total]). */
export function rateAt(s: Schedule, done: number, total: number): number {
  if (s.kind === 'constant' || total <= 0) return s.from;
  const f = Math.min(1, Math.max(0, done / total));
  if (s.kind === 'linear') return s.from + ((s.to ?? 0) - s.from) * f;
  return s.from * (s.to / s.from) ** f;
}

/** Parses 'constant:0.03', 'linear:0.045' (→ 0), 'linear:0.045:0.001', 'exponential:0.55:0.0055'. */
export function parseSchedule(text: string, what = 'lr'): Schedule {
  const parts = text.split(':');
  const nums = parts.slice(1).map(Number);
  const bad = () =>
    new ValueError(
      `${what}: cannot read schedule '${text}'; write a number (constant), linear:FROM[:TO] or exponential:FROM:TO`,
    );
  if (parts.length === 1) {
    const v = Number(parts[0]);
    if (!Number.isFinite(v)) throw bad();
    return validateSchedule({ kind: 'constant', from: v }, what);
  }
  if (nums.some((v) => !Number.isFinite(v))) throw bad();
  const [kind] = parts;
  if (kind === 'constant' && nums.length === 1)
    return validateSchedule({ kind, from: nums[0] }, what);
  if (kind === 'linear' && nums.length <= 2)
    return validateSchedule({ kind, from: nums[0], to: nums[1] }, what);
  if (kind === 'exponential' && nums.length === 2)
    return validateSchedule({ kind, from: nums[0], to: nums[1] }, what);
  throw bad();
}

export function formatSchedule(s: Schedule): string {
  if (s.kind === 'constant') return String(s.from);
  return `${s.kind}:${s.from}${s.to !== undefined ? `:${s.to}` : ''}`;
}
