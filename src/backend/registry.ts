// Backend selection, browser-safe. Backends are registered by name (tfjs-style): the portable
// TypeScript backend always, the native addon by the Node entry (src/backend/native/register.ts),
// later ones (wasm, webgpu) the same way. Nothing here imports a Node built-in.
import { HebbError } from '../errors.ts';
import { withChecks } from './checks/index.ts';
import { createTsKernels } from './ts/index.ts';
import type { Backend } from './types.ts';

/** A backend that may or may not be usable here. */
export interface BackendProvider {
  /** The name it is registered and selected by ('native', 'wasm', 'ts', …). */
  name: string;
  /** Automatic selection takes the usable provider with the highest priority. */
  priority: number;
  /**
   * Builds the (checked) backend, or says why it cannot run here and, when that depends on the
   * why, what to do about it (in place of `fix`). Called at most once.
   */
  load(): Backend | Unusable;
  /** What to do to make it usable, appended to errors and the fallback notice. */
  fix?: string;
}

/** Why a backend cannot run here, and what to do about it when the provider knows. */
export interface Unusable {
  /** Why it cannot run here. */
  reason: string;
  /** What to do about it, when the provider knows (else the provider's `fix`). */
  fix?: string;
}

const providers = new Map<string, BackendProvider>();
const loaded = new Map<string, Backend | Unusable>();
let selected: Backend | undefined;
let noticeShown = false;

/** Adds (or replaces) a backend under its name. */
export function registerBackend(p: BackendProvider): void {
  providers.set(p.name, p);
  loaded.delete(p.name);
}

registerBackend({
  name: 'ts',
  priority: 0,
  load: () => withChecks(createTsKernels()),
});

/** An environment variable where there is an environment (Node); undefined in a browser. */
function env(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name]?.trim() || undefined;
}

function load(name: string): Backend | Unusable {
  const p = providers.get(name);
  if (!p)
    return { reason: `no backend named '${name}' (known: ${[...providers.keys()].join(', ')})` };
  let r = loaded.get(name);
  if (!r) {
    r = p.load();
    loaded.set(name, r);
  }
  return r;
}

/** What to do about an unusable backend: the load's own fix, else the provider's. */
function fixFor(name: string, r: Unusable): string | undefined {
  return r.fix ?? providers.get(name)?.fix;
}

function unusable(name: string, why: string, r: Unusable): HebbError {
  const fix = fixFor(name, r);
  return new HebbError(`${why} but ${r.reason}${fix ? `; ${fix}` : ''}`);
}

/** Why backend `name` cannot be used here, or null when it can. */
export function backendUnavailableReason(name: string): string | null {
  const r = load(name);
  return 'reason' in r ? r.reason : null;
}

/** Registered backends usable in this process, in the order automatic selection prefers. */
export function availableBackends(): string[] {
  return [...providers.values()]
    .sort((a, b) => b.priority - a.priority)
    .map((p) => p.name)
    .filter((n) => backendUnavailableReason(n) === null);
}

/** Every registered backend name, usable or not. */
export function registeredBackends(): string[] {
  return [...providers.keys()];
}

function byName(name: string, why: string): Backend {
  const r = load(name);
  if ('reason' in r) throw unusable(name, why, r);
  return r;
}

/**
 * The backend to compute with. With a name: that backend (an error says why when it cannot
 * run). Without: the one chosen by setBackend, else HEBB_BACKEND (Node), else automatic
 * selection — the fastest usable backend, with a one-time notice when a faster registered one
 * could not load. HEBB_REQUIRE_NATIVE=1 makes automatic selection insist on 'native'.
 */
export function getBackend(name?: string): Backend {
  if (name !== undefined && name !== 'auto') {
    return byName(name, `the ${name} backend was requested`);
  }
  if (name === undefined && selected) return selected;
  const fromEnv = name === undefined ? env('HEBB_BACKEND') : undefined;
  const requireNative = env('HEBB_REQUIRE_NATIVE') === '1';
  if (fromEnv !== undefined && fromEnv !== 'auto') {
    if (!providers.has(fromEnv)) {
      throw new HebbError(
        `HEBB_BACKEND='${fromEnv}' is not a backend; use ${[...providers.keys()].join(', ')} or auto`,
      );
    }
    if (requireNative && fromEnv !== 'native') {
      throw new HebbError(
        `HEBB_REQUIRE_NATIVE=1 conflicts with HEBB_BACKEND=${fromEnv}; unset one of them`,
      );
    }
    return byName(fromEnv, `HEBB_BACKEND=${fromEnv}`);
  }
  if (requireNative) return byName('native', 'HEBB_REQUIRE_NATIVE=1');
  const ranked = [...providers.values()].sort((a, b) => b.priority - a.priority);
  for (const p of ranked) {
    const r = load(p.name);
    if ('reason' in r) continue;
    const skipped = ranked.filter((q) => q.priority > p.priority);
    if (skipped.length > 0 && !noticeShown) {
      noticeShown = true;
      const q = skipped[0];
      const why = load(q.name) as Unusable;
      const fix = fixFor(q.name, why);
      console.warn(
        `hebb: using the ${p.name} backend because ${why.reason}${fix ? `; for speed, ${fix}` : ''}`,
      );
    }
    return r;
  }
  throw new HebbError('no backend can run here');
}

/**
 * Chooses the backend every later getBackend() (and every model built without a `backend`
 * option) uses: a registered name, a Backend object, or 'auto' to go back to automatic
 * selection. Returns the backend now in use.
 */
export function setBackend(backend: string | Backend): Backend {
  if (typeof backend === 'string') {
    selected = backend === 'auto' ? undefined : byName(backend, `setBackend('${backend}')`);
  } else {
    selected = checkBackendObject(backend, 'setBackend');
  }
  return getBackend();
}

function checkBackendObject(b: Backend, where: string): Backend {
  if (b === null || typeof b !== 'object' || typeof b.gemm !== 'function') {
    throw new HebbError(
      `${where}: expected a backend name (${[...providers.keys()].join(', ')}) or a Backend object`,
    );
  }
  return b;
}

/** The backend of a model's `backend` option: a name, a Backend, or undefined (getBackend()). */
export function resolveBackend(option: string | Backend | undefined, where: string): Backend {
  if (option === undefined) return getBackend();
  if (typeof option === 'string')
    return byName(option, `${where}: backend '${option}' was requested`);
  return checkBackendObject(option, `${where}: backend`);
}
