/**
 * Philox4x32-10 (Salmon et al., SC'11) and the deterministic transforms that turn its words
 * into uniform and normal floats. native/random.cc mirrors this file operation for operation
 * (IEEE double +, −, ×, ÷ and sqrt only, no FMA contraction), so both backends produce the
 * same float32 streams bit for bit — Math.log/Math.cos are not used because their last-ulp
 * results differ between V8 and libm.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO16 = 65536;
const TWO32 = 4294967296;

/** High 32 bits of the 64-bit product a·b (a, b unsigned 32-bit), exact in doubles. */
function mulhi32(a: number, b: number): number {
  const ah = a >>> 16;
  const al = a & 0xffff;
  const bh = b >>> 16;
  const bl = b & 0xffff;
  const mid = ah * bl + al * bh; // < 2^33
  const low = al * bl + (mid % TWO16) * TWO16; // < 2^33
  return (ah * bh + Math.floor(mid / TWO16) + Math.floor(low / TWO32)) >>> 0;
}

/** One Philox4x32-10 block: counter (c0..c3) under key (k0, k1) → out[o..o+3]. */
export function philoxBlock(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  o: number,
): void {
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[o] = c0;
  out[o + 1] = c1;
  out[o + 2] = c2;
  out[o + 3] = c3;
}

/** Words of block `block` (a non-negative integer below 2^53): counter = (block lo, block hi, 0, 0). */
export function philoxAt(block: number, k0: number, k1: number, out: Uint32Array, o: number): void {
  const hi = Math.floor(block / TWO32);
  philoxBlock(block - hi * TWO32, hi, 0, 0, k0, k1, out, o);
}

const LN2 = 0.6931471805599453;
const SQRT_HALF = 0.7071067811865476;
const HALF_PI = 1.5707963267948966;
const POW2: number[] = [1];
for (let i = 1; i <= 34; i++) POW2.push(POW2[i - 1] * 2);
/** 1/k! built by repeated division, in the same order as native/random.cc. */
const INV_FACT: number[] = [1];
for (let k = 1; k <= 21; k++) INV_FACT.push(INV_FACT[k - 1] / k);

/** ln((2w+1)/2^33) for a 32-bit word w: the log of a uniform in (0, 1) that is never 0. */
export function logUniformWord(w: number): number {
  const v = 2 * w + 1;
  let e = w >= 0x80000000 ? 33 : 32 - Math.clz32(v);
  let m = v / POW2[e]; // [0.5, 1)
  if (m < SQRT_HALF) {
    m = m * 2;
    e = e - 1;
  }
  // ln m = 2·atanh(s), s = (m−1)/(m+1), |s| ≤ 0.172: 12 odd terms reach double precision.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let poly = 1 / 23;
  for (let k = 10; k >= 0; k--) poly = 1 / (2 * k + 1) + s2 * poly;
  return 2 * s * poly + (e - 33) * LN2;
}

/** Taylor series on |x| ≤ π/4 (11 terms: error below 1e-20). */
function sinSmall(x: number): number {
  const x2 = x * x;
  let p = INV_FACT[21];
  for (let j = 9; j >= 0; j--)
    p = (j % 2 === 0 ? INV_FACT[2 * j + 1] : -INV_FACT[2 * j + 1]) + x2 * p;
  return x * p;
}

function cosSmall(x: number): number {
  const x2 = x * x;
  let p = INV_FACT[20];
  for (let j = 9; j >= 0; j--) p = (j % 2 === 0 ? INV_FACT[2 * j] : -INV_FACT[2 * j]) + x2 * p;
  return p;
}

/**
 * cos and sin of 2π·w/2^32 for a 32-bit word w, into out[0], out[1]. The top two bits pick
 * the quadrant, the rest is an exact fraction f of a quarter turn; f > 1/2 uses the complement
 * so the series argument stays within π/4.
 */
export function cosSinWord(w: number, out: Float64Array): void {
  const q = w >>> 30;
  const f = (w & 0x3fffffff) / POW2[30];
  let c: number;
  let s: number;
  if (f <= 0.5) {
    const x = f * HALF_PI;
    c = cosSmall(x);
    s = sinSmall(x);
  } else {
    const x = (1 - f) * HALF_PI;
    c = sinSmall(x);
    s = cosSmall(x);
  }
  if (q === 0) {
    out[0] = c;
    out[1] = s;
  } else if (q === 1) {
    out[0] = -s;
    out[1] = c;
  } else if (q === 2) {
    out[0] = -c;
    out[1] = -s;
  } else {
    out[0] = s;
    out[1] = -c;
  }
}

/** Uniform float in [0, 1) from the top 24 bits of a word (exactly representable in float32). */
export function unitFloatWord(w: number): number {
  return (w >>> 8) / POW2[24];
}
