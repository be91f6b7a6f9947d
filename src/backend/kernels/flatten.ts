// One call's arguments as the compiled kernels take them (./describe.ts lists the parameters):
// a Matrix as (data, rows, cols), a choice as its index, a null or omitted array as null, an
// options object field by field. Each kernel's kinds are compiled once into a plan of small
// integer codes; put() writes one argument by its code. ./callers.ts turns a plan into the
// function that calls a kernel.
import type { Matrix } from '../matrix.ts';
import { adamScalars } from '../ts/optim.ts';
import {
  convOutputSize,
  type AdamStepParams,
  type ConvGeometry,
  type LocalMap,
  type RngKey,
} from '../types.ts';
import type { Kind } from './kinds.ts';

export const Code = {
  Number: 0,
  AsIs: 1,
  OrNull: 2,
  Matrix: 3,
  NullableMatrix: 4,
  Choice: 5,
  Rate: 6,
  RngKey: 7,
  LocalMap: 8,
  Conv: 9,
  AdamStep: 10,
  Options: 11,
} as const;
export type Code = (typeof Code)[keyof typeof Code];

/** How to flatten each argument of a kernel: a code, and what that code needs. */
export interface Plan {
  readonly codes: readonly Code[];
  /** A number's default, a choice's index, an options object's fields (names, plan). */
  readonly data: readonly unknown[];
}

/** The data of an options argument: its fields' names and their plan. */
export interface Fields {
  names: string[];
  plan: Plan;
}

function code(k: Kind): [Code, unknown] {
  switch (k.shape) {
    case 'number':
      return [Code.Number, k.fallback];
    case 'boolean':
    case 'svcProblems':
      return [Code.AsIs, undefined];
    case 'array':
      return [k.flat[0] === 'Float32Array|null' ? Code.OrNull : Code.AsIs, undefined];
    case 'matrix':
      return [k.flat[0] === 'Float32Array|null' ? Code.NullableMatrix : Code.Matrix, undefined];
    case 'choice':
      return [Code.Choice, k.index];
    case 'rate':
      return [Code.Rate, undefined];
    case 'rngKey':
      return [Code.RngKey, undefined];
    case 'localMap':
      return [Code.LocalMap, undefined];
    case 'conv':
      return [Code.Conv, undefined];
    case 'adamStep':
      return [Code.AdamStep, undefined];
    case 'options': {
      const names = Object.keys(k.fields!);
      return [Code.Options, { names, plan: compile(names.map((f) => k.fields![f])) }];
    }
  }
}

/** The plan of a kernel's argument kinds. */
export function compile(kinds: readonly Kind[]): Plan {
  const parts = kinds.map(code);
  return { codes: parts.map((p) => p[0]), data: parts.map((p) => p[1]) };
}

/** Writes value v (flattened by code c, with its data d) at flat[j…]; returns the next position. */
export function put(c: Code, d: unknown, v: unknown, flat: unknown[], j: number): number {
  switch (c) {
    case Code.Number:
      flat[j] = v === undefined ? d : v;
      return j + 1;
    case Code.AsIs:
      flat[j] = v;
      return j + 1;
    case Code.OrNull:
      flat[j] = v ?? null;
      return j + 1;
    case Code.Matrix:
    case Code.NullableMatrix: {
      const m = v as Matrix | null | undefined;
      if (m) {
        flat[j] = m.data;
        flat[j + 1] = m.rows;
        flat[j + 2] = m.cols;
      } else {
        flat[j] = null;
        flat[j + 1] = 0;
        flat[j + 2] = 0;
      }
      return j + 3;
    }
    case Code.Choice:
      flat[j] = (d as Map<unknown, number>).get(v);
      return j + 1;
    case Code.Rate:
      if (typeof v === 'number') {
        flat[j] = v;
        flat[j + 1] = null;
      } else {
        flat[j] = 0;
        flat[j + 1] = v;
      }
      return j + 2;
    case Code.RngKey:
      flat[j] = (v as RngKey)[0];
      flat[j + 1] = (v as RngKey)[1];
      return j + 2;
    case Code.LocalMap: {
      const m = v as LocalMap;
      flat[j] = m.sites;
      flat[j + 1] = m.unitsPerSite;
      flat[j + 2] = m.inputs;
      flat[j + 3] = m.offsets;
      flat[j + 4] = m.indices;
      return j + 5;
    }
    case Code.Conv: {
      const g = v as ConvGeometry;
      const { outH, outW } = convOutputSize(g);
      flat[j] = g.inH;
      flat[j + 1] = g.inW;
      flat[j + 2] = g.channels;
      flat[j + 3] = g.kernelH;
      flat[j + 4] = g.kernelW;
      flat[j + 5] = g.stride;
      flat[j + 6] = g.pad;
      flat[j + 7] = g.dilation ?? 1;
      flat[j + 8] = outH;
      flat[j + 9] = outW;
      return j + 10;
    }
    case Code.AdamStep: {
      const s = adamScalars(v as AdamStepParams);
      flat[j] = s.beta1;
      flat[j + 1] = s.beta2;
      flat[j + 2] = s.c1;
      flat[j + 3] = s.c2;
      flat[j + 4] = s.eps;
      flat[j + 5] = s.l2;
      flat[j + 6] = s.decay;
      flat[j + 7] = s.stepSize;
      flat[j + 8] = s.sqrtBc2;
      return j + 9;
    }
    case Code.Options: {
      const { names, plan } = d as Fields;
      const o = v as Record<string, unknown>;
      for (let i = 0; i < names.length; i++) {
        j = put(plan.codes[i], plan.data[i], o[names[i]], flat, j);
      }
      return j;
    }
  }
}
