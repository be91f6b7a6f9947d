// docs/api.md's Web Worker recipe, as written there: the worker loads the wasm module once,
// trains on the rows the page posts, reports each epoch, and posts the model's bytes back.
import { loadWasmBackend, Matrix, SoftHebb, toSafetensors } from 'hebb';

const ready = loadWasmBackend(); // once per worker: each worker has its own module instance

self.onmessage = async (
  e: MessageEvent<{ rows: number; cols: number; x: Float32Array; units: number }>,
) => {
  try {
    await ready;
    const { rows, cols, x, units } = e.data;
    const layer = await new SoftHebb({ units }).fitAsync(new Matrix(rows, cols, x), {
      onEpoch: (epoch) => self.postMessage({ type: 'progress', epoch }),
    });
    const model = toSafetensors(layer);
    self.postMessage(
      { type: 'done', backend: layer.backend.name, model },
      { transfer: [model.buffer] },
    );
  } catch (err) {
    self.postMessage({ type: 'error', message: (err as Error).message });
  }
};
