// Deep SoftHebb (Journé et al., ICLR 2023, "Hebbian Deep Learning Without Feedback"): the
// authors' multilayer presets as data, and the stack that runs one (docs/math/softhebb.md,
// "Deep SoftHebb"). Every number is from their presets.json; the rule's settings from
// presets.json layer.CNN.default and hebbconv.py.
import type { Backend } from '../backend/types.ts';
import { ValueError } from '../errors.ts';
import type { ImageShape } from '../model/image-shape.ts';
import { Pool2d } from '../stack/pool.ts';
import { Sequential } from '../stack/sequential.ts';
import { Standardize } from '../stack/standardize.ts';
import type { StackLayer } from '../stack/layer.ts';
import { SoftHebbConv2d } from './conv.ts';

/** One block: batch norm → soft-Krotov conv → triangle → pooling. */
export interface DeepBlock {
  /** Kernels (presets.json `c…`). */
  readonly units: number;
  /** Kernel side (`k…`). */
  readonly kernel: number;
  /** Reflect padding on each side (`p…`). */
  readonly padding: number;
  /** Softmax inverse temperature t (`t…`; their t_invert multiplies u). */
  readonly t: number;
  /** Rate amplitude η of the norm-dependent rate (`lr…`). */
  readonly lr: number;
  /** Power of the triangle activation (`triangle_P`). */
  readonly triangle: number;
  /** Pooling after the activation (`max_4_2_1` = max, window 4, stride 2, padding 1). */
  readonly pool: DeepPool;
}

/** A block's pooling, as presets.json spells it (`avg_4_2_1`). */
export interface DeepPool {
  /** 'max' or 'avg' (average pools count the padding, as PyTorch's AvgPool2d). */
  readonly kind: 'max' | 'avg';
  /** Window side. */
  readonly size: number;
  /** Step between windows. */
  readonly stride: number;
  /** Pixels added on each side. */
  readonly padding: number;
}

/** A deep preset: the blocks, the read-out's dropout, and the authors' name for it. */
export interface DeepPreset {
  /** The authors' preset name in presets.json. */
  readonly authors: string;
  /** The blocks, input first. */
  readonly blocks: readonly DeepBlock[];
  /** Dropout before the linear classifier (their last block's `dropout`). */
  readonly dropout: number;
  /** Published test accuracy (%) the paper gives for it, where it gives one. */
  readonly paper?: Readonly<Record<string, number>>;
}

/** The rule's settings every block shares (presets.json layer.CNN.default, hebbconv.py). */
export const DEEP_RULE = {
  /** Soft-Krotov mode 0 ('softkrotov' in the preset names). */
  krotov: true,
  /** ΔW / max|ΔW| with the per-kernel rate η·(|‖w‖ − 1| + 1e−10)^q (`adaptive` true). */
  rule: 'normalized',
  /** q (`lp0.5` in every soft preset). */
  adaptivePower: 0.5,
  /** No prior (`b0`). */
  bias: false,
  /** 'normal' init after batch norm (train.py check_dimension), radius 25 (CNN default). */
  init: 'normal-iid',
  /** The init's radius R: weights N(0, R²/n) (CNN default 25). */
  initRadius: 25,
  /** padding_mode 'reflect' (CNN default). */
  paddingMode: 'reflect',
  /** Patches are not normalised (normalize_inp false). */
  normalizeInput: false,
  /** One unsupervised epoch at batch 10 (dataset presets CIFAR10 '1': nb_epoch 1, batch 10). */
  epochs: 1,
  /** Images per Hebbian update (their batch 10). */
  batchSize: 10,
} as const;

const c96: DeepBlock = {
  units: 96,
  kernel: 5,
  padding: 2,
  t: 1,
  lr: 0.08,
  triangle: 0.7,
  pool: { kind: 'max', size: 4, stride: 2, padding: 1 },
};
const c384: DeepBlock = {
  units: 384,
  kernel: 3,
  padding: 1,
  t: 0.65,
  lr: 0.005,
  triangle: 1.4,
  pool: { kind: 'max', size: 4, stride: 2, padding: 1 },
};
const c1536: DeepBlock = {
  units: 1536,
  kernel: 3,
  padding: 1,
  t: 0.25,
  lr: 0.01,
  triangle: 1,
  pool: { kind: 'avg', size: 2, stride: 2, padding: 0 },
};
const avg421 = { kind: 'avg', size: 4, stride: 2, padding: 1 } as const;

/** A preset's name. */
export type DeepPresetName =
  'journe-cifar-2' | 'journe-cifar-3' | 'journe-cifar-4' | 'journe-stl-5';

