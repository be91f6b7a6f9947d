import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { count } from '../model/wording.ts';

/**
 * Cosine (normalised Frobenius inner product) ⟨A, B⟩ / (‖A‖ ‖B‖), accumulated in float64.
 * Returns 0 when either matrix is all zeros (no direction to compare).
 */
export function cosine(be: Backend, a: Matrix, b: Matrix): number {
  const ab = be.dot(a, b);
  const aa = be.dot(a, a);
  const bb = be.dot(b, b);
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * The Hebbian term of a layer, H = Σ_b h_b h_aᵀ = hbᵀ · ha (N × K), summed over the batch.
 * hb: the layer's postsynaptic activity (B × N) — its pre-activation in docs/math/emergence.md, or its
 * post-activation for the post-activation variant; ha: the presynaptic activity (B × K).
 */
export function hebbianTerm(be: Backend, hb: Matrix, ha: Matrix, out?: Matrix): Matrix {
  if (hb.rows !== ha.rows) {
    throw new ShapeError(
      `hebbianTerm: hb has ${count(hb.rows, 'row')} (samples) but ha has ${ha.rows}; pass the same batch`,
    );
  }
  const h = out ?? Matrix.zeros(hb.cols, ha.cols);
  if (h.rows !== hb.cols || h.cols !== ha.cols) {
    throw new ShapeError(
      `hebbianTerm: out is ${h.rows}×${h.cols} but H = hbᵀ·ha is ${hb.cols}×${ha.cols}`,
    );
  }
  // H (N×K) = hbᵀ (N×B) · ha (B×K)
  be.gemm(true, false, 1, hb, ha, 0, h);
  return h;
}

/**
 * How Hebbian an update is: cos(update, H) with H = hbᵀ·ha (docs/math/emergence.md). +1 is purely Hebbian,
 * −1 purely anti-Hebbian, ≈ 0 unrelated. Any learner can call it with its weight change for a
 * layer (N × K), that layer's postsynaptic activity hb (B × N) and presynaptic activity ha
 * (B × K) on the same batch. `scratch` (N × K) avoids an allocation.
 */
export function hebbianAlignment(
  be: Backend,
  update: Matrix,
  hb: Matrix,
  ha: Matrix,
  scratch?: Matrix,
): number {
  if (update.rows !== hb.cols || update.cols !== ha.cols) {
    throw new ShapeError(
      `hebbianAlignment: update is ${update.rows}×${update.cols} but the layer maps ${ha.cols} ` +
        `inputs to ${count(hb.cols, 'unit')} (expected ${hb.cols}×${ha.cols})`,
    );
  }
  return cosine(be, update, hebbianTerm(be, hb, ha, scratch));
}

/** Alignments of one layer at one step. */
export interface LayerAlignment {
  /** cos(g, H), H = h_b h_aᵀ with h_b the pre-activation. */
  signal: number;
  /** cos(ΔW, H) with ΔW = η (g − γ W), the full update including weight decay. */
  update: number;
  /** cos(g, H⁺), H⁺ = f(h_b) h_aᵀ — the post-activation variant. */
  post: number;
}

/**
 * The three alignments of a layer. h: H (N×K) already formed; hPost: H⁺ or null (then post =
 * signal, as for a linear output layer). ΔW is never formed: its inner products follow from
 * ⟨g,H⟩, ⟨W,H⟩, ‖g‖², ⟨g,W⟩, ‖W‖².
 */
export function layerAlignment(
  be: Backend,
  g: Matrix,
  w: Matrix,
  decay: number,
  h: Matrix,
  hPost: Matrix | null,
): LayerAlignment {
  const gh = be.dot(g, h);
  const gg = be.dot(g, g);
  const hh = be.dot(h, h);
  const cos = (ab: number, aa: number, bb: number) =>
    aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
  const signal = cos(gh, gg, hh);
  let update = signal;
  if (decay !== 0) {
    const wh = be.dot(w, h);
    const gw = be.dot(g, w);
    const ww = be.dot(w, w);
    // ΔW/η = g − γW: ⟨ΔW,H⟩ = ⟨g,H⟩ − γ⟨W,H⟩, ‖ΔW‖² = ‖g‖² − 2γ⟨g,W⟩ + γ²‖W‖²
    update = cos(gh - decay * wh, Math.max(gg - 2 * decay * gw + decay * decay * ww, 0), hh);
  }
  const post = hPost ? cos(be.dot(g, hPost), gg, be.dot(hPost, hPost)) : signal;
  return { signal, update, post };
}

/**
 * The stationarity check of docs/math/emergence.md: where E[g] = γW, ⟨E g, E H⟩ = γ⟨W, E H⟩ = γ E Σ_b ‖h_b‖².
 * Feed it g, H and Σ_b‖h_b‖² each step of a window near the end of training; `ratio()` is
 * ⟨ḡ, H̄⟩ / (γ · mean Σ_b‖h_b‖²), ≈ 1 at stationarity (undefined for γ = 0).
 */
export class StationarityMeter {
  private readonly gSum: Matrix;
  private readonly hSum: Matrix;
  private hbSq = 0;
  private n = 0;
  /** The weight decay γ the stationarity condition holds for. */
  readonly decay: number;
  private readonly be: Backend;

  constructor(be: Backend, rows: number, cols: number, decay: number) {
    if (!(decay >= 0)) throw new ValueError(`StationarityMeter: decay must be ≥ 0, got ${decay}`);
    this.be = be;
    this.decay = decay;
    this.gSum = Matrix.zeros(rows, cols);
    this.hSum = Matrix.zeros(rows, cols);
  }

  /** Adds one step: the signal g, the Hebbian term H and Σ_b ‖h_b‖² = ‖hb‖²_F. */
  add(g: Matrix, h: Matrix, hbSquaredNorm: number): void {
    this.be.axpy(1, g, this.gSum);
    this.be.axpy(1, h, this.hSum);
    this.hbSq += hbSquaredNorm;
    this.n++;
  }

  /** Steps added so far. */
  get steps(): number {
    return this.n;
  }

  /**
   * ⟨E g, E H⟩, γ E‖h_b‖² and their ratio (NaN when γ = 0 or nothing was added), and
   * cos(E g, E H): the alignment of the window's mean signal with its mean Hebbian term, where
   * per-step noise that averages out no longer counts (the mean of per-step cosines keeps it).
   */
  result(): {
    /** ⟨E g, E H⟩. */
    lhs: number;
    /** γ E Σ_b ‖h_b‖². */
    rhs: number;
    /** lhs / rhs, ≈ 1 at stationarity. */
    ratio: number;
    /** cos(E g, E H). */
    meanCosine: number;
  } {
    if (this.n === 0) return { lhs: NaN, rhs: NaN, ratio: NaN, meanCosine: NaN };
    const lhs = this.be.dot(this.gSum, this.hSum) / (this.n * this.n);
    const rhs = (this.decay * this.hbSq) / this.n;
    const meanCosine = cosine(this.be, this.gSum, this.hSum);
    return { lhs, rhs, ratio: rhs > 0 ? lhs / rhs : NaN, meanCosine };
  }
}
