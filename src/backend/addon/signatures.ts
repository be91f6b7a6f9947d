// The native addon's parameters as data: each function's parameter names and JavaScript
// types, in order. test/backend/addon-signatures.test.ts compares this table with the addon's
// own signatures() (native/addon.cc); the compiler checks the Addon interface (addon.ts)
// against it below.
import type { SvcDualProblem } from '../types.ts';
import type { Addon } from './addon.ts';

/** The JavaScript type of each type name used in ADDON_SIGNATURES. */
interface ArgTypes {
  number: number;
  boolean: boolean;
  Float32Array: Float32Array;
  'Float32Array|null': Float32Array | null;
  Int32Array: Int32Array;
  Uint32Array: Uint32Array;
  Float64Array: Float64Array;
  'SvcProblem[]': readonly SvcDualProblem[];
}
type Param = `${string}:${keyof ArgTypes}`;

const MATRIX = ['a:Float32Array', 'rows:number', 'cols:number'] as const;
const CONV = [
  'batch:number',
  'inH:number',
  'inW:number',
  'channels:number',
  'kernelH:number',
  'kernelW:number',
  'stride:number',
  'pad:number',
  'dilation:number',
  'outH:number',
  'outW:number',
] as const;
/** W (units × inputs) and X (batch × inputs) of the SoftHebb kernels. */
const WX = [
  'w:Float32Array',
  'units:number',
  'inputs:number',
  'x:Float32Array',
  'batch:number',
] as const;
const LOCAL_MAP = [
  'sites:number',
  'unitsPerSite:number',
  'inputs:number',
  'offsets:Int32Array',
  'indices:Int32Array',
] as const;
const STREAM = ['key0:number', 'key1:number', 'counter:number'] as const;

