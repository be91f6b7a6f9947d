// The one model contract (docs/api.md): options validated once in the constructor, training by
// fit/fitAsync/partialFit returning this, state as named tensors, safetensors bytes in and out.
import { resolveBackend } from '../backend/registry.ts';
import type { Backend } from '../backend/types.ts';
import { HebbError, ValueError } from '../errors.ts';
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors.ts';
import { VERSION } from '../version.ts';
import type { Matrix } from '../backend/matrix.ts';
import {
  runFit,
  runFitAsync,
  type AsyncFitOptions,
  type FitEvent,
  type FitOptions,
} from './fit-loop.ts';
import { fitArgs } from './inputs.ts';
import { custom, describe, type ParamSpec } from './params.ts';
import {
  collectState,
  restoreState,
  type ModelState,
  type StateValues,
  type TensorSlots,
} from './state.ts';

/** The `backend` option every model takes: a backend name ('native', 'ts', …) or object. */
export function backendOption() {
  return describe(
    custom<string | Backend>(
      "a backend name ('native', 'ts', …) or a Backend object",
      (v, name) => {
        if (typeof v === 'string' || (typeof v === 'object' && v !== null && 'gemm' in v))
          return v as string | Backend;
        throw new ValueError(`${name} must be a backend name or a Backend object, got ${typeof v}`);
      },
    ),
    "where the model computes: 'native', 'wasm', 'ts' or a Backend object; default getBackend()",
  );
}

/** What every model's validated options hold. */
export interface ModelOptions {
  /** Where the model computes: a backend name or a Backend object; default getBackend(). */
  readonly backend?: string | Backend;
}

/** A model class as the registry and loaders see it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ModelClass<M extends Model<any> = Model<any>> {
  /** The name model files record (hebb.model) and fromSafetensors looks up, e.g. 'SoftHebb'. */
  readonly modelName: string;
  /** The model's option table (what its constructor validates; commands build flags from it). */
  readonly optionTable: ParamSpec;
  new (options: never): M;
}

/**
 * Base of every model. Subclasses declare `static readonly modelName`, their option table
 * (`static readonly optionTable`) and their tensors (`stateSlots`), from which getState and
 * setState follow; fit, fitAsync and partialFit are declared per model because supervised and
 * unsupervised ones take different arguments (see docs/api.md).
 */
export abstract class Model<O extends ModelOptions = ModelOptions> {
  /** The validated options, defaults filled in (frozen). */
  readonly options: O;
  /** The backend this model computes on (its `backend` option, else getBackend() at construction). */
  readonly backend: Backend;

  /** Takes options already validated by the subclass (validateOptions and its own rules). */
  protected constructor(options: O) {
    this.options = options;
    this.backend = resolveBackend(options.backend, this.modelName);
  }

  /** The model's name in files and messages, e.g. 'SoftHebb'. */
  get modelName(): string {
    return (this.constructor as unknown as ModelClass).modelName;
  }

  /** True once the model has learnt (or been given) its parameters. */
  abstract get isFitted(): boolean;

  /**
   * The model's tensors (PyTorch's named parameters and buffers): their names in states and
   * files, kinds, expected shapes (from the options where known) and where each value lives
   * (src/model/state.ts). getState and setState follow from them.
   */
  abstract stateSlots(): TensorSlots;

  /** After setState put the tensors in place: rebuild what derives from them. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  protected afterSetState(values: StateValues): void {}

  /** Everything learnt, as named tensors (copies). */
  getState(): ModelState {
    return collectState(this.stateSlots());
  }

  /**
   * Restores what getState returned (for a model built with the same options); every tensor's
   * dtype and shape is checked before any is put in place.
   */
  setState(state: ModelState): this {
    this.afterSetState(restoreState(`${this.modelName}.setState`, this.stateSlots(), state));
    return this;
  }

  /** The options as plain JSON (what a saved model is rebuilt from), less `notSaved()`. */
  getParams(): Record<string, unknown> {
    const skip = this.notSaved();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.options))
      if (!skip.includes(k) && v !== undefined) out[k] = v;
    return JSON.parse(JSON.stringify(out));
  }

  /** Options a saved model is rebuilt without: the backend, and data the state replaces. */
  protected notSaved(): string[] {
    return ['backend'];
  }

  /** A clear error for methods that need a fitted model. */
  protected notFitted(method: string): HebbError {
    return new HebbError(
      `${this.modelName}.${method}: the model is not fitted yet; call fit or partialFit first`,
    );
  }
}

/**
 * A model that learns from inputs and targets: fit(x, y[, opts]). Subclasses write their
 * training once, as `training` (a generator yielding after each batch); fit runs it to the end,
 * fitAsync in slices (docs/api.md).
 */
export abstract class SupervisedModel<
  O extends ModelOptions,
  Y,
  F extends FitOptions = FitOptions,
