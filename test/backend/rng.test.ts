import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, Rng } from '../../src/backend/index.ts';
import { philoxBlock } from '../../src/backend/philox.ts';
import { backendsUnderTest } from '../helpers/backends.ts';

// Known-answer vectors of Philox4x32-10 from Random123's tests/kat_vectors: counter, key → output.
const KAT: [number[], number[], number[]][] = [
  [
    [0, 0, 0, 0],
    [0, 0],
    [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
  ],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  ],
  [
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  ],
];

describe('Philox4x32-10', () => {
  for (const [ctr, key, want] of KAT) {
    it(`known answer for counter ${ctr[0].toString(16)}…`, () => {
      const out = new Uint32Array(4);
      philoxBlock(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out, 0);
      assert.deepEqual(Array.from(out), want);
    });
  }
});

for (const be of backendsUnderTest()) {
  describe(`random streams on ${be.name}`, () => {
    it('randomU32 is the Philox stream: block counter+⌊i/4⌋, word i mod 4', () => {
      const out = new Uint32Array(10);
      be.randomU32(out, [0, 0], 0);
      assert.deepEqual(Array.from(out.subarray(0, 4)), KAT[0][2]);
      const block = new Uint32Array(4);
      philoxBlock(2, 0, 0, 0, 7, 9, block, 0);
      const from2 = new Uint32Array(4);
      be.randomU32(from2, [7, 9], 2);
      assert.deepEqual(Array.from(from2), Array.from(block));
      // counters above 2^32 carry into the second counter word
      philoxBlock(5, 1, 0, 0, 7, 9, block, 0);
      be.randomU32(from2, [7, 9], 2 ** 32 + 5);
      assert.deepEqual(Array.from(from2), Array.from(block));
    });

    it('uniform: range, mean and variance of 200k draws', () => {
      const u = new Rng(1, be).uniform(200_000, -1, 3);
      let s = 0;
      let s2 = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of u) {
        s += v;
        s2 += v * v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const mean = s / u.length;
      const variance = s2 / u.length - mean * mean;
      assert.ok(lo >= -1 && hi < 3, `range [${lo}, ${hi}]`);
      // standard error of the mean is 4/√12/√n ≈ 0.0026; allow 5 of them
      assert.ok(Math.abs(mean - 1) < 0.013, `mean ${mean}`);
      assert.ok(Math.abs(variance - 16 / 12) < 0.02, `variance ${variance}`);
    });

    it('normal: mean, variance, tail mass and symmetry of 400k draws', () => {
      const z = new Rng(2, be).normal(400_000, 0.5, 2);
      let s = 0;
      let s2 = 0;
      let beyond2 = 0;
      for (const v of z) {
        s += v;
        s2 += v * v;
        if (Math.abs(v - 0.5) > 4) beyond2++;
      }
      const mean = s / z.length;
      const sd = Math.sqrt(s2 / z.length - mean * mean);
      assert.ok(Math.abs(mean - 0.5) < 0.016, `mean ${mean}`); // 5 standard errors
      assert.ok(Math.abs(sd - 2) < 0.012, `sd ${sd}`);
      // P(|Z| > 2) = 0.0455
      assert.ok(Math.abs(beyond2 / z.length - 0.0455) < 0.0017, `tail ${beyond2 / z.length}`);
    });

    it('permutation is a permutation, reproducible by seed', () => {
      const p = new Rng(3, be).permutation(1000);
      assert.deepEqual(
        Array.from(p).sort((a, b) => a - b),
        Array.from({ length: 1000 }, (_, i) => i),
      );
      assert.deepEqual(Array.from(new Rng(3, be).permutation(1000)), Array.from(p));
      assert.notDeepEqual(Array.from(new Rng(4, be).permutation(1000)), Array.from(p));
    });

    it('consecutive draws continue the stream; forks are independent', () => {
      const r = new Rng(5, be);
      const a = r.uniform(6);
      const b = r.uniform(3);
      const all = new Rng(5, be).uniform(12);
      // 6 values use 2 blocks (8 words), so the second draw starts at word 8.
      assert.deepEqual(Array.from(a), Array.from(all.subarray(0, 6)));
      assert.deepEqual(Array.from(b), Array.from(all.subarray(8, 11)));
      const f1 = new Rng(5, be).fork(1).uniform(4);
      const f2 = new Rng(5, be).fork(2).uniform(4);
      assert.notDeepEqual(Array.from(f1), Array.from(f2));
      assert.notDeepEqual(Array.from(f1), Array.from(all.subarray(0, 4)));
    });
  });
}

describe('random streams agree across backends', () => {
  const bes = backendsUnderTest();
  const ts = getBackend('ts');
  for (const be of bes.filter((b) => b.name !== 'ts')) {
    it(`${be.name} and ts give identical uniform, normal, u32 and permutation streams`, () => {
      for (const seed of [0, 1, 123456789, 2 ** 40 + 3]) {
        const a = new Rng(seed, be);
        const b = new Rng(seed, ts);
        assert.deepEqual(a.u32(1001), b.u32(1001));
        assert.deepEqual(a.uniform(100_003, -2, 5), b.uniform(100_003, -2, 5));
        // Every normal bit-identical, including the far tails.
        assert.deepEqual(a.normal(300_001, 1, 3), b.normal(300_001, 1, 3));
        assert.deepEqual(a.permutation(777), b.permutation(777));
      }
    });
  }
});
