// `hebb demo` (the README's main job, `npm run demo`): SoftHebb (the default preset) on MNIST,
// one epoch, a few hundred units; the test accuracy of both read-outs and the receptive fields.
import { describe, validateOptions, withDefault, type ParamSpec } from '../../model/params.ts';
import { SOFTHEBB_SPEC } from '../../softhebb/options.ts';
import { linearAccuracy } from '../../softhebb/readout.ts';
import { defineExperiment, type OptionsOf } from '../experiment.ts';
import { READOUT_EPOCHS } from './model-options.ts';
import {
  prepareTraining,
  TRAIN_OPTIONS,
  trainLayer,
  trainSaved,
  type TrainFlags,
} from './train.ts';
import { count } from '../../model/wording.ts';

export const DEMO_OPTIONS = {
  units: withDefault(SOFTHEBB_SPEC.units, 400),
  epochs: withDefault(SOFTHEBB_SPEC.epochs, 1),
  readoutEpochs: describe(withDefault(READOUT_EPOCHS, 5), 'epochs of the linear read-out'),
} satisfies ParamSpec;

/** The SoftHebb defaults the demo replaces. */
export const DEMO_DIFFERS = {
  units: 'the model requires it; 400 units learn MNIST in about a second',
  epochs: "one epoch, as the model's default preset (its table leaves epochs to the preset)",
};

export type DemoOptions = OptionsOf<typeof DEMO_OPTIONS>;

/**
 * The training the demo runs, as `softhebb train` with these options: MNIST, batches of 100, the
 * label read-out after every epoch; the rest at its defaults.
 */
function demoTraining(o: DemoOptions): TrainFlags {
  const given = {
    dataset: 'mnist',
    units: o.units,
    epochs: o.epochs,
    batchSize: 100,
    wta: 'soft',
    evalEvery: 1,
  };
  return { ...o, ...validateOptions('demo', TRAIN_OPTIONS, given) };
}

const pct = (v: number) => (100 * v).toFixed(2);

export const demo = defineExperiment({
  command: 'demo',
  description:
    'train 400 SoftHebb units on MNIST for one epoch; print test accuracy; draw receptive fields',
  options: DEMO_OPTIONS,
  out: 'runs/demo',
  models: [{ name: 'SoftHebb', spec: SOFTHEBB_SPEC, differs: DEMO_DIFFERS }],
  examples: ['hebb demo --overwrite', 'then look at runs/demo/figures/receptive-fields.png'],
  prepare: (o, backend) => prepareTraining(demoTraining(o), backend),
  run: async (ctx, prepared, o) => {
    const r = await trainLayer(ctx, prepared, demoTraining(o));
    const t0 = performance.now();
    const lin = linearAccuracy(r.layer, r.data, { epochs: o.readoutEpochs });
    const linSeconds = (performance.now() - t0) / 1000;
    ctx.run.appendMetrics({ eval: 'linear', epochs: o.readoutEpochs, testAccuracy: lin.accuracy });
    return {
      ...r,
      backend: ctx.backend.info(),
      linear: lin.accuracy,
      linSeconds,
      figure: ctx.run.figurePath('receptive-fields.png'),
    };
  },
  report: (r, o) => [
    `backend: ${r.backend.name} (${r.backend.blas.split(' ').slice(0, 2).join(' ')}, ${count(r.backend.threads, 'thread')})`,
    `SoftHebb 784→${o.units}, ${count(o.epochs, 'epoch')} of MNIST in ${r.seconds.toFixed(1)} s`,
    `  1-layer (label read-out) test accuracy: ${pct(r.testAccuracy)} %`,
    `  2-layer (linear read-out, ${count(o.readoutEpochs, 'epoch')}, ${r.linSeconds.toFixed(1)} s) test accuracy: ${pct(r.linear)} %`,
    `  R1 features: ${r.r1}/${o.units}; receptive fields: ${r.figure}`,
  ],
  json: (r, o) => ({
    out: o.out,
    backend: r.backend.name,
    units: o.units,
    trainSeconds: r.seconds,
    labelAccuracy: r.testAccuracy,
    linearAccuracy: r.linear,
    r1: r.r1,
    figure: r.figure,
  }),
  saved: (run) => trainSaved(run, 'demo'),
});