> extends Model<O> {
  /** Trains from scratch (or, with opts.resume, from the current state). Returns this. */
  fit(x: Matrix, y: Y, opts: F = {} as F): this {
    runFit(this.training(x, y, opts), opts);
    return this;
  }

  /** fit, yielding to the event loop between batches; stops at opts.signal. */
  async fitAsync(
    x: Matrix,
    y: Y,
    opts: F & AsyncFitOptions = {} as F & AsyncFitOptions,
  ): Promise<this> {
    await runFitAsync(this.training(x, y, opts), opts);
    return this;
  }

  /**
   * The training fit and fitAsync run: a generator yielding a FitEvent after each mini-batch,
   * from scratch or, with opts.resume, from the current state.
   */
  protected abstract training(x: Matrix, y: Y, opts: F): Iterable<FitEvent>;
}

/** A model that learns from inputs alone: fit(x[, opts]), and fit(x, y, opts) ignoring y. */
export abstract class UnsupervisedModel<O extends ModelOptions> extends Model<O> {
  /** Trains from scratch (or, with opts.resume, from the current state). Returns this. */
  fit(x: Matrix, opts?: FitOptions): this;
  fit(x: Matrix, y: unknown, opts?: FitOptions): this;
  fit(x: Matrix, a?: unknown, b?: FitOptions): this {
    const opts = fitArgs(a, b);
    runFit(this.training(x, opts), opts);
    return this;
  }

  /** fit, yielding to the event loop between batches; stops at opts.signal. */
  fitAsync(x: Matrix, opts?: AsyncFitOptions): Promise<this>;
  fitAsync(x: Matrix, y: unknown, opts?: AsyncFitOptions): Promise<this>;
  async fitAsync(x: Matrix, a?: unknown, b?: AsyncFitOptions): Promise<this> {
    const opts = fitArgs(a, b);
    await runFitAsync(this.training(x, opts), opts);
    return this;
  }

  /**
   * The training fit and fitAsync run: a generator yielding a FitEvent after each mini-batch,
   * from scratch or, with opts.resume, from the current state.
   */
  protected abstract training(x: Matrix, opts: FitOptions): Iterable<FitEvent>;
}

const registry = new Map<string, ModelClass>();

/** Makes a model class loadable by name from saved files. */
export function registerModel(cls: ModelClass): void {
  registry.set(cls.modelName, cls);
}

/** The registered class of that name; `what` starts the error when there is none. */
export function modelClass(name: string, what = `a model named '${name}', which`): ModelClass {
  const cls = registry.get(name);
  if (!cls) {
    throw new HebbError(
      `${what} this version of hebb does not know (known: ${modelNames().join(', ')})`,
    );
  }
  return cls;
}

/** Names of the model classes that can be loaded. */
export function modelNames(): string[] {
  return [...registry.keys()];
}

/** A model as safetensors bytes: its state tensors, its class and options in the metadata. */
export function toSafetensors(model: Model, metadata: Record<string, string> = {}): Uint8Array {
  return encodeSafetensors(model.getState(), {
    ...metadata,
    'hebb.model': model.modelName,
    'hebb.options': JSON.stringify(model.getParams()),
    'hebb.version': VERSION,
  });
}

/** Options of fromSafetensors. */
export interface FromSafetensorsOptions<M extends Model> {
  /** Backend for the rebuilt model (default: getBackend()). */
  backend?: string | Backend;
  /** The class expected; a file holding another model is an error. */
  expect?: ModelClass<M>;
  /** Names the bytes in errors (a file path). */
  source?: string;
}

/** Rebuilds a model saved by toSafetensors (in any runtime). */
export function fromSafetensors<M extends Model = Model>(
  bytes: Uint8Array,
  o: FromSafetensorsOptions<M> = {},
): M {
  const source = o.source ?? 'model bytes';
  const f = decodeSafetensors(bytes, source);
  const name = f.metadata['hebb.model'];
  if (name === undefined) {
    throw new HebbError(
      `${source}: not a saved hebb model (no 'hebb.model' metadata); save models with saveModel or toSafetensors`,
    );
  }
  const cls = modelClass(name, `${source}: holds a '${name}', which`);
  if (o.expect && cls !== o.expect) {
    throw new HebbError(`${source}: holds a ${name}, not a ${o.expect.modelName}`);
  }
  let options: Record<string, unknown>;
  try {
    options = JSON.parse(f.metadata['hebb.options'] ?? '{}');
  } catch (e) {
    throw new HebbError(
      `${source}: its 'hebb.options' metadata is not JSON (${(e as Error).message}); the file is corrupt`,
    );
  }
  const Ctor = cls as unknown as new (opts: Record<string, unknown>) => M;
  return new Ctor({
    ...options,
    ...(o.backend !== undefined ? { backend: o.backend } : {}),
  }).setState(f.tensors);
}
