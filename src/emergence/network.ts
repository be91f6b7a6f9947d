import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import type { Rng } from '../backend/rng.ts';
import { ValueError } from '../errors.ts';
import { DIFFERENTIABLE } from '../model/activation.ts';

/** Hidden-layer non-linearities (names of the shared vocabulary). The output layer is linear. */
export const HIDDEN_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid'] as const;
/** A hidden-layer non-linearity of HIDDEN_ACTIVATIONS. */
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** The networks an EmergenceLearner trains: BiasFreeMlp or TinyTransformer. */
export const ARCHITECTURES = ['mlp', 'transformer'] as const;
/** A network of ARCHITECTURES. */
export type Architecture = (typeof ARCHITECTURES)[number];

export function checkActivation(a: unknown, where: string): HiddenActivation {
  const name = typeof a === 'object' && a !== null ? (a as { name: unknown }).name : a;
  if (!HIDDEN_ACTIVATIONS.includes(name as HiddenActivation)) {
    throw new ValueError(
      `${where}: activation must be one of ${HIDDEN_ACTIVATIONS.join(', ')}, got ${JSON.stringify(a)}`,
    );
  }
  return name as HiddenActivation;
}

export function checkSizes(sizes: unknown, where: string): number[] {
  if (
    !Array.isArray(sizes) ||
    sizes.length < 2 ||
    !sizes.every((s) => Number.isInteger(s) && s >= 1)
  ) {
    throw new ValueError(
      `${where}: sizes must list at least 2 positive integers [input, ...hidden, output], got ${JSON.stringify(sizes)}`,
    );
  }
  return sizes as number[];
}

/** One weight matrix's activity on the current batch, for the Hebbian term H = h_bᵀ h_a. */
export interface LayerActivity {
  /** h_a: what the matrix reads (rows × K). */
  presynaptic: Matrix;
  /** h_b = h_a Wᵀ: what it writes (rows × N), before any non-linearity. */
  preActivation: Matrix;
  /** f(h_b) where an element-wise non-linearity follows the matrix directly; else null. */
  postActivation: Matrix | null;
}

/**
 * What the emergence trainer and its rules need from a network: bias-free weight matrices
 * used as h_b = h_a Wᵀ, a forward pass on `input`, a backward pass from `outputGrad` that fills
 * `dw`, and each matrix's activity. BiasFreeMlp and TinyTransformer implement it.
 */
export interface EmergenceNetwork {
  /** The backend it computes on. */
  readonly backend: Backend;
  /** Rows of every batch buffer (samples per step). */
  readonly batch: number;
  /** Input features per sample. */
  readonly inputs: number;
  /** Output values per sample. */
  readonly outputs: number;
  /** Learned weights v, one N × K matrix per weight matrix, in order. */
  readonly w: Matrix[];
  /** Weights the forward pass uses (w itself, or separate buffers for noisy weights). */
  weff: Matrix[];
  /** dw[l] = ∂ℓ/∂W_l, filled by backward(). */
  readonly dw: Matrix[];
  /** Names of the weight matrices for reports ('layer 1', 'block 2 q', …). */
  readonly matrixNames: string[];
  /** The input batch (batch × inputs): the caller copies the batch here. */
  readonly input: Matrix;
  /** The output batch (batch × outputs), valid after forward(). */
  readonly output: Matrix;
  /** ∂ℓ/∂output (batch × outputs): the loss writes it before backward(). */
  readonly outputGrad: Matrix;
  /** Computes `output` from `input` with the weights `weff`. */
  forward(): void;
  /** Fills `dw` from `outputGrad`, through the activity of the last forward(). */
  backward(): void;
  /** Weight matrix l's activity on the last forward() (buffers the next forward overwrites). */
  activity(l: number): LayerActivity;
  /** W_l ~ N(0, gain²/K_l), drawn matrix by matrix from rng. */
  init(rng: Rng, gain?: number): void;
  /** A network of the same shape for `rows` samples whose forward pass reads this one's `w`. */
  evaluator(rows: number): EmergenceNetwork;
}

/**
 * A bias-free multi-layer perceptron, forward and backward written out as explicit pairs
 * (llm.c style) over caller-sized buffers, so a training step allocates nothing.
 *
 * Notation (docs/math/emergence.md): layer l maps the post-activation `a[l]` (B × K_l, `h_a`) to the
 * pre-activation `z[l] = a[l] W_lᵀ` (B × N_l, `h_b`); `a[l+1] = f(z[l])` for hidden layers,
 * and the last layer is linear (`a[L] = z[L−1]`). W_l is N_l × K_l. No biases: the Hebbian term
 * H = h_b h_aᵀ then describes the whole update of a layer.
 *
 * Weights used in the forward pass are `weff[l]`, which is `w[l]` itself unless parameter
 * noise is on (then the trainer writes `v + ε` there each step); gradients are taken at the
 * weights the forward pass used.
 */
export class BiasFreeMlp implements EmergenceNetwork {
  /** Layer widths [input, ...hidden, output]. */
  readonly sizes: number[];
  /** The hidden layers' non-linearity. */
  readonly activation: HiddenActivation;
  readonly batch: number;
  readonly backend: Backend;
  /** Learned weights v, one N_l × K_l matrix per layer. */
  readonly w: Matrix[];
  /** Weights the forward pass uses (w itself, or separate buffers for noisy weights). */
  weff: Matrix[];
  /** a[0] = input batch (B × sizes[0]), a[l+1] = f(z[l]); a[L] aliases z[L−1]. */
  readonly a: Matrix[];
  /** z[l] = a[l] W_lᵀ, B × sizes[l+1]. */
  readonly z: Matrix[];
  /** dz[l] = ∂ℓ/∂z[l] (B × N_l); the caller fills dz[L−1] from the loss. */
  readonly dz: Matrix[];
  /** dw[l] = ∂ℓ/∂W_l (N_l × K_l). */
  readonly dw: Matrix[];
  /** Scratch for ∂ℓ/∂a[l] (B × K_l), l ≥ 1. */
  private readonly da: Matrix[];

