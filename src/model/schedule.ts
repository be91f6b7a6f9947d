import { ValueError } from '../errors.ts';
import { custom, type Param } from './params.ts';

/**
 * A learning-rate schedule, one vocabulary for every model:
 * - constant η₀;
 * - linear η₀ → η₁ (default 0) over the whole fit (SoftHebb, paper Appendix D);
 * - exponential η₀ → η₁, geometric, over the whole fit (SoftHebb's one-epoch mode);
 * - step: η₀ · factor^⌊epoch / every⌋ (the read-outs: halved every 15 epochs);
 * - milestones: η₀ · factor^(milestones ≤ epoch) (the authors' read-out, utils.py CustomStepLR);
 * - inverse: max(η₀ / (1 + decay·⌊samples / every⌋), min) (similarity matching, authors' code).
 * In text (CLI flags): 0.03, linear:0.2[:0], exponential:0.55:0.0055, step:0.001:0.5:15,
 * milestones:0.001:0.5:20/35/50, inverse:0.005:0.5:1000[:0.0001].
 */
export type Schedule =
  | {
      /** η₀ throughout. */
      kind: 'constant';
      /** η₀. */
      from: number;
    }
  | {
      /** η₀ → η₁ linearly over the whole fit. */
      kind: 'linear';
      /** η₀, the rate at the start. */
      from: number;
      /** η₁, the rate at the end (default 0). */
      to?: number;
    }
  | {
      /** η₀ → η₁ geometrically over the whole fit. */
      kind: 'exponential';
      /** η₀ > 0, the rate at the start. */
      from: number;
      /** η₁ > 0, the rate at the end. */
      to: number;
    }
  | {
      /** η₀ · factor^⌊epoch / every⌋. */
      kind: 'step';
      /** η₀. */
      from: number;
      /** The rate's factor at each step, ≥ 0. */
      factor: number;
      /** Epochs between steps. */
      every: number;
    }
  | {
      /** η₀ · factor^(number of milestones ≤ epoch): the authors' CustomStepLR. */
      kind: 'milestones';
      /** η₀. */
      from: number;
      /** The rate's factor at each milestone, ≥ 0. */
      factor: number;
      /** Epochs (from 0, increasing) from which the next factor applies. */
      at: number[];
    }
  | {
      /** max(η₀ / (1 + decay·⌊samples / every⌋), min). */
      kind: 'inverse';
      /** η₀. */
      from: number;
      /** How fast the rate falls, ≥ 0. */
      decay: number;
      /** Samples per decay step. */
      every: number;
      /** The rate's floor (default 0). */
      min?: number;
    };

/** The kind of a schedule. */
export type ScheduleKind = Schedule['kind'];
const KINDS: ScheduleKind[] = [
  'constant',
  'linear',
  'exponential',
  'step',
  'milestones',
  'inverse',
];

/** Where training stands: samples seen, samples of the whole fit, samples per epoch. */
export interface SchedulePosition {
  /** Samples seen so far. */
  samples: number;
  /** Samples of the whole fit. */
  total: number;
  /** Samples per epoch (what the step schedule counts epochs in). */
  perEpoch?: number;
}

const finiteNonNeg = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Checks a schedule object; `what` names it in errors. Returns it. */
export function validateSchedule(s: Schedule, what: string): Schedule {
  if (!s || typeof s !== 'object' || !KINDS.includes(s.kind)) {
    throw new ValueError(
      `${what}: schedule kind must be one of ${KINDS.join(', ')}, got ${String((s as Schedule)?.kind)}`,
    );
  }
  if (!finiteNonNeg(s.from)) {
    throw new ValueError(`${what}: initial rate must be a finite number ≥ 0, got ${s.from}`);
  }
  const extra = Object.keys(s).filter(
    (k) =>
      !(
        {
          constant: ['kind', 'from'],
          linear: ['kind', 'from', 'to'],
          exponential: ['kind', 'from', 'to'],
          step: ['kind', 'from', 'factor', 'every'],
          milestones: ['kind', 'from', 'factor', 'at'],
          inverse: ['kind', 'from', 'decay', 'every', 'min'],
        } as const
      )[s.kind].includes(k as never),
  );
  if (extra.length > 0) {
    throw new ValueError(`${what}: a ${s.kind} schedule has no field '${extra[0]}'`);
  }
  switch (s.kind) {
    case 'linear':
      if (s.to !== undefined && !finiteNonNeg(s.to))
        throw new ValueError(`${what}: the end rate must be a finite number ≥ 0, got ${s.to}`);
      break;
    case 'exponential':
      if (!(Number.isFinite(s.to) && s.to > 0 && s.from > 0))
        throw new ValueError(
          `${what}: an exponential schedule needs positive start and end rates, got ${s.from} → ${String(s.to)}`,
        );
      break;
    case 'step':
      if (!finiteNonNeg(s.factor) || !(Number.isInteger(s.every) && s.every >= 1))
        throw new ValueError(
          `${what}: a step schedule needs factor ≥ 0 and every ≥ 1 epochs, got factor ${s.factor}, every ${s.every}`,
        );
      break;
    case 'milestones':
      if (
        !finiteNonNeg(s.factor) ||
        !Array.isArray(s.at) ||
        !s.at.every((e, i) => Number.isInteger(e) && e >= 1 && (i === 0 || e > s.at[i - 1]))
      )
        throw new ValueError(
          `${what}: a milestones schedule needs factor ≥ 0 and increasing epochs ≥ 1, got factor ${s.factor}, at ${JSON.stringify(s.at)}`,
        );
      break;
    case 'inverse':
      if (!finiteNonNeg(s.decay) || !(s.every > 0) || (s.min !== undefined && !finiteNonNeg(s.min)))
        throw new ValueError(
          `${what}: an inverse schedule needs decay ≥ 0, every > 0 samples and min ≥ 0, got ${JSON.stringify(s)}`,
        );
      break;
  }
  return s;
}

