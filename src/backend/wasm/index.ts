// The WebAssembly backend: the native addon's C++ kernels compiled for wasm32 with SIMD128
// (wasm/hebb.wasm, `npm run build:wasm`), in Node and in browsers; where the page is
// cross-origin isolated, wasm/hebb-threads.wasm shares its GEMM with workers, and where the
// browser has relaxed SIMD the -relaxed twins fuse its multiply-adds. Browser-safe:
// the Node entry registers it synchronously from the file (./register.ts); a page awaits
// loadWasmBackend() once, after which automatic selection prefers it to the ts backend.
// The types here are structural (a URL is anything with an href, a Response anything with
// ok, status, url and arrayBuffer) so that projects without the DOM lib or @types/node, or
// with Node's types that lack WebAssembly, check this file's declarations.
import { HebbError } from '../../errors.ts';
import type { Backend } from '../types.ts';
import {
  createThreadedWasmBackend,
  createWasmBackend,
  hasRelaxedSimd,
  registerWasmBackend,
  type WasmFile,
  wasmFileUrl,
  wasmUrl,
} from './module.ts';
import { MAX_WORKERS, type SpawnWorker } from './threads.ts';

/** A URL object, or anything else with an href. */
export interface UrlLike {
  /** The URL as text. */
  readonly href: string;
}

/** The part of a fetch Response loadWasmBackend reads. */
export interface ResponseLike {
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The HTTP status. */
  readonly status: number;
  /** Where the body came from, for messages. */
  readonly url: string;
  /** The body's bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Where loadWasmBackend gets the module: a URL, a fetched Response, or the bytes. */
export type WasmSource = string | UrlLike | ResponseLike | ArrayBuffer | Uint8Array;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d]; // "\0asm"

const PASS_FIX = "pass the module's URL or bytes: loadWasmBackend(url)";
const BYTES_FIX = "pass the bytes of the package's wasm/hebb.wasm";
// fetch reads no file: URL in Node, where the Node entry has loaded the module already.
const NODE_FIX =
  "in Node import hebb (its Node entry loads the module itself), or pass the bytes: loadWasmBackend(readFileSync(path))";
const SERVE_FIX =
  "serve node_modules/hebb/wasm/hebb.wasm at that URL (Vite and other bundlers that follow new URL(…, import.meta.url) copy it themselves), or pass its URL or bytes: loadWasmBackend(url), e.g. with Vite's import url from 'hebb/wasm/hebb.wasm?url' (docs/api.md, \"The wasm backend in a page\")";

/**
 * Where loadWasmBackend finds the faster modules, each a URL, a Response or the bytes, or
 * false for none. By default the package's, beside hebb.wasm, when `source` is left out, and
 * none when `source` is given. Each is a fallback chain: what the page cannot run is skipped.
 */
export interface WasmLoadOptions {
  /**
   * wasm/hebb-threads.wasm: its GEMM runs on workers too. Used where the page is cross-origin
   * isolated (it needs SharedArrayBuffer).
   */
  threadsSource?: WasmSource | false;
  /** wasm/hebb-threads-relaxed.wasm: the same with relaxed-SIMD multiply-adds. */
  threadsRelaxedSource?: WasmSource | false;
  /**
   * wasm/hebb-relaxed.wasm: hebb.wasm with relaxed-SIMD multiply-adds (fused where the
   * machine has FMA: the GEMM's last bits differ from hebb.wasm's). Used where the browser
   * validates relaxed SIMD.
   */
  relaxedSource?: WasmSource | false;
  /** Threads in all, this one included: by default navigator.hardwareConcurrency (at most 16). */
  threads?: number;
}

/** An option's source: the package's file by default when `source` is left out, else none. */
function optionSource(
  given: WasmSource | false | undefined,
  source: WasmSource | undefined,
  file: WasmFile,
): WasmSource | null {
  if (given === false) return null;
  if (given !== undefined) return given;
  if (source !== undefined) return null;
  try {
    return wasmFileUrl(file);
  } catch {
    return null;
  }
}

