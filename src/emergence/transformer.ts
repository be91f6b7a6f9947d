import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import type { Rng } from '../backend/rng.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { DIFFERENTIABLE } from '../model/activation.ts';
import {
  activate,
  checkActivation,
  type EmergenceNetwork,
  type HiddenActivation,
  type LayerActivity,
} from './network.ts';

/** The sizes of a TinyTransformer. */
export interface TransformerShape {
  /** Input features per sample; split into `tokens` tokens of inputs / tokens features. */
  inputs: number;
  /** Output values per sample. */
  outputs: number;
  /** Tokens per sample. */
  tokens: number;
  /** Width of the token embeddings (the residual stream). */
  width: number;
  /** Attention heads per block; they divide width. */
  heads: number;
  /** Blocks of attention and MLP. */
  blocks: number;
  /** The MLP's non-linearity; its hidden width is 4 · width. */
  activation: HiddenActivation;
}

/** Per block, its weight matrices in order (names in reports: 'block 1 q', …). */
const BLOCK_MATRICES = ['q', 'k', 'v', 'o', 'up', 'down'] as const;

/**
 * Rows × columns of every weight matrix, in order: embed (width × inputs/tokens), q, k, v, o,
 * up, down of each block, readout (outputs × tokens·width). Unknown inputs or outputs leave
 * their sizes undefined (what a saved state is checked against before the inputs are known).
 */
export function transformerSizes(
  s: Pick<TransformerShape, 'tokens' | 'width' | 'blocks'> & { inputs?: number; outputs?: number },
): [number | undefined, number | undefined][] {
  const { tokens: T, width: D } = s;
  const sizes: [number | undefined, number | undefined][] = [
    [D, s.inputs === undefined ? undefined : s.inputs / T],
  ];
  for (let b = 0; b < s.blocks; b++)
    sizes.push([D, D], [D, D], [D, D], [D, D], [4 * D, D], [D, 4 * D]);
  sizes.push([s.outputs, T * D]);
  return sizes;
}

/** Buffers of one block for one batch (rows = batch · tokens). */
interface BlockBuffers {
  /** Residual stream entering the block, and after its attention half. */
  h: Matrix;
  mid: Matrix;
  n1: Matrix;
  q: Matrix;
  k: Matrix;
  v: Matrix;
  probs: Matrix;
  att: Matrix;
  attOut: Matrix;
  n2: Matrix;
  up: Matrix;
  act: Matrix;
  down: Matrix;
}

/**
 * A small pre-norm transformer without biases, for the emergence experiments' regression task
 * (docs/math/emergence.md, "Transformer"). A sample's `inputs` features become `tokens` tokens
 * of inputs/tokens features each, embedded to `width` by one matrix, plus a fixed sinusoidal
 * position code; then `blocks` blocks of
 *
 *   h ← h + attention(q, k, v) W_oᵀ      with q, k, v = n(h) W_{q,k,v}ᵀ, `heads` heads
 *   h ← h + f(n(h) W_upᵀ) W_downᵀ        W_up: 4·width × width
 *
 * where n(h) = √width · h / ‖h‖ is a gain-free RMS norm of each token; the output is
 * n(h) of all tokens, concatenated, through one read-out matrix. Every learned parameter is a
 * weight matrix used as h_b = h_a Wᵀ (no biases, no norm gains), so each has a Hebbian term
 * H = h_bᵀ h_a summed over the batch and the tokens. Matrices in order: embed, then q, k, v,
 * o, up, down of each block, then readout.
 */
