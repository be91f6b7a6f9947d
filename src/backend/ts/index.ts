import type { Backend } from '../types.ts';
import { attentionBackwardTs, attentionTs } from './attention.ts';
import { col2imTs, im2colTs, pool2dTs } from './conv.ts';
import {
  addRowVectorTs,
  axpyTs,
  binaryTs,
  scaleColumnsTs,
  scaleRowsTs,
  scaleTs,
  unaryTs,
} from './elementwise.ts';
import { gemmTs } from './gemm.ts';
import { svcDualEpochTs } from './linear-svc.ts'; // linear SVM read-out
import { adamUpdateTs } from './optim.ts';
import { absMaxTs, addColumnVectorTs, softHebbHardUpdateTs, softHebbOnlineTs } from './softhebb.ts';
import { localMatmulTs, localMatmulTTs, localOuterTs, smEulerStepTs } from './similarity.ts';
import { fillNormalTs, fillUniformTs, randomU32Ts } from './random.ts';
import {
  argmaxRowsTs,
  countNonFiniteTs,
  dotTs,
  normalizeRowsTs,
  normalizeRowsBackwardTs,
  rowNormsTs,
  softHebbSoftStepTs,
  softHebbUpdateTs,
  softmaxRowsBackwardTs,
  softmaxRowsTs,
  sumTs,
} from './reduce.ts';

/** The portable backend: plain typed arrays, no dependencies, runs in a browser. Unchecked. */
export function createTsKernels(): Backend {
  return {
    name: 'ts',
    info: () => ({
      name: 'ts',
      blas: 'portable TypeScript (cache-blocked)',
      threads: 1,
      ompThreads: 1,
    }),
    gemm: gemmTs,
    unary: unaryTs,
    binary: binaryTs,
    axpy: axpyTs,
    scale: scaleTs,
    addRowVector: addRowVectorTs,
    scaleRows: scaleRowsTs,
    scaleColumns: scaleColumnsTs,
    softmaxRows: softmaxRowsTs,
    softmaxRowsBackward: softmaxRowsBackwardTs,
    rowNorms: rowNormsTs,
    normalizeRows: normalizeRowsTs,
    normalizeRowsBackward: normalizeRowsBackwardTs,
    argmaxRows: argmaxRowsTs,
    sum: sumTs,
    dot: dotTs,
    countNonFinite: countNonFiniteTs,
    im2col: im2colTs,
    col2im: col2imTs,
    pool2d: pool2dTs,
    softHebbUpdate: softHebbUpdateTs,
    softHebbOnline: softHebbOnlineTs,
    softHebbHardUpdate: softHebbHardUpdateTs,
    softHebbSoftStep: softHebbSoftStepTs,
    addColumnVector: addColumnVectorTs,
    absMax: absMaxTs,
    randomU32: randomU32Ts,
    fillUniform: fillUniformTs,
    fillNormal: fillNormalTs,
    svcDualEpoch: svcDualEpochTs, // linear SVM read-out
    adamUpdate: adamUpdateTs, // SoftHebb read-outs / optim
    // similarity matching
    localMatmul: localMatmulTs,
    localMatmulT: localMatmulTTs,
    localOuter: localOuterTs,
    smEulerStep: smEulerStepTs,
    attention: attentionTs,
    attentionBackward: attentionBackwardTs,
  };
}
