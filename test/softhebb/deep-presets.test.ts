// The authors' deep presets as hebb builds them (src/softhebb/deep.ts): every number against
// their presets.json, the sizes against their train.py check_dimension formula, and their
// 'consecutive' training mode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { DEEP_PRESETS, deepStack } from '../../src/softhebb/deep.ts';
import type { SoftHebbConv2d } from '../../src/softhebb/index.ts';
import { assertClose } from '../helpers/backends.ts';
import { randMatrix } from '../helpers/reference.ts';

const backend = getBackend();

describe('deep SoftHebb presets', () => {
  it('journe-cifar-4 is their 4SoftHebbCnnCIFAR: blocks, rule and sizes (32² → 4·4·1536, 28² → 3·3·1536)', () => {
    const net = deepStack(DEEP_PRESETS['journe-cifar-4'], [32, 32, 3], { backend });
    assert.deepEqual(
      net.layers.map((l) => l.modelName),
      Array(3).fill(['Standardize', 'SoftHebbConv2d', 'Pool2d']).flat(),
    );
    const convs = net.layers.filter((l) => l.modelName === 'SoftHebbConv2d') as SoftHebbConv2d[];
    // presets.json: softkrotov-c96-k5-p2-…-t1-lr0.08-lp0.5, c384-k3-p1-t0.65-lr0.005, c1536-k3-p1-t0.25-lr0.01
    assert.deepEqual(
      convs.map((c) => [
        c.options.units,
        c.options.kernelSize[0],
        c.options.padding,
        c.options.inverseTemperature,
        c.options.lr,
        c.options.activation,
      ]),
      [
        [96, 5, 2, 1, 0.08, 0.7],
        [384, 3, 1, 0.65, 0.005, 1.4],
        [1536, 3, 1, 0.25, 0.01, 1],
      ].map(([u, k, p, t, lr, a]) => [
        u,
        k,
        p,
        t,
        { kind: 'constant', from: lr },
        { name: 'triangle', power: a },
      ]),
    );
    for (const c of convs) {
      assert.equal(c.options.krotov, true);
      assert.equal(c.options.rule, 'normalized');
      assert.equal(c.options.adaptivePower, 0.5);
      assert.equal(c.options.paddingMode, 'reflect');
      assert.equal(c.options.init, 'normal-iid');
      assert.equal(c.options.initRadius, 25);
      assert.equal(c.options.bias, false);
      assert.equal(c.options.batchSize, 10);
    }
    // nn.MaxPool2d / nn.AvgPool2d (count_include_pad) 4/2/1, 4/2/1, avg 2/2/0
    assert.deepEqual(
      net.layers
        .filter((l) => l.modelName === 'Pool2d')
        .map((l) => {
          const o = l.options as { kind: string; size: number; countPadding: boolean };
          return `${o.kind} ${o.size} ${o.countPadding}`;
        }),
      ['max 4 false', 'max 4 false', 'avg 2 true'],
    );
    // check_dimension: conv keeps the side (pad = (k − 1)/2), pool 4/2/1 → ⌊(s + 2 − 4)/2⌋ + 1,
    // avg 2/2/0 → ⌊s/2⌋: 32 → 16 → 8 → 4; 28 → 14 → 7 → 3.
    assert.equal(net.outputSize(32 * 32 * 3), 4 * 4 * 1536);
    const mnist = deepStack(DEEP_PRESETS['journe-cifar-4'], [28, 28, 1], { width: 0.25, backend });
    assert.equal(mnist.outputSize(28 * 28), 3 * 3 * 384);
  });

  it("'simultaneous' (their consecutive mode) trains every block on each batch", () => {
    const net = deepStack(DEEP_PRESETS['journe-cifar-4'], [28, 28, 1], {
      width: 0.125,
      blocks: 2,
      training: 'simultaneous',
      backend,
    });
    const x = randMatrix(30, 28 * 28, 3, 0, 1);
    net.fit(x);
    const convs = net.layers.filter((l) => l.modelName === 'SoftHebbConv2d') as SoftHebbConv2d[];
    // each conv saw all 30 images, in one pass
    assert.deepEqual(
      convs.map((c) => c.samplesSeen),
      [30, 30],
    );
    assert.equal(net.transform(x).cols, 7 * 7 * 48);
  });
});

describe('the other presets, as presets.json spells them', () => {
  // "c{units}-k{kernel}-p{padding}-…-t{t}-lr{lr}", activation "triangle_{P}", pool "{kind}_{size}_{stride}_{padding}"
  const spell = (name: keyof typeof DEEP_PRESETS) =>
    DEEP_PRESETS[name].blocks.map(
      (b) =>
        `c${b.units}-k${b.kernel}-p${b.padding}-t${b.t}-lr${b.lr} triangle_${b.triangle} ${b.pool.kind}_${b.pool.size}_${b.pool.stride}_${b.pool.padding}`,
    );
  it('journe-cifar-2 = 2SoftHebbCnnCIFAR, journe-cifar-3 = 3SoftHebbCnnCIFAR', () => {
    assert.deepEqual(spell('journe-cifar-2'), ['c96-k5-p2-t1-lr0.08 triangle_0.7 avg_4_2_1']);
    assert.deepEqual(spell('journe-cifar-3'), [
      'c96-k5-p2-t1-lr0.08 triangle_0.7 avg_4_2_1',
      'c384-k3-p1-t0.65-lr0.005 triangle_1.4 max_4_2_1',
    ]);
  });
  it('journe-stl-5 = 5SoftHebbCnnSTL (its last block "triangle" = power 1)', () => {
    assert.deepEqual(spell('journe-stl-5'), [
      'c96-k5-p2-t1-lr0.08 triangle_0.7 avg_4_2_1',
      'c384-k3-p1-t0.65-lr0.005 triangle_0.7 max_4_2_1',
      'c1536-k3-p1-t0.45-lr0.01 triangle_1.4 avg_4_2_1',
      'c6144-k3-p1-t0.25-lr0.01 triangle_1 avg_2_2_0',
    ]);
    for (const p of Object.values(DEEP_PRESETS)) assert.equal(p.dropout, 0.5);
  });
});

describe('greedy training with the frozen blocks kept (cacheBelow)', () => {
  it('learns the same kernels as recomputing them per batch (rtol 1e-4 after 2 blocks)', () => {
    const x = randMatrix(60, 28 * 28, 5, 0, 1);
    const fit = (cacheBelow: boolean) => {
      const net = deepStack(DEEP_PRESETS['journe-cifar-4'], [28, 28, 1], {
        width: 0.125,
        blocks: 2,
        cacheBelow,
        backend,
      });
      net.fit(x);
      return net;
    };
    const [kept, recomputed] = [fit(true), fit(false)];
    assert.equal(kept.options.cacheBelow, true);
    for (const i of [1, 4]) {
      const a = (kept.layers[i] as SoftHebbConv2d).weights.data;
      const b = (recomputed.layers[i] as SoftHebbConv2d).weights.data;
      let worst = 0;
      let scale = 0;
      for (const [j, v] of a.entries()) {
        worst = Math.max(worst, Math.abs(v - b[j]));
        scale = Math.max(scale, Math.abs(b[j]));
      }
      assert.ok(worst <= 1e-4 * scale, `layer ${i}: max difference ${worst} of ${scale}`);
    }
    assertClose(kept.transform(x).data, recomputed.transform(x).data, { rtol: 1e-3, atol: 1e-4 });
  });
});
