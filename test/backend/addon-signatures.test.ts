// The compiled kernels and the kernel table (src/backend/kernels/table.ts) declare each
// kernel's parameters separately (native/*.cc registers each kernel with HEBB_KERNEL and its
// C++ parameter types; the table flattens its kinds): drift between the two must fail here, and
// loading a drifted build must say so. The addon calls below all fail their argument checks, so
// no kernel runs. Skipped where the addon is not built.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Addon } from '../../src/backend/addon/addon.ts';
import { createAddonKernels, signatureDrift } from '../../src/backend/addon/kernels.ts';
import {
  DESCRIPTORS,
  expectedSignatures,
  KERNEL_NAMES,
} from '../../src/backend/kernels/describe.ts';
import { loadAddon } from '../../src/backend/native/index.ts';
import { HebbError } from '../../src/errors.ts';

const res = loadAddon();
const addon =
  'addon' in res ? (res.addon as unknown as Record<string, (...a: unknown[]) => unknown>) : null;

/** A value of the declared type, and one of another type. */
function sample(type: string): { good: unknown; bad: unknown } {
  switch (type) {
    case 'number':
      return { good: 0, bad: '0' };
    case 'boolean':
      return { good: false, bad: 0 };
    case 'Float32Array':
      return { good: new Float32Array(0), bad: new Float64Array(0) };
    case 'Float32Array|null':
      return { good: null, bad: undefined };
    case 'Int32Array':
      return { good: new Int32Array(0), bad: new Uint32Array(0) };
    case 'Uint32Array':
      return { good: new Uint32Array(0), bad: new Int32Array(0) };
    case 'Float64Array':
      return { good: new Float64Array(0), bad: new Float32Array(0) };
    case 'SvcProblem[]':
      return { good: [], bad: {} };
    default:
      throw new Error(`no sample for type ${type}; add one`);
  }
}

const goodArgs = (types: readonly string[]) => types.map((t) => sample(t).good);

function throwsTypeError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

describe('the kernel table against a module', () => {
  const fake = (signatures: object) =>
    ({ signatures: () => JSON.stringify(signatures), info: () => ({}) }) as unknown as Addon;

  it('finds no drift when the module registers what the table declares', () => {
    assert.deepEqual(signatureDrift(fake(expectedSignatures())), []);
  });

  it('says so for an addon built before the table (signatures() returned an object)', () => {
    const old = { signatures: () => ({ dot: ['a:Float32Array', 'b:Float32Array'] }) };
    assert.deepEqual(signatureDrift(old as unknown as Addon), [
      'it was built before the kernel table',
    ]);
  });

  it('names a missing, an extra and a changed kernel, and refuses to wrap the module', () => {
    const { rowNorms, ...rest } = expectedSignatures();
    const drifted = {
      ...rest,
      dot: { params: ['Float32Array', 'number', 'number'], returns: 'number' },
      rowSums: rowNorms,
    };
    const drift = signatureDrift(fake(drifted));
    assert.equal(drift.length, 3, drift.join('\n'));
    assert.match(drift.join('\n'), /lacks rowNorms/);
    assert.match(drift.join('\n'), /its dot takes \(Float32Array, number, number\) → number but/);
    assert.match(drift.join('\n'), /registers rowSums, which the table does not declare/);
    assert.throws(
      () => createAddonKernels(fake(drifted), 'wasm'),
      (e: unknown) =>
        e instanceof HebbError && /differ from .*table\.ts.*npm run build:wasm/.test(e.message),
    );
  });
});

describe(
  'native addon signatures',
  { skip: addon === null && `${(res as { reason: string }).reason}` },
  () => {
    it('the addon registers the kernels of the table with the parameters it declares', () => {
      assert.deepEqual(JSON.parse(addon!.signatures() as string), expectedSignatures());
    });

    it('an argument of the wrong type is a TypeError naming the function and its position', () => {
      for (const fn of KERNEL_NAMES) {
        const types = DESCRIPTORS[fn].flat;
        types.forEach((type, i) => {
          const args = goodArgs(types);
          args[i] = sample(type).bad;
          throwsTypeError(
            () => addon![fn](...args),
            new RegExp(
              `^hebb_native\\.${fn}: argument ${i} must be .*, got .*npm run build:native`,
            ),
          );
        });
      }
    });

    it('too many or too few arguments are a TypeError', () => {
      for (const fn of KERNEL_NAMES) {
        const types = DESCRIPTORS[fn].flat;
        const n = types.length;
        throwsTypeError(
          () => addon![fn](...goodArgs(types), 0),
          new RegExp(`^hebb_native\\.${fn}: takes ${n} arguments, got ${n + 1}`),
        );
        throwsTypeError(
          () => addon![fn](...goodArgs(types).slice(0, -1)),
          new RegExp(`argument ${n - 1} .* got nothing \\(the call passed ${n - 1} arguments\\)`),
        );
      }
    });

    it('the fields of each SvcProblem are checked too', () => {
      const args = goodArgs(DESCRIPTORS.svcDualEpoch.flat);
      const problem = {
        y: new Int8Array(0),
        alpha: new Float64Array(0),
        w: new Float64Array(1),
        active: new Uint8Array(0),
        diagPos: 1,
        diagNeg: 1,
        state: new Float64Array(3),
      };
      const last = args.length - 1;
      const call = (problems: unknown[]) => addon!.svcDualEpoch(...args.slice(0, -1), problems);
      throwsTypeError(
        () => call([problem, null]),
        new RegExp(`argument ${last}\\[1\\] must be an object, got null`),
      );
      throwsTypeError(
        () => call([{ ...problem, alpha: new Float32Array(0) }]),
        new RegExp(`argument ${last}\\[0\\]\\.alpha must be a Float64Array, got a Float32Array`),
      );
      throwsTypeError(
        () => call([{ ...problem, diagNeg: '1' }]),
        new RegExp(`argument ${last}\\[0\\]\\.diagNeg must be a number, got a string`),
      );
    });
  },
);
