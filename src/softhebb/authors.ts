// What the authors' public code (github.com/NeuromorphicComputing/SoftHebb) runs for its MNIST
// preset 2SoftMlpMNIST with `python multi_layer.py --preset 2SoftMlpMNIST`: every setting, with
// the file it comes from. The 'authors' preset (options.ts) and the authors' read-out
// (readout.ts) are built from these; docs/math/softhebb.md lists them.
import type { Schedule } from '../model/schedule.ts';

/** A setting of the authors' code and where it is set. */
export interface AuthorsSetting<T> {
  readonly value: T;
  readonly source: string;
}

const PRESET = "presets.json model 2SoftMlpMNIST b0 'soft-c2000-t12-lr0.045-r35-v1'";
const MLP_DEFAULT = 'presets.json layer.MLP.default';
const MNIST =
  'presets.json dataset.MNIST.default (multi_layer.py: --dataset-unsup/--dataset-sup MNIST)';

/** The Hebbian layer (block b0) and its unsupervised pass. */
export const AUTHORS_MLP_MNIST = {
  units: { value: 2000, source: `${PRESET}: c2000 (utils.py generate_config)` },
  inverseTemperature: {
    value: 12,
    source: `${PRESET}: t12; hebblinear.py get_wta: softmax(t·u) (soft_activation_fn 'exp', normalised)`,
  },
  lr: {
    value: 0.045,
    source: `${PRESET}: lr0.045; hebblinear.py update_lr keeps the amplitude constant (its scheduler line is commented out)`,
  },
  adaptive: {
    value: true,
    source: `${PRESET}: v1; hebblinear.py update_lr: rate lr·(|‖w_k‖ − 1| + 1e-10)^power_lr per unit, update ΔW / max|ΔW|`,
  },
  adaptivePower: { value: 0.2, source: `${MLP_DEFAULT}.power_lr` },
  initRadius: { value: 35, source: `${PRESET}: r35` },
  init: {
    value: 'U[0, a), a = ((p + 1)·r^p / n)^(1/p), p = 2',
    source: `train.py check_dimension ('positive' without batchnorm; lebesgue_p 2 from ${MLP_DEFAULT})`,
  },
  bias: { value: false, source: `${MLP_DEFAULT}.add_bias` },
  normalizeInput: {
    value: false,
    source:
      'dataset.py FastMNIST: pixels / 255 only (the mean/std line is commented out); zca_whitened false; normalize_inp is never read',
  },
  epochs: { value: 100, source: `${MNIST}.nb_epoch` },
  batchSize: { value: 64, source: `${MNIST}.batch_size` },
  activation: {
    value: 5,
    source:
      "presets.json b0 activation 'softmax_5' (utils.py load_presets; activation.py SoftMax: softmax(5·u))",
  },
} as const satisfies Record<string, AuthorsSetting<unknown>>;

/** The classifier (block b1 'BP-c10', dropout 0) and its supervised pass, after the layer's. */
export const AUTHORS_READOUT = {
  classifier: {
    value: 'nn.Linear(2000, 10) with bias, PyTorch default init U(±1/√2000)',
    source: "layer.py generate_block ('BP' → nn.Linear)",
  },
  input: {
    value: 'softmax(5·u), not standardised',
    source: 'presets.json b0 activation softmax_5, batch_norm false',
  },
  dropout: {
    value: 0,
    source: 'presets.json b1 dropout 0 (an int: layer.py adds Dropout only for a float)',
  },
  optimizer: {
    value: 'Adam, β = (0.9, 0.999), ε = 1e-8',
    source: 'train.py run_sup: optim.Adam(lr)',
  },
  lr: { value: 0.001, source: `${MLP_DEFAULT}.lr_sup` },
  schedule: {
    value: 'halved at 20, 35, 50, 60, 70, 80, 90 % of the epochs (≥ 50 epochs)',
    source: 'utils.py CustomStepLR',
  },
  epochs: { value: 100, source: `${MNIST}.nb_epoch` },
  batchSize: { value: 64, source: `${MNIST}.batch_size` },
  loss: { value: 'mean cross-entropy', source: 'train.py run_sup: nn.CrossEntropyLoss' },
  order: {
    value: 'layer first, then the classifier on the frozen layer',
    source: 'multi_layer.py --training-mode successive (default)',
  },
} as const satisfies Record<string, AuthorsSetting<unknown>>;

/** The 1-layer read-out: label assignment as the authors' engine.py evaluate_unsup. */
export const AUTHORS_LABELS = {
  value:
    "each unit's class: the most wins (raw counts); a unit that never wins: the largest Σ softmax(t·u) per class",
  source: 'engine.py get_neuron_labels',
} as const;

/**
 * The authors' supervised rate over `epochs` epochs (utils.py CustomStepLR): 1e-3 halved after
 * epochs ⌊0.2E⌋, ⌊0.35E⌋, ⌊0.5E⌋, ⌊0.6E⌋, ⌊0.7E⌋, ⌊0.8E⌋, ⌊0.9E⌋ for E ≥ 50; ⌊0.5E⌋, ⌊0.75E⌋ for
 * 20 ≤ E < 50; constant below 20.
 */
export function authorsReadoutLr(epochs: number): Schedule {
  const from = AUTHORS_READOUT.lr.value;
  const fractions =
    epochs < 20 ? [] : epochs < 50 ? [0.5, 0.75] : [0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9];
  const at = [...new Set(fractions.map((f) => Math.floor(epochs * f)))].filter((e) => e >= 1);
  return at.length === 0
    ? { kind: 'constant', from }
    : { kind: 'milestones', from, factor: 0.5, at };
}
