// Checks of the attention kernels (the transformer of src/emergence): shapes of the token
// matrices and the probabilities, heads dividing the width, tokens dividing the rows.
import { ShapeError, ValueError } from '../../errors.ts';
import type { Matrix } from '../matrix.ts';
import type { CheckGroup } from './types.ts';
import { dims, distinct, matrix, sameShape, scalar, type Ctx } from './validators.ts';

/** q, k, v (and the other token matrices) share one shape; heads and tokens fit it. */
function geometry(
  c: Ctx,
  tokensIn: [string, Matrix][],
  heads: number,
  tokens: number,
  scale: number,
  probs: Matrix,
): void {
  for (const [n, m] of tokensIn) matrix(c, n, m);
  matrix(c, 'probs', probs);
  const [qn, q] = tokensIn[0];
  for (const [n, m] of tokensIn.slice(1)) sameShape(c, qn, q, n, m);
  for (const [n, x] of [
    ['heads', heads],
    ['tokens', tokens],
  ] as const) {
    if (!Number.isInteger(x) || x < 1)
      throw new ValueError(`${c.k}: ${n} must be a positive integer, got ${String(x)}`);
  }
  if (q.cols % heads !== 0)
    throw new ShapeError(
      `${c.k}: ${heads} heads do not divide the width ${q.cols} of q; choose heads dividing it`,
    );
  if (q.rows % tokens !== 0)
    throw new ShapeError(
      `${c.k}: q has ${q.rows} rows, not a whole number of ${tokens}-token sequences; ` +
        'pass batch·tokens rows',
    );
  scalar(c, 'scale', scale);
  const need = (q.rows / tokens) * heads * tokens;
  if (probs.rows !== need || probs.cols !== tokens)
    throw new ShapeError(
      `${c.k}: probs is ${dims(probs)} but ${q.rows / tokens} sequences × ${heads} heads × ` +
        `${tokens} tokens need ${need}×${tokens}`,
    );
}

export const attentionChecks = {
  attention(c, q, k, v, heads, tokens, scale, probs, out) {
    geometry(
      c,
      [
        ['q', q],
        ['k', k],
        ['v', v],
        ['out', out],
      ],
      heads,
      tokens,
      scale,
      probs,
    );
    for (const [n, m] of [
      ['q', q],
      ['k', k],
      ['v', v],
    ] as const) {
      distinct(c, 'out', out, n, m);
      distinct(c, 'probs', probs, n, m);
    }
    distinct(c, 'out', out, 'probs', probs);
  },
  attentionBackward(c, q, k, v, probs, dOut, heads, tokens, scale, dq, dk, dv) {
    const all: [string, Matrix][] = [
      ['q', q],
      ['k', k],
      ['v', v],
      ['dOut', dOut],
      ['dq', dq],
      ['dk', dk],
      ['dv', dv],
    ];
    geometry(c, all, heads, tokens, scale, probs);
    for (const [on, o] of all.slice(4)) {
      for (const [n, m] of all.slice(0, 4)) distinct(c, on, o, n, m);
      distinct(c, on, o, 'probs', probs);
    }
    distinct(c, 'dq', dq, 'dk', dk);
    distinct(c, 'dq', dq, 'dv', dv);
    distinct(c, 'dk', dk, 'dv', dv);
  },
} satisfies CheckGroup;
