// The function that calls one compiled kernel with a call's arguments, flattened by its plan
// (./flatten.ts). It is generated from the plan once, at load: straight-line code reading each
// argument's fields into the kernel call, as cheap as a call written by hand (a loop over the
// plan cost 5–10× more per call on small kernels, which SoftHebb calls thousands of times).
// Where code generation is refused (a page whose Content-Security-Policy forbids it), the loop
// runs instead; both give the kernel the same parameters (test/backend/kernel-table.test.ts).
import { adamScalars } from '../ts/optim.ts';
import { convOutputSize } from '../types.ts';
import { Code, put, type Fields, type Plan } from './flatten.ts';

type Kernel = (...flat: never[]) => unknown;
export type Caller = (...args: unknown[]) => unknown;

/** Source of the flat parameters of value `v` (an identifier) by code c; data as `d[k]`. */
function emit(
  c: Code,
  data: unknown,
  v: string,
  out: { prelude: string[]; params: string[]; data: unknown[] },
): void {
  const p = out.params;
  const d = () => `d[${out.data.push(data) - 1}]`;
  switch (c) {
    case Code.Number:
      p.push(`${v} === undefined ? ${d()} : ${v}`);
      return;
    case Code.AsIs:
      p.push(v);
      return;
    case Code.OrNull:
      p.push(`${v} ?? null`);
      return;
    case Code.Matrix:
      p.push(`${v}.data`, `${v}.rows`, `${v}.cols`);
      return;
    case Code.NullableMatrix:
      p.push(`${v} ? ${v}.data : null`, `${v} ? ${v}.rows : 0`, `${v} ? ${v}.cols : 0`);
      return;
    case Code.Choice:
      p.push(`${d()}.get(${v})`);
      return;
    case Code.Rate:
      p.push(`typeof ${v} === 'number' ? ${v} : 0`, `typeof ${v} === 'number' ? null : ${v}`);
      return;
    case Code.RngKey:
      p.push(`${v}[0]`, `${v}[1]`);
      return;
    case Code.LocalMap:
      for (const f of ['sites', 'unitsPerSite', 'inputs', 'offsets', 'indices'])
        p.push(`${v}.${f}`);
      return;
    case Code.Conv: {
      const o = `${v}_out`;
      out.prelude.push(`const ${o} = h.convOutputSize(${v});`);
      for (const f of ['inH', 'inW', 'channels', 'kernelH', 'kernelW', 'stride', 'pad']) {
        p.push(`${v}.${f}`);
      }
      p.push(`${v}.dilation ?? 1`, `${o}.outH`, `${o}.outW`);
      return;
    }
    case Code.AdamStep: {
      const s = `${v}_s`;
      out.prelude.push(`const ${s} = h.adamScalars(${v});`);
      for (const f of ['beta1', 'beta2', 'c1', 'c2', 'eps', 'l2', 'decay', 'stepSize', 'sqrtBc2']) {
        p.push(`${s}.${f}`);
      }
      return;
    }
    case Code.Options: {
      const { names, plan } = data as Fields;
      names.forEach((name, i) => {
        const f = `${v}_${i}`;
        out.prelude.push(`const ${f} = ${v}[${JSON.stringify(name)}];`);
        emit(plan.codes[i], plan.data[i], f, out);
      });
      return;
    }
  }
}

/** The caller written out for a plan, or null where generating code is not allowed. */
function generated(plan: Plan, kernel: Kernel): Caller | null {
  const out = { prelude: [] as string[], params: [] as string[], data: [] as unknown[] };
  const args = plan.codes.map((_, i) => `a${i}`);
  plan.codes.forEach((c, i) => emit(c, plan.data[i], args[i], out));
  const body = `return function (${args.join(', ')}) {\n${out.prelude.join('\n')}\nreturn k(${out.params.join(', ')});\n};`;
  try {
    return new Function('k', 'd', 'h', body)(kernel, out.data, { adamScalars, convOutputSize });
  } catch {
    return null;
  }
}

/** The same, as a loop over the plan writing into one array that every call reuses. */
export function interpreted(plan: Plan, width: number, kernel: Kernel): Caller {
  const { codes, data } = plan;
  const flat: unknown[] = new Array<unknown>(width).fill(undefined);
  return function () {
    let j = 0;
    // eslint-disable-next-line prefer-rest-params
    for (let i = 0; i < codes.length; i++) j = put(codes[i], data[i], arguments[i], flat, j);
    const result = Reflect.apply(kernel, undefined, flat);
    // Let go of the call's arrays: a large input must not stay alive until the next call.
    flat.fill(undefined);
    return result;
  };
}

/** The caller of `kernel` for a plan with `width` flat parameters. */
export function caller(plan: Plan, width: number, kernel: Kernel): Caller {
  return generated(plan, kernel) ?? interpreted(plan, width, kernel);
}