export class TinyTransformer implements EmergenceNetwork {
  /** Its sizes. */
  readonly shape: TransformerShape;
  readonly backend: Backend;
  readonly batch: number;
  readonly w: Matrix[];
  weff: Matrix[];
  readonly dw: Matrix[];
  readonly matrixNames: string[];
  readonly input: Matrix;
  readonly output: Matrix;
  readonly outputGrad: Matrix;
  /** The input as tokens: (batch·tokens) × (inputs/tokens), sharing input's storage. */
  private readonly tokensIn: Matrix;
  private readonly embedded: Matrix;
  private readonly blocksBuf: BlockBuffers[];
  /** The last residual stream, its norm, and that norm seen as batch × (tokens·width). */
  private readonly hLast: Matrix;
  private readonly nLast: Matrix;
  private readonly flat: Matrix;
  /** Fixed position code, tokens·width, added to every sample's embedded tokens. */
  private readonly position: Float32Array;
  // backward scratch
  private readonly dh: Matrix;
  private readonly dn: Matrix;
  private readonly dAct: Matrix;
  private readonly dq: Matrix;
  private readonly dk: Matrix;
  private readonly dv: Matrix;
  private readonly dAtt: Matrix;

  constructor(shape: TransformerShape, batch: number, backend: Backend) {
    this.shape = checkShape(shape);
    const { inputs, outputs, tokens: T, width: D, heads, blocks } = this.shape;
    if (!Number.isInteger(batch) || batch < 1)
      throw new ValueError(`TinyTransformer: batch must be a positive integer, got ${batch}`);
    this.batch = batch;
    this.backend = backend;
    const R = batch * T;
    const P = inputs / T;
    const z = (r: number, c: number) => Matrix.zeros(r, c);
    const sizes = transformerSizes(this.shape) as [number, number][];
    this.matrixNames = ['embed'];
    for (let b = 0; b < blocks; b++)
      for (const m of BLOCK_MATRICES) this.matrixNames.push(`block ${b + 1} ${m}`);
    this.matrixNames.push('readout');
    this.w = sizes.map(([n, k]) => z(n, k));
    this.dw = sizes.map(([n, k]) => z(n, k));
    this.weff = this.w;
    this.input = z(batch, inputs);
    this.tokensIn = new Matrix(R, P, this.input.data);
    this.embedded = z(R, D);
    this.blocksBuf = Array.from({ length: blocks }, () => ({
      h: z(R, D),
      mid: z(R, D),
      n1: z(R, D),
      q: z(R, D),
      k: z(R, D),
      v: z(R, D),
      probs: z(batch * heads * T, T),
      att: z(R, D),
      attOut: z(R, D),
      n2: z(R, D),
      up: z(R, 4 * D),
      act: z(R, 4 * D),
      down: z(R, D),
    }));
    this.hLast = z(R, D);
    this.nLast = z(R, D);
    this.flat = new Matrix(batch, T * D, this.nLast.data);
    this.output = z(batch, outputs);
    this.outputGrad = z(batch, outputs);
    this.position = sinusoidalPositions(T, D);
    this.dh = z(R, D);
    this.dn = z(R, D);
    this.dAct = z(R, 4 * D);
    this.dq = z(R, D);
    this.dk = z(R, D);
    this.dv = z(R, D);
    this.dAtt = z(R, D);
  }

  get inputs(): number {
    return this.shape.inputs;
  }

  get outputs(): number {
    return this.shape.outputs;
  }

  init(rng: Rng, gain = 1): void {
    for (const w of this.w) rng.normal(w.data, 0, gain / Math.sqrt(w.cols));
  }

  evaluator(rows: number): TinyTransformer {
    const ev = new TinyTransformer(this.shape, rows, this.backend);
    ev.weff = this.w;
    return ev;
  }

  private get scale(): number {
    return 1 / Math.sqrt(this.shape.width / this.shape.heads);
  }

  /** Index in w of block b's matrix m. */
  private at(b: number, m: (typeof BLOCK_MATRICES)[number]): number {
    return 1 + 6 * b + BLOCK_MATRICES.indexOf(m);
  }

