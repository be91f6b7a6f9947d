// The kernel table (src/backend/kernels/table.ts) as data: every declaration yields one kind per
// argument and flat parameters of the addon's types, the generated callers and the loop they
// fall back to give a kernel the same parameters, and the write table marks only arrays.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caller, interpreted } from '../../src/backend/kernels/callers.ts';
import {
  DESCRIPTORS,
  KERNEL_NAMES,
  writtenParameters,
} from '../../src/backend/kernels/describe.ts';
import { compile } from '../../src/backend/kernels/flatten.ts';
import type { Kind } from '../../src/backend/kernels/kinds.ts';
import { Matrix } from '../../src/backend/matrix.ts';

/** A value of kind k (`variant` picks among the forms a kind accepts: null, a vector rate …). */
function sample(k: Kind, variant: number): unknown {
  switch (k.shape) {
    case 'number':
      return variant === 1 && k.optional ? undefined : 0.25 + variant;
    case 'boolean':
      return variant % 2 === 0;
    case 'array': {
      const nullable = k.flat[0] === 'Float32Array|null';
      if (nullable && variant === 1) return k.optional ? undefined : null;
      const C = { Float32Array, Int32Array, Uint32Array, Float64Array }[
        k.flat[0].replace('|null', '') as 'Float32Array'
      ];
      return new C(3);
    }
    case 'matrix':
      if (k.flat[0] === 'Float32Array|null' && variant === 1) return k.optional ? undefined : null;
      return new Matrix(2, 3);
    case 'choice':
      return [...k.index!.keys()][variant % k.index!.size];
    case 'rate':
      return variant === 1 ? new Float32Array(2) : 0.5;
    case 'rngKey':
      return [1, 2];
    case 'localMap':
      return {
        sites: 1,
        unitsPerSite: 2,
        inputs: 3,
        offsets: new Int32Array(2),
        indices: new Int32Array(3),
      };
    case 'conv':
      return { inH: 5, inW: 4, channels: 2, kernelH: 3, kernelW: 2, stride: 1, pad: 1 };
    case 'adamStep':
      return {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        decoupled: false,
        step: 2,
      };
    case 'svcProblems':
      return [];
    case 'options':
      return Object.fromEntries(
        Object.entries(k.fields!).map(([name, f]) => [name, sample(f, variant)]),
      );
  }
}

describe('the kernel table', () => {
  it('describes every kernel with its flat parameters', () => {
    assert.ok(KERNEL_NAMES.length > 30);
    for (const k of KERNEL_NAMES) {
      const d = DESCRIPTORS[k];
      assert.ok(d.args.length > 0, `${k} has arguments`);
      assert.equal(d.flat.length, d.access.length, k);
      assert.equal(
        d.flat.length,
        d.args.reduce((n, a) => n + a.flat.length, 0),
        `${k}: one flat parameter per flattened kind`,
      );
    }
    assert.deepEqual(
      DESCRIPTORS.gemm.readUnlessZero.filter((i) => i >= 0),
      [9],
      "C's beta",
    );
  });

  it('marks only typed arrays (and the SVM problems) as written', () => {
    for (const k of KERNEL_NAMES) {
      for (const i of writtenParameters(k)) {
        assert.match(DESCRIPTORS[k].flat[i], /Array|SvcProblem/, `${k} writes parameter ${i}`);
      }
    }
    assert.deepEqual(writtenParameters('rowNorms'), [3]);
  });

  it('gives a kernel the same parameters through generated code as through the loop', () => {
    for (const k of KERNEL_NAMES) {
      const d = DESCRIPTORS[k];
      const plan = compile(d.args);
      for (let variant = 0; variant < 2; variant++) {
        const args = d.args.map((a) => sample(a, variant));
        const seen: unknown[][] = [];
        const record = (...flat: unknown[]) => seen.push(flat);
        caller(plan, d.flat.length, record)(...args);
        interpreted(plan, d.flat.length, record)(...args);
        assert.equal(seen[0].length, d.flat.length, `${k}: the generated caller's parameters`);
        assert.deepEqual(seen[0], seen[1], `${k} (variant ${variant})`);
      }
    }
  });
});