/** The authors' soft-Krotov conv presets by hebb's names. */
export const DEEP_PRESETS: Readonly<Record<DeepPresetName, DeepPreset>> = {
  /** 2SoftHebbCnnCIFAR: one block (avg-pool 4/2/1) and the classifier. */
  'journe-cifar-2': {
    authors: '2SoftHebbCnnCIFAR',
    blocks: [{ ...c96, pool: avg421 }],
    dropout: 0.5,
  },
  /**
   * 3SoftHebbCnnCIFAR: two blocks. Their second block sets pre_triangle (`e1`: a triangle on
   * u before the WTA), which hebb does not implement (see docs/math/softhebb.md).
   */
  'journe-cifar-3': {
    authors: '3SoftHebbCnnCIFAR',
    blocks: [{ ...c96, pool: avg421 }, c384],
    dropout: 0.5,
  },
  /** 4SoftHebbCnnCIFAR: three blocks, the paper's CIFAR-10 (80.3 %) and MNIST (99.4 %) net. */
  'journe-cifar-4': {
    authors: '4SoftHebbCnnCIFAR',
    blocks: [c96, c384, c1536],
    dropout: 0.5,
    paper: { mnist: 99.4, cifar10: 80.3 },
  },
  /** 5SoftHebbCnnSTL: four blocks for 96 × 96 STL-10, the paper's 76.2 %. */
  'journe-stl-5': {
    authors: '5SoftHebbCnnSTL',
    blocks: [
      { ...c96, pool: avg421 },
      { ...c384, triangle: 0.7 },
      { ...c1536, t: 0.45, triangle: 1.4, pool: avg421 },
      { ...c1536, units: 6144, t: 0.25, triangle: 1, pool: c1536.pool },
    ],
    dropout: 0.5,
    paper: { stl10: 76.2 },
  },
};
/** The names, in order. */
export const DEEP_PRESET_NAMES = Object.keys(DEEP_PRESETS) as DeepPresetName[];

/** Options of deepStack beside the preset. */
export interface DeepStackOptions {
  /** Kernels per block × this (their _halfNeurons / _quarterNeurons presets: 0.5, 0.25). */
  width?: number;
  /** Use only the first n blocks. */
  blocks?: number;
  /** 'greedy' (their 'successive', default) or 'simultaneous' (their 'consecutive'). */
  training?: 'greedy' | 'simultaneous';
  /** Images per Hebbian update (default 10, theirs). */
  batchSize?: number;
  /**
   * Greedy training keeps the frozen blocks' output for the whole training set instead of
   * recomputing it per batch (Sequential's cacheBelow; memory: images × widest block input).
   */
  cacheBelow?: boolean;
  /** Seed of the blocks' initial weights (block i: seed + i) and of the batch order. */
  seed?: number;
  /** The backend every layer computes on (default: the active one). */
  backend?: Backend;
}

/**
 * The Hebbian part of a preset for images of `shape`: per block Standardize (batch norm
 * without affine, train-set statistics) → SoftHebbConv2d (soft-Krotov, norm-dependent rate,
 * reflect padding, triangle output) → Pool2d.
 */
export function deepStack(
  preset: DeepPreset,
  shape: ImageShape,
  o: DeepStackOptions = {},
): Sequential {
  const width = o.width ?? 1;
  const n = o.blocks ?? preset.blocks.length;
  if (!(n >= 1 && n <= preset.blocks.length))
    throw new ValueError(
      `deepStack: blocks must be 1–${preset.blocks.length} for ${preset.authors}, got ${n}`,
    );
  const seed = o.seed ?? 0;
  const layers: StackLayer[] = [];
  let s = shape;
  for (const [i, b] of preset.blocks.slice(0, n).entries()) {
    layers.push(new Standardize({ inputShape: s, backend: o.backend }));
    const conv = new SoftHebbConv2d({
      ...DEEP_RULE,
      batchSize: o.batchSize ?? DEEP_RULE.batchSize,
      units: Math.max(1, Math.round(b.units * width)),
      inputShape: s,
      kernelSize: b.kernel,
      padding: b.padding,
      inverseTemperature: b.t,
      lr: b.lr,
      activation: `triangle:${b.triangle}`,
      seed: seed + i,
      backend: o.backend,
    });
    const pool = new Pool2d({
      inputShape: conv.outputShape,
      kind: b.pool.kind,
      size: b.pool.size,
      stride: b.pool.stride,
      padding: b.pool.padding,
      // nn.AvgPool2d's default count_include_pad: padding pixels count in the mean.
      countPadding: b.pool.kind === 'avg',
      backend: o.backend,
    });
    layers.push(conv, pool);
    s = pool.outputShape;
  }
  return new Sequential({
    layers,
    training: o.training ?? 'greedy',
    cacheBelow: o.cacheBelow ?? false,
    batchSize: 100,
    seed,
    backend: o.backend,
  });
}
