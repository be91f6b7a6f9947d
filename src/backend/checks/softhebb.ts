// Checks of the SoftHebb plasticity kernels (src/softhebb/).
import { ShapeError, ValueError } from '../../errors.ts';
import { describeType, type Matrix } from '../matrix.ts';
import type { SoftHebbSoftStepOptions } from '../types.ts';
import type { CheckGroup } from './types.ts';
import {
  dims,
  distinct,
  finite,
  matrix,
  sameShape,
  scalar,
  vector,
  type Ctx,
} from './validators.ts';

/** X (B × n) against W (K × n). */
function inputsOf(c: Ctx, x: Matrix, w: Matrix): void {
  if (x.cols !== w.cols) {
    throw new ShapeError(
      `${c.k}: X is ${dims(x)} but W is ${dims(w)}; X needs one row per sample with ${w.cols} inputs`,
    );
  }
}

/** The options, bias and row scale of the soft steps (softHebbSoftStep, softHebbForwardStep). */
function softStepOptions(
  c: Ctx,
  w: Matrix,
  bias: Float32Array | null,
  opts: SoftHebbSoftStepOptions,
): void {
  prior(c, bias, w.rows);
  optionsObject(c, opts);
  scalar(c, 'inverseTemperature', opts.inverseTemperature);
  scalar(c, 'eta', opts.eta);
  if (typeof opts.exact !== 'boolean')
    throw new ValueError(
      `${c.k}: opts.exact must be true or false, got ${describeType(opts.exact)}`,
    );
  if (opts.scale != null) {
    vector(c, 'scale', opts.scale, Float32Array, w.rows, 'one row scale per unit');
    for (let k = 0; k < opts.scale.length; k++) {
      const s = opts.scale[k];
      if (!(s > 0 && s < Infinity))
        throw new ValueError(`${c.k}: scale[${k}] = ${s}; row scales must be finite and > 0`);
    }
  }
}

/** A B × K matrix (Y, U) for X (B × n) and W (K × n). */
function batchByUnits(c: Ctx, name: string, m: Matrix, x: Matrix, w: Matrix): void {
  if (m.rows !== x.rows || m.cols !== w.rows) {
    throw new ShapeError(
      `${c.k}: ${name} is ${dims(m)} but must be ${x.rows}×${w.rows} (batch × units)`,
    );
  }
}

/** A scalar learning rate, or one per unit. */
function rate(c: Ctx, eta: number | Float32Array, units: number): void {
  if (typeof eta === 'number') scalar(c, 'eta', eta);
  else {
    vector(c, 'eta', eta, Float32Array, units, 'one rate per unit');
    finite(c, 'eta', eta);
  }
}

/** The prior bias: null, or one finite value per unit. */
function prior(c: Ctx, bias: Float32Array | null, units: number): void {
  if (bias === null) return;
  vector(c, 'bias', bias, Float32Array, units, 'one per unit');
  finite(c, 'bias', bias);
}

function optionsObject(c: Ctx, opts: unknown): void {
  if (opts === null || typeof opts !== 'object')
    throw new ValueError(`${c.k}: opts must be an object, got ${describeType(opts)}`);
}

export const softHebbChecks = {
  softHebbUpdate(c, w, x, y, u, eta) {
    matrix(c, 'W', w);
    matrix(c, 'X', x);
    matrix(c, 'Y', y);
    matrix(c, 'U', u);
    inputsOf(c, x, w);
    batchByUnits(c, 'Y', y, x, w);
    sameShape(c, 'Y', y, 'U', u);
    rate(c, eta, w.rows);
    finite(c, 'X', x);
    finite(c, 'Y', y);
    finite(c, 'U', u);
    distinct(c, 'W', w, 'X', x);
  },
  softHebbHardUpdate(c, w, x, winners, u, eta) {
    matrix(c, 'W', w);
    matrix(c, 'X', x);
    matrix(c, 'U', u);
    inputsOf(c, x, w);
    batchByUnits(c, 'U', u, x, w);
    vector(c, 'winners', winners, Int32Array, x.rows, 'one winning unit per sample');
    for (let b = 0; b < winners.length; b++) {
      if (!(winners[b] >= 0 && winners[b] < w.rows)) {
        throw new ValueError(
          `${c.k}: winners[${b}] = ${winners[b]} is not a unit index; units are 0..${w.rows - 1}`,
        );
      }
    }
    rate(c, eta, w.rows);
    finite(c, 'X', x);
    finite(c, 'U', u);
    distinct(c, 'W', w, 'X', x);
  },
  softHebbSoftStep(c, w, x, u, bias, opts, y) {
    matrix(c, 'W', w);
    matrix(c, 'X', x);
    matrix(c, 'U', u);
    matrix(c, 'Y', y);
    inputsOf(c, x, w);
    batchByUnits(c, 'U', u, x, w);
    sameShape(c, 'U', u, 'Y', y);
    softStepOptions(c, w, bias, opts);
    finite(c, 'X', x);
    finite(c, 'U', u);
    distinct(c, 'W', w, 'X', x);
    distinct(c, 'Y', y, 'U', u);
  },
  softHebbForwardStep(c, w, x, bias, opts, y) {
    matrix(c, 'W', w);
    matrix(c, 'X', x);
    inputsOf(c, x, w);
    if (y !== null) {
      matrix(c, 'Y', y);
      batchByUnits(c, 'Y', y, x, w);
    }
    softStepOptions(c, w, bias, opts);
    finite(c, 'X', x);
    distinct(c, 'W', w, 'X', x);
    if (y !== null) distinct(c, 'Y', y, 'X', x);
  },
  softHebbOnline(c, w, x, bias, opts) {
    matrix(c, 'W', w);
    matrix(c, 'X', x);
    inputsOf(c, x, w);
    prior(c, bias, w.rows);
    optionsObject(c, opts);
    if (!opts.hard) scalar(c, 'inverseTemperature', opts.inverseTemperature);
    vector(c, 'eta', opts.eta, Float32Array, x.rows, 'one learning rate per sample');
    finite(c, 'eta', opts.eta);
    if (opts.biasRate !== null) {
      if (bias === null) {
        throw new ValueError(`${c.k}: biasRate is given but bias is null; pass the bias vector`);
      }
      vector(c, 'biasRate', opts.biasRate, Float32Array, x.rows, 'one bias rate per sample');
      finite(c, 'biasRate', opts.biasRate);
      scalar(c, 'biasInverseTemperature', opts.biasInverseTemperature);
    }
    if (opts.preActivations != null) {
      matrix(c, 'preActivations', opts.preActivations);
      batchByUnits(c, 'preActivations', opts.preActivations, x, w);
      distinct(c, 'preActivations', opts.preActivations, 'X', x);
    }
    finite(c, 'X', x);
    finite(c, 'W', w);
    distinct(c, 'W', w, 'X', x);
  },
} satisfies CheckGroup;
