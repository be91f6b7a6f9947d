// Linear SVM read-out on MNIST raw pixels in [0, 1]: our LinearSVC (defaults = scikit-learn's)
// against scikit-learn's LinearSVC measured in the same run on the same machine.
// Usage: npm run bench -- linear-svc [--quick] [--no-sklearn] [--json]
//   --quick: the first 10 000 training images instead of 60 000.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend } from '../src/backend/index.ts';
import { mnist, mnistDir } from '../src/data/mnist.ts';
import { LinearSVC } from '../src/readout/linear-svc.ts';
import { fmt } from './timing.ts';

interface Result {
  who: string;
  nTrain: number;
  fitSeconds: number;
  testAccuracy: number;
  nIter: number;
  converged: boolean;
}

function sklearn(nTrain: number): Result | null {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'sklearn_linear_svc.py');
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const res = spawnSync(python, [script, mnistDir(), String(nTrain)], { encoding: 'utf8' });
  if (res.status !== 0) {
    const why = (res.stderr || res.error?.message || '').trim().split('\n').pop();
    console.error(`scikit-learn reference unavailable (${why}); apt-get install python3-sklearn`);
    return null;
  }
  const r = JSON.parse(res.stdout.trim().split('\n').pop() as string) as {
    sklearn: string;
    fit_seconds: number;
    test_accuracy: number;
    n_iter: number;
    converged: boolean;
  };
  return {
    who: `scikit-learn ${r.sklearn}`,
    nTrain,
    fitSeconds: r.fit_seconds,
    testAccuracy: r.test_accuracy,
    nIter: r.n_iter,
    converged: r.converged,
  };
}

function ours(nTrain: number): Result {
  const backend = getBackend();
  const { train, test } = mnist();
  const x = train.x.sliceRows(0, nTrain);
  const y = train.y.subarray(0, nTrain);
  const svc = new LinearSVC({ backend, warn: false });
  const t0 = performance.now();
  svc.fit(x, y);
  const fitSeconds = (performance.now() - t0) / 1000;
  return {
    who: `hebb LinearSVC (${backend.name})`,
    nTrain,
    fitSeconds,
    testAccuracy: svc.score(test.x, test.y),
    nIter: Math.max(...(svc.nIter as Int32Array)),
    converged: !svc.convergenceWarning,
  };
}

export function benchLinearSvc(args: string[]): void {
  const nTrain = args.includes('--quick') ? 10000 : 60000;
  const results = [ours(nTrain)];
  if (!args.includes('--no-sklearn')) {
    const r = sklearn(nTrain);
    if (r) results.push(r);
  }
  if (args.includes('--json')) {
    console.log(JSON.stringify(results));
    return;
  }
  console.log(`MNIST raw pixels, ${nTrain} training images, test on 10 000; LinearSVC defaults`);
  for (const r of results) {
    console.log(
      `${r.who.padEnd(34)} fit ${fmt(r.fitSeconds, 1).padStart(7)} s  test accuracy ${fmt(100 * r.testAccuracy)} %` +
        `  passes ${r.nIter}${r.converged ? '' : ' (maxIter reached)'}`,
    );
  }
  if (results.length === 2) {
    console.log(
      `fit time ours / scikit-learn: ${fmt(results[0].fitSeconds / results[1].fitSeconds)}×; ` +
        `accuracy difference: ${fmt(100 * (results[0].testAccuracy - results[1].testAccuracy))} points`,
    );
  }
}
