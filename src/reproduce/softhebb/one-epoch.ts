// Fig. 1B of the SoftHebb paper: one epoch online (batch 1), the Hebbian layers and their
// delta-rule read-out learning together, against a backprop MLP trained by SGD.
import { Matrix } from '../../backend/matrix.ts';
import type { Backend } from '../../backend/types.ts';
import { take, type Split } from '../../data/dataset.ts';
import { activate, parseActivation } from '../../model/activation.ts';
import { DeltaRuleClassifier } from '../../readout/delta-rule.ts';
import { MlpClassifier } from '../../readout/mlp-classifier.ts';
import { SoftHebb } from '../../softhebb/layer.ts';
import type { ExperimentContext } from '../context.ts';

const pct = (v: number) => (100 * v).toFixed(2);

export interface OnlineResult {
  name: string;
  samples: number[];
  acc: number[];
}

/** Fig. 1B: one epoch, batch 1; the Hebbian layers and their delta-rule read-out learn together. */
export async function oneEpoch(
  ctx: ExperimentContext,
  data: Split,
  units: number,
  quick: boolean,
  be: Backend,
): Promise<OnlineResult[]> {
  const n = quick ? 5000 : data.train.x.rows;
  const testSet = take(data.test, quick ? 2000 : 10000);
  const points = 10;
  const out: OnlineResult[] = [];
  const C = data.train.classes.length;
  const act = parseActivation('triangle:0.7');
  const turn = () => new Promise<void>((r) => setImmediate(r));
  for (const wta of ['soft', 'hard'] as const) {
    const layer = new SoftHebb({
      units,
      wta,
      seed: 0,
      batchSize: 1,
      lr: { kind: 'exponential', from: 0.05, to: 0.0005 },
      backend: be,
    }).initialize(data.train.x.cols);
    layer.horizon = n;
    const clf = new DeltaRuleClassifier({ classes: C, lr: 0.05, backend: be });
    const r: OnlineResult = {
      name: `${wta === 'soft' ? 'SoftHebb' : 'hard WTA'} + delta rule`,
      samples: [],
      acc: [],
    };
    const bar = ctx.progress(n, `one epoch ${wta}`);
    // The read-out learns from each sample's layer output before the layer learns from it; the
    // layer hands those pre-activations over from its own online pass (no second pass over W).
    const every = Math.floor(n / points);
    const seen = new Matrix(Math.min(1000, every), units);
    for (let s = 0; s < n;) {
      const e = Math.min(n, s + seen.rows, (Math.floor(s / every) + 1) * every);
      const u = seen.sliceRows(0, e - s);
      layer.partialFit(data.train.x.sliceRows(s, e), { preActivations: u });
      clf.partialFit(activate(be, act, u), data.train.y.subarray(s, e));
      if (e % every === 0) {
        r.samples.push(e);
        r.acc.push(clf.score(layer.transform(testSet.x, { activation: act }), testSet.y));
      }
      bar.tick(e - s);
      s = e;
      await turn();
      ctx.signal.throwIfAborted();
    }
    bar.done();
    ctx.log(`${r.name}: ${pct(r.acc.at(-1)!)} %`);
    out.push(r);
  }
  const mlp = new MlpClassifier({
    hidden: units,
    batchSize: 1,
    optimizer: 'sgd',
    lr: 0.01,
    seed: 0,
    classes: C,
    backend: be,
  });
  const r: OnlineResult = { name: 'backprop MLP (SGD)', samples: [], acc: [] };
  const step = Math.floor(n / points);
  for (let s = 0; s < n; s += step) {
    const e = Math.min(n, s + step);
    mlp.partialFit(data.train.x.sliceRows(s, e), data.train.y.subarray(s, e));
    r.samples.push(e);
    r.acc.push(mlp.score(testSet.x, testSet.y));
    await turn();
    ctx.signal.throwIfAborted();
  }
  ctx.log(`${r.name}: ${pct(r.acc.at(-1)!)} %`);
  out.push(r);
  return out;
}
