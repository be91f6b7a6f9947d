// One activation vocabulary for every system: SoftHebb's layer outputs, similarity matching's
// neurons, the MLPs. A model accepts the subset that makes sense for it (similarity matching
// needs a regulariser, backprop needs a derivative) and says so when given another.
import { Matrix } from '../backend/matrix.ts';
import type { Backend, BinaryOp, UnaryOp } from '../backend/types.ts';
import { ValueError } from '../errors.ts';
import { custom, type Param } from './params.ts';
import { count } from './wording.ts';

/**
 * An activation in object form; the text form ('softmax:5', 'triangle:1') reads into it
 * (parseActivation). onehot is 1 for each sample's largest unit and 0 elsewhere.
 */
export type Activation =
  | {
      /** An activation without parameters. */
      name: 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'onehot';
    }
  | {
      /** softmax(t·a) over the units of a sample. */
      name: 'softmax';
      /** t, the inverse temperature. */
      inverseTemperature: number;
    }
  | {
      /** max(a, 0)^p. */
      name: 'repu';
      /** p. */
      power: number;
    }
  | {
      /** max(a − mean over units of a, 0)^p (Journé et al. 2023). */
      name: 'triangle';
      /** p. */
      power: number;
    }
  | {
      /** min(max(a, min), max). */
      name: 'clip';
      /** The lower bound. */
      min: number;
      /** The upper bound. */
      max: number;
    }
  | {
      /** min(max(a − threshold, 0), cap). */
      name: 'cappedRelu';
      /** Subtracted before the ReLU. */
      threshold: number;
      /** The largest output. */
      cap: number;
    }
  | {
      /** sign(a)·max(|a| − threshold, 0). */
      name: 'shrink';
      /** The dead zone's half-width. */
      threshold: number;
    };

/** The name of an activation (ACTIVATION_NAMES). */
export type ActivationName = Activation['name'];

/** Every activation name, in the order messages list them. */
export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'linear',
  'relu',
  'tanh',
  'sigmoid',
  'onehot',
  'softmax',
  'repu',
  'triangle',
  'clip',
  'cappedRelu',
  'shrink',
];

/** The text form of each, for messages and --help. */
export const ACTIVATION_SYNTAX: Record<ActivationName, string> = {
  linear: 'linear',
  relu: 'relu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  onehot: 'onehot',
  softmax: 'softmax[:T]',
  repu: 'repu:P',
  triangle: 'triangle:P',
  clip: 'clip[:MIN:MAX]',
  cappedRelu: 'cappedRelu:THRESHOLD[:CAP]',
  shrink: 'shrink:THRESHOLD',
};

/**
 * Element-wise activations with a fused backward op: binary(op, g, h, out) gives
 * out = g ∘ f'(·) from the activation's output h in one pass (null: the identity).
 */
export const DIFFERENTIABLE: Partial<Record<ActivationName, BinaryOp | null>> = {
  linear: null,
  relu: 'mulReluGrad',
  tanh: 'mulTanhGrad',
  sigmoid: 'mulSigmoidGrad',
};

/**
 * Reads 'relu', 'softmax:5', 'repu:4.5', 'triangle:1', 'clip:0:1', 'cappedRelu:0.1:1',
 * 'shrink:0.1' (or the object form), checking it is one of `allowed`.
 */
export function parseActivation(
  spec: string | Activation,
  allowed: readonly ActivationName[] = ACTIVATION_NAMES,
  what = 'activation',
): Activation {
  const a = typeof spec === 'string' ? fromText(spec, what) : fromObject(spec, what);
  if (!allowed.includes(a.name)) {
    throw new ValueError(
      `${what}: '${formatActivation(a)}' cannot be used here; choose one of ${allowed
        .map((n) => ACTIVATION_SYNTAX[n])
        .join(', ')}`,
    );
  }
  return a;
}

function fromText(text: string, what: string): Activation {
  const [name, ...args] = text.trim().split(':');
  const nums = args.map((s) => (s.trim() === '' ? NaN : Number(s)));
  const bad = (why: string): never => {
    throw new ValueError(
      `${what}: cannot read '${text}': ${why}; write one of ${ACTIVATION_NAMES.map((n) => ACTIVATION_SYNTAX[n]).join(', ')}`,
    );
  };
  if (!(ACTIVATION_NAMES as readonly string[]).includes(name)) bad(`unknown activation '${name}'`);
  if (nums.some((v) => !Number.isFinite(v))) bad('its parameters must be numbers');
  const n = nums.length;
  const arity = (lo: number, hi: number) => {
    if (n < lo || n > hi)
      bad(`${name} takes ${lo === hi ? count(lo, 'parameter') : `${lo}–${hi} parameters`}`);
  };
  switch (name as ActivationName) {
    case 'softmax':
      arity(0, 1);
      return fromObject({ name: 'softmax', inverseTemperature: n ? nums[0] : 1 }, what);
    case 'repu':
    case 'triangle':
      arity(1, 1);
      return fromObject({ name: name as 'repu', power: nums[0] }, what);
    case 'clip':
      if (n !== 0 && n !== 2) bad('clip takes no parameters (0..1) or two (MIN:MAX)');
      return fromObject({ name: 'clip', min: n ? nums[0] : 0, max: n ? nums[1] : 1 }, what);
    case 'cappedRelu':
      arity(1, 2);
      return fromObject({ name: 'cappedRelu', threshold: nums[0], cap: n > 1 ? nums[1] : 1 }, what);
    case 'shrink':
      arity(1, 1);
      return fromObject({ name: 'shrink', threshold: nums[0] }, what);
    default:
      arity(0, 0);
      return { name: name as 'linear' };
  }
}