  forward(): void {
    const be = this.backend;
    const { tokens: T, width: D, heads, activation } = this.shape;
    const W = this.weff;
    // embedded (R×D) = tokens (R×P) · W_embedᵀ; the stream adds the position code per sample
    be.gemm(false, true, 1, this.tokensIn, W[0], 0, this.embedded);
    const first = this.blocksBuf.length > 0 ? this.blocksBuf[0].h : this.hLast;
    be.unary('copy', this.embedded, first);
    be.addRowVector(new Matrix(this.batch, T * D, first.data), this.position);
    this.blocksBuf.forEach((k, b) => {
      const next = b + 1 < this.blocksBuf.length ? this.blocksBuf[b + 1].h : this.hLast;
      rmsNorm(be, k.h, k.n1);
      be.gemm(false, true, 1, k.n1, W[this.at(b, 'q')], 0, k.q);
      be.gemm(false, true, 1, k.n1, W[this.at(b, 'k')], 0, k.k);
      be.gemm(false, true, 1, k.n1, W[this.at(b, 'v')], 0, k.v);
      be.attention(k.q, k.k, k.v, heads, T, this.scale, k.probs, k.att);
      be.gemm(false, true, 1, k.att, W[this.at(b, 'o')], 0, k.attOut);
      be.binary('add', k.h, k.attOut, k.mid);
      rmsNorm(be, k.mid, k.n2);
      be.gemm(false, true, 1, k.n2, W[this.at(b, 'up')], 0, k.up);
      activate(be, activation, k.up, k.act);
      be.gemm(false, true, 1, k.act, W[this.at(b, 'down')], 0, k.down);
      be.binary('add', k.mid, k.down, next);
    });
    rmsNorm(be, this.hLast, this.nLast);
    be.gemm(false, true, 1, this.flat, W[W.length - 1], 0, this.output);
  }

  backward(): void {
    const be = this.backend;
    const { tokens: T, width: D, heads, activation } = this.shape;
    const W = this.weff;
    const L = W.length;
    const dh = this.dh;
    const dn = this.dn;
    // readout: dW = dOutᵀ flat; d flat (B × T·D) = dOut · W, seen as R × D
    be.gemm(true, false, 1, this.outputGrad, this.flat, 0, this.dw[L - 1]);
    be.gemm(false, false, 1, this.outputGrad, W[L - 1], 0, new Matrix(this.batch, T * D, dn.data));
    rmsNormBackward(be, this.hLast, dn, dh);
    for (let b = this.blocksBuf.length - 1; b >= 0; b--) {
      const k = this.blocksBuf[b];
      // MLP half: dh is ∂ℓ/∂(block output) = ∂ℓ/∂down
      be.gemm(true, false, 1, dh, k.act, 0, this.dw[this.at(b, 'down')]);
      be.gemm(false, false, 1, dh, W[this.at(b, 'down')], 0, this.dAct);
      const op = DIFFERENTIABLE[activation];
      if (op) be.binary(op, this.dAct, k.act, this.dAct);
      be.gemm(true, false, 1, this.dAct, k.n2, 0, this.dw[this.at(b, 'up')]);
      be.gemm(false, false, 1, this.dAct, W[this.at(b, 'up')], 0, dn);
      rmsNormBackward(be, k.mid, dn, dn);
      be.axpy(1, dn, dh); // dh is now ∂ℓ/∂mid
      // attention half: ∂ℓ/∂attOut = dh
      be.gemm(true, false, 1, dh, k.att, 0, this.dw[this.at(b, 'o')]);
      be.gemm(false, false, 1, dh, W[this.at(b, 'o')], 0, this.dAtt);
      be.attentionBackward(
        k.q,
        k.k,
        k.v,
        k.probs,
        this.dAtt,
        heads,
        T,
        this.scale,
        this.dq,
        this.dk,
        this.dv,
      );
      const qkv = [
        ['q', this.dq],
        ['k', this.dk],
        ['v', this.dv],
      ] as const;
      qkv.forEach(([m, g], i) => {
        be.gemm(true, false, 1, g, k.n1, 0, this.dw[this.at(b, m)]);
        // dn1 = dq W_q + dk W_k + dv W_v
        be.gemm(false, false, 1, g, W[this.at(b, m)], i === 0 ? 0 : 1, dn);
      });
      rmsNormBackward(be, k.h, dn, dn);
      be.axpy(1, dn, dh); // dh is now ∂ℓ/∂(block input)
    }
    // embed: the stream's first value is embedded + position, so ∂ℓ/∂embedded = dh
    be.gemm(true, false, 1, dh, this.tokensIn, 0, this.dw[0]);
  }