export const ADDON_SIGNATURES = {
  info: [],
  signatures: [],
  setThreads: ['n:number'],
  gemm: [
    'transA:boolean',
    'transB:boolean',
    'm:number',
    'n:number',
    'k:number',
    'alpha:number',
    'a:Float32Array',
    'lda:number',
    'b:Float32Array',
    'ldb:number',
    'beta:number',
    'c:Float32Array',
    'ldc:number',
  ],
  unary: ['op:number', 'x:Float32Array', 'y:Float32Array', 'p:number', 'q:number'],
  binary: ['op:number', 'a:Float32Array', 'b:Float32Array', 'y:Float32Array'],
  axpy: ['alpha:number', 'x:Float32Array', 'y:Float32Array'],
  scale: ['alpha:number', 'x:Float32Array'],
  addRowVector: [...MATRIX, 'v:Float32Array', 'alpha:number'],
  scaleRows: [...MATRIX, 's:Float32Array'],
  scaleColumns: [...MATRIX, 's:Float32Array'],
  softmaxRows: [...MATRIX, 't:number', 'out:Float32Array'],
  softmaxRowsBackward: [
    'h:Float32Array',
    'g:Float32Array',
    'rows:number',
    'cols:number',
    't:number',
    'out:Float32Array',
  ],
  rowNorms: [...MATRIX, 'out:Float32Array'],
  normalizeRows: [...MATRIX, 'out:Float32Array', 'eps:number'],
  normalizeRowsBackward: [...MATRIX, 'g:Float32Array', 'out:Float32Array', 'eps:number'],
  argmaxRows: [...MATRIX, 'out:Int32Array'],
  sum: [...MATRIX, 'axis:number', 'out:Float32Array'],
  dot: ['a:Float32Array', 'b:Float32Array'],
  countNonFinite: ['a:Float32Array'],
  im2col: ['images:Float32Array', ...CONV, 'out:Float32Array'],
  col2im: ['cols:Float32Array', ...CONV, 'out:Float32Array'],
  pool2d: ['images:Float32Array', ...CONV, 'max:boolean', 'out:Float32Array'],
  softHebbUpdate: [
    ...WX,
    'y:Float32Array',
    'u:Float32Array',
    'eta:number',
    'etaVec:Float32Array|null',
  ],
  softHebbOnline: [
    ...WX,
    'bias:Float32Array|null',
    'inverseTemperature:number',
    'hard:boolean',
    'eta:Float32Array',
    'biasRate:Float32Array|null',
    'biasInverseTemperature:number',
    'preActivations:Float32Array|null',
  ],
  softHebbHardUpdate: [
    ...WX,
    'winners:Int32Array',
    'u:Float32Array',
    'eta:number',
    'etaVec:Float32Array|null',
  ],
  softHebbSoftStep: [
    ...WX,
    'u:Float32Array',
    'bias:Float32Array|null',
    'inverseTemperature:number',
    'eta:number',
    'exact:boolean',
    'scale:Float32Array|null',
    'y:Float32Array',
  ],
  addColumnVector: [...MATRIX, 'v:Float32Array', 'alpha:number'],
  absMax: ['a:Float32Array'],
  randomU32: ['out:Uint32Array', ...STREAM],
  fillUniform: ['out:Float32Array', ...STREAM, 'low:number', 'high:number'],
  fillNormal: ['out:Float32Array', ...STREAM, 'mean:number', 'std:number'],
  adamUpdate: [
    'param:Float32Array',
    'grad:Float32Array',
    'm:Float32Array',
    'v:Float32Array',
    'beta1:number',
    'beta2:number',
    'c1:number',
    'c2:number',
    'eps:number',
    'l2:number',
    'decay:number',
    'stepSize:number',
    'sqrtBc2:number',
    'direction:Float32Array|null',
  ],
  svcDualEpoch: [
    'x:Float32Array',
    'rows:number',
    'cols:number',
    'sqNorms:Float64Array',
    'bias:number',
    'order:Int32Array',
    'problems:SvcProblem[]',
  ],
  localMatmul: [
    ...LOCAL_MAP,
    'blocks:Float32Array',
    'x:Float32Array',
    'batch:number',
    'alpha:number',
    'beta:number',
    'out:Float32Array',
  ],
  localMatmulT: [
    ...LOCAL_MAP,
    'blocks:Float32Array',
    'y:Float32Array',
    'batch:number',
    'alpha:number',
    'beta:number',
    'out:Float32Array',
  ],
  localOuter: [
    ...LOCAL_MAP,
    'post:Float32Array',
    'pre:Float32Array',
    'batch:number',
    'alpha:number',
    'beta:number',
    'blocks:Float32Array',
  ],
  smEulerStep: [
    'u:Float32Array',
    'drive:Float32Array',
    'bias:Float32Array|null',
    'r:Float32Array',
    'rows:number',
    'cols:number',
    'dt:number',
    'op:number',
    'p:number',
    'q:number',
    'du2:Float32Array',
    'u2:Float32Array',
  ],
  attention: [
    'q:Float32Array',
    'k:Float32Array',
    'v:Float32Array',
    'rows:number',
    'width:number',
    'heads:number',
    'tokens:number',
    'scale:number',
    'probs:Float32Array',
    'out:Float32Array',
  ],
  attentionBackward: [
    'q:Float32Array',
    'k:Float32Array',
    'v:Float32Array',
    'probs:Float32Array',
    'dOut:Float32Array',
    'rows:number',
    'width:number',
    'heads:number',
    'tokens:number',
    'scale:number',
    'dq:Float32Array',
    'dk:Float32Array',
    'dv:Float32Array',
  ],
} as const satisfies { [K in keyof Addon]: readonly Param[] };

// --- compile-time check: every Addon method's parameter types are those of its table row ---
type ArgType<P> = P extends `${string}:${infer T extends keyof ArgTypes}` ? ArgTypes[T] : never;
type RowTypes<Row> = { -readonly [I in keyof Row]: ArgType<Row[I]> };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Drifted = {
  [K in keyof Addon]: Same<
    Parameters<Addon[K]>,
    RowTypes<(typeof ADDON_SIGNATURES)[K]>
  > extends true
    ? never
    : K;
}[keyof Addon];
// A compile error here names the functions whose Addon parameters differ from their table row.
type NoneDrifted<T extends never> = T;
export type _AddonMatchesSignatures = NoneDrifted<Drifted>;