function fromObject(a: Activation, what: string): Activation {
  if (a === null || typeof a !== 'object' || !ACTIVATION_NAMES.includes(a.name)) {
    throw new ValueError(
      `${what}: expected an activation like 'relu' or {name: 'softmax', inverseTemperature: 5}, got ${JSON.stringify(a)}`,
    );
  }
  const need = (field: string, v: unknown, ok: (x: number) => boolean, rule: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
      throw new ValueError(`${what}: ${a.name} needs ${field} ${rule}, got ${String(v)}`);
  };
  switch (a.name) {
    case 'softmax':
      need('inverseTemperature', a.inverseTemperature, (x) => x > 0, '> 0');
      return { name: a.name, inverseTemperature: a.inverseTemperature };
    case 'repu':
    case 'triangle':
      need('power', a.power, (x) => x > 0, '> 0');
      return { name: a.name, power: a.power };
    case 'clip':
      need('min', a.min, () => true, '');
      need('max', a.max, (x) => x >= a.min, `≥ min (${a.min})`);
      return { name: a.name, min: a.min, max: a.max };
    case 'cappedRelu':
      need('threshold', a.threshold, (x) => x >= 0, '≥ 0');
      need('cap', a.cap, (x) => x > 0, '> 0');
      return { name: a.name, threshold: a.threshold, cap: a.cap };
    case 'shrink':
      need('threshold', a.threshold, (x) => x >= 0, '≥ 0');
      return { name: a.name, threshold: a.threshold };
    default:
      return { name: a.name };
  }
}

/** The text form of an activation, e.g. 'softmax:5': what parseActivation reads back. */
export function formatActivation(a: Activation): string {
  switch (a.name) {
    case 'softmax':
      return `softmax:${a.inverseTemperature}`;
    case 'repu':
    case 'triangle':
      return `${a.name}:${a.power}`;
    case 'clip':
      return `clip:${a.min}:${a.max}`;
    case 'cappedRelu':
      return `cappedRelu:${a.threshold}:${a.cap}`;
    case 'shrink':
      return `shrink:${a.threshold}`;
    default:
      return a.name;
  }
}

/** The element-wise backend op (and its parameters) of an activation, or null for row-wise ones. */
export function unaryOf(a: Activation): {
  /** The backend's unary op. */
  op: UnaryOp;
  /** Its first parameter. */
  p: number;
  /** Its second parameter. */
  q: number;
} | null {
  switch (a.name) {
    case 'linear':
      return { op: 'copy', p: 0, q: 0 };
    case 'relu':
    case 'tanh':
    case 'sigmoid':
      return { op: a.name, p: 0, q: 0 };
    case 'repu':
      return { op: 'repu', p: a.power, q: 0 };
    case 'clip':
      return { op: 'clip', p: a.min, q: a.max };
    case 'cappedRelu':
      return { op: 'cappedRelu', p: a.threshold, q: a.cap };
    case 'shrink':
      return { op: 'shrink', p: a.threshold, q: 0 };
    default:
      return null;
  }
}

/** out ← act(a), row by row for the row-wise ones (softmax, triangle, onehot); out may be a. */
export function applyActivation(be: Backend, act: Activation, a: Matrix, out: Matrix): void {
  const u = unaryOf(act);
  if (u) {
    be.unary(u.op, a, out, u.p, u.q);
    return;
  }
  switch (act.name) {
    case 'softmax':
      be.softmaxRows(a, act.inverseTemperature, out);
      return;
    case 'triangle': {
      const mean = new Float32Array(a.rows);
      be.sum(a, 1, mean);
      if (out !== a) be.unary('copy', a, out);
      be.addColumnVector(out, mean, -1 / Math.max(1, a.cols));
      be.unary('repu', out, out, act.power);
      return;
    }
    case 'onehot': {
      const arg = new Int32Array(a.rows);
      be.argmaxRows(a, arg);
      out.data.fill(0);
      for (let i = 0; i < a.rows; i++) if (a.cols > 0) out.data[i * a.cols + arg[i]] = 1;
      return;
    }
  }
}

/** A fresh matrix holding act(a). */
export function activate(be: Backend, act: Activation, a: Matrix): Matrix {
  const out = new Matrix(a.rows, a.cols);
  applyActivation(be, act, a, out);
  return out;
}

/** The option parameter: text or object, restricted to `allowed`. */
export function activation(
  allowed: readonly ActivationName[],
  o: { default: Activation },
): Param<Activation>;
export function activation(allowed?: readonly ActivationName[]): Param<Activation | undefined>;
export function activation(
  allowed: readonly ActivationName[] = ACTIVATION_NAMES,
  o: { default?: Activation } = {},
): Param<Activation | undefined> {
  return custom<Activation | undefined>(
    `an activation: ${allowed.map((n) => ACTIVATION_SYNTAX[n]).join(', ')}`,
    (v, name) => parseActivation(v as string | Activation, allowed, name),
    o.default,
  );
}
