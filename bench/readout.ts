// MNIST read-out measurements: npm run bench -- readout [--quick] [--softmax-epochs N] [--skip-mlp]
// Linear softmax classifier on raw pixels ([0, 1]) and the 784→2000→10 backprop MLP, 1 epoch.
import { getBackend } from '../src/backend/index.ts';
import { mnist } from '../src/data/index.ts';
import { MlpClassifier, SoftmaxClassifier } from '../src/readout/index.ts';

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

export function benchReadout(args: string[]): void {
  const quick = args.includes('--quick');
  const be = getBackend();
  const { train, test } = mnist();
  const n = quick ? 10000 : train.x.rows;
  const x = train.x.sliceRows(0, n);
  const y = train.y.subarray(0, n);
  console.log(`backend ${be.name}; ${n} training samples, ${test.x.rows} test`);

  const epochs = arg(args, '--softmax-epochs', quick ? 2 : 5);
  const clf = new SoftmaxClassifier({ epochs, seed: 1, backend: be });
  const t0 = performance.now();
  clf.fit(x, y, {
    onEpoch: () => {
      const e = clf.history[clf.history.length - 1];
      console.log(
        `softmax epoch ${e.epoch}: train loss ${e.loss.toFixed(4)}, train acc ${(100 * e.accuracy).toFixed(2)} %, ` +
          `test acc ${(100 * clf.score(test.x, test.y)).toFixed(2)} %, ${e.seconds.toFixed(2)} s`,
      );
    },
  });
  const fitS = (performance.now() - t0) / 1000;
  console.log(
    `softmax on raw pixels: ${epochs} epochs in ${fitS.toFixed(1)} s, test accuracy ${(100 * clf.score(test.x, test.y)).toFixed(2)} %`,
  );

  if (args.includes('--skip-mlp')) return;
  const hidden = arg(args, '--hidden', 2000);
  const batch = arg(args, '--batch', 64);
  const mlp = new MlpClassifier({ hidden, epochs: 1, seed: 1, backend: be, batchSize: batch });
  const t1 = performance.now();
  mlp.fit(x, y, {
    onProgress: (p) => {
      if (p.done % 6400 < batch) process.stderr.write(`\rmlp ${p.done}/${p.total}`);
    },
  });
  const mlpS = (performance.now() - t1) / 1000;
  process.stderr.write('\n');
  console.log(
    `MLP 784→${hidden}→10 (relu, Adam, batch ${batch}), 1 epoch in ${mlpS.toFixed(1)} s, test accuracy ${(100 * mlp.score(test.x, test.y)).toFixed(2)} %`,
  );
}
