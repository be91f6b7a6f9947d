// Checks of the similarity-matching kernels (src/similarity): block-sparse locally connected
// products and the fused Euler step.
import { ShapeError, ValueError } from '../../errors.ts';
import { describeType, type Matrix } from '../matrix.ts';
import { UNARY_OPS, type LocalMap } from '../types.ts';
import type { CheckGroup } from './types.ts';
import {
  dims,
  distinct,
  matrix,
  overlaps,
  sameShape,
  scalar,
  vector,
  type Ctx,
} from './validators.ts';

/** A well-formed map, and blocks of the length it needs: native code indexes by them unchecked. */
function localMap(c: Ctx, m: LocalMap, blocks: unknown): void {
  const bad = (what: string) => {
    throw new ValueError(
      `${c.k}: invalid LocalMap: ${what}; build maps with src/similarity/structure.ts`,
    );
  };
  if (m === null || typeof m !== 'object') bad(`got ${describeType(m)}`);
  for (const f of ['sites', 'unitsPerSite', 'inputs'] as const) {
    if (!Number.isInteger(m[f]) || m[f] < 1)
      bad(`${f} must be a positive integer, got ${String(m[f])}`);
  }
  if (!(m.offsets instanceof Int32Array) || m.offsets.length !== m.sites + 1) {
    bad(`offsets must be an Int32Array of length sites + 1 = ${m.sites + 1}`);
  }
  if (
    !(m.indices instanceof Int32Array) ||
    m.indices.length !== m.offsets[m.sites] ||
    m.offsets[0] !== 0
  ) {
    bad('indices must be an Int32Array of length offsets[sites], with offsets[0] = 0');
  }
  for (let s = 0; s < m.sites; s++) {
    if (m.offsets[s + 1] < m.offsets[s]) bad(`offsets decrease at site ${s}`);
  }
  for (let i = 0; i < m.indices.length; i++) {
    if (m.indices[i] < 0 || m.indices[i] >= m.inputs) {
      bad(`indices[${i}] = ${m.indices[i]} is outside 0..${m.inputs - 1}`);
    }
  }
  const need = m.unitsPerSite * m.offsets[m.sites];
  if (!(blocks instanceof Float32Array)) {
    throw new ValueError(`${c.k}: blocks must be a Float32Array, got ${describeType(blocks)}`);
  }
  if (blocks.length !== need) {
    throw new ShapeError(
      `${c.k}: blocks hold ${blocks.length} weights but the map needs unitsPerSite × offsets[sites] = ${need}`,
    );
  }
}

/** a (B × aCols) and b (B × bCols) as the map's input and output sides. */
function localShapes(
  c: Ctx,
  m: LocalMap,
  an: string,
  a: Matrix,
  aCols: number,
  bn: string,
  b: Matrix,
  bCols: number,
): void {
  if (a.cols !== aCols || b.cols !== bCols || a.rows !== b.rows) {
    throw new ShapeError(
      `${c.k}: ${an} is ${dims(a)} and ${bn} is ${dims(b)}, but the map (${m.sites} sites × ` +
        `${m.unitsPerSite} units, ${m.inputs} inputs) needs ${an} B×${aCols} and ${bn} B×${bCols}`,
    );
  }
}

/** M·x (x: B × inputs → out: B × sites·n) or, transposed, Mᵀ·y (the other way round). */
function localProduct(
  c: Ctx,
  transposed: boolean,
  map: LocalMap,
  blocks: Float32Array,
  inName: string,
  input: Matrix,
  alpha: number,
  beta: number,
  out: Matrix,
): void {
  localMap(c, map, blocks);
  matrix(c, inName, input);
  matrix(c, 'out', out);
  const outputs = map.sites * map.unitsPerSite;
  const [inCols, outCols] = transposed ? [outputs, map.inputs] : [map.inputs, outputs];
  localShapes(c, map, inName, input, inCols, 'out', out, outCols);
  scalar(c, 'alpha', alpha);
  scalar(c, 'beta', beta);
  distinct(c, 'out', out, inName, input);
}

export const similarityChecks = {
  localMatmul(c, map, blocks, x, alpha, beta, out) {
    localProduct(c, false, map, blocks, 'x', x, alpha, beta, out);
  },
  localMatmulT(c, map, blocks, y, alpha, beta, out) {
    localProduct(c, true, map, blocks, 'y', y, alpha, beta, out);
  },
  localOuter(c, map, post, pre, alpha, beta, blocks) {
    localMap(c, map, blocks);
    matrix(c, 'post', post);
    matrix(c, 'pre', pre);
    localShapes(c, map, 'pre', pre, map.inputs, 'post', post, map.sites * map.unitsPerSite);
    scalar(c, 'alpha', alpha);
    scalar(c, 'beta', beta);
    if (overlaps(blocks, post.data) || overlaps(blocks, pre.data)) {
      throw new ValueError(`${c.k}: blocks share memory with post or pre; pass separate arrays`);
    }
  },
  smEulerStep(c, u, drive, bias, r, dt, op, p, q, du2, u2) {
    // The matrices first: the bias checks below read u and r.
    matrix(c, 'u', u);
    matrix(c, 'drive', drive);
    matrix(c, 'r', r);
    if (bias !== null) {
      matrix(c, 'bias', bias);
      sameShape(c, 'u', u, 'bias', bias);
      distinct(c, 'u', u, 'bias', bias);
      distinct(c, 'r', r, 'bias', bias);
    }
    sameShape(c, 'u', u, 'drive', drive);
    sameShape(c, 'u', u, 'r', r);
    if (!UNARY_OPS.includes(op)) {
      throw new ValueError(
        `${c.k}: unknown activation op '${String(op)}'; use one of ${UNARY_OPS.join(', ')}`,
      );
    }
    scalar(c, 'dt', dt);
    scalar(c, 'p', p);
    scalar(c, 'q', q);
    vector(c, 'du2', du2, Float32Array, u.rows, 'one value per row of u');
    vector(c, 'u2', u2, Float32Array, u.rows, 'one value per row of u');
    distinct(c, 'u', u, 'drive', drive);
    distinct(c, 'r', r, 'drive', drive);
    distinct(c, 'r', r, 'u', u);
  },
} satisfies CheckGroup;
