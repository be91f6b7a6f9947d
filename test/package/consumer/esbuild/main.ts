// An esbuild bundle's page (ESM, the file loader for .wasm): esbuild does not follow
// new URL(…, import.meta.url), so loadWasmBackend() with no argument must fail saying what to
// do, and docs/api.md's esbuild recipe — import the file's URL, pass it — must work.
import { getBackend, loadWasmBackend } from 'hebb';
import wasmUrl from 'hebb/wasm/hebb.wasm';
import { readmeExample } from '../example.js';

async function run() {
  const noArgument = await loadWasmBackend().then(
    () => 'loaded',
    (e: Error) => e.message,
  );
  await loadWasmBackend(new URL(wasmUrl, import.meta.url));
  const { layer, score } = readmeExample();
  return { noArgument, backend: getBackend().name, layerBackend: layer.backend.name, score };
}

const w = window as unknown as { result: unknown };
run().then(
  (r) => (w.result = r),
  (e: Error) => (w.result = { error: e.message }),
);
