// The native addon and its TypeScript caller declare each function's parameters separately
// (native/addon.cc reads them by name and type; src/backend/addon/signatures.ts lists them for
// the compiler): drift between the two must fail here. Every call below fails its argument
// checks, so no kernel runs. Skipped when the addon is not built.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADDON_SIGNATURES } from '../../src/backend/addon/signatures.ts';
import { loadAddon } from '../../src/backend/native/index.ts';

const res = loadAddon();
const addon =
  'addon' in res ? (res.addon as unknown as Record<string, (...a: unknown[]) => unknown>) : null;
const table = ADDON_SIGNATURES as Record<string, readonly string[]>;

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

const parse = (p: string) => ({
  name: p.slice(0, p.indexOf(':')),
  type: p.slice(p.indexOf(':') + 1),
});
const goodArgs = (params: readonly string[]) => params.map((p) => sample(parse(p).type).good);

function throwsTypeError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

describe(
  'native addon signatures',
  { skip: addon === null && `${(res as { reason: string }).reason}` },
  () => {
    it('the addon reads the parameters that src/backend/addon/signatures.ts declares', () => {
      assert.deepEqual(addon!.signatures(), table);
    });

    it('an argument of the wrong type is a TypeError naming the function, position and name', () => {
      for (const [fn, params] of Object.entries(table)) {
        params.forEach((p, i) => {
          const { name, type } = parse(p);
          const args = goodArgs(params);
          args[i] = sample(type).bad;
          throwsTypeError(
            () => addon![fn](...args),
            new RegExp(
              `^hebb_native\\.${fn}: argument ${i} '${name}' must be .*, got .*npm run build:native`,
            ),
          );
        });
      }
    });

    it('too many or too few arguments are a TypeError', () => {
      for (const [fn, params] of Object.entries(table)) {
        const n = params.length;
        throwsTypeError(
          () => addon![fn](...goodArgs(params), 0),
          new RegExp(`^hebb_native\\.${fn}: takes ${n} arguments, got ${n + 1}`),
        );
        if (n > 0) {
          throwsTypeError(
            () => addon![fn](...goodArgs(params).slice(0, -1)),
            new RegExp(`argument ${n - 1} .* got nothing \\(the call passed ${n - 1} arguments\\)`),
          );
        }
      }
    });

    it('the fields of each SvcProblem are checked too', () => {
      const args = goodArgs(table.svcDualEpoch);
      const problem = {
        y: new Int8Array(0),
        alpha: new Float64Array(0),
        w: new Float64Array(1),
        active: new Uint8Array(0),
        diagPos: 1,
        diagNeg: 1,
        state: new Float64Array(3),
      };
      const call = (problems: unknown[]) => addon!.svcDualEpoch(...args.slice(0, -1), problems);
      throwsTypeError(
        () => call([problem, null]),
        /argument 6 'problems'\[1\] must be an object, got null/,
      );
      throwsTypeError(
        () => call([{ ...problem, alpha: new Float32Array(0) }]),
        /'problems'\[0\]\.alpha must be a Float64Array, got a Float32Array/,
      );
      throwsTypeError(
        () => call([{ ...problem, diagNeg: '1' }]),
        /'problems'\[0\]\.diagNeg must be a number, got a string/,
      );
    });
  },
);