  activity(l: number): LayerActivity {
    const L = this.w.length;
    if (!Number.isInteger(l) || l < 0 || l >= L)
      throw new ValueError(`TinyTransformer.activity: matrix ${l} is not in 0..${L - 1}`);
    if (l === 0)
      return { presynaptic: this.tokensIn, preActivation: this.embedded, postActivation: null };
    if (l === L - 1)
      return { presynaptic: this.flat, preActivation: this.output, postActivation: null };
    const k = this.blocksBuf[Math.floor((l - 1) / 6)];
    switch (BLOCK_MATRICES[(l - 1) % 6]) {
      case 'q':
        return { presynaptic: k.n1, preActivation: k.q, postActivation: null };
      case 'k':
        return { presynaptic: k.n1, preActivation: k.k, postActivation: null };
      case 'v':
        return { presynaptic: k.n1, preActivation: k.v, postActivation: null };
      case 'o':
        return { presynaptic: k.att, preActivation: k.attOut, postActivation: null };
      case 'up':
        return { presynaptic: k.n2, preActivation: k.up, postActivation: k.act };
      case 'down':
        return { presynaptic: k.act, preActivation: k.down, postActivation: null };
    }
  }
}

function checkShape(s: TransformerShape): TransformerShape {
  const where = 'TinyTransformer';
  for (const k of ['inputs', 'outputs', 'tokens', 'width', 'heads'] as const) {
    if (!Number.isInteger(s[k]) || s[k] < 1)
      throw new ValueError(`${where}: ${k} must be a positive integer, got ${String(s[k])}`);
  }
  if (!Number.isInteger(s.blocks) || s.blocks < 0)
    throw new ValueError(`${where}: blocks must be an integer ≥ 0, got ${String(s.blocks)}`);
  if (s.inputs % s.tokens !== 0)
    throw new ShapeError(
      `${where}: ${s.inputs} input features do not split into ${s.tokens} tokens; choose tokens dividing ${s.inputs}`,
    );
  if (s.width % s.heads !== 0)
    throw new ShapeError(
      `${where}: ${s.heads} heads do not divide the width ${s.width}; choose heads dividing it`,
    );
  checkActivation(s.activation, where);
  return { ...s };
}

/** pos[t, 2i] = sin(t / 10000^(2i/D)), pos[t, 2i+1] = cos(…): the original transformer's code. */
function sinusoidalPositions(T: number, D: number): Float32Array {
  const p = new Float32Array(T * D);
  for (let t = 0; t < T; t++)
    for (let j = 0; j < D; j++) {
      const angle = t / 10000 ** ((2 * Math.floor(j / 2)) / D);
      p[t * D + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  return p;
}

/** out = √D · h / ‖h‖ per row (a gain-free RMS norm). */
function rmsNorm(be: Backend, h: Matrix, out: Matrix): void {
  be.normalizeRows(h, out);
  be.scale(Math.sqrt(h.cols), out);
}

/** out = ∂ℓ/∂h from g = ∂ℓ/∂rmsNorm(h); out may be g. */
function rmsNormBackward(be: Backend, h: Matrix, g: Matrix, out: Matrix): void {
  be.normalizeRowsBackward(h, g, out);
  be.scale(Math.sqrt(h.cols), out);
}
