// A fresh Vite app's page: loadWasmBackend() with no argument (Vite copies the module the
// library names with new URL(…, import.meta.url)), the README example, the module's URL from
// the package's exports, and docs/api.md's Web Worker recipe. The result lands on
// window.result for scripts/consumer-test.mjs.
import { fromSafetensors, getBackend, loadWasmBackend, Matrix, SoftHebb } from 'hebb';
import wasmAssetUrl from 'hebb/wasm/hebb.wasm?url';
import { clusters, readmeExample, UNITS } from './example.js';

type Reply =
  | { type: 'progress'; epoch: number }
  | { type: 'done'; backend: string; model: Uint8Array }
  | { type: 'error'; message: string };

/** docs/api.md's recipe: the worker trains, the page gets the model's bytes back. */
function trainInWorker(x: Matrix): Promise<{ backend: string; layer: SoftHebb; epochs: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    let epochs = 0;
    worker.onmessage = (e: MessageEvent<Reply>) => {
      if (e.data.type === 'progress') epochs = e.data.epoch;
      else if (e.data.type === 'error') reject(new Error(e.data.message));
      else {
        const layer = fromSafetensors(e.data.model, { expect: SoftHebb });
        resolve({ backend: e.data.backend, layer, epochs });
        worker.terminate();
      }
    };
    worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
    const data = x.data.slice(); // a copy to transfer
    worker.postMessage({ rows: x.rows, cols: x.cols, x: data, units: UNITS }, [data.buffer]);
  });
}

async function run() {
  await loadWasmBackend();
  const { layer, score } = readmeExample();
  const asset = await fetch(wasmAssetUrl);
  const head = [...new Uint8Array(await asset.arrayBuffer()).subarray(0, 4)];
  const inWorker = await trainInWorker(clusters().train.x);
  return {
    backend: getBackend().name,
    layerBackend: layer.backend.name,
    score,
    assetUrl: { status: asset.status, head },
    worker: {
      backend: inWorker.backend,
      epochs: inWorker.epochs,
      sameWeights: inWorker.layer.weights.data.every((v, i) => v === layer.weights.data[i]),
    },
  };
}

const w = window as unknown as { result: unknown };
run().then(
  (r) => (w.result = r),
  (e: Error) => (w.result = { error: e.message }),
);
