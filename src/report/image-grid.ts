// Image grids: one tile per unit, its weights (or an image) reshaped to pixels. PNG, no text:
// titles go on the SVG that embeds it (report/render.ts saveImageGrid).
import type { Matrix } from '../backend/matrix.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { colorFor, diverging, type RGB } from './colormap.ts';
import { Raster } from './raster.ts';

/** Where a weight is NaN/Infinity: in no grey image and no colour map, so it stands out. */
const NAN_PIXEL: RGB = [255, 0, 255];

/** The layout of a grid of weight images: each unit's row of weights as one tile. */
export interface ReceptiveFieldOptions {
  /** Tile height in pixels (before scaling). */
  height: number;
  /** Tile width in pixels (before scaling). */
  width: number;
  /** 1 (grey) or 3 (RGB); each row of weights is height × width × channels (HWC). Default 1. */
  channels?: number;
  /** Tiles per row. Default ⌈√n⌉ (a square-ish grid). */
  columns?: number;
  /** Draw only the first maxTiles units. Default all. */
  maxTiles?: number;
  /** Integer enlargement. Default: tiles ≥ 28 px, larger (≤ 112 px) until the grid is ~480 px. */
  scale?: number;
  /** Border in pixels between and around tiles. Default 2. */
  padding?: number;
  /** Symmetric around 0: grey tiles use the blue–white–red map at ±max|w|, RGB tiles mid-grey. */
  signed?: boolean;
  /** Border colour. Default blue-grey (dark grey when signed), a colour no tile contains. */
  border?: RGB;
  /**
   * Which pixels belong to each unit's field (same shape as weights, non-zero = present):
   * absent pixels (outside a local window, past the image edge) take the border colour
   * instead of looking like a weight of 0.
   */
  present?: Matrix;
  /**
   * One colour range for all tiles: ± the 99.5th percentile of |w| (signed) or the overall
   * min … max, instead of each tile's own — so tiles compare (a small-weight tile stays pale).
   */
  sharedRange?: boolean;
}

/**
 * One tile per unit, its weight row reshaped to an image. Contrast is per tile (min → black,
 * max → white), because units differ in scale and a shared range would leave most tiles flat;
 * RGB tiles stretch min..max over all channels so their hue survives. NaN weights show magenta.
 * Tile k's top-left pixel is (pad + (k mod columns)·(width·scale + pad), pad + ⌊k/columns⌋·(…)).
 */
export function receptiveFieldGrid(weights: Matrix, opts: ReceptiveFieldOptions): Raster {
  const { height: h, width: w, channels: ch = 1, signed = false, padding: pad = 2 } = opts;
  positiveInts('receptiveFieldGrid', { height: h, width: w, maxTiles: opts.maxTiles ?? 1 });
  if (ch !== 1 && ch !== 3) {
    throw new ValueError(`receptiveFieldGrid: channels must be 1 or 3, got ${ch}`);
  }
  if (weights.cols !== h * w * ch) {
    throw new ShapeError(
      `receptiveFieldGrid: weights have ${weights.cols} columns but height×width×channels = ` +
        `${h}×${w}×${ch} = ${h * w * ch}; pass the image shape the layer was trained on`,
    );
  }
  const n = Math.min(weights.rows, opts.maxTiles ?? Infinity);
  if (n < 1)
    throw new ShapeError('receptiveFieldGrid: weights have 0 rows; there is nothing to draw');
  if (!weights.data.some(Number.isFinite)) {
    throw new ValueError(
      'receptiveFieldGrid: every weight is NaN or Infinity; training diverged (lower the learning rate)',
    );
  }
  const cols = Math.min(n, opts.columns ?? Math.ceil(Math.sqrt(n)));
  const big = Math.min(Math.ceil(480 / (cols * w)), Math.floor(112 / Math.max(h, w)));
  const scale = opts.scale ?? Math.max(Math.ceil(28 / Math.min(h, w)), big);
  positiveInts('receptiveFieldGrid', { columns: cols, scale });
  if (!Number.isInteger(pad) || pad < 0) {
    throw new ValueError(`receptiveFieldGrid: padding must be an integer ≥ 0, got ${pad}`);
  }
  const present = opts.present;
  if (present && (present.rows !== weights.rows || present.cols !== weights.cols))
    throw new ShapeError(
      `receptiveFieldGrid: present is ${present.rows}×${present.cols} but weights are ${weights.rows}×${weights.cols}; give one flag per weight`,
    );
  const range = opts.sharedRange ? sharedRange(weights, n, signed) : undefined;
  const [tw, th] = [w * scale, h * scale];
  const border = opts.border ?? (signed ? [64, 64, 64] : [70, 90, 130]);
  const out = new Raster(cols * (tw + pad) + pad, Math.ceil(n / cols) * (th + pad) + pad, border);
  for (let u = 0; u < n; u++) {
    const x0 = pad + (u % cols) * (tw + pad);
    const y0 = pad + Math.floor(u / cols) * (th + pad);
    const have = present?.row(u);
    tilePixels(weights.row(u), ch, signed, range).forEach((c, p) => {
      const here = !have || have.subarray(p * ch, (p + 1) * ch).some((v) => v !== 0);
      if (here) out.rect(x0 + (p % w) * scale, y0 + Math.floor(p / w) * scale, scale, scale, c);
    });
  }
  return out;
}

/** The range shared by the first n tiles: [lo, hi]; signed: ± the 99.5th percentile of |w|. */
function sharedRange(weights: Matrix, n: number, signed: boolean): [number, number] {
  const v = weights.data.subarray(0, n * weights.cols).filter(Number.isFinite);
  if (!signed) return [v.reduce((a, b) => Math.min(a, b)), v.reduce((a, b) => Math.max(a, b))];
  const a = Float32Array.from(v, Math.abs).sort();
  const m = a[Math.min(a.length - 1, Math.floor(0.995 * a.length))];
  return [-m, m];
}

/** The colour of each pixel of one unit's tile, using the given range or the tile's own. */
function tilePixels(v: Float32Array, ch: number, signed: boolean, range?: [number, number]): RGB[] {
  let [lo, hi] = [Infinity, -Infinity];
  if (range) [lo, hi] = range;
  else for (const x of v) if (Number.isFinite(x)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  const m = Math.max(-lo, hi); // max |w|
  const byte = (t: number) => Math.max(0, Math.min(255, Math.round(t))); // a shared range clips
  const level = signed
    ? (x: number) => (m > 0 ? byte(127.5 + (127.5 * x) / m) : 128)
    : (x: number) => (hi > lo ? byte((255 * (x - lo)) / (hi - lo)) : 128);
  const out: RGB[] = [];
  for (let p = 0; p < v.length; p += ch) {
    const c = v.subarray(p, p + ch);
    if (!c.every(Number.isFinite)) out.push(NAN_PIXEL);
    else if (ch === 3) out.push([level(c[0]), level(c[1]), level(c[2])]);
    else if (signed) out.push(colorFor(c[0], -m, m, diverging));
    else out.push([level(c[0]), level(c[0]), level(c[0])]);
  }
  return out;
}

function positiveInts(fn: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new ValueError(`${fn}: ${name} must be a positive integer, got ${v}`);
    }
  }
}