/** The rate at a position of training (progress is clamped to [0, 1]). */
export function rateAt(s: Schedule, at: SchedulePosition): number {
  switch (s.kind) {
    case 'constant':
      return s.from;
    case 'linear':
    case 'exponential': {
      if (at.total <= 0) return s.from;
      const f = Math.min(1, Math.max(0, at.samples / at.total));
      if (s.kind === 'linear') return s.from + ((s.to ?? 0) - s.from) * f;
      return s.from * (s.to / s.from) ** f;
    }
    case 'step': {
      const epoch = at.perEpoch ? Math.floor(at.samples / at.perEpoch) : 0;
      return s.from * s.factor ** Math.floor(epoch / s.every);
    }
    case 'milestones': {
      // Epoch e (from 0) runs at the rate after every milestone m ≤ e: torch's MultiStepLR,
      // stepped after each epoch, halves from epoch m on.
      const epoch = at.perEpoch ? Math.floor(at.samples / at.perEpoch) : 0;
      return s.from * s.factor ** s.at.filter((m) => m <= epoch).length;
    }
    case 'inverse':
      return Math.max(s.from / (1 + s.decay * Math.floor(at.samples / s.every)), s.min ?? 0);
  }
}

/** Parses the text forms listed on Schedule. */
export function parseSchedule(text: string, what = 'lr'): Schedule {
  const parts = text.trim().split(':');
  const nums = parts.slice(1).map((p) => (p.trim() === '' ? NaN : Number(p)));
  const bad = () =>
    new ValueError(
      `${what}: cannot read schedule '${text}'; write a number (constant), linear:FROM[:TO], ` +
        'exponential:FROM:TO, step:FROM:FACTOR:EVERY_EPOCHS, milestones:FROM:FACTOR:E1/E2/… or inverse:FROM:DECAY:EVERY_SAMPLES[:MIN]',
    );
  if (parts[0] === 'milestones' && parts.length === 4) {
    const at = parts[3].split('/').map((p) => (p.trim() === '' ? NaN : Number(p)));
    const [from, factor] = nums;
    if (![from, factor, ...at].every(Number.isFinite)) throw bad();
    return validateSchedule({ kind: 'milestones', from, factor, at }, what);
  }
  if (parts.length === 1) {
    if (parts[0].trim() === '') throw bad();
    const v = Number(parts[0]);
    if (!Number.isFinite(v)) throw bad();
    return validateSchedule({ kind: 'constant', from: v }, what);
  }
  if (nums.some((v) => !Number.isFinite(v))) throw bad();
  const [kind] = parts;
  const n = nums.length;
  if (kind === 'constant' && n === 1) return validateSchedule({ kind, from: nums[0] }, what);
  if (kind === 'linear' && n <= 2)
    return validateSchedule(
      n === 2 ? { kind, from: nums[0], to: nums[1] } : { kind, from: nums[0] },
      what,
    );
  if (kind === 'exponential' && n === 2)
    return validateSchedule({ kind, from: nums[0], to: nums[1] }, what);
  if (kind === 'step' && n === 3)
    return validateSchedule({ kind, from: nums[0], factor: nums[1], every: nums[2] }, what);
  if (kind === 'inverse' && (n === 3 || n === 4))
    return validateSchedule(
      {
        kind,
        from: nums[0],
        decay: nums[1],
        every: nums[2],
        ...(n === 4 ? { min: nums[3] } : {}),
      },
      what,
    );
  throw bad();
}

/** The text form of a schedule (parseSchedule's inverse). */
export function formatSchedule(s: Schedule): string {
  switch (s.kind) {
    case 'constant':
      return String(s.from);
    case 'linear':
      return `linear:${s.from}${s.to !== undefined ? `:${s.to}` : ''}`;
    case 'exponential':
      return `exponential:${s.from}:${s.to}`;
    case 'step':
      return `step:${s.from}:${s.factor}:${s.every}`;
    case 'milestones':
      return `milestones:${s.from}:${s.factor}:${s.at.join('/')}`;
    case 'inverse':
      return `inverse:${s.from}:${s.decay}:${s.every}${s.min !== undefined ? `:${s.min}` : ''}`;
  }
}

/** A schedule with every rate multiplied by f. */
export function scaleSchedule(s: Schedule, f: number): Schedule {
  const out = { ...s, from: s.from * f } as Schedule;
  if (out.kind === 'milestones') out.at = [...out.at];
  if ((out.kind === 'linear' || out.kind === 'exponential') && out.to !== undefined)
    out.to = out.to * f;
  if (out.kind === 'inverse' && out.min !== undefined) out.min = out.min * f;
  return out;
}

/** The option parameter: a number (constant), a Schedule object or its text form. */
export function schedule(o: { default: Schedule }): Param<Schedule>;
export function schedule(o?: object): Param<Schedule | undefined>;
export function schedule(o: { default?: Schedule } = {}): Param<Schedule | undefined> {
  return custom<Schedule | undefined>(
    'a rate: a number, a schedule object like {kind: "linear", from: 0.2} or text like linear:0.2',
    (v, name) => {
      if (typeof v === 'number') {
        if (!finiteNonNeg(v)) throw new ValueError(`${name} must be a finite number ≥ 0, got ${v}`);
        return { kind: 'constant', from: v };
      }
      if (typeof v === 'string') return parseSchedule(v, name);
      return validateSchedule({ ...(v as Schedule) }, name);
    },
    o.default,
  );
}