/** A compiled module from a source, or null when it cannot be had. */
async function compileQuietly(from: WasmSource | null): Promise<WebAssembly.Module | null> {
  if (from === null) return null;
  try {
    const { bytes } = await fetchBytes(from);
    if (notWasm(bytes)) return null;
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch {
    return null;
  }
}

/** A page's Worker running a worker body, from a Blob URL: no worker file to serve or bundle. */
const pageSpawn: SpawnWorker = (body, onMessage, onError) => {
  const source = `const post = (m) => postMessage(m);\n${body}\nonmessage = (e) => start(e.data);`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const w = new Worker(url);
  w.onmessage = (e: MessageEvent) => onMessage(e.data);
  w.onerror = (e: ErrorEvent) => onError(e.message);
  return w;
};

/**
 * The backend on a threaded module with its workers up, or null where threads are not to be
 * had (one core, no shared memory, the module missing or failing): the caller then loads a
 * one-thread module.
 */
async function loadThreaded(
  source: WasmSource | undefined,
  options: WasmLoadOptions,
  relaxed: boolean,
): Promise<Backend | null> {
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    navigator?: { hardwareConcurrency?: number };
  };
  const threads = Math.min(
    options.threads ?? g.navigator?.hardwareConcurrency ?? 1,
    MAX_WORKERS + 1,
  );
  if (!(threads > 1) || g.crossOriginIsolated === false) return null;
  const fused = relaxed
    ? await compileQuietly(
        optionSource(options.threadsRelaxedSource, source, 'hebb-threads-relaxed.wasm'),
      )
    : null;
  const module =
    fused ??
    (await compileQuietly(optionSource(options.threadsSource, source, 'hebb-threads.wasm')));
  if (module === null) return null;
  try {
    const r = createThreadedWasmBackend(module, threads - 1, pageSpawn, fused !== null);
    if (!('backend' in r)) return null;
    // no worker came up (a Content-Security-Policy without worker-src blob:, say): one thread
    return (await r.ready) > 0 ? r.backend : null;
  } catch {
    return null;
  }
}

/** Why `bytes` are no wasm module, or null when they start like one. */
function notWasm(bytes: Uint8Array): string | null {
  if (WASM_MAGIC.every((b, i) => bytes[i] === b)) return null;
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  // A dev server answers a file it does not have with its index page (status 200); compiling
  // that would say "expected magic word 00 61 73 6d, found 3c 21 64 6f".
  if (text.startsWith('<')) {
    return `the server sent an HTML page (starting ${JSON.stringify(text.slice(0, 15))}) instead of the module: it has no file at that URL`;
  }
  return bytes.length === 0
    ? 'the response is empty'
    : `not a WebAssembly module (it starts with ${head}, a module with 00 61 73 6d)`;
}

/** The module's bytes from a source, or a one-line reason; `where` names it in errors. */
async function fetchBytes(source: WasmSource): Promise<{ bytes: Uint8Array; where: string }> {
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), where: 'the bytes' };
  if (ArrayBuffer.isView(source)) return { bytes: source, where: 'the bytes' };
  let res: ResponseLike;
  let where: string;
  if (typeof source === 'string' || 'href' in source) {
    where = typeof source === 'string' ? source : source.href;
    try {
      res = await fetch(where);
    } catch (e) {
      throw new HebbError(`${where}: fetch failed (${(e as Error).message})`);
    }
  } else {
    res = source;
    where = source.url || 'the response';
  }
  if (!res.ok) throw new HebbError(`${where}: HTTP ${res.status}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), where };
}

/**
 * Compiles the module (by default from the package's wasm/hebb.wasm, where the bundler put it
 * beside this file's code; or from a URL, a fetch Response, or the bytes), registers the wasm
 * backend, and returns it. Call once before training in a page: getBackend() then chooses wasm
 * over ts, and setBackend('wasm') works. It first tries the faster modules (`options`): in a
 * cross-origin isolated page the threaded one, whose GEMM runs on workers as well (it waits
 * for them), and where the browser has relaxed SIMD the relaxed-SIMD ones.
 */
export async function loadWasmBackend(
  source?: WasmSource,
  options: WasmLoadOptions = {},
): Promise<Backend> {
  const relaxed = hasRelaxedSimd();
  const threaded = await loadThreaded(source, options, relaxed);
  if (threaded) {
    registerWasmBackend(() => threaded);
    return threaded;
  }
  const fused = relaxed
    ? await compileQuietly(optionSource(options.relaxedSource, source, 'hebb-relaxed.wasm'))
    : null;
  if (fused) {
    const backend = createWasmBackend(fused, true);
    registerWasmBackend(() => backend);
    return backend;
  }
  let module: WebAssembly.Module;
  let fix = SERVE_FIX;
  try {
    if (source === undefined) {
      try {
        source = wasmUrl();
      } catch (e) {
        fix = PASS_FIX;
        throw e;
      }
    }
    const bytesGiven = source instanceof ArrayBuffer || ArrayBuffer.isView(source);
    const href = typeof source === 'string' ? source : 'href' in source ? source.href : '';
    if (bytesGiven) fix = BYTES_FIX;
    else if (href.startsWith('file:')) fix = NODE_FIX;
    const { bytes, where } = await fetchBytes(source);
    const bad = notWasm(bytes);
    if (bad) throw new HebbError(`${where}: ${bad}`);
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    const why = (e as Error).message;
    // Later automatic selections say why wasm is missing, not that it is still to come.
    registerWasmBackend(() => ({ reason: `loading the wasm module failed: ${why}` }), fix);
    throw new HebbError(`loading the wasm module failed: ${why}; ${fix}`);
  }
  const backend = createWasmBackend(module);
  registerWasmBackend(() => backend);
  return backend;
}
