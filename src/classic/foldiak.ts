// Földiák's anti-Hebbian decorrelation (docs/math/classic-rules.md): outputs fed back through
// symmetric lateral weights, y = x + L y, settle at y = (I − L)⁻¹ x; ΔL = −η (y yᵀ off the
// diagonal) drives the outputs' covariance to a diagonal one.
import { Matrix } from '../backend/matrix.ts';
import { ValueError } from '../errors.ts';
import { checkSamples } from '../model/inputs.ts';
import { registerModel } from '../model/model.ts';
import { validateOptions, type Resolved } from '../model/params.ts';
import { tensor, type TensorSlots } from '../model/state.ts';
import { ClassicRule, trainingSpec, type ClassicTrainingOptions } from './base.ts';

/** Options of AntiHebbian. */
export type AntiHebbianOptions = ClassicTrainingOptions;

const SPEC = trainingSpec({ lr: { kind: 'constant', from: 0.01 }, batchSize: 16, epochs: 10 });

/** (I − L)⁻¹ by Gauss–Jordan elimination with partial pivoting, in float64. */
function feedbackInverse(l: Matrix, where: string): Matrix {
  const n = l.rows;
  const a = Float64Array.from(l.data, (v, i) => (i % (n + 1) === 0 ? 1 : 0) - v);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    const pivot = a[p * n + c];
    if (!(Math.abs(pivot) > 1e-12)) {
      throw new ValueError(
        `${where}: the feedback I − L became singular (the outputs diverged); lower lr`,
      );
    }
    for (const m of [a, inv])
      for (let j = 0; j < n; j++) [m[c * n + j], m[p * n + j]] = [m[p * n + j], m[c * n + j]];
    for (let j = 0; j < n; j++) {
      a[c * n + j] /= pivot;
      inv[c * n + j] /= pivot;
    }
    for (let r = 0; r < n; r++) {
      const f = a[r * n + c];
      if (r === c || f === 0) continue;
      for (let j = 0; j < n; j++) {
        a[r * n + j] -= f * a[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
  return new Matrix(n, n, Float32Array.from(inv));
}

/**
 * Földiák's (1989) anti-Hebbian decorrelating layer: as many outputs as inputs, coupled by
 * symmetric lateral weights L (zero diagonal) that learn ΔL_ij = −η y_i y_j (i ≠ j) from the
 * settled outputs y = (I − L)⁻¹ x. At the fixed point E[y_i y_j] = 0 for i ≠ j: the output
 * covariance is diagonal. The settled response is solved exactly (an n × n inverse per batch,
 * in float64), so the layer suits inputs of modest width.
 */
export class AntiHebbian extends ClassicRule<Resolved<typeof SPEC>> {
  /** The name model files record for this class (hebb.model metadata). */
  static readonly modelName = 'AntiHebbian';
  /** The options this model takes, with their checks, defaults and help (docs/api.md). */
  static readonly optionTable = SPEC;
  private l: Matrix | null = null;
  private m: Matrix | null = null;

  constructor(options: AntiHebbianOptions = {}) {
    super(validateOptions('AntiHebbian', SPEC, options));
  }

  get isFitted(): boolean {
    return this.l !== null;
  }

  protected get inputs(): number | undefined {
    return this.l?.cols;
  }

  /** The lateral weights L, features × features, symmetric with a zero diagonal (a live reference). */
  get lateral(): Matrix {
    if (!this.l) throw this.notFitted('lateral');
    return this.l;
  }

  protected begin(x: Matrix): void {
    this.l = Matrix.zeros(x.cols, x.cols);
    this.m = feedbackInverse(this.l, `${this.modelName}.fit`);
  }

  protected override afterSetState(): void {
    this.m = feedbackInverse(this.lateral, `${this.modelName}.setState`);
  }

  /** ΔL = −(η/B) (YᵀY with its diagonal zeroed), Y = X Mᵀ with M = (I − L)⁻¹. */
  protected learn(xb: Matrix, eta: number): void {
    const be = this.backend;
    const l = this.l!;
    const n = l.rows;
    const y = Matrix.zeros(xb.rows, n);
    be.gemm(false, true, 1, xb, this.m!, 0, y);
    const c = Matrix.zeros(n, n);
    be.gemm(true, false, 1, y, y, 0, c);
    for (let i = 0; i < n; i++) c.data[i * n + i] = 0;
    be.axpy(-eta / xb.rows, c, l);
    this.m = feedbackInverse(l, `${this.modelName}.fit`);
  }

  /** The settled outputs y = (I − L)⁻¹ x, samples × features. */
  transform(x: Matrix): Matrix {
    const l = this.lateral;
    checkSamples('AntiHebbian.transform', this.backend, x, l.cols);
    const out = Matrix.zeros(x.rows, l.rows);
    this.backend.gemm(false, true, 1, x, this.m!, 0, out);
    return out;
  }

  /** lateral (features × features), samples_seen, horizon. */
  stateSlots(): TensorSlots {
    return {
      lateral: tensor.matrix({
        get: () => this.lateral,
        set: (l) => (this.l = l),
        check: (l) => (l.rows === l.cols ? undefined : `must be square, got ${l.rows}×${l.cols}`),
      }),
      ...this.counterSlots(),
    };
  }
}

registerModel(AntiHebbian);
