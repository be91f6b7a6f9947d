// The networks the robustness experiments compare, as pipelines: a SoftHebb layer (soft or
// hard WTA, run with its inference activation) with its read-out, a backprop MLP, and fixed
// feature layers (k-means centroids, PCA components) with an activation and a read-out.
import { Matrix } from '../backend/matrix.ts';
import type { Backend } from '../backend/types.ts';
import type { Standardizer } from '../data/preprocess.ts';
import type { Activation } from '../model/activation.ts';
import type { MlpClassifier } from '../readout/mlp-classifier.ts';
import type { SoftmaxClassifier } from '../readout/softmax-classifier.ts';
import { ValueError } from '../errors.ts';
import { SoftHebb, outputActivation } from '../softhebb/layer.ts';
import { SoftHebbConv2d } from '../softhebb/conv.ts';
import { Pool2d } from '../stack/pool.ts';
import type { Sequential } from '../stack/sequential.ts';
import { Standardize } from '../stack/standardize.ts';
import { channelActivationStage, convStage, perPosition, poolStage } from './conv-stages.ts';
import {
  activationStage,
  linearStage,
  normalizeStage,
  Pipeline,
  standardizeStage,
  type Stage,
} from './pipeline.ts';

/** A linear read-out on a feature layer: the classifier and the standardiser before it. */
export interface ReadoutParts {
  /** The fitted softmax classifier. */
  classifier: SoftmaxClassifier;
  /** The standardisation before it; null: none. */
  stats: Standardizer | null;
}

/**
 * The read-out as one linear stage: standardising then a linear map is itself linear, so it is
 * folded in (W' = W diag(1/std), b' = b − W' mean) — one GEMM per pass instead of three.
 */
function readoutStages(be: Backend, r: ReadoutParts): Stage[] {
  const w = r.classifier.weights;
  if (!r.stats) return [linearStage(be, w, r.classifier.bias)];
  const inv = r.stats.std.map((v) => 1 / v);
  const folded = Matrix.zeros(w.rows, w.cols);
  be.addRowVector(folded, inv);
  be.binary('mul', folded, w, folded);
  const shift = Matrix.zeros(1, w.rows);
  be.gemm(false, true, -1, new Matrix(1, w.cols, r.stats.mean), folded, 0, shift);
  const bias = r.classifier.bias.slice();
  shift.data.forEach((v, i) => (bias[i] += v));
  return [linearStage(be, folded, bias)];
}

/**
 * Input → (unit-norm rows when the layer normalises) → u = Wx + b → activation → read-out.
 * A hard-WTA layer is run with the activation given (softmax for the paper's comparison).
 */
export function softHebbNetwork(
  layer: SoftHebb,
  activation: Activation,
  readout: ReadoutParts,
): Pipeline {
  const be = layer.backend;
  const stages: Stage[] = [];
  if (layer.options.normalizeInput) stages.push(normalizeStage(be));
  stages.push(linearStage(be, layer.weights, layer.bias ?? null));
  stages.push(activationStage(be, activation));
  stages.push(...readoutStages(be, readout));
  return new Pipeline(be, stages, layer.weights.cols);
}

/**
 * A fitted stack (convolutional SoftHebb layers, pooling, standardisation, dense SoftHebb) with
 * its read-out, each layer run as its transform runs it: a layer's own output activation
 * (softmax at its t when none was set). `inputs`: values per sample.
 */
export function stackNetwork(stack: Sequential, readout: ReadoutParts, inputs: number): Pipeline {
  const width = stack.outputSize(inputs);
  if (readout.classifier.weights.cols !== width)
    throw new ValueError(
      `stackNetwork: the read-out takes ${readout.classifier.weights.cols} features, the stack gives ${width}`,
    );
  const stages = stackStages(stack);
  return new Pipeline(stack.backend, [...stages, ...readoutStages(stack.backend, readout)], inputs);
}

/**
 * The stack's layers as stages (no read-out). Refused, naming the layer: a layer with no
 * differentiable stage, a hard-WTA layer's one-hot and powers below 1 (as activationStage) —
 * callers check this before fitting anything.
 */
export function stackStages(stack: Sequential): Stage[] {
  const be = stack.backend;
  const stages: Stage[] = [];
  for (const [i, l] of stack.layers.entries()) {
    const where = `layers[${i}] (${l.modelName})`;
    const activation = (act: Activation, channels?: number): Stage => {
      try {
        return channels ? channelActivationStage(be, act, channels) : activationStage(be, act);
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        throw new ValueError(
          `stackNetwork: ${where}: ${e.message.replace(/^activationStage: /, '')}; gradient attacks cannot reach through it`,
        );
      }
    };
    if (l instanceof SoftHebbConv2d) {
      const act = outputActivation(l.options, undefined, `stackNetwork ${where}`);
      stages.push(
        convStage(be, {
          geometry: l.geometry,
          weights: l.weights,
          bias: l.bias ?? null,
          normalizeInput: l.options.normalizeInput,
          reflect: l.options.paddingMode === 'reflect' ? l.options.padding : 0,
        }),
      );
      if (act.name !== 'linear') stages.push(activation(act, l.options.units));
    } else if (l instanceof Pool2d) {
      stages.push(
        poolStage(be, l.geometry, l.options.kind, { countPadding: l.options.countPadding }),
      );
    } else if (l instanceof Standardize) {
      const scale = l.scale;
      const mean = l.options.center ? l.mean : new Float32Array(scale.length);
      stages.push(perPosition(standardizeStage(be, mean, scale), scale.length));
    } else if (l instanceof SoftHebb) {
      const act = outputActivation(l.options, undefined, `stackNetwork ${where}`);
      if (l.options.normalizeInput) stages.push(normalizeStage(be));
      stages.push(linearStage(be, l.weights, l.bias ?? null));
      if (act.name !== 'linear') stages.push(activation(act));
    } else {
      throw new ValueError(
        `stackNetwork: ${where} has no differentiable stage; attacks reach through SoftHebbConv2d, Pool2d, Standardize and SoftHebb layers`,
      );
    }
  }
  return stages;
}

/** A backprop MLP: w1, b1 → its hidden activation → w2, b2. */
export function mlpNetwork(mlp: MlpClassifier): Pipeline {
  const be = mlp.backend;
  const p = mlp.parameters;
  return new Pipeline(
    be,
    [
      linearStage(be, p.w1, p.b1),
      activationStage(be, mlp.options.activation),
      linearStage(be, p.w2, p.b2),
    ],
    p.w1.cols,
  );
}

/**
 * Fixed feature weights (units × inputs) → activation → read-out (k-means, PCA); with
 * normalizeInput the inputs are first scaled to unit norm, as a SoftHebb layer does.
 */
export function featureNetwork(
  be: Backend,
  weights: Matrix,
  activation: Activation,
  readout: ReadoutParts,
  bias?: Float32Array,
  { normalizeInput = false }: { normalizeInput?: boolean } = {},
): Pipeline {
  return new Pipeline(
    be,
    [
      ...(normalizeInput ? [normalizeStage(be)] : []),
      linearStage(be, weights, bias),
      activationStage(be, activation),
      ...readoutStages(be, readout),
    ],
    weights.cols,
  );
}