  constructor(sizes: number[], activation: HiddenActivation, batch: number, backend: Backend) {
    this.sizes = checkSizes(sizes, 'BiasFreeMlp');
    this.activation = checkActivation(activation, 'BiasFreeMlp');
    if (!Number.isInteger(batch) || batch < 1) {
      throw new ValueError(`BiasFreeMlp: batch must be a positive integer, got ${batch}`);
    }
    this.batch = batch;
    this.backend = backend;
    const L = sizes.length - 1;
    this.w = [];
    this.z = [];
    this.dz = [];
    this.dw = [];
    this.a = [Matrix.zeros(batch, sizes[0])];
    this.da = [Matrix.zeros(0, 0)];
    for (let l = 0; l < L; l++) {
      this.w.push(Matrix.zeros(sizes[l + 1], sizes[l]));
      this.dw.push(Matrix.zeros(sizes[l + 1], sizes[l]));
      const z = Matrix.zeros(batch, sizes[l + 1]);
      this.z.push(z);
      this.dz.push(Matrix.zeros(batch, sizes[l + 1]));
      this.a.push(l === L - 1 ? z : Matrix.zeros(batch, sizes[l + 1]));
      if (l < L - 1) {
        this.da.push(Matrix.zeros(batch, sizes[l + 1]));
      }
    }
    this.weff = this.w;
  }

  /** Number of weight matrices, L = sizes.length − 1. */
  get layers(): number {
    return this.w.length;
  }

  get inputs(): number {
    return this.sizes[0];
  }

  get outputs(): number {
    return this.sizes[this.sizes.length - 1];
  }

  get matrixNames(): string[] {
    return this.w.map((_, l) => `layer ${l + 1}`);
  }

  get input(): Matrix {
    return this.a[0];
  }

  get outputGrad(): Matrix {
    return this.dz[this.layers - 1];
  }

  activity(l: number): LayerActivity {
    return {
      presynaptic: this.a[l],
      preActivation: this.z[l],
      postActivation: l < this.layers - 1 ? this.a[l + 1] : null,
    };
  }

  evaluator(rows: number): BiasFreeMlp {
    const ev = new BiasFreeMlp(this.sizes, this.activation, rows, this.backend);
    ev.weff = this.w;
    return ev;
  }

  /** The output batch (B × sizes[L]); valid after forward(). */
  get output(): Matrix {
    return this.a[this.layers];
  }

  /** W_l ~ N(0, gain²/K_l) (LeCun-style), drawn layer by layer from rng. */
  init(rng: Rng, gain = 1): void {
    for (const w of this.w) rng.normal(w.data, 0, gain / Math.sqrt(w.cols));
  }

  /** Forward pass on a[0] (the caller copies the input batch there). */
  forward(): void {
    const be = this.backend;
    const L = this.layers;
    for (let l = 0; l < L; l++) {
      // z[l] (B×N) = a[l] (B×K) · W_lᵀ (K×N)
      be.gemm(false, true, 1, this.a[l], this.weff[l], 0, this.z[l]);
      // a[l+1] (B×N) = f(z[l]); the output layer stays linear (a[L] aliases z[L−1])
      if (l < L - 1) activate(be, this.activation, this.z[l], this.a[l + 1]);
    }
  }

  /**
   * Backward pass from dz[L−1] (set by the loss): fills dw[l] for every layer and dz[l] for the
   * hidden layers. Rules that deliver their own hidden-layer errors (DFA) fill dz[l] themselves
   * and call weightGrad.
   */
  backward(): void {
    const be = this.backend;
    for (let l = this.layers - 1; l >= 0; l--) {
      this.weightGrad(l);
      if (l === 0) break;
      // da[l] (B×K) = dz[l] (B×N) · W_l (N×K)
      be.gemm(false, false, 1, this.dz[l], this.weff[l], 0, this.da[l]);
      // dz[l−1] (B×K) = da[l] ⊙ f'(z[l−1]), f' from the stored output a[l]
      this.activationBackward(l - 1, this.da[l]);
    }
  }

  /** dw[l] (N×K) = dz[l]ᵀ (N×B) · a[l] (B×K). */
  weightGrad(l: number): void {
    this.backend.gemm(true, false, 1, this.dz[l], this.a[l], 0, this.dw[l]);
  }

  /** dz[l] (B×N_l) = upstream (B×N_l) ⊙ f'(z[l]) for a hidden layer l < L−1. */
  activationBackward(l: number, upstream: Matrix): void {
    const be = this.backend;
    const y = this.a[l + 1];
    const op = DIFFERENTIABLE[this.activation];
    if (op) be.binary(op, upstream, y, this.dz[l]);
    else be.unary('copy', upstream, this.dz[l]);
  }
}

/**
 * out = f(z) element-wise. tanh is computed as 2σ(2z) − 1: the same function, but the
 * backends' sigmoid kernel is 3–4× faster than their tanh kernel (measured on native:
 * 260 µs vs 930 µs for 256×128), and tanh dominated a training step. The absolute error stays
 * at float32 rounding of σ (≈ 1e-7).
 */
export function activate(be: Backend, f: HiddenActivation, z: Matrix, out: Matrix): void {
  if (f === 'linear') be.unary('copy', z, out);
  else if (f === 'tanh') {
    be.unary('affine', z, out, 2, 0);
    be.unary('sigmoid', out, out);
    be.unary('affine', out, out, 2, -1);
  } else be.unary(f, z, out);
}
