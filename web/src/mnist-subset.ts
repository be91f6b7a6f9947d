// The playground's MNIST subset (scripts/build-web-assets.mjs): pixels scaled to [0, 1].
import { Matrix } from '../../src/browser.ts';

export interface Part {
  x: Matrix;
  y: Int32Array;
}

export function readSubset(buf: ArrayBuffer): { train: Part; test: Part } {
  const b = new Uint8Array(buf);
  const magic = new TextDecoder().decode(b.subarray(0, 10));
  if (magic !== 'HEBBMNIST1')
    throw new Error(
      `mnist-subset.bin: not a playground data file (magic '${magic}'); rebuild with npm run web:build`,
    );
  const view = new DataView(buf);
  const nTrain = view.getUint32(10, true);
  const nTest = view.getUint32(14, true);
  if (b.length !== 18 + 785 * (nTrain + nTest))
    throw new Error(
      `mnist-subset.bin: ${b.length} bytes, expected ${18 + 785 * (nTrain + nTest)}; the download was cut`,
    );
  let at = 18;
  const part = (n: number): Part => {
    const x = new Matrix(n, 784);
    for (let i = 0; i < n * 784; i++) x.data[i] = b[at + i] / 255;
    at += n * 784;
    const y = Int32Array.from(b.subarray(at, at + n));
    at += n;
    return { x, y };
  };
  const train = part(nTrain);
  return { train, test: part(nTest) };
}
