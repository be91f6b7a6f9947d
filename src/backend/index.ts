import { HebbError } from '../errors.ts';
import { withChecks } from './checks/index.ts';
import { createNativeKernels, loadAddon } from './native/index.ts';
import { portableBackend } from '../portable.ts';
import type { Backend, BackendName } from './types.ts';

let native: Backend | undefined;
let nativeReason: string | null | undefined;
let noticeShown = false;

const FIX =
  'install OpenBLAS (apt-get install libopenblas-dev pkg-config) and run npm run build:native';

/** Why the native backend cannot be used here, or null when it can. */
export function nativeUnavailableReason(): string | null {
  if (nativeReason === undefined) {
    const res = loadAddon();
    if ('addon' in res) {
      native = withChecks(createNativeKernels(res.addon));
      nativeReason = null;
    } else {
      nativeReason = res.reason;
    }
  }
  return nativeReason;
}

/** Backends usable in this process, fastest first. */
export function availableBackends(): BackendName[] {
  return nativeUnavailableReason() === null ? ['native', 'ts'] : ['ts'];
}

/**
 * The backend to compute with. With no argument: HEBB_BACKEND (ts | native | auto) decides,
 * and auto picks native when its addon loads, else ts with a one-time notice on stderr.
 * HEBB_REQUIRE_NATIVE=1 turns a missing native addon into an error.
 */
export function getBackend(name?: BackendName | 'auto'): Backend {
  const requested = name ?? (process.env.HEBB_BACKEND?.trim() || 'auto');
  if (requested !== 'ts' && requested !== 'native' && requested !== 'auto') {
    throw new HebbError(`HEBB_BACKEND='${requested}' is not a backend; use ts, native or auto`);
  }
  const requireNative = process.env.HEBB_REQUIRE_NATIVE === '1';
  if (requested === 'ts') {
    if (requireNative && name === undefined) {
      throw new HebbError(
        'HEBB_REQUIRE_NATIVE=1 conflicts with HEBB_BACKEND=ts; unset one of them',
      );
    }
    return tsBackend();
  }
  const reason = nativeUnavailableReason();
  if (reason === null && native) return native;
  if (requested === 'native' || requireNative) {
    const why =
      requested === 'native' ? 'the native backend was requested' : 'HEBB_REQUIRE_NATIVE=1';
    throw new HebbError(`${why} but ${reason}; ${FIX}`);
  }
  if (!noticeShown) {
    noticeShown = true;
    process.stderr.write(
      `hebb: using the portable TypeScript backend because ${reason}; for speed, ${FIX}\n`,
    );
  }
  return tsBackend();
}

function tsBackend(): Backend {
  return portableBackend();
}

export { Matrix } from './matrix.ts';
export { Rng } from './rng.ts';
export * from './types.ts';
